// Package supersettest is an in-process fake of the Apache Superset REST API
// v1 that enforces the contract the provider depends on: JWT login and
// refresh, CSRF token plus session cookie on every write, the response
// envelopes, 400 for schema errors and 422 for duplicates and missing
// references (and 422 for dataset PUT schema errors), uniqueness of database
// names, dataset tables and dashboard slugs, masked database secrets (URI
// password, SSH tunnel credentials, encrypted_extra; see dbsecrets.go),
// rison list queries paged from 0, PUTs that change only the fields they
// carry, and server-side rewriting of position_json and json_metadata.
// Tests reach behind the API with Mutate, Remove and Object.
package supersettest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

// Options tune the fake.
type Options struct {
	Username string        // default "admin"
	Password string        // default "admin"
	TokenTTL time.Duration // access token lifetime; default 15 minutes
	// NoCSRF switches CSRF emulation off, like WTF_CSRF_ENABLED=False.
	NoCSRF bool
	// SSHTunneling is Superset's SSH_TUNNELING feature flag, off by default
	// as in Superset: then any ssh_tunnel in a database write is a 400.
	SSHTunneling bool
}

// Column is a column of a physical table the fake pretends to see.
type Column struct {
	Name string
	Type string
}

// Request is one API call the fake received (login and CSRF calls excluded).
type Request struct {
	Method string
	Path   string
	Body   map[string]any
}

// Server is the fake. All exported methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	opts Options

	mu        sync.Mutex
	nextID    int64
	access    map[string]time.Time
	refresh   map[string]bool
	sessions  map[string]string // session cookie -> csrf token
	objs      map[string]map[int64]map[string]any
	passwords map[int64]string
	tunnels   map[int64]*Tunnel // dbsecrets.go
	encrypted map[int64]string  // real encrypted_extra per database
	tables    map[string][]Column
	requests  []Request
	logins    int
	refreshes int

	// Fault switches.
	failNext    int
	failStatus  int
	expireAfter int
	statuses    map[int]int
}

// New starts a fake and closes it when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Username == "" {
		opts.Username = "admin"
	}
	if opts.Password == "" {
		opts.Password = "admin"
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 15 * time.Minute
	}
	s := &Server{
		opts: opts, access: map[string]time.Time{}, refresh: map[string]bool{}, sessions: map[string]string{},
		objs:      map[string]map[int64]map[string]any{"database": {}, "dataset": {}, "chart": {}, "dashboard": {}},
		passwords: map[int64]string{}, tables: map[string][]Column{}, statuses: map[int]int{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)

	return s
}

// ProviderBlock is the HCL of a provider superset block for this fake.
func (s *Server) ProviderBlock() string {
	return fmt.Sprintf("superset {\n    endpoint = %q\n    username = %q\n    password = %q\n  }", s.URL, s.opts.Username, s.opts.Password)
}

// AddTable makes a physical table visible to every database, so physical
// datasets on it can be created and refreshed. Calling it again changes the
// table's columns (a later refresh picks them up).
func (s *Server) AddTable(schema, table string, cols ...Column) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tables[schema+"."+table] = cols
}

// Object returns a deep copy of a stored object, or nil.
func (s *Server) Object(kind string, id int64) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.objs[kind][id]
	if o == nil {
		return nil
	}

	out, _ := deepCopy(o).(map[string]any)

	return out
}

// Mutate changes a stored object out of band, as a user in the web UI would.
func (s *Server) Mutate(kind string, id int64, fn func(map[string]any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.objs[kind][id]; o != nil {
		fn(o)
	}
}

// Remove deletes a stored object out of band.
func (s *Server) Remove(kind string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objs[kind], id)
}

// StoredPassword is the real password the fake keeps for a database: what a
// connection test would use.
func (s *Server) StoredPassword(id int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.passwords[id]
}

// RefreshDataset re-reads a physical dataset's columns from its table, as
// "Sync columns from source" does: new columns are added with default
// settings, vanished ones dropped, and existing ones keep their settings.
func (s *Server) RefreshDataset(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.refreshDataset(id)
}

// Requests returns the API calls received so far whose path starts with
// prefix and whose method is method ("" for any).
func (s *Server) Requests(method, prefix string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}

	return out
}

// Logins and Refreshes count authentication calls.
func (s *Server) Logins() int    { s.mu.Lock(); defer s.mu.Unlock(); return s.logins }
func (s *Server) Refreshes() int { s.mu.Lock(); defer s.mu.Unlock(); return s.refreshes }

// ExpireTokens makes every access token invalid, as a server restart with a
// new secret or a long pause would.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.access {
		s.access[k] = time.Now().Add(-time.Second)
	}
}

// FailNext makes the next n requests (login and CSRF calls included)
// answer status with an error body, as an overloaded server or a restarting
// load balancer does.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failStatus = n, status
}

// ExpireTokensAfter invalidates every access token once, on the n-th
// authorised call from now: tokens that die in the middle of a run while
// other calls are in flight.
func (s *Server) ExpireTokensAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireAfter = n
}

// StatusCount says how many answers carried status code.
func (s *Server) StatusCount(code int) int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.statuses[code]
}

// ---- HTTP plumbing ----

type apiErr struct {
	status int
	body   any
}

func msg(status int, m any) *apiErr { return &apiErr{status, map[string]any{"message": m}} }

func sip40(status int, message, errType string, extra map[string]any) *apiErr {
	if extra == nil {
		extra = map[string]any{}
	}

	return &apiErr{status, map[string]any{"errors": []any{map[string]any{
		"message": message, "error_type": errType, "level": "error", "extra": extra,
	}}}}
}

