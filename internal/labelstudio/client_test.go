package labelstudio_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
)

func newClient(t *testing.T, fake *labelstudiotest.Server, pat bool) *labelstudio.Client {
	t.Helper()
	opts := labelstudio.Options{Endpoint: fake.URL + "/", APIKey: fake.APIKey}
	if pat {
		opts = labelstudio.Options{Endpoint: fake.URL, PersonalAccessToken: fake.PersonalAccessToken}
	}
	c, err := labelstudio.New(opts)
	if err != nil {
		t.Fatal(err)
	}

	return c
}

const cfg = `<View><Text name="t" value="$text"/><Choices name="c" toName="t"><Choice value="A"/><Choice value="B"/></Choices></View>`

func TestClientLegacyToken(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	ctx := context.Background()
	c := newClient(t, fake, false)
	p, err := c.CreateProject(ctx, labelstudio.ProjectInput{Title: ptr("Essays"), LabelConfig: ptr(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.Sampling != "Sequential sampling" || !p.ShowSkipButton || p.Color != "#FFFFFF" {
		t.Errorf("server defaults not returned: %+v", p)
	}

	// An organisation that disabled legacy tokens: the message is passed on.
	fake.LegacyTokensDisabled = true
	_, err = c.GetProject(ctx, p.ID)
	var e *labelstudio.Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusUnauthorized || !strings.Contains(err.Error(), "legacy token authentication has been disabled") {
		t.Errorf("got %v", err)
	}

	bad, _ := labelstudio.New(labelstudio.Options{Endpoint: fake.URL, APIKey: "wrong"})
	if _, err := bad.GetProject(ctx, p.ID); err == nil || !strings.Contains(err.Error(), "Invalid token.") {
		t.Errorf("wrong key: got %v", err)
	}
}

// A personal access token is exchanged once, reused, and exchanged again
// after the server stops accepting the access token (401).
func TestClientPersonalAccessTokenRenewal(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	ctx := context.Background()
	c := newClient(t, fake, true)
	p, err := c.CreateProject(ctx, labelstudio.ProjectInput{Title: ptr("Essays"), LabelConfig: ptr(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.GetProject(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.Refreshes(); n != 1 {
		t.Errorf("want 1 token exchange for 4 calls, got %d", n)
	}
	fake.ExpireAccessTokens()
	if _, err := c.GetProject(ctx, p.ID); err != nil {
		t.Fatalf("no renewal after 401: %v", err)
	}
	if n := fake.Refreshes(); n != 2 {
		t.Errorf("want 2 token exchanges, got %d", n)
	}

	revoked, _ := labelstudio.New(labelstudio.Options{Endpoint: fake.URL, PersonalAccessToken: "not-a-token"})
	if _, err := revoked.GetProject(ctx, p.ID); err == nil || !strings.Contains(err.Error(), "exchanging the personal access token") {
		t.Errorf("revoked token: got %v", err)
	}
}

// Short-lived access tokens are renewed before they expire, from their exp claim.
func TestClientAccessTokenExpiry(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	// Valid for the server, but inside the client's 30 s renewal margin.
	fake.AccessTTL = 20 * time.Second
	c := newClient(t, fake, true)
	ctx := context.Background()
	for range 2 {
		if _, err := c.ListProjects(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.Refreshes(); n != 2 {
		t.Errorf("a token inside the renewal margin must be renewed before use: %d exchanges", n)
	}
}

func TestClientErrorShapes(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	ctx := context.Background()
	c := newClient(t, fake, false)

	// Wrapped shape with validation_errors.
	_, err := c.CreateProject(ctx, labelstudio.ProjectInput{Title: ptr("x"), Color: ptr("red")})
	var e *labelstudio.Error
	if !errors.As(err, &e) || e.StatusCode != 400 || len(e.ValidationErrors) == 0 {
		t.Fatalf("got %v", err)
	}
	// Plain DRF shape from the global validate endpoint.
	err = c.ValidateLabelConfig(ctx, `<View><Text name="t" value="$t"/><Choices name="c" toName="x"/></View>`)
	if !errors.As(err, &e) || len(e.FieldMessages("label_config")) != 1 || !strings.Contains(err.Error(), `toName="x" not found`) {
		t.Errorf("got %v", err)
	}
	if err := c.ValidateLabelConfig(ctx, cfg); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
	if _, err := c.GetProject(ctx, 404); !labelstudio.IsNotFound(err) {
		t.Errorf("want not found, got %v", err)
	}
}

// C19 at the client level: the project validate endpoint counts the
// annotations that exist now.
func TestClientProjectValidateSeesCurrentAnnotations(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	ctx := context.Background()
	c := newClient(t, fake, false)
	p, err := c.CreateProject(ctx, labelstudio.ProjectInput{Title: ptr("Essays"), LabelConfig: ptr(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	onlyA := strings.Replace(cfg, `<Choice value="B"/>`, "", 1)
	fake.AddAnnotations(p.ID, "c", "B", 12)
	_, err = c.ValidateProjectLabelConfig(ctx, p.ID, onlyA)
	if err == nil || !strings.Contains(err.Error(), "B (12)") {
		t.Fatalf("want the label and its count, got %v", err)
	}
	fake.RelabelAnnotations(p.ID, "c", "B", "A")
	changed, err := c.ValidateProjectLabelConfig(ctx, p.ID, onlyA)
	if err != nil || !changed {
		t.Errorf("after relabelling: changed=%v err=%v", changed, err)
	}
	if got, _ := c.GetProject(ctx, p.ID); got.LabelConfig != cfg {
		t.Error("validate saved the config")
	}
}

func TestClientProjectPaging(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	ctx := context.Background()
	c := newClient(t, fake, false)
	for i := range 205 {
		// Titles are not unique on the server.
		if _, err := c.CreateProject(ctx, labelstudio.ProjectInput{Title: ptr(fmt.Sprintf("Cohort %d", i%3))}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.ListProjects(ctx, "")
	if err != nil || len(all) != 205 {
		t.Fatalf("got %d projects, %v", len(all), err)
	}
	some, err := c.ListProjects(ctx, "cohort 1")
	if err != nil || len(some) != 68 {
		t.Errorf("title filter: got %d, %v", len(some), err)
	}
	if n := fake.CountRequests("GET /api/projects/"); n != 4 {
		t.Errorf("want 3+1 page requests, got %d", n)
	}
}

func TestClientStoragesAndWebhooks(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	ctx := context.Background()
	c := newClient(t, fake, false)
	p, err := c.CreateProject(ctx, labelstudio.ProjectInput{Title: ptr("Essays"), LabelConfig: ptr(cfg)})
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{labelstudio.DirectionImport, labelstudio.DirectionExport} {
		s, err := c.CreateS3Storage(ctx, dir, labelstudio.S3StorageInput{
			Project: p.ID, Bucket: ptr("tf-acc-raw"), AWSAccessKeyID: ptr("k"), AWSSecretAccessKey: ptr("s"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if creds := fake.StorageCredentials(dir, s.ID); creds.SecretAccessKey != "s" {
			t.Errorf("%s: secret not stored", dir)
		}
		if raw := fake.Storage(dir, s.ID); raw["aws_secret_access_key"] != nil {
			t.Errorf("%s: fake keeps secrets in the object", dir)
		}
		synced, err := c.SyncS3Storage(ctx, dir, s.ID)
		if err != nil || synced.ID != s.ID || synced.Status != "queued" {
			t.Errorf("%s sync: %+v %v", dir, synced, err)
		}
		list, err := c.ListS3Storages(ctx, dir, p.ID)
		if err != nil || len(list) != 1 {
			t.Errorf("%s list: %v %v", dir, list, err)
		}
		if err := c.ValidateS3Storage(ctx, dir, s.ID, labelstudio.S3StorageInput{Project: p.ID, Prefix: ptr("x")}); err != nil {
			t.Errorf("%s validate: %v", dir, err)
		}
	}
	// The storage list needs ?project=, and items have no trailing slash.
	req, _ := http.NewRequest(http.MethodGet, fake.URL+"/api/storages/s3/", nil)
	req.Header.Set("Authorization", "Token "+fake.APIKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("list without project: %v %v", resp, err)
	}
	req, _ = http.NewRequest(http.MethodGet, fake.URL+"/api/storages/s3/1/", nil)
	req.Header.Set("Authorization", "Token "+fake.APIKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 404 {
		t.Errorf("item with trailing slash: %v %v", resp, err)
	}

	if _, err := c.CreateWebhook(ctx, labelstudio.WebhookInput{Project: 999, URL: "https://x.example"}); !labelstudio.IsNotFound(err) {
		t.Errorf("webhook for unknown project: %v", err)
	}
	w, err := c.CreateWebhook(ctx, labelstudio.WebhookInput{Project: p.ID, URL: "https://x.example", Actions: []string{"PROJECT_UPDATED"}})
	if err != nil {
		t.Fatal(err)
	}
	if list, err := c.ListWebhooks(ctx, p.ID); err != nil || len(list) != 1 || list[0].ID != w.ID {
		t.Errorf("webhook list: %v %v", list, err)
	}
	formats, err := c.ExportFormats(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	disabled := map[string]bool{}
	for _, f := range formats {
		disabled[f.Name] = f.Disabled
	}
	if disabled["JSON"] || !disabled["COCO"] {
		t.Errorf("a text classification project exports JSON, not COCO: %v", disabled)
	}

	// Deleting the project cascades to its storages and webhooks.
	if err := c.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetWebhook(ctx, w.ID); !labelstudio.IsNotFound(err) {
		t.Errorf("webhook survived its project: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// Calls in flight when the access token dies share one new exchange.
func TestClientParallelCallsShareOneExchange(t *testing.T) {
	fake := labelstudiotest.New()
	defer fake.Close()
	c := newClient(t, fake, true)
	ctx := context.Background()
	if _, err := c.ListProjects(ctx, ""); err != nil {
		t.Fatal(err)
	}
	before := fake.Refreshes()
	fake.ExpireTokensAfter(1)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.ListProjects(ctx, "")
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatalf("a call failed after the access token died: %v", err)
		}
	}
	if n := fake.Refreshes() - before; n != 1 {
		t.Fatalf("%d exchanges for one expiry, want 1", n)
	}
}
