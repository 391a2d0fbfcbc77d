// Package datacitetest is an in-process fake of the DataCite REST API's
// /dois endpoints, enforcing the contract the real server has: JSON:API
// documents, basic auth with repository id and password, the repository's
// prefix, the draft/registered/findable state machine, schema validation of
// registered and findable DOIs (422), deletion of drafts only (405
// otherwise), and the normalisation the server applies to what it stores.
package datacitetest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is the fake. It is safe for concurrent use.
type Server struct {
	*httptest.Server
	RepositoryID string
	Password     string
	Prefix       string

	mu             sync.Mutex
	allowedDomains []string
	dois           map[string]*record
	requests       map[string]int // "METHOD" -> count
	lose           map[string]int // "METHOD" -> responses still to drop
}

type record struct {
	attrs   map[string]any
	state   string
	created time.Time
	updated time.Time
}

// New starts a fake for one repository; stop it with Close.
func New(repositoryID, password, prefix string) *Server {
	s := &Server{RepositoryID: repositoryID, Password: password, Prefix: prefix,
		dois: map[string]*record{}, requests: map[string]int{}, lose: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))

	return s
}

// Env returns the provider environment that points at the fake.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"LAKEHOUSE_DATACITE_ENDPOINT":      s.URL,
		"LAKEHOUSE_DATACITE_REPOSITORY_ID": s.RepositoryID,
		"LAKEHOUSE_DATACITE_PASSWORD":      s.Password,
		"LAKEHOUSE_DATACITE_PREFIX":        s.Prefix,
	}
}

// SetAllowedDomains limits the landing-page hosts the repository accepts, as
// its domain settings in Fabrica do; DataCite refuses other URLs for
// registered and findable DOIs with 422. No domains allows every host.
func (s *Server) SetAllowedDomains(domains ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowedDomains = domains
}

// Requests returns how many requests with method the fake has served.
func (s *Server) Requests(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.requests[method]
}

// State returns the state of doi, or "" when it does not exist.
func (s *Server) State(doi string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.dois[strings.ToLower(doi)]; ok {
		return r.state
	}

	return ""
}

// Attributes returns a copy of the stored metadata of doi, or nil.
func (s *Server) Attributes(doi string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.dois[strings.ToLower(doi)]
	if !ok {
		return nil
	}

	return deepCopy(r.attrs)
}

// SetAttribute changes one metadata attribute out of band, as an edit in
// DataCite Fabrica would.
func (s *Server) SetAttribute(doi, name string, value any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.dois[strings.ToLower(doi)]; ok {
		r.attrs[name] = value
		r.updated = time.Now().UTC()
	}
}

// SetState forces the state of doi out of band.
func (s *Server) SetState(doi, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.dois[strings.ToLower(doi)]; ok {
		r.state = state
	}
}

// Remove deletes doi whatever its state, as only DataCite staff can.
func (s *Server) Remove(doi string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.dois, strings.ToLower(doi))
}

// Len is the number of stored DOIs.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return len(s.dois)
}

var doiRE = regexp.MustCompile(`^10\.\d{4,5}/[-._;()/:a-zA-Z0-9*~$=]+$`)

// LoseNextResponse makes the fake carry out the next request with method
// but answer 503, as when a proxy drops the real answer: the change is made,
// and a retrying client sends the request again.
func (s *Server) LoseNextResponse(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose[method]++
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[r.Method]++
	if s.lose[r.Method] > 0 {
		s.lose[r.Method]--
		s.route(httptest.NewRecorder(), r)
		writeErrors(w, http.StatusServiceUnavailable, errObj("503", "", "Service Unavailable"))

		return
	}
	s.route(w, r)
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	authed := s.authenticated(r)
	if r.Header.Get("Authorization") != "" && !authed {
		writeErrors(w, http.StatusUnauthorized, errObj("401", "", "Bad credentials."))

		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case path == "dois" && r.Method == http.MethodPost:
		s.create(w, r, authed)
	case strings.HasPrefix(path, "dois/"):
		doi := strings.ToLower(strings.TrimPrefix(path, "dois/"))
		switch r.Method {
		case http.MethodGet:
			s.get(w, r, doi, authed)
		case http.MethodPut, http.MethodPatch:
			s.update(w, r, doi, authed)
		case http.MethodDelete:
			s.delete(w, doi, authed)
		default:
			writeErrors(w, http.StatusMethodNotAllowed, errObj("405", "", "Method not allowed"))
		}
	default:
		writeErrors(w, http.StatusNotFound, errObj("404", "", "The resource you are looking for doesn't exist."))
	}
}