var notFound = msg(http.StatusNotFound, "Not found")

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		s.statuses[s.failStatus]++
		writeJSON(w, s.failStatus, map[string]any{"message": http.StatusText(s.failStatus)})

		return
	}
	status, body := s.route(w, r)
	s.statuses[status]++
	writeJSON(w, status, body)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) (int, any) {
	p := r.URL.Path
	switch {
	case p == "/api/v1/security/login" && r.Method == http.MethodPost:
		return s.login(r)
	case p == "/api/v1/security/refresh" && r.Method == http.MethodPost:
		return s.refreshToken(r)
	}
	if !s.authorised(r) {
		return http.StatusUnauthorized, map[string]any{"message": "Not authorized"}
	}
	if p == "/api/v1/security/csrf_token/" && r.Method == http.MethodGet {
		return s.csrfToken(w)
	}
	var body map[string]any
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		raw, _ := io.ReadAll(r.Body)
		if len(raw) > 0 || r.Method == http.MethodPost {
			if err := json.Unmarshal(raw, &body); err != nil {
				return http.StatusBadRequest, map[string]any{"message": "Request is not JSON"}
			}
		}
	}
	if r.Method != http.MethodGet {
		if e := s.checkCSRF(r); e != nil {
			return e.status, e.body
		}
	}
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Body: body})

	status, out, e := s.dispatch(r, body)
	if e != nil {
		return e.status, e.body
	}

	return status, out
}

var itemRe = regexp.MustCompile(`^/api/v1/(database|dataset|chart|dashboard)/(?:(\d+)(/connection|/charts|/refresh)?)?$`)

func (s *Server) dispatch(r *http.Request, body map[string]any) (int, any, *apiErr) {
	m := itemRe.FindStringSubmatch(r.URL.Path)
	if m == nil {
		return 0, nil, notFound
	}
	kind, idStr, sub := m[1], m[2], m[3]
	if idStr == "" {
		if !strings.HasSuffix(r.URL.Path, "/") {
			return 0, nil, notFound // strict slashes
		}
		switch r.Method {
		case http.MethodGet:
			return s.list(kind, r.URL.Query().Get("q"))
		case http.MethodPost:
			return s.create(kind, body)
		}

		return 0, nil, msg(http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	id, _ := strconv.ParseInt(idStr, 10, 64)
	obj := s.objs[kind][id]
	if obj == nil {
		return 0, nil, notFound
	}
	switch {
	case sub == "/connection" && kind == "database" && r.Method == http.MethodGet:
		return http.StatusOK, map[string]any{"id": id, "result": s.view(kind, obj, true)}, nil
	case sub == "/charts" && kind == "dashboard" && r.Method == http.MethodGet:
		return http.StatusOK, map[string]any{"result": s.dashboardCharts(obj)}, nil
	case sub == "/refresh" && kind == "dataset" && r.Method == http.MethodPut:
		if !s.refreshDataset(id) {
			return 0, nil, msg(http.StatusUnprocessableEntity, "Dataset could not be updated.")
		}

		return http.StatusOK, map[string]any{"message": "OK"}, nil
	case sub != "":
		return 0, nil, notFound
	}
	switch r.Method {
	case http.MethodGet:
		if kind == "chart" || kind == "dashboard" {
			return http.StatusOK, map[string]any{"result": s.view(kind, obj, false)}, nil
		}

		return http.StatusOK, map[string]any{"id": id, "result": s.view(kind, obj, false)}, nil
	case http.MethodPut:
		return s.update(kind, id, obj, body, r.URL.Query().Get("override_columns") == "true")
	case http.MethodDelete:
		return s.remove(kind, id)
	}

	return 0, nil, msg(http.StatusMethodNotAllowed, "Method Not Allowed")
}

// ---- auth and CSRF ----

func token(kind string, exp time.Time) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(map[string]any{"exp": exp.Unix(), "type": kind, "jti": hex.EncodeToString(b)})

	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + "." + hex.EncodeToString(b)
}

func (s *Server) login(r *http.Request) (int, any) {
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return http.StatusBadRequest, map[string]any{"message": "Request payload is not JSON"}
	}
	provider, _ := in["provider"].(string)
	if provider != "db" && provider != "ldap" {
		return http.StatusBadRequest, map[string]any{"message": map[string]any{"provider": []string{"Must be one of: db, ldap."}}}
	}
	if in["username"] != s.opts.Username || in["password"] != s.opts.Password {
		return http.StatusUnauthorized, map[string]any{"message": "Not authorized"}
	}
	s.logins++
	exp := time.Now().Add(s.opts.TokenTTL)
	access := token("access", exp)
	s.access[access] = exp
	out := map[string]any{"access_token": access}
	if in["refresh"] == true {
		rt := token("refresh", time.Now().Add(30*24*time.Hour))
		s.refresh[rt] = true
		out["refresh_token"] = rt
	}

	return http.StatusOK, out
}

func (s *Server) refreshToken(r *http.Request) (int, any) {
	rt := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !s.refresh[rt] {
		return http.StatusUnauthorized, map[string]any{"message": "Not authorized"}
	}
	s.refreshes++
	exp := time.Now().Add(s.opts.TokenTTL)
	access := token("access", exp)
	s.access[access] = exp

	return http.StatusOK, map[string]any{"access_token": access}
}

func (s *Server) authorised(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	exp, known := s.access[tok]
	if !ok || !known || !time.Now().Before(exp) {
		return false
	}
	if s.expireAfter > 0 {
		s.expireAfter--
		if s.expireAfter == 0 {
			s.access = map[string]time.Time{}

			return false
		}
	}

	return true
}

func (s *Server) csrfToken(w http.ResponseWriter) (int, any) {
	session, csrf := token("session", time.Now()), token("csrf", time.Now())
	s.sessions[session] = csrf
	http.SetCookie(w, &http.Cookie{Name: "session", Value: session, Path: "/", HttpOnly: true})

	return http.StatusOK, map[string]any{"result": csrf}
}

