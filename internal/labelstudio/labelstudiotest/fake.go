// Package labelstudiotest is an in-process fake Label Studio server that
// enforces the API contract the provider relies on: both authentication
// schemes, the wrapped error body, exact paths (no APPEND_SLASH), project
// field rules and paging, both label-config validation endpoints,
// annotations that pin labels, S3 import and export storages (keys never
// returned, ?project= required on lists, sync returning the storage) and
// webhooks. Tests change or delete objects out of band through its methods.
package labelstudiotest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the fake. Its exported fields may be changed between requests.
type Server struct {
	*httptest.Server

	// APIKey is the legacy token; PersonalAccessToken the refresh token the
	// client exchanges for access tokens living AccessTTL.
	APIKey              string
	PersonalAccessToken string
	AccessTTL           time.Duration
	// LegacyTokensDisabled makes "Token <key>" fail the way an organisation
	// that turned legacy tokens off does.
	LegacyTokensDisabled bool
	// CheckBucket, when set, plays the server's S3 connection check on
	// storage create, update and validate; an error becomes a 400.
	CheckBucket func(c BucketConnection) error

	mu          sync.Mutex
	nextID      int64
	access      map[string]time.Time
	projects    map[int64]map[string]any
	annotations map[int64][]annotation
	storages    map[string]map[int64]map[string]any // direction -> id -> storage
	credentials map[string]map[int64]BucketConnection
	webhooks    map[int64]map[string]any
	requests    []string
	refreshes   int

	// Fault switches.
	failNext    int
	failStatus  int
	expireAfter int
	// statuses has its own lock: answers are written while mu is held.
	statMu   sync.Mutex
	statuses map[int]int
}

// BucketConnection is what a storage would use to reach its bucket.
type BucketConnection struct {
	Endpoint, Region, Bucket, Prefix string
	AccessKeyID, SecretAccessKey     string
	SessionToken                     string
}

type annotation struct {
	Control, Label string
}

const version = "1.22.0"

// New starts a fake with random credentials; Close it when done.
func New() *Server {
	s := &Server{
		APIKey:              randomHex(20),
		PersonalAccessToken: fakeJWT(time.Now().Add(24 * time.Hour)),
		AccessTTL:           5 * time.Minute,
		access:              map[string]time.Time{},
		projects:            map[int64]map[string]any{},
		annotations:         map[int64][]annotation{},
		storages:            map[string]map[int64]map[string]any{"import": {}, "export": {}},
		credentials:         map[string]map[int64]BucketConnection{"import": {}, "export": {}},
		webhooks:            map[int64]map[string]any{},
		statuses:            map[int]int{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))

	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)

	return hex.EncodeToString(b)
}

func fakeJWT(exp time.Time) string {
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	body := enc.EncodeToString([]byte(fmt.Sprintf(`{"exp":%d,"jti":"%s"}`, exp.Unix(), randomHex(8))))

	return head + "." + body + "." + enc.EncodeToString([]byte(randomHex(16)))
}

// Requests returns "METHOD /path" for every authenticated API call so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return append([]string(nil), s.requests...)
}

// CountRequests counts the calls whose "METHOD /path" starts with prefix.
func (s *Server) CountRequests(prefix string) int {
	n := 0
	for _, r := range s.Requests() {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}

	return n
}

// Refreshes counts personal-access-token exchanges.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.refreshes
}

// ExpireAccessTokens makes every issued access token fail with 401.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access = map[string]time.Time{}
}

// FailNext makes the next n requests (token exchanges included) answer
// status with the wrapped error body, as an overloaded server or a
// restarting load balancer does.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failStatus = n, status
}

// ExpireTokensAfter invalidates every access token once, on the n-th call
// made with one from now: tokens that die in the middle of a run while
// other calls are in flight.
func (s *Server) ExpireTokensAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireAfter = n
}

// StatusCount says how many answers carried status code.
func (s *Server) StatusCount(code int) int {
	s.statMu.Lock()
	defer s.statMu.Unlock()

	return s.statuses[code]
}

// statusRecorder counts the status of every answer.
type statusRecorder struct {
	http.ResponseWriter
	s *Server
}

func (w statusRecorder) WriteHeader(code int) {
	w.s.statMu.Lock()
	w.s.statuses[code]++
	w.s.statMu.Unlock()
	w.ResponseWriter.WriteHeader(code)
}

// ---- out-of-band changes for tests ----

// Project returns a copy of a stored project, or nil.
func (s *Server) Project(id int64) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()

	return clone(s.projects[id])
}

// ProjectIDs lists the stored projects.
func (s *Server) ProjectIDs() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()

	return sortedKeys(s.projects)
}

