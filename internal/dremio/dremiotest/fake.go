// Package dremiotest is an in-process fake of the Dremio Software REST API
// (login, bootstrap, v3 catalog, SQL jobs) that enforces the documented
// contract: 401 with an empty body without a valid token, 200 on create and
// 204 on delete, 409 on duplicate names and stale tags, 404 shapes, recursive
// delete, masked secrets, and job states with paged results. Fault switches
// let tests inject 503 bursts, slow answers and token expiry, and helpers
// change entities out of band the way a console user would.
package dremiotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default credentials of the user New creates.
const (
	Username = "lakehouse"
	Password = "lakehouse-pass1"
	// Masked is the marker the fake returns for stored secrets.
	Masked = "$DREMIO_EXISTING_VALUE$"
)

// Server is a running fake. All methods are safe for concurrent use.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	users    map[string]string // name -> password
	tokens   map[string]time.Time
	pats     map[string]bool
	projects map[string]bool
	entities map[string]map[string]any // id -> stored entity, secrets in clear
	secrets  map[string]map[string]any // id -> secret config fields in clear
	jobs     map[string]*job
	seq      int

	// Fault switches and knobs.
	failNext      int
	failStatus    int
	latency       time.Duration
	revokeAfter   int // revoke every token after this many authenticated calls; 0 = off
	expireAfter   int // revoke every token once, on this many-th authenticated call from now; 0 = off
	staleNext     bool
	tokenTTL      time.Duration
	jobPolls      int
	childrenPage  int
	sqlHandler    func(sql string, context []string) (*Result, error)
	rewriteSQL    func(string) string
	logins        int
	requests      int
	statusesSent  map[int]int
	putBodies     []map[string]any
	secretsSeenIn []string
}

// Result is what a SQL handler returns for one query.
type Result struct {
	Columns []Column
	Rows    []map[string]any
}

// Column is one result column.
type Column struct {
	Name string
	Type string // VARCHAR, BIGINT, DOUBLE, BOOLEAN, ...
}

type job struct {
	state   string
	polls   int
	result  *Result
	errMsg  string
	context []string
}

// New starts a fake with one admin user (Username / Password).
func New() *Server {
	s := NewEmpty()
	s.users[Username] = Password

	return s
}

// NewEmpty starts a fake with no user: every API call answers 403 "No User
// Available" until PUT /apiv2/bootstrap/firstuser creates one.
func NewEmpty() *Server {
	s := &Server{
		users:        map[string]string{},
		tokens:       map[string]time.Time{},
		pats:         map[string]bool{},
		entities:     map[string]map[string]any{},
		secrets:      map[string]map[string]any{},
		jobs:         map[string]*job{},
		tokenTTL:     30 * time.Hour,
		jobPolls:     1,
		statusesSent: map[int]int{},
		rewriteSQL:   DefaultRewrite,
	}
	s.sqlHandler = EvalLiteralSelect
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))

	return s
}

// AddCloudProject makes the fake also answer as Dremio Cloud for project
// id, under /v0/projects/{id}/ (authenticate with a PAT from AddPAT).
func (s *Server) AddCloudProject(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.projects == nil {
		s.projects = map[string]bool{}
	}
	s.projects[id] = true
}

func (s *Server) hasProject(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.projects[id]
}

// AddPAT registers a personal access token accepted as "Bearer <pat>".
func (s *Server) AddPAT(pat string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pats[pat] = true
}

// FailNext makes the next n requests (any path, login included) answer
// status with an error body, as an overloaded coordinator does.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failStatus = n, status
}

// SetLatency delays every answer by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// ExpireTokens invalidates every session token now, like a coordinator
// restart or the end of a session's lifetime.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// RevokeTokensEvery invalidates all session tokens after every n
// authenticated requests, so tokens die in the middle of a run. 0 turns it off.
func (s *Server) RevokeTokensEvery(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeAfter = n
}