func (s *Server) checkCSRF(r *http.Request) *apiErr {
	if s.opts.NoCSRF {
		return nil
	}
	sent := r.Header.Get("X-CSRFToken")
	if sent == "" {
		sent = r.Header.Get("X-CSRF-Token")
	}
	if sent == "" {
		return sip40(http.StatusBadRequest, "400 Bad Request: The CSRF token is missing.", "GENERIC_BACKEND_ERROR", nil)
	}
	c, err := r.Cookie("session")
	if err != nil || s.sessions[c.Value] == "" {
		return sip40(http.StatusBadRequest, "400 Bad Request: The CSRF session token is missing.", "GENERIC_BACKEND_ERROR", nil)
	}
	if s.sessions[c.Value] != sent {
		return sip40(http.StatusBadRequest, "400 Bad Request: The CSRF tokens do not match.", "GENERIC_BACKEND_ERROR", nil)
	}

	return nil
}

// ---- schema checks ----

// field kinds: s string, s? nullable string, b bool, i int, i? nullable int,
// j JSON string, li list of ints, lo list of objects.
var schemas = map[string]map[string]string{
	"database": {
		"database_name": "s", "sqlalchemy_uri": "s", "expose_in_sqllab": "b", "allow_run_async": "b",
		"allow_file_upload": "b", "allow_ctas": "b", "allow_cvas": "b", "allow_dml": "b", "impersonate_user": "b",
		"cache_timeout": "i?", "force_ctas_schema": "s?", "configuration_method": "s", "extra": "j",
		"masked_encrypted_extra": "j?", "encrypted_extra": "j?", "ssh_tunnel": "o?", "server_cert": "s?", "uuid": "s", "external_url": "s?", "is_managed_externally": "b",
	},
	"dataset": {
		"database": "i", "table_name": "s", "catalog": "s?", "schema": "s?", "sql": "s?", "owners": "li",
		"normalize_columns": "b", "always_filter_main_dttm": "b", "template_params": "s?", "uuid": "s",
		"external_url": "s?", "is_managed_externally": "b",
	},
	"dataset.put": {
		"table_name": "s", "database_id": "i", "sql": "s?", "catalog": "s?", "schema": "s?", "description": "s?",
		"main_dttm_col": "s?", "cache_timeout": "i?", "extra": "j", "template_params": "s?", "owners": "li",
		"default_endpoint": "s?", "offset": "i", "filter_select_enabled": "b", "fetch_values_predicate": "s?",
		"is_sqllab_view": "b", "normalize_columns": "b", "always_filter_main_dttm": "b", "columns": "lo", "metrics": "lo",
	},
	"chart": {
		"slice_name": "s", "datasource_id": "i", "datasource_type": "s", "viz_type": "s", "params": "j",
		"query_context": "j", "query_context_generation": "b", "description": "s?", "cache_timeout": "i?",
		"owners": "li", "dashboards": "li", "certified_by": "s?", "certification_details": "s?",
		"external_url": "s?", "is_managed_externally": "b", "uuid": "s",
	},
	"dashboard": {
		"dashboard_title": "s?", "slug": "s?", "owners": "li", "roles": "li", "position_json": "j", "css": "s?",
		"json_metadata": "j", "published": "b", "certified_by": "s?", "certification_details": "s?",
		"theme_id": "i?", "external_url": "s?", "is_managed_externally": "b", "uuid": "s", "tags": "li",
	},
}

// nestedFields are the fields a dataset PUT accepts in each column and
// metric item; like the top level, anything else is refused (RAISE).
var nestedFields = map[string]map[string]string{
	"columns": {
		"id": "i", "column_name": "s", "type": "s?", "advanced_data_type": "s?", "verbose_name": "s?", "description": "s?",
		"expression": "s?", "extra": "j", "filterable": "b", "groupby": "b", "is_active": "b", "is_dttm": "b",
		"python_date_format": "s?", "uuid": "s?",
	},
	"metrics": {
		"id": "i", "metric_name": "s", "expression": "s", "metric_type": "s?", "verbose_name": "s?", "description": "s?",
		"d3format": "s?", "currency": "o?", "extra": "j", "warning_text": "s?", "uuid": "s?",
	},
}

var required = map[string][]string{
	"database": {"database_name", "sqlalchemy_uri"},
	"dataset":  {"database", "table_name"},
	"chart":    {"slice_name", "datasource_id", "datasource_type"},
}

// validate returns field errors keyed by field name; unknown fields are
// errors except for databases, whose schema excludes them silently.
func validate(schemaName string, body map[string]any, create bool) map[string]any {
	sch := schemas[schemaName]
	errs := map[string]any{}
	for k, v := range body {
		kind, ok := sch[k]
		if !ok {
			if schemaName == "database" {
				delete(body, k)

				continue
			}
			errs[k] = []string{"Unknown field."}

			continue
		}
		if m := checkType(kind, v); m != "" {
			errs[k] = []string{m}

			continue
		}
		if k == "ssh_tunnel" && schemaName == "database" {
			if m := checkTunnelSchema(v); m != nil {
				errs[k] = m
			}

			continue
		}
		if fields, ok := nestedFields[k]; ok && kind == "lo" {
			items, _ := v.([]any)
			if m := checkItems(fields, items); len(m) > 0 {
				errs[k] = m
			}
		}
	}
	if create {
		for _, k := range required[schemaName] {
			if _, ok := body[k]; !ok {
				errs[k] = []string{"Missing data for required field."}
			}
		}
	}

	return errs
}

// checkItems validates the items of a nested list, keyed by item index as
// marshmallow reports them.
func checkItems(fields map[string]string, items []any) map[string]any {
	errs := map[string]any{}
	for i, it := range items {
		item := map[string]any{}
		fieldsOf, _ := it.(map[string]any)
		for k, v := range fieldsOf {
			kind, ok := fields[k]
			if !ok {
				item[k] = []string{"Unknown field."}
			} else if m := checkType(kind, v); m != "" {
				item[k] = []string{m}
			}
		}
		if len(item) > 0 {
			errs[strconv.Itoa(i)] = item
		}
	}

	return errs
}