func (s *Server) authenticated(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()

	return ok && strings.EqualFold(user, s.RepositoryID) && pass == s.Password
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, authed bool) {
	if !authed {
		writeErrors(w, http.StatusUnauthorized, errObj("401", "", "Bad credentials."))

		return
	}
	attrs, ok := readAttributes(w, r)
	if !ok {
		return
	}
	doi, _ := attrs["doi"].(string)
	if doi == "" {
		prefix, _ := attrs["prefix"].(string)
		if prefix == "" {
			writeErrors(w, http.StatusUnprocessableEntity, errObj("", "doi", "Can't be blank"))

			return
		}
		doi = prefix + "/" + randomSuffix()
	}
	doi = strings.ToLower(doi)
	if !doiRE.MatchString(doi) {
		writeErrors(w, http.StatusUnprocessableEntity, errObj("", "doi", "Is invalid"))

		return
	}
	if !strings.HasPrefix(doi, strings.ToLower(s.Prefix)+"/") {
		writeErrors(w, http.StatusForbidden, errObj("403", "", "You are not authorized to access this resource."))

		return
	}
	if _, taken := s.dois[doi]; taken {
		writeErrors(w, http.StatusUnprocessableEntity, errObj("", "doi", "This DOI has already been taken"))

		return
	}
	now := time.Now().UTC()
	rec := &record{attrs: map[string]any{}, state: "draft", created: now, updated: now}
	if errs := append(rec.apply(attrs), s.checkDomain(rec)...); len(errs) > 0 {
		writeErrors(w, http.StatusUnprocessableEntity, withUID(errs, doi)...)

		return
	}
	s.dois[doi] = rec
	w.Header().Set("Location", "/dois/"+doi)
	writeDOI(w, r, http.StatusCreated, doi, rec)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, doi string, authed bool) {
	rec, ok := s.dois[doi]
	// Drafts and registered DOIs are visible only to their repository.
	if !ok || (rec.state != "findable" && !authed) {
		writeErrors(w, http.StatusNotFound, errObj("404", "", "The resource you are looking for doesn't exist."))

		return
	}
	writeDOI(w, r, http.StatusOK, doi, rec)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, doi string, authed bool) {
	if !authed {
		writeErrors(w, http.StatusUnauthorized, errObj("401", "", "Bad credentials."))

		return
	}
	attrs, ok := readAttributes(w, r)
	if !ok {
		return
	}
	rec, exists := s.dois[doi]
	status := http.StatusOK
	if !exists {
		// PUT to an unknown DOI creates it, as the real API does.
		if !doiRE.MatchString(doi) || !strings.HasPrefix(doi, strings.ToLower(s.Prefix)+"/") {
			writeErrors(w, http.StatusNotFound, errObj("404", "", "The resource you are looking for doesn't exist."))

			return
		}
		now := time.Now().UTC()
		rec = &record{attrs: map[string]any{}, state: "draft", created: now, updated: now}
		status = http.StatusCreated
	}
	next := &record{attrs: deepCopy(rec.attrs), state: rec.state, created: rec.created, updated: time.Now().UTC()}
	delete(attrs, "doi")
	if errs := append(next.apply(attrs), s.checkDomain(next)...); len(errs) > 0 {
		writeErrors(w, http.StatusUnprocessableEntity, withUID(errs, doi)...)

		return
	}
	s.dois[doi] = next
	writeDOI(w, r, status, doi, next)
}

func (s *Server) delete(w http.ResponseWriter, doi string, authed bool) {
	if !authed {
		writeErrors(w, http.StatusUnauthorized, errObj("401", "", "Bad credentials."))

		return
	}
	rec, ok := s.dois[doi]
	if !ok {
		writeErrors(w, http.StatusNotFound, errObj("404", "", "The resource you are looking for doesn't exist."))

		return
	}
	if rec.state != "draft" {
		w.Header().Set("Allow", "HEAD, GET, POST, PATCH, PUT, OPTIONS")
		writeErrors(w, http.StatusMethodNotAllowed, errObj("405", "", "Method not allowed"))

		return
	}
	delete(s.dois, doi)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) checkDomain(rec *record) []map[string]string {
	u, _ := rec.attrs["url"].(string)
	if len(s.allowedDomains) == 0 || rec.state == "draft" || u == "" {
		return nil
	}
	host := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	host, _, _ = strings.Cut(host, "/")
	for _, d := range s.allowedDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return nil
		}
	}

	return []map[string]string{errObj("", "url", fmt.Sprintf("URL %s is not allowed by repository %s domain settings.", u, s.RepositoryID))}
}

