package datacitetest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite/datacitetest"
)

// call sends one JSON:API request to the fake, as repository repo with
// password pass (no Authorization header when repo is empty), and returns
// the status and the decoded body.
func call(t *testing.T, f *datacitetest.Server, method, path, repo, pass string, attrs map[string]any) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if attrs != nil {
		raw, err := json.Marshal(map[string]any{"data": map[string]any{"type": "dois", "attributes": attrs}})
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if repo != "" {
		req.SetBasicAuth(repo, pass)
	}
	req.Header.Set("Content-Type", "application/vnd.api+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if raw, _ := io.ReadAll(resp.Body); len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: body is not JSON: %s", method, path, raw)
		}
	}

	return resp.StatusCode, out
}

func complete() map[string]any {
	return map[string]any{
		"creators":        []any{map[string]any{"name": "Carberry, Josiah"}},
		"titles":          []any{map[string]any{"title": "Pilot"}},
		"publisher":       "Example University",
		"publicationYear": "2025",
		"types":           map[string]any{"resourceTypeGeneral": "Dataset"},
		"url":             "https://data.example.edu/pilot",
	}
}

func state(body map[string]any) string {
	data, _ := body["data"].(map[string]any)
	attrs, _ := data["attributes"].(map[string]any)
	s, _ := attrs["state"].(string)

	return s
}

// errorSources lists the source of every JSON:API error object.
func errorSources(body map[string]any) string {
	list, _ := body["errors"].([]any)
	var out []string
	for _, e := range list {
		m, _ := e.(map[string]any)
		s, _ := m["source"].(string)
		out = append(out, s)
	}

	return strings.Join(out, ",")
}

// Every write needs the repository's credentials; drafts and registered
// DOIs are invisible without them, findable ones are public.
func TestFake_auth(t *testing.T) {
	f := datacitetest.New("DEMO.UNI", "pw", "10.5072")
	defer f.Close()
	const doi = "/dois/10.5072/auth-1"
	for _, c := range []struct{ method, path, repo, pass string }{
		{http.MethodPost, "/dois", "", ""},
		{http.MethodPost, "/dois", "DEMO.UNI", "wrong"},
		{http.MethodPost, "/dois", "OTHER.REPO", "pw"},
		{http.MethodPut, doi, "", ""},
		{http.MethodDelete, doi, "", ""},
		{http.MethodGet, doi, "DEMO.UNI", "wrong"},
	} {
		attrs := map[string]any{"doi": "10.5072/auth-1"}
		if c.method == http.MethodDelete || c.method == http.MethodGet {
			attrs = nil
		}
		if code, _ := call(t, f, c.method, c.path, c.repo, c.pass, attrs); code != http.StatusUnauthorized {
			t.Errorf("%s %s as %q/%q: HTTP %d, want 401", c.method, c.path, c.repo, c.pass, code)
		}
	}
	if f.Len() != 0 {
		t.Fatalf("unauthenticated requests stored %d DOIs", f.Len())
	}
	if code, _ := call(t, f, http.MethodPost, "/dois", "DEMO.UNI", "pw", map[string]any{"doi": "10.5072/auth-1"}); code != http.StatusCreated {
		t.Fatalf("create: HTTP %d", code)
	}
	if code, _ := call(t, f, http.MethodGet, doi, "", "", nil); code != http.StatusNotFound {
		t.Errorf("anonymous GET of a draft: HTTP %d, want 404", code)
	}
	attrs := complete()
	attrs["event"] = "publish"
	if code, body := call(t, f, http.MethodPut, doi, "DEMO.UNI", "pw", attrs); code != http.StatusOK || state(body) != "findable" {
		t.Fatalf("publish: HTTP %d %v", code, body)
	}
	if code, body := call(t, f, http.MethodGet, doi, "", "", nil); code != http.StatusOK || state(body) != "findable" {
		t.Errorf("anonymous GET of a findable DOI: HTTP %d %v", code, body)
	}
}