func checkType(kind string, v any) string {
	if v == nil {
		if strings.HasSuffix(kind, "?") {
			return ""
		}

		return "Field may not be null."
	}
	switch strings.TrimSuffix(kind, "?") {
	case "s":
		if _, ok := v.(string); !ok {
			return "Not a valid string."
		}
	case "b":
		if _, ok := v.(bool); !ok {
			return "Not a valid boolean."
		}
	case "i":
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			return "Not a valid integer."
		}
	case "j":
		str, ok := v.(string)
		if !ok || (str != "" && !json.Valid([]byte(str))) {
			return "JSON not valid"
		}
	case "li":
		l, ok := v.([]any)
		if !ok {
			return "Not a valid list."
		}
		for _, e := range l {
			if f, ok := e.(float64); !ok || f != float64(int64(f)) {
				return "Not a valid integer."
			}
		}
	case "o":
		if _, ok := v.(map[string]any); !ok {
			return "Not a valid mapping type."
		}
	case "lo":
		l, ok := v.([]any)
		if !ok {
			return "Not a valid list."
		}
		for _, e := range l {
			if _, ok := e.(map[string]any); !ok {
				return "Not a valid mapping type."
			}
		}
	}

	return ""
}

// ---- list ----

var searchable = map[string][]string{
	"database":  {"database_name", "expose_in_sqllab", "allow_dml", "allow_run_async", "allow_file_upload", "uuid", "created_by", "changed_by"},
	"dataset":   {"id", "uuid", "database", "owners", "catalog", "schema", "sql", "table_name", "created_by", "changed_by"},
	"chart":     {"slice_name", "viz_type", "datasource_id", "datasource_name", "datasource_type", "description", "id", "uuid", "owners", "dashboards", "tags"},
	"dashboard": {"dashboard_title", "slug", "id", "uuid", "owners", "published", "roles", "tags", "created_by", "changed_by"},
}

func (s *Server) list(kind, q string) (int, any, *apiErr) {
	args := map[string]any{}
	if q != "" {
		v, err := superset.DecodeRison(q)
		if err != nil {
			return 0, nil, msg(http.StatusBadRequest, "Not a valid rison argument")
		}
		m, ok := v.(map[string]any)
		if !ok {
			return 0, nil, msg(http.StatusBadRequest, "Not a valid rison schema")
		}
		args = m
	}
	page, size := 0, 20
	if v, ok := args["page"].(float64); ok {
		page = int(v)
	}
	if v, ok := args["page_size"].(float64); ok {
		size = int(v)
	}
	if kind != "database" && (size > 100 || size < 0) {
		size = 100
	}
	var filters []any
	if f, ok := args["filters"]; ok {
		if filters, ok = f.([]any); !ok {
			return 0, nil, msg(http.StatusBadRequest, "Not a valid rison schema")
		}
	}
	ids := s.sortedIDs(kind)
	var matched []int64
	for _, id := range ids {
		ok, e := matches(kind, s.view(kind, s.objs[kind][id], false), filters)
		if e != nil {
			return 0, nil, e
		}
		if ok {
			matched = append(matched, id)
		}
	}
	start, end := page*size, page*size+size
	if size < 0 {
		start, end = 0, len(matched)
	}
	start, end = min(start, len(matched)), min(end, len(matched))
	result := []any{}
	outIDs := []any{}
	for _, id := range matched[start:end] {
		result = append(result, s.view(kind, s.objs[kind][id], false))
		outIDs = append(outIDs, id)
	}

	return http.StatusOK, map[string]any{
		"count": len(matched), "ids": outIDs, "result": result, "list_columns": []string{}, "label_columns": map[string]any{},
		"order_columns": []string{}, "description_columns": map[string]any{}, "list_title": "List " + kind,
	}, nil
}

func matches(kind string, view map[string]any, filters []any) (bool, *apiErr) {
	for _, f := range filters {
		fm, ok := f.(map[string]any)
		if !ok {
			return false, msg(http.StatusBadRequest, "Not a valid rison schema")
		}
		col, _ := fm["col"].(string)
		opr, _ := fm["opr"].(string)
		allowed := false
		for _, c := range searchable[kind] {
			allowed = allowed || c == col
		}
		if !allowed {
			return false, msg(http.StatusBadRequest, "Filter column: "+col+" not allowed to filter")
		}
		have := fmt.Sprint(view[col])
		if m, ok := view[col].(map[string]any); ok {
			have = fmt.Sprint(m["id"])
		}
		want := fmt.Sprint(fm["value"])
		if f, ok := fm["value"].(float64); ok {
			want = strconv.FormatInt(int64(f), 10)
		}
		var hit bool
		switch opr {
		case "eq":
			hit = have == want
		case "neq":
			hit = have != want
		case "ct":
			hit = strings.Contains(strings.ToLower(have), strings.ToLower(want))
		case "sw":
			hit = strings.HasPrefix(have, want)
		default:
			return false, msg(http.StatusBadRequest, "Filter operation: "+opr+" not allowed on column: "+col)
		}
		if !hit {
			return false, nil
		}
	}

	return true, nil
}

func (s *Server) sortedIDs(kind string) []int64 {
	ids := make([]int64, 0, len(s.objs[kind]))
	for id := range s.objs[kind] {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })

	return ids
}

// ---- create, update, delete ----

func (s *Server) newID() int64 {
	s.nextID++

	return s.nextID
}

func (s *Server) create(kind string, body map[string]any) (int, any, *apiErr) {
	if errs := validate(kind, body, true); len(errs) > 0 {
		return 0, nil, msg(http.StatusBadRequest, errs)
	}
	var obj map[string]any
	var e *apiErr
	var sec dbSecrets
	switch kind {
	case "database":
		var rest map[string]any
		rest, sec = splitSecrets(body)
		if obj, e = s.newDatabase(rest); e == nil {
			e = s.createSecrets(sec, asString(obj["sqlalchemy_uri"]))
		}
	case "dataset":
		obj, e = s.newDataset(body)
	case "chart":
		obj, e = s.newChart(body)
	case "dashboard":
		obj, e = s.newDashboard(body)
	}
	if e != nil {
		return 0, nil, e
	}
	id := s.newID()
	obj["id"] = id
	if _, ok := obj["uuid"]; !ok {
		obj["uuid"] = newUUID()
	}
	s.objs[kind][id] = obj
	if kind == "database" {
		s.passwords[id], _ = obj["_password"].(string)
		delete(obj, "_password")
		s.storeSecrets(id, sec)
	}
	echo := copyMap(body)
	if kind == "database" {
		echo["sqlalchemy_uri"] = s.maskedURI(id, obj)
		echo["uuid"], echo["driver"] = obj["uuid"], obj["driver"]
		s.echoSecrets(id, echo)
	}

	return http.StatusCreated, map[string]any{"id": id, "result": echo}, nil
}