// apply merges attrs, fires the event and validates the result the way the
// server does: only registered and findable DOIs must satisfy the schema.
func (rec *record) apply(attrs map[string]any) []map[string]string {
	event, _ := attrs["event"].(string)
	for _, k := range []string{"event", "prefix", "suffix", "state", "created", "updated", "registered", "published"} {
		delete(attrs, k)
	}
	for k, v := range attrs {
		rec.attrs[k] = v
	}
	normalise(rec.attrs)
	// Transitions that do not apply are ignored without an error, as the
	// server's state machine does.
	switch {
	case event == "register" && rec.state == "draft":
		rec.state = "registered"
	case event == "publish" && (rec.state == "draft" || rec.state == "registered"):
		rec.state = "findable"
	case event == "hide" && rec.state == "findable":
		rec.state = "registered"
	case event == "show" && rec.state == "registered":
		rec.state = "findable"
	}
	if rec.state == "draft" {
		return nil
	}

	return validate(rec.attrs)
}

var resourceTypesGeneral = map[string]bool{}

func init() {
	for _, t := range strings.Fields("Audiovisual Award Book BookChapter Collection ComputationalNotebook ConferencePaper " +
		"ConferenceProceeding DataPaper Dataset Dissertation Event Image Instrument InteractiveResource Journal " +
		"JournalArticle Model OutputManagementPlan PeerReview PhysicalObject Preprint Project Report Service Software " +
		"Sound Standard StudyRegistration Text Workflow Other") {
		resourceTypesGeneral[t] = true
	}
}

// validate checks the properties the DataCite Metadata Schema 4.x makes
// mandatory, plus the landing URL a registered DOI needs to resolve.
func validate(a map[string]any) []map[string]string {
	var errs []map[string]string
	creators, _ := a["creators"].([]any)
	if len(creators) == 0 {
		errs = append(errs, errObj("", "creators", "Missing child element(s). Expected is ( {http://datacite.org/schema/kernel-4}creator )."))
	}
	for i, c := range creators {
		m, _ := c.(map[string]any)
		if name, _ := m["name"].(string); strings.TrimSpace(name) == "" {
			errs = append(errs, errObj("", "creators", fmt.Sprintf("Creator %d has no name.", i+1)))
		}
	}
	titles, _ := a["titles"].([]any)
	if len(titles) == 0 {
		errs = append(errs, errObj("", "titles", "Missing child element(s). Expected is ( {http://datacite.org/schema/kernel-4}title )."))
	}
	if publisherName(a["publisher"]) == "" {
		errs = append(errs, errObj("", "publisher", "This element is not expected. Expected is ( {http://datacite.org/schema/kernel-4}publisher )."))
	}
	if y, ok := a["publicationYear"].(int); !ok || y < 1000 || y > 9999 {
		errs = append(errs, errObj("", "publicationYear", "Publication year must be a four-digit year."))
	}
	types, _ := a["types"].(map[string]any)
	if rtg, _ := types["resourceTypeGeneral"].(string); !resourceTypesGeneral[rtg] {
		errs = append(errs, errObj("", "types", fmt.Sprintf("ResourceTypeGeneral %q is not in the DataCite vocabulary.", rtg)))
	}
	if u, _ := a["url"].(string); !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		errs = append(errs, errObj("", "url", "Can't be blank"))
	}

	return errs
}

func publisherName(v any) string {
	switch p := v.(type) {
	case string:
		return strings.TrimSpace(p)
	case map[string]any:
		n, _ := p["name"].(string)

		return strings.TrimSpace(n)
	}

	return ""
}

// normalise rewrites stored metadata as the server does: the publication
// year becomes a number, SPDX rights identifiers are lower-cased with the
// licence URL filled in, and creators get a nameType.
func normalise(a map[string]any) {
	switch y := a["publicationYear"].(type) {
	case float64:
		a["publicationYear"] = int(y)
	case string:
		if n, err := strconv.Atoi(y); err == nil {
			a["publicationYear"] = n
		}
	}
	if rights, ok := a["rightsList"].([]any); ok {
		for _, r := range rights {
			m, _ := r.(map[string]any)
			if m == nil || !strings.EqualFold(fmt.Sprint(m["rightsIdentifierScheme"]), "SPDX") {
				continue
			}
			id, _ := m["rightsIdentifier"].(string)
			m["rightsIdentifier"] = strings.ToLower(id)
			if _, ok := m["rightsUri"]; !ok {
				m["rightsUri"] = "https://spdx.org/licenses/" + id + ".html"
			}
			m["schemeUri"] = "https://spdx.org/licenses/"
		}
	}
	if creators, ok := a["creators"].([]any); ok {
		for _, c := range creators {
			if m, ok := c.(map[string]any); ok {
				if _, has := m["nameType"]; !has {
					m["nameType"] = "Personal"
				}
				if _, has := m["affiliation"]; !has {
					m["affiliation"] = []any{}
				}
				if _, has := m["nameIdentifiers"]; !has {
					m["nameIdentifiers"] = []any{}
				}
			}
		}
	}
}