// ExpireTokensAfter invalidates every session token once, on the n-th
// authenticated call from now: a session that ends in the middle of a run
// while other calls are in flight.
func (s *Server) ExpireTokensAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireAfter = n
}

// SetTokenTTL sets the lifetime login reports and enforces.
func (s *Server) SetTokenTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenTTL = d
}

// StaleTagOnNextWrite simulates a console edit landing between the
// provider's read and its write: the next PUT or DELETE finds the entity's
// tag already changed.
func (s *Server) StaleTagOnNextWrite() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.staleNext = true
}

// SetJobPolls sets how many status polls a job stays RUNNING for.
func (s *Server) SetJobPolls(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobPolls = n
}

// SetChildrenPageSize pages container children (0 = all in one answer).
func (s *Server) SetChildrenPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.childrenPage = n
}

// SetSQLHandler replaces the query evaluator.
func (s *Server) SetSQLHandler(h func(sql string, context []string) (*Result, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sqlHandler = h
}

// SetRewriteSQL replaces how the fake rewrites view SQL before storing it.
func (s *Server) SetRewriteSQL(f func(string) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rewriteSQL = f
}

// Logins counts successful logins.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.logins
}

// StatusCount says how many answers carried status code.
func (s *Server) StatusCount(code int) int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.statusesSent[code]
}

// PutBodies returns every PUT body received, for asserting what a client
// sent (for example that a masked secret was never sent as a new value).
func (s *Server) PutBodies() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()

	return slices.Clone(s.putBodies)
}

// Entity returns a copy of the stored entity at path with secrets in
// clear, or nil.
func (s *Server) Entity(path ...string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.idByPath(path)
	if id == "" {
		return nil
	}
	e := deepCopy(s.entities[id])
	if sec := s.secrets[id]; len(sec) > 0 {
		cfg, _ := e["config"].(map[string]any)
		for k, v := range sec {
			cfg[k] = v
		}
	}

	return e
}

// Mutate changes the entity at path out of band (as a console edit would)
// and gives it a new tag. It reports whether the entity exists.
func (s *Server) Mutate(path []string, f func(e map[string]any)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.idByPath(path)
	if id == "" {
		return false
	}
	f(s.entities[id])
	s.entities[id]["tag"] = s.newTag()

	return true
}

// DeleteOutOfBand removes the entity at path and everything under it.
func (s *Server) DeleteOutOfBand(path ...string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.idByPath(path)
	if id == "" {
		return false
	}
	s.deleteRecursive(id)

	return true
}

// Len is the number of stored entities.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return len(s.entities)
}