func (s *Server) update(kind string, id int64, obj, body map[string]any, override bool) (int, any, *apiErr) {
	schemaName := kind
	if kind == "dataset" {
		schemaName = "dataset.put"
	}
	if errs := validate(schemaName, body, false); len(errs) > 0 {
		if kind == "dataset" {
			return 0, nil, sip40(http.StatusUnprocessableEntity, "The schema of the submitted payload is invalid.", "MARSHMALLOW_ERROR",
				map[string]any{"messages": errs, "payload": body})
		}

		return 0, nil, msg(http.StatusBadRequest, errs)
	}
	var e *apiErr
	switch kind {
	case "database":
		e = s.updateDatabase(id, obj, body)
	case "dataset":
		e = s.updateDataset(id, obj, body, override)
	case "chart":
		e = s.updateChart(obj, body)
	case "dashboard":
		e = s.updateDashboard(id, obj, body)
	}
	if e != nil {
		return 0, nil, e
	}
	out := map[string]any{"id": id, "result": body}
	if kind == "database" {
		echo := copyMap(body)
		s.echoSecrets(id, echo)
		out["result"] = echo
	}
	if kind == "dashboard" {
		out["last_modified_time"] = float64(time.Now().Unix())
	}

	return http.StatusOK, out, nil
}

func (s *Server) remove(kind string, id int64) (int, any, *apiErr) {
	if kind == "database" {
		for _, ds := range s.objs["dataset"] {
			if ds["database_id"] == id {
				return 0, nil, msg(http.StatusUnprocessableEntity, "Cannot delete a database that has datasets attached")
			}
		}
		delete(s.passwords, id)
		s.dropSecrets(id)
	}
	delete(s.objs[kind], id)

	return http.StatusOK, map[string]any{"message": "OK"}, nil
}

// ---- databases ----

func (s *Server) newDatabase(body map[string]any) (map[string]any, *apiErr) {
	name, _ := body["database_name"].(string)
	if name == "" || len(name) > 250 {
		return nil, msg(http.StatusBadRequest, map[string]any{"database_name": []string{"Length must be between 1 and 250."}})
	}
	if s.databaseNamed(name, 0) {
		return nil, msg(http.StatusUnprocessableEntity, map[string]any{"database_name": []string{"A database with the same name already exists."}})
	}
	raw, _ := body["sqlalchemy_uri"].(string)
	uri, password, e := parseURI(raw)
	if e != nil {
		return nil, e
	}
	obj := map[string]any{
		"database_name": name, "expose_in_sqllab": true, "allow_run_async": false, "allow_file_upload": false,
		"allow_ctas": false, "allow_cvas": false, "allow_dml": false, "impersonate_user": false, "cache_timeout": nil,
		"configuration_method": "sqlalchemy_form", "extra": `{"metadata_params":{},"engine_params":{}}`,
		"force_ctas_schema": nil, "server_cert": nil, "is_managed_externally": false, "external_url": nil,
	}
	for k, v := range body {
		obj[k] = v
	}
	obj["sqlalchemy_uri"] = uri.String()
	obj["backend"], obj["driver"], _ = strings.Cut(uri.Scheme, "+")
	obj["_password"] = password

	return obj, nil
}

func (s *Server) updateDatabase(id int64, obj, body map[string]any) *apiErr {
	if name, ok := body["database_name"].(string); ok && s.databaseNamed(name, id) {
		return msg(http.StatusUnprocessableEntity, map[string]any{"database_name": []string{"A database with the same name already exists."}})
	}
	body, sec := splitSecrets(body)
	uri, password := asString(obj["sqlalchemy_uri"]), ""
	newURI := false
	if raw, ok := body["sqlalchemy_uri"].(string); ok {
		u, pw, e := parseURI(raw)
		if e != nil {
			return e
		}
		uri, password, newURI = u.String(), pw, true
	}
	if e := s.checkRebind(id, obj, body, sec, newURI, uri, password); e != nil {
		return e
	}
	// The tunnel is checked against the URI the update leaves.
	commit, e := s.planSecretUpdate(id, sec, uri, backendOf(uri))
	if e != nil {
		return e
	}
	commit()
	if newURI {
		if password != superset.PasswordMask {
			s.passwords[id] = password
		}
		body["sqlalchemy_uri"] = uri
		obj["backend"], obj["driver"], _ = strings.Cut(uriScheme(uri), "+")
	}
	for k, v := range body {
		obj[k] = v
	}

	return nil
}

func uriScheme(raw string) string {
	scheme, _, _ := strings.Cut(raw, "://")

	return scheme
}

func (s *Server) databaseNamed(name string, except int64) bool {
	for id, o := range s.objs["database"] {
		if id != except && o["database_name"] == name {
			return true
		}
	}

	return false
}

// parseURI splits the password off a SQLAlchemy URI; the fake stores it
// apart, as Superset encrypts it apart.
func parseURI(raw string) (*url.URL, string, *apiErr) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || len(raw) > 1024 {
		return nil, "", msg(http.StatusBadRequest, map[string]any{"sqlalchemy_uri": []string{
			"Invalid connection string, a valid string usually follows: backend+driver://user:password@database-host/database-name"}})
	}
	var password string
	if u.User != nil {
		password, _ = u.User.Password()
		u.User = url.User(u.User.Username())
	}

	return u, password, nil
}

