package dremiotest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

type session struct {
	t     *testing.T
	f     *dremiotest.Server
	token string
}

func login(t *testing.T, f *dremiotest.Server) *session {
	t.Helper()
	s := &session{t: t, f: f}
	code, body := s.call(http.MethodPost, "/apiv2/login", map[string]any{"userName": dremiotest.Username, "password": dremiotest.Password})
	if code != http.StatusOK {
		t.Fatalf("login: %d %s", code, body)
	}
	var lr struct{ Token string }
	_ = json.Unmarshal(body, &lr)
	s.token = lr.Token

	return s
}

func (s *session) call(method, p string, body any) (int, []byte) {
	s.t.Helper()
	var rdr io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rdr = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.f.URL+p, rdr)
	if s.token != "" {
		req.Header.Set("Authorization", "_dremio"+s.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)

	return resp.StatusCode, b
}

func TestFake_contract(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()

	anon := &session{t: t, f: f}
	if code, body := anon.call(http.MethodGet, "/api/v3/catalog", nil); code != http.StatusUnauthorized || len(body) != 0 {
		t.Fatalf("unauthenticated: want 401 with an empty body, got %d %q", code, body)
	}
	if code, body := anon.call(http.MethodPost, "/apiv2/login", map[string]any{"userName": "x", "password": "y"}); code != 401 ||
		!strings.Contains(string(body), "Login failed: Invalid username or password") {
		t.Fatalf("bad login: %d %s", code, body)
	}

	s := login(t, f)
	cases := []struct {
		name string
		body map[string]any
		code int
		msg  string
	}{
		{"create answers 200", map[string]any{"entityType": "space", "name": "research"}, 200, ""},
		{"duplicate name", map[string]any{"entityType": "space", "name": "RESEARCH"}, 409, "already exists"},
		{"name pattern", map[string]any{"entityType": "space", "name": "a.b"}, 400, "invalid"},
		{"id on create", map[string]any{"entityType": "space", "name": "x", "id": "1"}, 400, "Space id is immutable."},
		{"unknown entity type", map[string]any{"entityType": "table", "name": "x"}, 400, "An invalid value was found"},
		{"physical dataset", map[string]any{"entityType": "dataset", "type": "PHYSICAL_DATASET", "path": []string{"research", "t"}, "sql": "x"}, 400, "promoting"},
		{"blank view sql", map[string]any{"entityType": "dataset", "type": "VIRTUAL_DATASET", "path": []string{"research", "v"}, "sql": " "}, 400, "sql"},
		{"s3 without keys", map[string]any{"entityType": "source", "name": "s3", "type": "S3", "config": map[string]any{}}, 400, "Access Key"},
		{"metadata minimum", map[string]any{"entityType": "source", "name": "s", "type": "NAS", "config": map[string]any{},
			"metadataPolicy": map[string]any{"datasetUpdateMode": "PREFETCH", "namesRefreshMs": 1000}}, 400, "at least 60000"},
		{"internal source type", map[string]any{"entityType": "source", "name": "p", "type": "PDFS"}, 400, "internal"},
		{"view with statistics flag", map[string]any{"entityType": "dataset", "type": "VIRTUAL_DATASET", "path": []string{"research", "v"},
			"sql": "SELECT 1", "approximateStatisticsAllowed": true}, 400, "approximateStatisticsAllowed"},
	}
	for _, c := range cases {
		code, body := s.call(http.MethodPost, "/api/v3/catalog", c.body)
		if code != c.code || !strings.Contains(string(body), c.msg) {
			t.Errorf("%s: got %d %s, want %d containing %q", c.name, code, body, c.code, c.msg)
		}
	}

	// Masked secrets: stored in clear, returned masked, marker keeps the value.
	code, body := s.call(http.MethodPost, "/api/v3/catalog", map[string]any{"entityType": "source", "name": "lake", "type": "S3",
		"config": map[string]any{"accessKey": "k", "accessSecret": "real-secret"}})
	if code != 200 || strings.Contains(string(body), "real-secret") || !strings.Contains(string(body), dremiotest.Masked) {
		t.Fatalf("create source: %d %s", code, body)
	}
	var src map[string]any
	_ = json.Unmarshal(body, &src)
	mp := src["metadataPolicy"].(map[string]any)
	if mp["namesRefreshMs"] != float64(3600000) || mp["datasetUpdateMode"] != "PREFETCH_QUERIED" {
		t.Errorf("metadata policy defaults: %v", mp)
	}
	src["config"].(map[string]any)["rootPath"] = "/x"
	id := src["id"].(string)
	if code, body := s.call(http.MethodPut, "/api/v3/catalog/"+id, src); code != 200 {
		t.Fatalf("put with marker: %d %s", code, body)
	}
	if got := f.Entity("lake")["config"].(map[string]any)["accessSecret"]; got != "real-secret" {
		t.Fatalf("the marker must keep the stored secret, got %v", got)
	}
	// createdAt can be left out but never changed (404, the PUT mapping).
	changed := map[string]any{}
	for k, v := range src {
		changed[k] = v
	}
	fresh := f.Entity("lake")
	changed["tag"], changed["createdAt"] = fresh["tag"], "2001-01-01T00:00:00.000Z"
	if code, body := s.call(http.MethodPut, "/api/v3/catalog/"+id, changed); code != 404 || !strings.Contains(string(body), "createdAt") {
		t.Fatalf("put changing createdAt: %d %s", code, body)
	}
	// The tag from before the PUT is stale now.
	if code, body := s.call(http.MethodPut, "/api/v3/catalog/"+id, src); code != 409 || !strings.Contains(string(body), "out of date") {
		t.Fatalf("stale tag: %d %s", code, body)
	}
	if code, _ := s.call(http.MethodDelete, "/api/v3/catalog/"+id+"?tag=nope", nil); code != 409 {
		t.Fatalf("delete with stale tag: %d", code)
	}
	if code, body := s.call(http.MethodDelete, "/api/v3/catalog/"+id, nil); code != 204 || len(body) != 0 {
		t.Fatalf("delete: %d %q", code, body)
	}
	if code, body := s.call(http.MethodGet, "/api/v3/catalog/"+id, nil); code != 404 || !strings.Contains(string(body), "Could not find entity with id") {
		t.Fatalf("get after delete: %d %s", code, body)
	}
	if code, body := s.call(http.MethodGet, "/api/v3/catalog/by-path/nope/x", nil); code != 404 || !strings.Contains(string(body), "[[nope, x]]") {
		t.Fatalf("by-path 404: %d %s", code, body)
	}
}