// Drafts take any metadata; registering or publishing validates it (422
// naming every failing property, state unchanged); only drafts can be
// deleted (405 otherwise); events that do not apply are ignored.
func TestFake_stateRules(t *testing.T) {
	f := datacitetest.New("DEMO.UNI", "pw", "10.5072")
	defer f.Close()
	const doi = "/dois/10.5072/rules-1"
	as := func(method string, attrs map[string]any) (int, map[string]any) {
		return call(t, f, method, doi, "DEMO.UNI", "pw", attrs)
	}
	if code, _ := call(t, f, http.MethodPost, "/dois", "DEMO.UNI", "pw", map[string]any{"doi": "10.5072/rules-1"}); code != http.StatusCreated {
		t.Fatalf("draft without metadata: HTTP %d", code)
	}
	if code, body := as(http.MethodPut, map[string]any{"event": "register"}); code != http.StatusUnprocessableEntity ||
		errorSources(body) != "creators,publicationYear,publisher,titles,types,url" {
		t.Errorf("register without metadata: HTTP %d %v", code, body)
	}
	if got := f.State("10.5072/rules-1"); got != "draft" {
		t.Errorf("a refused register left the DOI %s", got)
	}
	bad := complete()
	bad["types"] = map[string]any{"resourceTypeGeneral": "Spreadsheet"}
	bad["event"] = "publish"
	if code, body := as(http.MethodPut, bad); code != http.StatusUnprocessableEntity || errorSources(body) != "types" {
		t.Errorf("publish with an unknown resourceTypeGeneral: HTTP %d %v", code, body)
	}
	good := complete()
	good["event"] = "register"
	if code, body := as(http.MethodPut, good); code != http.StatusOK || state(body) != "registered" {
		t.Fatalf("register: HTTP %d %v", code, body)
	}
	if code, _ := as(http.MethodDelete, nil); code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE of a registered DOI: HTTP %d, want 405", code)
	}
	// A registered DOI is validated on every update, not only on events.
	if code, _ := as(http.MethodPut, map[string]any{"titles": []any{}}); code != http.StatusUnprocessableEntity {
		t.Errorf("emptying the titles of a registered DOI: HTTP %d, want 422", code)
	}
	for _, c := range []struct{ event, want string }{
		{"hide", "registered"}, // only findable DOIs can be hidden
		{"publish", "findable"},
		{"register", "findable"}, // never back from findable
		{"hide", "registered"},
	} {
		if code, body := as(http.MethodPut, map[string]any{"event": c.event}); code != http.StatusOK || state(body) != c.want {
			t.Errorf("event %s: HTTP %d, state %q, want %q", c.event, code, state(body), c.want)
		}
	}
	if code, _ := as(http.MethodDelete, nil); code != http.StatusMethodNotAllowed || f.State("10.5072/rules-1") != "registered" {
		t.Errorf("DELETE of a hidden DOI: HTTP %d, state %s", code, f.State("10.5072/rules-1"))
	}
	if code, _ := call(t, f, http.MethodPost, "/dois", "DEMO.UNI", "pw", map[string]any{"doi": "10.5072/rules-2"}); code != http.StatusCreated {
		t.Fatalf("second draft: HTTP %d", code)
	}
	if code, _ := call(t, f, http.MethodDelete, "/dois/10.5072/rules-2", "DEMO.UNI", "pw", nil); code != http.StatusNoContent {
		t.Errorf("DELETE of a draft: HTTP %d, want 204", code)
	}
	if code, _ := call(t, f, http.MethodGet, "/dois/10.5072/rules-2", "DEMO.UNI", "pw", nil); code != http.StatusNotFound {
		t.Errorf("GET after DELETE: HTTP %d, want 404", code)
	}
}

// A DOI outside the repository's prefix is refused, a taken one is a 422.
func TestFake_prefixAndDuplicates(t *testing.T) {
	f := datacitetest.New("DEMO.UNI", "pw", "10.5072")
	defer f.Close()
	if code, _ := call(t, f, http.MethodPost, "/dois", "DEMO.UNI", "pw", map[string]any{"doi": "10.9999/x"}); code != http.StatusForbidden {
		t.Errorf("foreign prefix: HTTP %d, want 403", code)
	}
	if code, _ := call(t, f, http.MethodPost, "/dois", "DEMO.UNI", "pw", map[string]any{"doi": "10.5072/Dup"}); code != http.StatusCreated {
		t.Fatalf("create: HTTP %d", code)
	}
	// DOIs are case-insensitive: 10.5072/dup is the same name.
	if code, body := call(t, f, http.MethodPost, "/dois", "DEMO.UNI", "pw", map[string]any{"doi": "10.5072/dup"}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(string(mustJSON(t, body)), "already been taken") {
		t.Errorf("duplicate: HTTP %d %v", code, body)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}

	return raw
}
