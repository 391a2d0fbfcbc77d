package superset_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

func newClient(t *testing.T, fake *supersettest.Server) *superset.Client {
	t.Helper()
	retry := httpx.DefaultRetrySettings()
	retry.MinBackoff, retry.MaxBackoff = time.Millisecond, 10*time.Millisecond
	c, err := superset.New(providerdata.SupersetSettings{Endpoint: fake.URL, Username: "admin", Password: "admin"},
		httpx.NewClient(httpx.Options{Retry: retry, Backend: "superset"}))
	if err != nil {
		t.Fatal(err)
	}

	return c
}

func TestClient_loginCSRFAndReauth(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	c := newClient(t, fake)
	ctx := context.Background()

	id, err := c.Create(ctx, superset.Databases, map[string]any{"database_name": "wh", "sqlalchemy_uri": "postgresql://ro:s3cret@db:5432/wh"})
	if err != nil {
		t.Fatalf("create with CSRF: %v", err)
	}
	if fake.Logins() != 1 {
		t.Fatalf("logins = %d, want 1", fake.Logins())
	}
	// An expired token is renewed through the refresh token, not a new login.
	fake.ExpireTokens()
	if _, err := c.GetDatabase(ctx, id); err != nil {
		t.Fatalf("read after expiry: %v", err)
	}
	if fake.Logins()+fake.Refreshes() < 2 {
		t.Fatalf("token was not renewed: logins %d refreshes %d", fake.Logins(), fake.Refreshes())
	}
	db, err := c.GetDatabase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if want := "postgresql://ro:" + superset.PasswordMask + "@db:5432/wh"; db.SQLAlchemyURI != want {
		t.Fatalf("uri = %q, want %q", db.SQLAlchemyURI, want)
	}
	// C16: the client never sends the mask back.
	err = c.Update(ctx, superset.Databases, id, map[string]any{"sqlalchemy_uri": db.SQLAlchemyURI})
	if err == nil || !strings.Contains(err.Error(), "mask") {
		t.Fatalf("update with the mask: err = %v, want a refusal", err)
	}
	if fake.StoredPassword(id) != "s3cret" {
		t.Fatalf("stored password changed to %q", fake.StoredPassword(id))
	}
}

func TestClient_writeWithoutCSRFIsRejected(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	c := newClient(t, fake)
	if _, err := c.List(context.Background(), superset.Databases, nil); err != nil {
		t.Fatal(err)
	}
	// A raw write with a valid token but no CSRF pair: 400, SIP-40 shape.
	login := postJSON(t, fake.URL+"/api/v1/security/login", "", `{"username":"admin","password":"admin","provider":"db"}`)
	var tok struct {
		Access string `json:"access_token"`
	}
	_ = json.Unmarshal(login, &tok)
	req, _ := http.NewRequest(http.MethodPost, fake.URL+"/api/v1/database/", strings.NewReader(`{"database_name":"x","sqlalchemy_uri":"sqlite://"}`))
	req.Header.Set("Authorization", "Bearer "+tok.Access)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusBadRequest || len(body.Errors) != 1 || !strings.Contains(body.Errors[0].Message, "CSRF") {
		t.Fatalf("status %d body %+v, want 400 CSRF error", resp.StatusCode, body)
	}
}

func postJSON(t *testing.T, url, bearer, body string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)

	return raw
}