// ---- HTTP ----

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	lat := s.latency
	if s.failNext > 0 {
		s.failNext--
		st := s.failStatus
		s.mu.Unlock()
		s.reply(w, st, map[string]any{"errorMessage": "Service temporarily unavailable", "moreInfo": ""})

		return
	}
	s.mu.Unlock()
	if lat > 0 {
		select {
		case <-time.After(lat):
		case <-r.Context().Done():
			return
		}
	}

	p := r.URL.Path
	// Dremio Cloud serves the same v3 resources under /v0/projects/{id}.
	if rest, ok := strings.CutPrefix(p, "/v0/projects/"); ok {
		if pid, sub, found := strings.Cut(rest, "/"); found && s.hasProject(pid) {
			esc := r.URL.EscapedPath()
			_, escSub, _ := strings.Cut(strings.TrimPrefix(esc, "/v0/projects/"), "/")
			p = "/api/v3/" + sub
			r.URL.Path, r.URL.RawPath = p, "/api/v3/"+escSub
		}
	}
	switch {
	case p == "/apiv2/bootstrap/firstuser" && r.Method == http.MethodPut:
		s.bootstrap(w, r)
	case p == "/apiv2/login":
		s.login(w, r)
	case strings.HasPrefix(p, "/api/v3/") || strings.HasPrefix(p, "/apiv2/"):
		if code, ok := s.authenticate(r); !ok {
			if code == http.StatusForbidden {
				s.reply(w, code, errBody("No User Available"))

				return
			}
			s.mu.Lock()
			s.statusesSent[http.StatusUnauthorized]++
			s.mu.Unlock()
			w.WriteHeader(http.StatusUnauthorized) // empty body, as the real filter does

			return
		}
		s.route(w, r, strings.TrimPrefix(p, "/api/v3"))
	default:
		s.reply(w, http.StatusNotFound, errBody("HTTP 404 Not Found"))
	}
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, p string) {
	switch {
	case p == "/catalog" && r.Method == http.MethodGet:
		s.listTop(w)
	case p == "/catalog" && r.Method == http.MethodPost:
		s.create(w, r)
	case strings.HasPrefix(p, "/catalog/by-path/") && r.Method == http.MethodGet:
		s.getByPath(w, r, strings.TrimPrefix(r.URL.EscapedPath(), "/api/v3/catalog/by-path/"))
	case strings.HasPrefix(p, "/catalog/"):
		id := strings.TrimPrefix(p, "/catalog/")
		switch r.Method {
		case http.MethodGet:
			s.get(w, r, id)
		case http.MethodPut:
			s.update(w, r, id)
		case http.MethodDelete:
			s.remove(w, r, id)
		default:
			s.reply(w, http.StatusMethodNotAllowed, errBody("HTTP 405 Method Not Allowed"))
		}
	case p == "/sql" && r.Method == http.MethodPost:
		s.submit(w, r)
	case strings.HasPrefix(p, "/job/"):
		s.jobRoute(w, r, strings.TrimPrefix(p, "/job/"))
	default:
		s.reply(w, http.StatusNotFound, errBody("HTTP 404 Not Found"))
	}
}