func (s *Server) maskedURI(id int64, obj map[string]any) string {
	raw, _ := obj["sqlalchemy_uri"].(string)
	u, _ := url.Parse(raw)
	if u.User != nil && s.passwords[id] != "" {
		u.User = url.UserPassword(u.User.Username(), superset.PasswordMask)
	}

	return u.String()
}

// ---- datasets ----

func (s *Server) newDataset(body map[string]any) (map[string]any, *apiErr) {
	dbID := asInt(body["database"])
	if s.objs["database"][dbID] == nil {
		return nil, msg(http.StatusUnprocessableEntity, map[string]any{"database": []string{"Database does not exist"}})
	}
	table, _ := body["table_name"].(string)
	schema, _ := body["schema"].(string)
	if table == "" || len(table) > 250 {
		return nil, msg(http.StatusBadRequest, map[string]any{"table_name": []string{"Length must be between 1 and 250."}})
	}
	if s.datasetExists(dbID, schema, table, 0) {
		return nil, msg(http.StatusUnprocessableEntity, map[string]any{"table": []string{"Dataset " + table + " already exists"}})
	}
	sql, _ := body["sql"].(string)
	var cols []any
	if sql == "" {
		src, ok := s.tables[schema+"."+table]
		if !ok {
			return nil, msg(http.StatusUnprocessableEntity, map[string]any{"table": []string{"Table [" + table + "] could not be found, please double check your database connection, schema, and table name"}})
		}
		for _, c := range src {
			cols = append(cols, s.newColumn(c.Name, c.Type))
		}
	} else if strings.Contains(strings.ToLower(sql), "drop ") {
		return nil, msg(http.StatusUnprocessableEntity, map[string]any{"sql": []string{"Only SELECT statements are allowed against this database."}})
	}
	owners := body["owners"]
	if owners == nil {
		owners = []any{float64(1)}
	}
	kind := "physical"
	if sql != "" {
		kind = "virtual"
	}

	return map[string]any{
		"database_id": dbID, "table_name": table, "schema": body["schema"], "catalog": body["catalog"], "sql": body["sql"],
		"kind": kind, "owners": owners, "description": nil, "extra": nil, "template_params": body["template_params"],
		"columns": cols, "metrics": []any{}, "normalize_columns": body["normalize_columns"] == true,
	}, nil
}

func (s *Server) newColumn(name, typ string) map[string]any {
	return map[string]any{
		"id": s.newID(), "column_name": name, "type": typ, "verbose_name": nil, "description": nil, "expression": nil,
		"filterable": true, "groupby": true, "is_active": true, "is_dttm": strings.Contains(strings.ToUpper(typ), "TIMESTAMP") || strings.EqualFold(typ, "DATE"),
		"python_date_format": nil, "advanced_data_type": nil, "extra": nil, "uuid": newUUID(),
	}
}

func (s *Server) datasetExists(db int64, schema, table string, except int64) bool {
	for id, o := range s.objs["dataset"] {
		sc, _ := o["schema"].(string)
		if id != except && o["database_id"] == db && sc == schema && o["table_name"] == table {
			return true
		}
	}

	return false
}

func (s *Server) updateDataset(id int64, obj, body map[string]any, override bool) *apiErr {
	body = copyMap(body)
	if v, ok := body["database_id"]; ok {
		dbID := asInt(v)
		if s.objs["database"][dbID] == nil {
			return msg(http.StatusUnprocessableEntity, map[string]any{"database": []string{"Database does not exist"}})
		}
		body["database_id"] = dbID
	}
	db, _ := body["database_id"].(int64)
	if db == 0 {
		db = asInt(obj["database_id"])
	}
	schema, _ := obj["schema"].(string)
	if v, ok := body["schema"]; ok {
		schema, _ = v.(string)
	}
	table, _ := obj["table_name"].(string)
	if v, ok := body["table_name"].(string); ok {
		table = v
	}
	if s.datasetExists(db, schema, table, id) {
		return msg(http.StatusUnprocessableEntity, map[string]any{"table": []string{"Dataset " + table + " already exists"}})
	}
	if cols, ok := body["columns"].([]any); ok {
		merged, e := s.replaceItems(obj["columns"], cols, "column_name", s.columnDefaults)
		if e != nil {
			return e
		}
		body["columns"] = merged
	}
	if mets, ok := body["metrics"].([]any); ok {
		for _, m := range mets {
			if mm := asMap(m); mm["expression"] == nil && mm["id"] == nil {
				return msg(http.StatusUnprocessableEntity, map[string]any{"metrics": []string{"expression is required"}})
			}
		}
		merged, e := s.replaceItems(obj["metrics"], mets, "metric_name", s.metricDefaults)
		if e != nil {
			return e
		}
		body["metrics"] = merged
	}
	for k, v := range body {
		obj[k] = v
	}
	if sql, _ := obj["sql"].(string); sql != "" {
		obj["kind"] = "virtual"
	} else {
		obj["kind"] = "physical"
	}
	if override {
		s.refreshDataset(id)
	}

	return nil
}

func (s *Server) columnDefaults(name string) map[string]any { return s.newColumn(name, "") }

func (s *Server) metricDefaults(name string) map[string]any {
	return map[string]any{
		"id": s.newID(), "metric_name": name, "expression": nil, "metric_type": nil, "verbose_name": nil,
		"description": nil, "d3format": nil, "currency": nil, "extra": nil, "warning_text": nil, "uuid": newUUID(),
	}
}