func readAttributes(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	var doc struct {
		Data *struct {
			Type       string         `json:"type"`
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
	}
	if err := json.NewDecoder(r.Body).Decode(&doc); err != nil {
		writeErrors(w, http.StatusBadRequest, errObj("400", "", "The request body is not valid JSON: "+err.Error()))

		return nil, false
	}
	if doc.Data == nil {
		writeErrors(w, http.StatusBadRequest, errObj("400", "", "You need to provide a payload following the JSONAPI spec"))

		return nil, false
	}
	if doc.Data.Type != "" && doc.Data.Type != "dois" {
		writeErrors(w, http.StatusUnprocessableEntity, errObj("422", "type", "Type must be dois"))

		return nil, false
	}
	if doc.Data.Attributes == nil {
		doc.Data.Attributes = map[string]any{}
	}

	return doc.Data.Attributes, true
}

// writeDOI renders the JSON:API resource. Like the server, affiliations are
// plain names and the publisher a plain string unless the request asks for
// objects with affiliation=true and publisher=true.
func writeDOI(w http.ResponseWriter, r *http.Request, status int, doi string, rec *record) {
	attrs := deepCopy(rec.attrs)
	prefix, suffix, _ := strings.Cut(doi, "/")
	attrs["doi"], attrs["prefix"], attrs["suffix"] = doi, prefix, suffix
	attrs["state"] = rec.state
	attrs["created"] = rec.created.Format(time.RFC3339)
	attrs["updated"] = rec.updated.Format(time.RFC3339)
	attrs["schemaVersion"] = "http://datacite.org/schema/kernel-4"
	for _, k := range []string{"identifiers", "subjects", "dates", "relatedIdentifiers", "rightsList", "descriptions", "contributors"} {
		if _, ok := attrs[k]; !ok {
			attrs[k] = []any{}
		}
	}
	if r.URL.Query().Get("affiliation") != "true" {
		flattenAffiliations(attrs)
	}
	if r.URL.Query().Get("publisher") == "true" {
		if p, ok := attrs["publisher"].(string); ok {
			attrs["publisher"] = map[string]any{"name": p}
		}
	} else if p, ok := attrs["publisher"].(map[string]any); ok {
		attrs["publisher"] = p["name"]
	}
	body := map[string]any{"data": map[string]any{
		"id": doi, "type": "dois", "attributes": attrs,
		"relationships": map[string]any{"client": map[string]any{"data": map[string]any{"id": "", "type": "clients"}}},
	}}
	w.Header().Set("Content-Type", "application/vnd.api+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func flattenAffiliations(attrs map[string]any) {
	creators, _ := attrs["creators"].([]any)
	for _, c := range creators {
		m, _ := c.(map[string]any)
		affs, _ := m["affiliation"].([]any)
		names := make([]any, 0, len(affs))
		for _, a := range affs {
			if am, ok := a.(map[string]any); ok {
				names = append(names, am["name"])
			} else {
				names = append(names, a)
			}
		}
		if m != nil {
			m["affiliation"] = names
		}
	}
}

func errObj(status, source, title string) map[string]string {
	o := map[string]string{"title": title}
	if status != "" {
		o["status"] = status
	}
	if source != "" {
		o["source"] = source
	}

	return o
}

func withUID(errs []map[string]string, doi string) []map[string]string {
	for _, e := range errs {
		e["uid"] = doi
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i]["source"] < errs[j]["source"] })

	return errs
}

func writeErrors(w http.ResponseWriter, status int, errs ...map[string]string) {
	w.Header().Set("Content-Type", "application/vnd.api+json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs})
}

func randomSuffix() string {
	const alphabet = "abcdefghjkmnpqrstvwxyz0123456789"
	b := make([]byte, 9)
	for i := range b {
		b[i] = alphabet[rand.IntN(len(alphabet))] //nolint:gosec // suffixes need no crypto randomness
	}
	b[4] = '-'

	return string(b)
}

func deepCopy(m map[string]any) map[string]any {
	raw, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	normalise(out)

	return out
}