func (s *Server) reply(w http.ResponseWriter, status int, body any) {
	s.mu.Lock()
	s.statusesSent[status]++
	s.mu.Unlock()
	if body == nil {
		w.WriteHeader(status)

		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func errBody(msg string) map[string]any { return map[string]any{"errorMessage": msg, "moreInfo": ""} }

// ---- auth ----

func (s *Server) bootstrap(w http.ResponseWriter, r *http.Request) {
	var u struct {
		UserName, Password, Email string
	}
	if err := json.NewDecoder(r.Body).Decode(&u); err != nil || u.UserName == "" || u.Password == "" {
		s.reply(w, http.StatusBadRequest, errBody("userName and password are required"))

		return
	}
	s.mu.Lock()
	if len(s.users) > 0 {
		s.mu.Unlock()
		s.reply(w, http.StatusBadRequest, errBody("First user can only be created when no user is already registered"))

		return
	}
	s.users[u.UserName] = u.Password
	s.mu.Unlock()
	s.reply(w, http.StatusOK, map[string]any{"userName": u.UserName, "email": u.Email})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		if code, ok := s.authenticate(r); !ok {
			s.reply(w, code, nil)

			return
		}
		s.reply(w, http.StatusOK, true)

		return
	}
	var body struct {
		UserName string `json:"userName"`
		Password string `json:"password"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	if len(s.users) == 0 {
		s.mu.Unlock()
		s.reply(w, http.StatusForbidden, errBody("No User Available"))

		return
	}
	pw, ok := s.users[body.UserName]
	if !ok || body.Password == "" || pw != body.Password {
		s.mu.Unlock()
		s.reply(w, http.StatusUnauthorized, errBody("Login failed: Invalid username or password, user "+body.UserName))

		return
	}
	tok := randomHex(16)
	exp := time.Now().Add(s.tokenTTL)
	s.tokens[tok] = exp
	s.logins++
	s.mu.Unlock()
	s.reply(w, http.StatusOK, map[string]any{
		"token": tok, "userName": body.UserName, "expires": exp.UnixMilli(), "admin": true,
		"userId": "u-" + body.UserName, "version": "25.2.0", "clusterId": "fake",
	})
}

// authenticate returns 0,true for a valid token; otherwise the status to
// send (403 before the first user exists, 401 else).
func (s *Server) authenticate(r *http.Request) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.users) == 0 && len(s.pats) == 0 {
		return http.StatusForbidden, false
	}
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	var tok string
	if parts := strings.Fields(h); len(parts) == 2 && strings.EqualFold(parts[0], "Bearer") {
		tok = parts[1]
	} else {
		tok = strings.TrimSpace(strings.TrimPrefix(h, "_dremio"))
	}
	if tok == "" {
		return http.StatusUnauthorized, false
	}
	if s.pats[tok] {
		return 0, true
	}
	exp, ok := s.tokens[tok]
	if !ok || time.Now().After(exp) {
		return http.StatusUnauthorized, false
	}
	if s.expireAfter > 0 {
		s.expireAfter--
		if s.expireAfter == 0 {
			s.tokens = map[string]time.Time{}

			return http.StatusUnauthorized, false
		}
	}
	if s.revokeAfter > 0 {
		s.seq++
		if s.seq%s.revokeAfter == 0 {
			s.tokens = map[string]time.Time{}

			return http.StatusUnauthorized, false
		}
	}

	return 0, true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)

	return hex.EncodeToString(b)
}

func (s *Server) newTag() string { return randomHex(6) }

// ---- SQL rewrite ----

var (
	wsRun       = regexp.MustCompile(`\s+`)
	rewriteWord = regexp.MustCompile(`(?i)\b(select|from|where|group|by|order|as|and|or|not|null|is|join|on|left|inner|having|limit|count|sum|avg|min|max|distinct|case|when|then|else|end|union|all)\b`)
)

// DefaultRewrite imitates the server's reformatting of view SQL: runs of
// whitespace collapse, comments go, keywords go upper case, trailing
// semicolons go away.
// Quoted text is left alone.
func DefaultRewrite(sql string) string {
	var b strings.Builder
	var plain strings.Builder
	flush := func() {
		t := wsRun.ReplaceAllString(plain.String(), " ")
		t = rewriteWord.ReplaceAllStringFunc(t, strings.ToUpper)
		b.WriteString(t)
		plain.Reset()
	}
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		// Comments go; a line comment must not swallow the lines after it
		// once whitespace collapses.
		if strings.HasPrefix(sql[i:], "--") {
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				break
			}
			plain.WriteByte(' ')
			i += j

			continue
		}
		if strings.HasPrefix(sql[i:], "/*") {
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				break
			}
			plain.WriteByte(' ')
			i += j + 3

			continue
		}
		if c != '\'' && c != '"' {
			plain.WriteByte(c)

			continue
		}
		flush()
		j := i + 1
		for j < len(sql) && sql[j] != c {
			j++
		}
		end := min(j+1, len(sql))
		b.WriteString(sql[i:end])
		i = end - 1
	}
	flush()

	return strings.TrimRight(strings.TrimSpace(b.String()), "; ")
}

// ---- helpers ----

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)

	return out
}

func strField(m map[string]any, k string) string {
	v, _ := m[k].(string)

	return v
}

func pathField(m map[string]any) []string {
	if p, ok := m["path"].([]string); ok {
		return p
	}
	raw, _ := m["path"].([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		s, _ := v.(string)
		out = append(out, s)
	}

	return out
}

func pathKey(p []string) string {
	lower := make([]string, len(p))
	for i, s := range p {
		lower[i] = strings.ToLower(s) // Dremio paths compare case-insensitively
	}

	return strings.Join(lower, "\x00")
}

func (s *Server) idByPath(p []string) string {
	k := pathKey(p)
	for id, e := range s.entities {
		if pathKey(pathField(e)) == k {
			return id
		}
	}

	return ""
}

func atoiDefault(s string, d int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}

	return d
}
