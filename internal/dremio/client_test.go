package dremio_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

func newClient(t *testing.T, f *dremiotest.Server) *dremio.Client {
	t.Helper()
	hc := httpx.NewClient(httpx.Options{Backend: "dremio", Retry: httpx.RetrySettings{
		MaxAttempts: 5, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, RequestTimeout: 5 * time.Second,
	}})
	c, err := dremio.New(providerdata.DremioSettings{Endpoint: f.URL, Username: dremiotest.Username, Password: dremiotest.Password}, hc)
	if err != nil {
		t.Fatal(err)
	}

	return c
}

func TestClient_loginErrors(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	hc := httpx.NewClient(httpx.Options{Retry: httpx.DefaultRetrySettings()})
	c, err := dremio.New(providerdata.DremioSettings{Endpoint: f.URL, Username: "nobody", Password: "x"}, hc)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(context.Background(), map[string]any{"entityType": "space", "name": "s"})
	var ae *dremio.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || ae.Message == "" {
		t.Fatalf("want a 401 APIError with the server's message, got %v", err)
	}
	for _, s := range []providerdata.DremioSettings{{}, {Endpoint: "localhost:9047", Token: "x"}, {Endpoint: f.URL}, {Endpoint: f.URL, Username: "u", Password: "p", ProjectID: "p1"}} {
		if _, err := dremio.New(s, hc); err == nil {
			t.Errorf("New(%+v) should fail", s)
		}
	}
}

func TestClient_bootstrapNoUser(t *testing.T) {
	t.Parallel()
	f := dremiotest.NewEmpty()
	defer f.Close()
	c := newClient(t, f)
	ctx := context.Background()
	_, err := c.Get(ctx, "x")
	var ae *dremio.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusForbidden {
		t.Fatalf("before the first user exists, want 403, got %v", err)
	}
	u := dremio.FirstUser{UserName: dremiotest.Username, Password: dremiotest.Password, FirstName: "Lake", LastName: "House", Email: "a@b.c"}
	if err := dremio.Bootstrap(ctx, http.DefaultClient, f.URL, u); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, map[string]any{"entityType": "space", "name": "s"}); err != nil {
		t.Fatalf("after bootstrap the first user must work: %v", err)
	}
	if err := dremio.Bootstrap(ctx, http.DefaultClient, f.URL, u); err == nil || !strings.Contains(err.Error(), "First user can only be created") {
		t.Fatalf("a second bootstrap must fail with 400, got %v", err)
	}
}

func TestClient_retriesThrough503Burst(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	c := newClient(t, f)
	f.FailNext(3, http.StatusServiceUnavailable)
	e, err := c.Create(context.Background(), map[string]any{"entityType": "space", "name": "research"})
	if err != nil {
		t.Fatalf("a burst of three 503s must be retried away: %v", err)
	}
	if e.ID == "" || e.Tag == "" || f.StatusCount(http.StatusServiceUnavailable) != 3 {
		t.Fatalf("entity %+v, 503s served %d", e, f.StatusCount(http.StatusServiceUnavailable))
	}
}

func TestClient_reloginOn401(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	c := newClient(t, f)
	ctx := context.Background()
	if _, err := c.Create(ctx, map[string]any{"entityType": "space", "name": "a"}); err != nil {
		t.Fatal(err)
	}
	f.ExpireTokens()
	if _, err := c.GetByPath(ctx, []string{"a"}); err != nil {
		t.Fatalf("an expired session must be renewed transparently: %v", err)
	}
	if c.Logins() != 2 || f.Logins() != 2 {
		t.Fatalf("logins client=%d server=%d, want 2", c.Logins(), f.Logins())
	}
}