func TestClient_listPagesFromZero(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	c := newClient(t, fake)
	ctx := context.Background()
	for i := range 230 {
		if _, err := c.Create(ctx, superset.Databases, map[string]any{"database_name": fmt.Sprintf("db %03d", i), "sqlalchemy_uri": "postgresql://u@h/d"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.List(ctx, superset.Databases, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 230 {
		t.Fatalf("listed %d databases, want 230", len(all))
	}
	if n := len(fake.Requests(http.MethodGet, "/api/v1/database/")); n != 3 {
		t.Fatalf("list took %d requests, want 3 pages", n)
	}
	one, err := c.List(ctx, superset.Databases, []superset.Filter{{Col: "database_name", Opr: "eq", Value: "db 042"}})
	if err != nil || len(one) != 1 {
		t.Fatalf("filtered list = %d items, err %v", len(one), err)
	}
	_, err = c.List(ctx, superset.Databases, []superset.Filter{{Col: "sqlalchemy_uri", Opr: "eq", Value: "x"}})
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("filter on a column that is not searchable: err = %v, want 400", err)
	}
}

func TestClient_statusKinds(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	c := newClient(t, fake)
	ctx := context.Background()
	body := map[string]any{"database_name": "dup", "sqlalchemy_uri": "postgresql://u@h/d"}
	if _, err := c.Create(ctx, superset.Databases, body); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, superset.Databases, body); !superset.IsUnprocessable(err) {
		t.Fatalf("duplicate name: err = %v, want 422", err)
	}
	if _, err := c.Create(ctx, superset.Dashboards, map[string]any{"dashboard_title": "x", "json_metadata": "{"}); err == nil || superset.IsUnprocessable(err) {
		t.Fatalf("invalid JSON: err = %v, want 400", err)
	}
	if _, err := c.GetChart(ctx, 999); !superset.IsNotFound(err) {
		t.Fatalf("unknown chart: err = %v, want 404", err)
	}
	// Dataset PUT schema errors are 422, unlike every other schema error.
	fake.AddTable("public", "t", supersettest.Column{Name: "a", Type: "INTEGER"})
	id, err := c.Create(ctx, superset.Datasets, map[string]any{"database": 1, "schema": "public", "table_name": "t"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Update(ctx, superset.Datasets, id, map[string]any{"bogus": 1}); !superset.IsUnprocessable(err) {
		t.Fatalf("dataset PUT schema error: err = %v, want 422", err)
	}
}

func TestClient_refreshesBeforeExpiry(t *testing.T) {
	t.Parallel()
	// Tokens that live 30 s are inside the client's one-minute margin, so
	// every call renews through the refresh token instead of logging in.
	fake := supersettest.New(t, supersettest.Options{TokenTTL: 30 * time.Second})
	c := newClient(t, fake)
	for range 3 {
		if _, err := c.List(context.Background(), superset.Charts, nil); err != nil {
			t.Fatal(err)
		}
	}
	if fake.Logins() != 1 || fake.Refreshes() < 2 {
		t.Fatalf("logins %d refreshes %d; want 1 login and refreshes after it", fake.Logins(), fake.Refreshes())
	}
}

func TestClient_givenAccessTokenAndNoCSRF(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{NoCSRF: true})
	var tok struct {
		Access string `json:"access_token"`
	}
	_ = json.Unmarshal(postJSON(t, fake.URL+"/api/v1/security/login", "", `{"username":"admin","password":"admin","provider":"db"}`), &tok)
	c, err := superset.New(providerdata.SupersetSettings{Endpoint: fake.URL, AccessToken: tok.Access},
		httpx.NewClient(httpx.Options{Retry: httpx.DefaultRetrySettings(), Backend: "superset"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(context.Background(), superset.Dashboards, map[string]any{"dashboard_title": "t"}); err != nil {
		t.Fatalf("write with a given token: %v", err)
	}
	if fake.Logins() != 1 {
		t.Fatalf("client logged in although a token was given (logins %d)", fake.Logins())
	}
}

func TestClient_rejectsIncompleteSettings(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	for _, s := range []providerdata.SupersetSettings{{}, {Endpoint: "http://x"}, {Endpoint: "http://x", Username: "u"}} {
		if _, err := superset.New(s, hc); err == nil {
			t.Errorf("New(%+v) succeeded", s)
		}
	}
}

// A token that dies before the first write of a session makes the CSRF
// fetch itself answer 401: that is renewed like any other 401, not
// reported as a failure.
func TestClient_tokenExpiredBeforeCSRFFetch(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	c := newClient(t, fake)
	ctx := context.Background()
	var list struct {
		Count int `json:"count"`
	}
	if err := c.Get(ctx, "/api/v1/database/", &list); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	if _, err := c.Create(ctx, superset.Databases, map[string]any{"database_name": "wh", "sqlalchemy_uri": "postgresql://ro@db/wh"}); err != nil {
		t.Fatalf("first write after the token expired: %v", err)
	}
	if fake.Logins() != 2 {
		t.Fatalf("logins = %d, want 2 (the first, and one after the 401)", fake.Logins())
	}
}

// Calls in flight when the tokens die share one new login.
func TestClient_parallelCallsShareOneRelogin(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	c := newClient(t, fake)
	ctx := context.Background()
	id, err := c.Create(ctx, superset.Databases, map[string]any{"database_name": "wh", "sqlalchemy_uri": "postgresql://ro@db/wh"})
	if err != nil {
		t.Fatal(err)
	}
	before := fake.Logins() + fake.Refreshes()
	// The next call refused is the signal: every token is dead from then on.
	fake.ExpireTokensAfter(1)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := c.GetDatabase(ctx, id)
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatalf("a call failed after the tokens died: %v", err)
		}
	}
	if n := fake.Logins() + fake.Refreshes() - before; n > 2 {
		t.Fatalf("%d logins and refreshes for one expiry, want at most 2", n)
	}
}