func TestFake_jobs(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	s := login(t, f)
	_, body := s.call(http.MethodPost, "/api/v3/sql", map[string]any{"sql": "SELECT 1 AS a"})
	var sub struct{ ID string }
	_ = json.Unmarshal(body, &sub)
	if code, body := s.call(http.MethodGet, "/api/v3/job/"+sub.ID+"/results", nil); code != 400 || !strings.Contains(string(body), "Can not fetch details") {
		t.Fatalf("results before completion: %d %s", code, body)
	}
	states := []string{}
	for range 3 {
		_, body := s.call(http.MethodGet, "/api/v3/job/"+sub.ID, nil)
		var j struct{ JobState string }
		_ = json.Unmarshal(body, &j)
		states = append(states, j.JobState)
	}
	if strings.Join(states, ",") != "RUNNING,COMPLETED,COMPLETED" {
		t.Fatalf("states %v", states)
	}
	if code, _ := s.call(http.MethodGet, "/api/v3/job/"+sub.ID+"/results?limit=501", nil); code != 400 {
		t.Fatalf("limit over 500 must be 400, got %d", code)
	}
	if code, _ := s.call(http.MethodGet, "/api/v3/job/nope", nil); code != 404 {
		t.Fatalf("unknown job must be 404, got %d", code)
	}
}

// Deleting a container through the API removes everything under it, and
// by-path lookups of the children answer 404 afterwards.
func TestFake_recursiveDelete(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	s := login(t, f)
	code, body := s.call(http.MethodPost, "/api/v3/catalog", map[string]any{"entityType": "space", "name": "research"})
	if code != http.StatusOK {
		t.Fatalf("create space: %d %s", code, body)
	}
	var space struct{ ID, Tag string }
	_ = json.Unmarshal(body, &space)
	for _, e := range []map[string]any{
		{"entityType": "folder", "path": []string{"research", "oulad"}},
		{"entityType": "dataset", "type": "VIRTUAL_DATASET", "path": []string{"research", "oulad", "v"}, "sql": "SELECT 1"},
	} {
		if code, body := s.call(http.MethodPost, "/api/v3/catalog", e); code != http.StatusOK {
			t.Fatalf("create %v: %d %s", e["path"], code, body)
		}
	}
	if code, body := s.call(http.MethodDelete, "/api/v3/catalog/"+space.ID+"?tag="+space.Tag, nil); code != http.StatusNoContent {
		t.Fatalf("delete space: %d %s", code, body)
	}
	for _, p := range []string{"research", "research/oulad", "research/oulad/v"} {
		if code, _ := s.call(http.MethodGet, "/api/v3/catalog/by-path/"+p, nil); code != http.StatusNotFound {
			t.Errorf("GET by-path %s after deleting the space: %d, want 404", p, code)
		}
	}
	if f.Len() != 0 {
		t.Errorf("%d entities left", f.Len())
	}
}