// UpdateProject merges fields into a project, as an edit in the web UI would.
func (s *Server) UpdateProject(id int64, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range fields {
		s.projects[id][k] = v
	}
}

// DeleteProject deletes a project with its annotations, storages and webhooks.
func (s *Server) DeleteProject(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteProjectLocked(id)
}

// AddAnnotations records n annotations that use label of control in project.
func (s *Server) AddAnnotations(project int64, control, label string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.annotations[project] = append(s.annotations[project], annotation{control, label})
	}
}

// RelabelAnnotations changes every annotation using from to use to instead;
// the label-usage check always sees the current annotations (C19: never a
// stale cached summary).
func (s *Server) RelabelAnnotations(project int64, control, from, to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, a := range s.annotations[project] {
		if a.Control == control && a.Label == from {
			s.annotations[project][i].Label = to
		}
	}
}

// Storage returns a copy of a stored storage, credentials excluded, or nil.
func (s *Server) Storage(direction string, id int64) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()

	return clone(s.storages[direction][id])
}

// StorageCredentials returns the credentials a storage holds.
func (s *Server) StorageCredentials(direction string, id int64) BucketConnection {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.credentials[direction][id]
}

// UpdateStorage merges fields into a storage out of band.
func (s *Server) UpdateStorage(direction string, id int64, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range fields {
		s.storages[direction][id][k] = v
	}
}

// DeleteStorage deletes a storage out of band.
func (s *Server) DeleteStorage(direction string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.storages[direction], id)
	delete(s.credentials[direction], id)
}

// Webhook returns a copy of a stored webhook, or nil.
func (s *Server) Webhook(id int64) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()

	return clone(s.webhooks[id])
}

// UpdateWebhook merges fields into a webhook out of band.
func (s *Server) UpdateWebhook(id int64, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range fields {
		s.webhooks[id][k] = v
	}
}

// DeleteWebhook deletes a webhook out of band.
func (s *Server) DeleteWebhook(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.webhooks, id)
}

func clone(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)

	return out
}

func sortedKeys[V any](m map[int64]V) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })

	return ids
}

// ---- HTTP plumbing ----

type request struct {
	w    http.ResponseWriter
	r    *http.Request
	body map[string]any
}