// replaceItems applies Superset's list semantics: items with an id update
// that item with the fields they carry, items without one are created, and
// existing items left out are removed.
func (s *Server) replaceItems(current any, sent []any, nameKey string, defaults func(string) map[string]any) ([]any, *apiErr) {
	byID := map[int64]map[string]any{}
	existing, _ := current.([]any)
	for _, c := range existing {
		cm := asMap(c)
		byID[asInt(cm["id"])] = cm
	}
	out := make([]any, 0, len(sent))
	names := map[string]bool{}
	for _, item := range sent {
		im := asMap(item)
		name, _ := im[nameKey].(string)
		if name == "" {
			return nil, msg(http.StatusUnprocessableEntity, map[string]any{nameKey: []string{"Missing data for required field."}})
		}
		if names[name] {
			return nil, msg(http.StatusUnprocessableEntity, map[string]any{nameKey: []string{"One or more " + nameKey + "s are duplicated"}})
		}
		names[name] = true
		var target map[string]any
		if idv, ok := im["id"].(float64); ok {
			target = byID[int64(idv)]
			if target == nil {
				return nil, msg(http.StatusUnprocessableEntity, map[string]any{nameKey: []string{"Item " + name + " does not exist"}})
			}
		} else {
			target = defaults(name)
		}
		for k, v := range im {
			if k != "id" {
				target[k] = v
			}
		}
		out = append(out, target)
	}

	return out, nil
}

func (s *Server) refreshDataset(id int64) bool {
	obj := s.objs["dataset"][id]
	if obj == nil {
		return false
	}
	schema, _ := obj["schema"].(string)
	src, ok := s.tables[schema+"."+obj["table_name"].(string)]
	if !ok {
		return false
	}
	have := map[string]map[string]any{}
	existing, _ := obj["columns"].([]any)
	for _, c := range existing {
		cm := asMap(c)
		have[asString(cm["column_name"])] = cm
	}
	cols := make([]any, 0, len(src))
	for _, c := range src {
		if cm, ok := have[c.Name]; ok {
			cm["type"] = c.Type
			cols = append(cols, cm)
		} else {
			cols = append(cols, s.newColumn(c.Name, c.Type))
		}
	}
	// Calculated columns (with an expression) survive a refresh.
	for _, c := range existing {
		cm := asMap(c)
		if e, _ := cm["expression"].(string); e != "" && !containsName(cols, cm["column_name"]) {
			cols = append(cols, cm)
		}
	}
	obj["columns"] = cols

	return true
}

func containsName(cols []any, name any) bool {
	for _, c := range cols {
		if asMap(c)["column_name"] == name {
			return true
		}
	}

	return false
}

// ---- charts ----

func (s *Server) newChart(body map[string]any) (map[string]any, *apiErr) {
	if e := s.checkChart(body); e != nil {
		return nil, e
	}
	obj := map[string]any{
		"viz_type": "table", "params": nil, "query_context": nil, "description": nil, "cache_timeout": nil,
		"certified_by": nil, "certification_details": nil, "owners": []any{float64(1)}, "dashboards": []any{},
	}
	for k, v := range body {
		obj[k] = v
	}
	obj["datasource_id"] = asInt(body["datasource_id"])

	return obj, nil
}

func (s *Server) checkChart(body map[string]any) *apiErr {
	if name, ok := body["slice_name"].(string); ok && (name == "" || len(name) > 250) {
		return msg(http.StatusBadRequest, map[string]any{"slice_name": []string{"Length must be between 1 and 250."}})
	}
	if t, ok := body["datasource_type"].(string); ok && !strings.Contains(" table dataset query saved_query view ", " "+t+" ") {
		return msg(http.StatusBadRequest, map[string]any{"datasource_type": []string{"Must be one of: table, dataset, query, saved_query, view."}})
	}
	if v, ok := body["datasource_id"].(float64); ok && s.objs["dataset"][int64(v)] == nil {
		return msg(http.StatusUnprocessableEntity, map[string]any{"datasource_id": []string{"Datasource does not exist"}})
	}
	if ds, ok := body["dashboards"].([]any); ok {
		for _, d := range ds {
			if s.objs["dashboard"][asInt(d)] == nil {
				return msg(http.StatusUnprocessableEntity, map[string]any{"dashboards": []string{"Dashboards do not exist"}})
			}
		}
	}

	return nil
}

func (s *Server) updateChart(obj, body map[string]any) *apiErr {
	if e := s.checkChart(body); e != nil {
		return e
	}
	for k, v := range body {
		obj[k] = v
	}
	if v, ok := body["datasource_id"].(float64); ok {
		obj["datasource_id"] = int64(v)
	}

	return nil
}

// ---- dashboards ----

var slugUnsafe = regexp.MustCompile(`[^\w\-]+`)

func normaliseSlug(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "-")

	return slugUnsafe.ReplaceAllString(s, "")
}

func (s *Server) newDashboard(body map[string]any) (map[string]any, *apiErr) {
	obj := map[string]any{
		"dashboard_title": nil, "slug": nil, "owners": []any{float64(1)}, "roles": []any{}, "position_json": nil,
		"css": nil, "json_metadata": nil, "published": false, "certified_by": nil, "certification_details": nil,
	}
	if e := s.applyDashboard(0, obj, body); e != nil {
		return nil, e
	}

	return obj, nil
}

func (s *Server) updateDashboard(id int64, obj, body map[string]any) *apiErr {
	return s.applyDashboard(id, obj, body)
}

func (s *Server) applyDashboard(id int64, obj, body map[string]any) *apiErr {
	if t, ok := body["dashboard_title"].(string); ok && len([]rune(t)) > 500 {
		return msg(http.StatusBadRequest, map[string]any{"dashboard_title": []string{"Length must be between 0 and 500."}})
	}
	body = copyMap(body)
	if v, ok := body["slug"]; ok && v != nil {
		slug := asString(normaliseSlug(v))
		if slug == "" || len(slug) > 255 {
			return msg(http.StatusBadRequest, map[string]any{"slug": []string{"Length must be between 1 and 255."}})
		}
		for oid, o := range s.objs["dashboard"] {
			if oid != id && o["slug"] == slug {
				return msg(http.StatusUnprocessableEntity, map[string]any{"slug": []string{"Must be unique"}})
			}
		}
		body["slug"] = slug
	}
	if owners, ok := body["owners"].([]any); ok {
		for _, o := range owners {
			if asInt(o) < 1 || asInt(o) > int64(len(users)) {
				return msg(http.StatusUnprocessableEntity, map[string]any{"owners": []string{"Owners are invalid"}})
			}
		}
	}
	if v, ok := body["position_json"].(string); ok && v != "" {
		body["position_json"] = s.rewritePositions(v)
	}
	if v, ok := body["json_metadata"].(string); ok && v != "" {
		body["json_metadata"] = rewriteMetadata(v)
	}
	for k, v := range body {
		obj[k] = v
	}

	return nil
}