func TestClient_renewsBeforeStatedExpiry(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	f.SetTokenTTL(10 * time.Minute)
	c := newClient(t, f)
	now := time.Now()
	c.SetClock(func() time.Time { return now })
	ctx := context.Background()
	if _, err := c.Create(ctx, map[string]any{"entityType": "space", "name": "a"}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(9*time.Minute + 30*time.Second)
	if _, err := c.GetByPath(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if f.StatusCount(http.StatusUnauthorized) != 0 || c.Logins() != 2 {
		t.Fatalf("want a proactive login (no 401): 401s=%d logins=%d", f.StatusCount(http.StatusUnauthorized), c.Logins())
	}
}

func TestClient_personalAccessToken(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	f.AddPAT("pat-123")
	c, err := dremio.New(providerdata.DremioSettings{Endpoint: f.URL, Token: "pat-123"}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(context.Background(), map[string]any{"entityType": "space", "name": "a"}); err != nil {
		t.Fatal(err)
	}
	if f.Logins() != 0 {
		t.Fatal("a PAT must not log in")
	}
}

func TestClient_dremioCloud(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	f.AddPAT("cloud-pat")
	f.AddCloudProject("p-123")
	c, err := dremio.New(providerdata.DremioSettings{Endpoint: f.URL, Token: "cloud-pat", ProjectID: "p-123"}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Create(ctx, map[string]any{"entityType": "space", "name": "s p/a"}); err != nil {
		t.Fatal(err)
	}
	if e, err := c.GetByPath(ctx, []string{"s p/a"}); err != nil || e.Name != "s p/a" {
		t.Fatalf("by-path under /v0/projects: %+v %v", e, err)
	}
	if rows, err := c.RunSQL(ctx, "SELECT 7 AS n"); err != nil || rows[0]["n"] != float64(7) {
		t.Fatalf("sql under /v0/projects: %v %v", rows, err)
	}
}

func TestClient_slowAnswers(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	retry := httpx.RetrySettings{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, RequestTimeout: 100 * time.Millisecond}
	c, err := dremio.New(providerdata.DremioSettings{Endpoint: f.URL, Username: dremiotest.Username, Password: dremiotest.Password},
		httpx.NewClient(httpx.Options{Retry: retry}))
	if err != nil {
		t.Fatal(err)
	}
	f.SetLatency(300 * time.Millisecond)
	start := time.Now()
	if _, err := c.Get(context.Background(), "x"); err == nil {
		t.Fatal("answers slower than the request timeout must fail after the last attempt")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("each attempt must be cut at the request timeout; took %s", d)
	}
	f.SetLatency(20 * time.Millisecond)
	if _, err := c.Create(context.Background(), map[string]any{"entityType": "space", "name": "s"}); err != nil {
		t.Fatalf("slow but in time must succeed: %v", err)
	}
}

func TestClient_catalogContract(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	c := newClient(t, f)
	ctx := context.Background()
	sp, err := c.Create(ctx, map[string]any{"entityType": "space", "name": "Research"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Create(ctx, map[string]any{"entityType": "space", "name": "research"})
	if !dremio.IsConflict(err) {
		t.Fatalf("duplicate name (case-insensitive) must be 409, got %v", err)
	}
	if _, err := c.Create(ctx, map[string]any{"entityType": "folder", "path": []string{"Research", "raw"}}); err != nil {
		t.Fatal(err)
	}
	// Stale tag: change the space out of band, then update with the old tag.
	f.Mutate([]string{"Research"}, func(map[string]any) {})
	raw, err := c.GetRaw(ctx, sp.ID)
	if err != nil {
		t.Fatal(err)
	}
	raw["tag"] = sp.Tag
	if _, err := c.Update(ctx, sp.ID, raw); !dremio.IsConflict(err) {
		t.Fatalf("stale tag must be 409, got %v", err)
	}
	// Recursive delete, then 404 shapes.
	if err := c.Delete(ctx, sp.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetByPath(ctx, []string{"Research", "raw"}); !dremio.IsNotFound(err) {
		t.Fatalf("children must go with their space, got %v", err)
	}
	if err := c.Delete(ctx, sp.ID, ""); err != nil {
		t.Fatalf("deleting a missing entity is success, got %v", err)
	}
}

func TestClient_childrenPaging(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	f.SetChildrenPageSize(2)
	c := newClient(t, f)
	ctx := context.Background()
	if _, err := c.Create(ctx, map[string]any{"entityType": "space", "name": "s"}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := c.Create(ctx, map[string]any{"entityType": "folder", "path": []string{"s", fmt.Sprint("f", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	e, err := c.GetByPath(ctx, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.AllChildren(ctx, e)
	if err != nil || len(all) != 5 {
		t.Fatalf("want 5 children over 3 pages, got %d (%v)", len(all), err)
	}
}

func TestClient_RunSQL(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	f.SetJobPolls(3)
	c := newClient(t, f)
	ctx := context.Background()
	rows, err := c.RunSQL(ctx, "SELECT 42 AS answer, 'x' AS label")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["answer"] != float64(42) || rows[0]["label"] != "x" {
		t.Fatalf("rows = %v", rows)
	}
	_, err = c.RunSQL(ctx, "SELEC nonsense")
	var je *dremio.JobError
	if !errors.As(err, &je) || je.State != dremio.JobFailed {
		t.Fatalf("a failing query must give a JobError, got %v", err)
	}
}

func TestClient_NewFromSettings(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	if _, err := dremio.NewFromSettings(providerdata.DremioSettings{}, httpx.DefaultRetrySettings()); err == nil ||
		!strings.Contains(err.Error(), "LAKEHOUSE_DREMIO_ENDPOINT") {
		t.Fatalf("unconfigured: want the env variables named, got %v", err)
	}
	c, err := dremio.NewFromSettings(providerdata.DremioSettings{Configured: true, Endpoint: f.URL,
		Username: dremiotest.Username, Password: dremiotest.Password}, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := c.RunSQL(context.Background(), "SELECT TRUE AS ok"); err != nil || rows[0]["ok"] != true {
		t.Fatalf("rows %v, err %v", rows, err)
	}
}

func TestClient_RunSQLPaging(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	f.SetSQLHandler(func(string, []string) (*dremiotest.Result, error) {
		r := &dremiotest.Result{Columns: []dremiotest.Column{{Name: "n", Type: "BIGINT"}}}
		for i := range 1234 {
			r.Rows = append(r.Rows, map[string]any{"n": i})
		}

		return r, nil
	})
	c := newClient(t, f)
	rows, err := c.RunSQL(context.Background(), "SELECT n FROM big")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1234 || rows[1233]["n"] != float64(1233) {
		t.Fatalf("want all 1234 rows in order over 3 pages, got %d", len(rows))
	}
}

func TestClient_RunSQLCancelled(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	f.SetJobPolls(1 << 30)
	c := newClient(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := c.RunSQL(ctx, "SELECT 1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the context's error, got %v", err)
	}
}

// Calls in flight when the session ends all meet a 401; they share one new
// login rather than each logging in again.
func TestClient_parallelCallsShareOneRelogin(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	c := newClient(t, f)
	ctx := context.Background()
	if _, err := c.Create(ctx, map[string]any{"entityType": "space", "name": "a"}); err != nil {
		t.Fatal(err)
	}
	f.ExpireTokens()
	// Every answer waits, so all calls reach the server with the dead token.
	f.SetLatency(20 * time.Millisecond)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.GetByPath(ctx, []string{"a"})
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatalf("a call failed after the session ended: %v", err)
		}
	}
	if f.Logins() != 2 {
		t.Fatalf("server saw %d logins, want 2 (the first, and one shared renewal)", f.Logins())
	}
}