func (s *Server) serve(rw http.ResponseWriter, r *http.Request) {
	w := statusRecorder{ResponseWriter: rw, s: s}
	rq := &request{w: w, r: r}
	s.mu.Lock()
	if s.failNext > 0 {
		s.failNext--
		st := s.failStatus
		s.mu.Unlock()
		rq.fail(st, http.StatusText(st), nil)

		return
	}
	s.mu.Unlock()
	if r.Method == http.MethodPost && r.URL.Path == "/api/token/refresh/" {
		s.refresh(rq)

		return
	}
	// The config validation endpoint allows anyone.
	if (r.Method != http.MethodPost || r.URL.Path != "/api/projects/validate/") && !s.authenticate(rq) {
		return
	}
	if r.Body != nil && r.ContentLength != 0 && (r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut) {
		if err := json.NewDecoder(r.Body).Decode(&rq.body); err != nil {
			rq.fail(http.StatusBadRequest, "JSON parse error - "+err.Error(), nil)

			return
		}
	}
	if rq.body == nil {
		rq.body = map[string]any{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	s.route(rq)
}

func (s *Server) refresh(rq *request) {
	var in struct {
		Refresh string `json:"refresh"`
	}
	_ = json.NewDecoder(rq.r.Body).Decode(&in)
	if in.Refresh == "" {
		rq.fail(http.StatusBadRequest, "Validation error", map[string][]string{"refresh": {"This field is required."}})

		return
	}
	if in.Refresh != s.PersonalAccessToken {
		rq.fail(http.StatusUnauthorized, "Token is invalid or expired", nil)

		return
	}
	tok := fakeJWT(time.Now().Add(s.AccessTTL))
	s.mu.Lock()
	s.access[tok] = time.Now().Add(s.AccessTTL)
	s.refreshes++
	s.mu.Unlock()
	rq.json(http.StatusOK, map[string]any{"access": tok})
}

func (s *Server) authenticate(rq *request) bool {
	h := rq.r.Header.Get("Authorization")
	switch {
	case h == "":
		rq.fail(http.StatusUnauthorized, "Authentication credentials were not provided.", nil)

		return false
	case strings.HasPrefix(h, "Token "):
		if strings.TrimPrefix(h, "Token ") != s.APIKey {
			rq.fail(http.StatusUnauthorized, "Invalid token.", nil)

			return false
		}
		if s.LegacyTokensDisabled {
			rq.fail(http.StatusUnauthorized, "Authentication token no longer valid: legacy token authentication has been disabled for this organization", nil)

			return false
		}

		return true
	case strings.HasPrefix(h, "Bearer "):
		s.mu.Lock()
		exp, ok := s.access[strings.TrimPrefix(h, "Bearer ")]
		if ok && s.expireAfter > 0 {
			s.expireAfter--
			if s.expireAfter == 0 {
				s.access = map[string]time.Time{}
				ok = false
			}
		}
		s.mu.Unlock()
		if !ok || time.Now().After(exp) {
			rq.fail(http.StatusUnauthorized, "Given token not valid for any token type", nil)

			return false
		}

		return true
	}
	rq.fail(http.StatusUnauthorized, "Invalid token header.", nil)

	return false
}

func (rq *request) json(status int, v any) {
	rq.w.Header().Set("Content-Type", "application/json")
	rq.w.WriteHeader(status)
	_ = json.NewEncoder(rq.w).Encode(v)
}

// fail answers in the custom_exception_handler shape.
func (rq *request) fail(status int, detail string, validation map[string][]string) {
	body := map[string]any{
		"id": randomHex(16), "status_code": status, "version": version, "detail": detail, "exc_info": nil,
	}
	if validation != nil {
		body["validation_errors"] = validation
	}
	rq.json(status, body)
}

func (rq *request) invalid(field, msg string) {
	rq.fail(http.StatusBadRequest, "Validation error", map[string][]string{field: {msg}})
}

func (rq *request) notFound() { rq.fail(http.StatusNotFound, "Not found.", nil) }

func (rq *request) methodNotAllowed() {
	rq.fail(http.StatusMethodNotAllowed, fmt.Sprintf("Method \"%s\" not allowed.", rq.r.Method), nil)
}

var (
	reProject         = regexp.MustCompile(`^/api/projects/(\d+)/$`)
	reProjectValidate = regexp.MustCompile(`^/api/projects/(\d+)/validate/$`)
	reProjectExport   = regexp.MustCompile(`^/api/projects/(\d+)/export$`)
	reProjectFormats  = regexp.MustCompile(`^/api/projects/(\d+)/export/formats$`)
	reStorage         = regexp.MustCompile(`^/api/storages/(export/)?s3/(\d+)(/sync)?$`)
	reWebhook         = regexp.MustCompile(`^/api/webhooks/(\d+)/$`)
)

func id(m []string, i int) int64 {
	v, _ := strconv.ParseInt(m[i], 10, 64)

	return v
}

func (s *Server) route(rq *request) {
	p, m := rq.r.URL.Path, rq.r.Method
	switch {
	case p == "/api/projects/":
		s.projectCollection(rq)
	case p == "/api/projects/validate/":
		if m != http.MethodPost {
			rq.methodNotAllowed()

			return
		}
		s.validateConfig(rq)
	case reProject.MatchString(p):
		s.projectItem(rq, id(reProject.FindStringSubmatch(p), 1))
	case reProjectValidate.MatchString(p):
		s.validateProjectConfig(rq, id(reProjectValidate.FindStringSubmatch(p), 1))
	case reProjectExport.MatchString(p):
		s.export(rq, id(reProjectExport.FindStringSubmatch(p), 1))
	case reProjectFormats.MatchString(p):
		s.exportFormats(rq, id(reProjectFormats.FindStringSubmatch(p), 1))
	case p == "/api/storages/s3/":
		s.storageCollection(rq, "import")
	case p == "/api/storages/export/s3":
		s.storageCollection(rq, "export")
	case p == "/api/storages/s3/validate":
		s.storageValidate(rq, "import")
	case p == "/api/storages/export/s3/validate":
		s.storageValidate(rq, "export")
	case reStorage.MatchString(p):
		sm := reStorage.FindStringSubmatch(p)
		dir := "import"
		if sm[1] != "" {
			dir = "export"
		}
		if sm[3] != "" {
			s.storageSync(rq, dir, id(sm, 2))

			return
		}
		s.storageItem(rq, dir, id(sm, 2))
	case p == "/api/webhooks/":
		s.webhookCollection(rq)
	case reWebhook.MatchString(p):
		s.webhookItem(rq, id(reWebhook.FindStringSubmatch(p), 1))
	default:
		// APPEND_SLASH=False: a path with a missing or extra slash is
		// simply not found.
		rq.notFound()
	}
}

func (s *Server) newID() int64 {
	s.nextID++

	return s.nextID
}

func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000000Z") }
