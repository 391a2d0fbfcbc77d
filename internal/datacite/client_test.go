package datacite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite/datacitetest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
)

func newClient(t *testing.T, fake *datacitetest.Server, password string) *datacite.Client {
	t.Helper()
	c, err := datacite.New(datacite.Options{
		Endpoint: fake.URL, RepositoryID: fake.RepositoryID, Password: password, Prefix: fake.Prefix,
		HTTPClient: httpx.NewClient(httpx.Options{Backend: "datacite"}),
	})
	if err != nil {
		t.Fatal(err)
	}

	return c
}

func validAttrs() map[string]any {
	return map[string]any{
		"creators":        []any{map[string]any{"name": "Carberry, Josiah", "nameType": "Personal"}},
		"titles":          []any{map[string]any{"title": "Pilot"}},
		"publisher":       "Example University",
		"publicationYear": 2025,
		"types":           map[string]any{"resourceTypeGeneral": "Dataset"},
		"url":             "https://data.example.edu/pilot",
	}
}

func TestClient_lifecycle(t *testing.T) {
	fake := datacitetest.New("DEMO.UNI", "pw", "10.5072")
	defer fake.Close()
	c := newClient(t, fake, "pw")
	ctx := context.Background()

	// A draft needs no complete metadata; the server picks the suffix.
	d, err := c.Create(ctx, "", map[string]any{"titles": []any{map[string]any{"title": "x"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.State != datacite.StateDraft || d.ID == "" {
		t.Fatalf("got %+v", d)
	}
	// Publishing incomplete metadata is refused with 422 naming the fields.
	_, err = c.Event(ctx, d.ID, datacite.EventPublish)
	if !datacite.IsInvalid(err) {
		t.Fatalf("publish of incomplete metadata: %v", err)
	}
	if fake.State(d.ID) != datacite.StateDraft {
		t.Fatal("a refused publish changed the state")
	}
	d, err = c.Update(ctx, d.ID, validAttrs(), datacite.EventPublish)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != datacite.StateFindable {
		t.Fatalf("state %s", d.State)
	}
	// Findable DOIs cannot be deleted.
	if err := c.Delete(ctx, d.ID); !datacite.IsNotDeletable(err) {
		t.Fatalf("delete of a findable DOI: %v", err)
	}
	d, err = c.Event(ctx, d.ID, datacite.EventHide)
	if err != nil || d.State != datacite.StateRegistered {
		t.Fatalf("hide: %v %+v", err, d)
	}
	// register on a registered DOI is ignored, not an error.
	d, err = c.Event(ctx, d.ID, datacite.EventRegister)
	if err != nil || d.State != datacite.StateRegistered {
		t.Fatalf("register on registered: %v %+v", err, d)
	}
	if err := c.Delete(ctx, d.ID); !datacite.IsNotDeletable(err) {
		t.Fatalf("delete of a registered DOI: %v", err)
	}
	got, err := c.Get(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Attributes["publicationYear"] != float64(2025) {
		t.Errorf("publicationYear %v", got.Attributes["publicationYear"])
	}
	if p, ok := got.Attributes["publisher"].(map[string]any); !ok || p["name"] != "Example University" {
		t.Errorf("publisher %v", got.Attributes["publisher"])
	}
}

func TestClient_draftDelete(t *testing.T) {
	fake := datacitetest.New("DEMO.UNI", "pw", "10.5072")
	defer fake.Close()
	c := newClient(t, fake, "pw")
	ctx := context.Background()
	d, err := c.Create(ctx, "10.5072/pilot-1", validAttrs(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, "10.5072/pilot-1", validAttrs(), ""); !datacite.IsInvalid(err) {
		t.Fatalf("duplicate DOI: %v", err)
	}
	if err := c.Delete(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(ctx, d.ID); !datacite.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
}

func TestClient_errors(t *testing.T) {
	fake := datacitetest.New("DEMO.UNI", "pw", "10.5072")
	defer fake.Close()
	ctx := context.Background()
	_, err := newClient(t, fake, "wrong").Create(ctx, "", validAttrs(), "")
	if !datacite.IsUnauthorized(err) {
		t.Fatalf("bad password: %v", err)
	}
	// Another repository's prefix is forbidden.
	_, err = newClient(t, fake, "pw").Create(ctx, "10.9999/x", validAttrs(), "")
	if err == nil || datacite.IsInvalid(err) {
		t.Fatalf("foreign prefix: %v", err)
	}
	bad := validAttrs()
	delete(bad, "creators")
	bad["url"] = ""
	_, err = newClient(t, fake, "pw").Create(ctx, "", bad, datacite.EventPublish)
	if !datacite.IsInvalid(err) {
		t.Fatalf("invalid metadata: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"creators", "url", "HTTP 422"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %s", msg, want)
		}
	}
	if fake.Len() != 0 {
		t.Errorf("rejected creates stored %d DOIs", fake.Len())
	}
}