// rewritePositions does what the Superset front end and back end do to a
// saved layout: every component gains a "parents" list, chart components
// gain the chart's uuid and name, and the keys come back in another order.
func (s *Server) rewritePositions(raw string) string {
	var layout map[string]any
	if json.Unmarshal([]byte(raw), &layout) != nil {
		return raw
	}
	parents := map[string][]any{}
	var walk func(id string, trail []any)
	walk = func(id string, trail []any) {
		c, ok := layout[id].(map[string]any)
		if !ok {
			return
		}
		if _, seen := parents[id]; seen {
			return
		}
		parents[id] = trail
		kids, _ := c["children"].([]any)
		for _, k := range kids {
			if ks, ok := k.(string); ok {
				walk(ks, append(append([]any{}, trail...), id))
			}
		}
	}
	walk("ROOT_ID", []any{})
	for id, v := range layout {
		c, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if p, ok := parents[id]; ok {
			c["parents"] = p
		}
		if c["type"] == "CHART" {
			if meta, ok := c["meta"].(map[string]any); ok {
				if cid, ok := meta["chartId"].(float64); ok {
					if ch := s.objs["chart"][int64(cid)]; ch != nil {
						meta["uuid"], meta["sliceName"] = ch["uuid"], ch["slice_name"]
					}
				}
			}
		}
	}
	out, _ := json.Marshal(layout)

	return string(out)
}

// rewriteMetadata drops "positions" (kept in position_json since Superset
// 1.4) and adds the defaults the server fills in.
func rewriteMetadata(raw string) string {
	var meta map[string]any
	if json.Unmarshal([]byte(raw), &meta) != nil {
		return raw
	}
	delete(meta, "positions")
	for k, v := range map[string]any{
		"shared_label_colors": []any{}, "color_scheme_domain": []any{}, "cross_filters_enabled": true,
		"expanded_slices": map[string]any{}, "timed_refresh_immune_slices": []any{},
	} {
		if _, ok := meta[k]; !ok {
			meta[k] = v
		}
	}
	out, _ := json.Marshal(meta)

	return string(out)
}

// dashboardCharts lists the charts a dashboard's layout places.
func (s *Server) dashboardCharts(obj map[string]any) []any {
	out := []any{}
	raw, _ := obj["position_json"].(string)
	var layout map[string]any
	if json.Unmarshal([]byte(raw), &layout) != nil {
		return out
	}
	seen := map[int64]bool{}
	for _, v := range layout {
		c, _ := v.(map[string]any)
		meta, _ := c["meta"].(map[string]any)
		if cid, ok := meta["chartId"].(float64); ok && c["type"] == "CHART" && !seen[int64(cid)] {
			if ch := s.objs["chart"][int64(cid)]; ch != nil {
				seen[int64(cid)] = true
				out = append(out, map[string]any{"id": int64(cid), "slice_name": ch["slice_name"], "viz_type": ch["viz_type"]})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return asInt(asMap(out[i])["id"]) < asInt(asMap(out[j])["id"])
	})

	return out
}

// ---- views ----

var users = []map[string]any{
	{"id": int64(1), "first_name": "Ada", "last_name": "Admin"},
	{"id": int64(2), "first_name": "Grace", "last_name": "Steward"},
	{"id": int64(3), "first_name": "Alan", "last_name": "Analyst"},
}

func ownerObjects(v any) []any {
	out := []any{}
	l, _ := v.([]any)
	for _, o := range l {
		if i := asInt(o); i >= 1 && i <= int64(len(users)) {
			out = append(out, users[i-1])
		}
	}

	return out
}

func (s *Server) view(kind string, obj map[string]any, connection bool) map[string]any {
	v := copyMap(obj)
	switch kind {
	case "database":
		v["sqlalchemy_uri"] = s.maskedURI(asInt(obj["id"]), obj)
		s.secretsView(asInt(obj["id"]), v, connection)
		if !connection {
			// GET /database/{pk} carries neither the URI nor extra.
			delete(v, "sqlalchemy_uri")
			delete(v, "extra")
		}
	case "dataset":
		dbID := asInt(obj["database_id"])
		db := s.objs["database"][dbID]
		dbv := map[string]any{"id": dbID}
		if db != nil {
			dbv["database_name"], dbv["uuid"], dbv["backend"] = db["database_name"], db["uuid"], db["backend"]
		}
		v["database"] = dbv
		delete(v, "database_id")
		v["owners"] = ownerObjects(obj["owners"])
	case "chart":
		v["owners"] = ownerObjects(obj["owners"])
		v["url"] = fmt.Sprintf("/explore/?slice_id=%d", obj["id"])
		if ds := s.objs["dataset"][asInt(obj["datasource_id"])]; ds != nil {
			v["datasource_name_text"], v["datasource_uuid"] = ds["table_name"], ds["uuid"]
		}
	case "dashboard":
		v["owners"] = ownerObjects(obj["owners"])
		ref := fmt.Sprint(obj["id"])
		if slug, ok := obj["slug"].(string); ok && slug != "" {
			ref = slug
		}
		v["url"] = "/superset/dashboard/" + ref + "/"
		names := []any{}
		for _, c := range s.dashboardCharts(obj) {
			names = append(names, asMap(c)["slice_name"])
		}
		v["charts"] = names
	}

	return v
}

// Type helpers for values the fake itself stored or already validated.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)

	return m
}

func copyMap(v any) map[string]any { return asMap(deepCopy(v)) }

func asString(v any) string {
	s, _ := v.(string)

	return s
}

// asInt reads an id: int64 as stored, or float64 as decoded from JSON.
func asInt(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}

	return 0
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}

		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}

		return l
	default:
		return v
	}
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80

	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
