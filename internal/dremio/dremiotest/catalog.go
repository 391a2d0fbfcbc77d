package dremiotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	namePattern   = regexp.MustCompile(`^[^."@]+$`)
	genericSecret = regexp.MustCompile(`(?i)(password|secret|accesstoken)$`)
	secretKeys    = map[string][]string{
		"S3":     {"accessSecret"},
		"NESSIE": {"nessieAccessToken", "oauth2ClientSecret", "awsAccessSecret"},
	}
	metadataDefaults = map[string]float64{
		"authTTLMs": 86400000, "namesRefreshMs": 3600000, "datasetRefreshAfterMs": 3600000, "datasetExpireAfterMs": 10800000,
	}
)

func isSecretKey(typ, k string) bool {
	if keys, ok := secretKeys[typ]; ok {
		for _, s := range keys {
			if s == k {
				return true
			}
		}

		return false
	}

	return genericSecret.MatchString(k)
}

type apiErr struct {
	status int
	msg    string
}

func fail(status int, format string, a ...any) *apiErr {
	return &apiErr{status, fmt.Sprintf(format, a...)}
}

func (s *Server) sendErr(w http.ResponseWriter, e *apiErr) { s.reply(w, e.status, errBody(e.msg)) }

func decodeBody(r *http.Request) (map[string]any, *apiErr) {
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m == nil {
		return nil, fail(http.StatusBadRequest, "Invalid value found at: body")
	}

	return m, nil
}

// ---- reads ----

func (s *Server) listTop(w http.ResponseWriter) {
	s.mu.Lock()
	var items []map[string]any
	for id, e := range s.entities {
		if len(pathField(e)) == 1 {
			items = append(items, s.item(id, e))
		}
	}
	s.mu.Unlock()
	s.reply(w, http.StatusOK, map[string]any{"data": items})
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	e, ok := s.entities[id]
	if !ok {
		s.mu.Unlock()
		s.reply(w, http.StatusNotFound, errBody(fmt.Sprintf("Could not find entity with id [%s]", id)))

		return
	}
	out := s.render(id, e, r.URL.Query())
	s.mu.Unlock()
	s.reply(w, http.StatusOK, out)
}

func (s *Server) getByPath(w http.ResponseWriter, r *http.Request, escaped string) {
	var p []string
	for _, seg := range strings.Split(escaped, "/") {
		if seg == "" {
			continue
		}
		v, err := url.PathUnescape(seg)
		if err != nil {
			s.reply(w, http.StatusBadRequest, errBody("bad path segment"))

			return
		}
		p = append(p, v)
	}
	s.mu.Lock()
	id := s.idByPath(p)
	if id == "" {
		s.mu.Unlock()
		s.reply(w, http.StatusNotFound, errBody(fmt.Sprintf("Could not find entity with path [[%s]]", strings.Join(p, ", "))))

		return
	}
	out := s.render(id, s.entities[id], r.URL.Query())
	s.mu.Unlock()
	s.reply(w, http.StatusOK, out)
}

// render builds the public form of a stored entity: secrets masked,
// children listed (and paged). Called with s.mu held.
func (s *Server) render(id string, e map[string]any, q url.Values) map[string]any {
	out := deepCopy(e)
	et := strField(e, "entityType")
	if et == "space" || et == "source" {
		delete(out, "path")
	}
	if et == "source" {
		cfg, _ := out["config"].(map[string]any)
		for k, v := range s.secrets[id] {
			if k == "secretPropertyList" {
				masked := []any{}
				list, _ := v.([]any)
				for _, p := range list {
					pm, _ := p.(map[string]any)
					masked = append(masked, map[string]any{"name": pm["name"], "value": Masked})
				}
				cfg[k] = masked

				continue
			}
			if v != "" && v != nil {
				cfg[k] = Masked
			}
		}
	}
	if et == "dataset" {
		return out
	}
	if q.Get("exclude") == "children" {
		return out
	}
	children := s.children(pathField(e))
	start := atoiDefault(q.Get("pageToken"), 0)
	limit := atoiDefault(q.Get("maxChildren"), s.childrenPage)
	start = min(start, len(children))
	end := len(children)
	if limit > 0 && start+limit < end {
		end = start + limit
		out["nextPageToken"] = fmt.Sprint(end)
	}
	out["children"] = children[start:end]

	return out
}

func (s *Server) children(parent []string) []map[string]any {
	pk := pathKey(parent)
	var out []map[string]any
	for id, e := range s.entities {
		p := pathField(e)
		if len(p) == len(parent)+1 && pathKey(p[:len(parent)]) == pk {
			out = append(out, s.item(id, e))
		}
	}
	// Stable order keeps paging meaningful.
	sortItems(out)

	return out
}

func sortItems(items []map[string]any) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && fmt.Sprint(items[j]["path"]) < fmt.Sprint(items[j-1]["path"]); j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

func (s *Server) item(id string, e map[string]any) map[string]any {
	it := map[string]any{"id": id, "path": e["path"], "tag": e["tag"]}
	switch strField(e, "entityType") {
	case "dataset":
		it["type"] = "DATASET"
		it["datasetType"] = "VIRTUAL"
	default:
		it["type"] = "CONTAINER"
		it["containerType"] = strings.ToUpper(strField(e, "entityType"))
	}

	return it
}

// ---- writes ----

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	body, aerr := decodeBody(r)
	if aerr != nil {
		s.sendErr(w, aerr)

		return
	}
	s.mu.Lock()
	id, aerr := s.insert(body)
	var out map[string]any
	if aerr == nil {
		out = s.render(id, s.entities[id], url.Values{})
	}
	s.mu.Unlock()
	if aerr != nil {
		s.sendErr(w, aerr)

		return
	}
	s.reply(w, http.StatusOK, out)
}

func (s *Server) insert(body map[string]any) (string, *apiErr) {
	et := strField(body, "entityType")
	label := map[string]string{"space": "Space", "source": "Source", "folder": "Folder", "dataset": "Dataset"}[et]
	if label == "" {
		return "", fail(http.StatusBadRequest, "An invalid value was found: %s", et)
	}
	if _, ok := body["id"]; ok {
		return "", fail(http.StatusBadRequest, "%s id is immutable.", label)
	}
	if et == "source" {
		if _, ok := body["tag"]; ok {
			return "", fail(http.StatusBadRequest, "Source tag is immutable.")
		}
	}
	var p []string
	switch et {
	case "space", "source":
		name := strField(body, "name")
		if name == "" || !namePattern.MatchString(name) {
			return "", fail(http.StatusBadRequest, "%s name %q is invalid: it must not be empty or contain a period, double quote or @", label, name)
		}
		p = []string{name}
		if other := s.idByPath(p); other != "" {
			return "", fail(http.StatusConflict, "A %s with the name [%s] already exists.", et, name)
		}
	default:
		p = pathField(body)
		if aerr := s.checkChildPath(et, p); aerr != nil {
			return "", aerr
		}
	}
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", time.Now().UnixNano()&0xffffffff, len(s.entities)+s.requests)
	e := deepCopy(body)
	e["path"] = p
	e["id"] = id
	e["tag"] = s.newTag()
	e["createdAt"] = time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	if aerr := s.applyTypeRules(id, e, nil); aerr != nil {
		return "", aerr
	}
	s.entities[id] = e

	return id, nil
}

func (s *Server) checkChildPath(et string, p []string) *apiErr {
	if len(p) < 2 {
		return fail(http.StatusBadRequest, "%s path must have at least 2 elements", et)
	}
	last := p[len(p)-1]
	if last == "" || strings.ContainsAny(last, `./"`) {
		return fail(http.StatusBadRequest, "Invalid name %q: it must not contain a period, slash or double quote", last)
	}
	parentID := s.idByPath(p[:len(p)-1])
	if parentID == "" {
		return fail(http.StatusBadRequest, "Parent [%s] of [%s] does not exist", strings.Join(p[:len(p)-1], "."), last)
	}
	parent := s.entities[parentID]
	switch strField(parent, "entityType") {
	case "space", "folder", "home":
	case "source":
		if strField(parent, "type") != "NESSIE" {
			return fail(http.StatusBadRequest, "Can not create a %s inside a non-versioned source [%s]", et, p[0])
		}
	default:
		return fail(http.StatusBadRequest, "Parent of [%s] is not a container", last)
	}
	if s.idByPath(p) != "" {
		if et == "folder" {
			return fail(http.StatusConflict, "The current location already contains a folder named \"%s\".", last)
		}

		return fail(http.StatusConflict, "The current location already contains an entity named \"%s\".", last)
	}

	return nil
}

// applyTypeRules validates and fills one entity's type-specific fields.
// prev is the stored entity on update. Called with s.mu held.
func (s *Server) applyTypeRules(id string, e, prev map[string]any) *apiErr {
	switch strField(e, "entityType") {
	case "dataset":
		if strField(e, "type") != "VIRTUAL_DATASET" {
			return fail(http.StatusBadRequest, "Physical Datasets can only be created by promoting other entities.")
		}
		if _, ok := e["format"]; ok {
			return fail(http.StatusBadRequest, "Virtual datasets can not have a format.")
		}
		if _, ok := e["approximateStatisticsAllowed"]; ok && prev == nil {
			return fail(http.StatusBadRequest, "Virtual datasets can not have approximateStatisticsAllowed.")
		}
		sql := strings.TrimSpace(strField(e, "sql"))
		if sql == "" {
			return fail(http.StatusBadRequest, "Virtual datasets must have a sql query.")
		}
		e["sql"] = s.rewriteSQL(sql)
		e["fields"] = []any{}
	case "source":
		return s.sourceRules(id, e, prev)
	}

	return nil
}

func (s *Server) sourceRules(id string, e, prev map[string]any) *apiErr {
	typ := strField(e, "type")
	if typ == "" {
		return fail(http.StatusBadRequest, "Source type is required.")
	}
	if typ == "PDFS" || typ == "HOME" || typ == "INTERNAL" {
		return fail(http.StatusBadRequest, "Source type %s is internal and cannot be created.", typ)
	}
	cfg, _ := e["config"].(map[string]any)
	if cfg == nil {
		cfg = map[string]any{}
		e["config"] = cfg
	}
	secrets := map[string]any{}
	var prevSecrets map[string]any
	if prev != nil {
		prevSecrets = s.secrets[id]
	}
	for k, v := range cfg {
		if k == "secretPropertyList" {
			list, _ := v.([]any)
			kept := []any{}
			for _, it := range list {
				pm, _ := it.(map[string]any)
				if pm["value"] == Masked {
					old := findProp(prevSecrets["secretPropertyList"], fmt.Sprint(pm["name"]))
					if old == nil {
						return fail(http.StatusBadRequest, "Secret property %v has no stored value to keep", pm["name"])
					}
					pm = old
				}
				kept = append(kept, pm)
			}
			secrets[k] = kept
			delete(cfg, k)

			continue
		}
		if !isSecretKey(typ, k) {
			continue
		}
		if v == Masked {
			if prevSecrets == nil || prevSecrets[k] == nil {
				return fail(http.StatusBadRequest, "Field %s holds the masked marker but no value is stored", k)
			}
			v = prevSecrets[k]
		}
		s.secretsSeenIn = append(s.secretsSeenIn, k)
		secrets[k] = v
		delete(cfg, k)
	}
	if aerr := validateSourceConfig(typ, cfg, secrets); aerr != nil {
		return aerr
	}
	if aerr := fillMetadataPolicy(e); aerr != nil {
		return aerr
	}
	e["state"] = map[string]any{"status": "good", "messages": []any{}}
	s.secrets[id] = secrets

	return nil
}

func findProp(list any, name string) map[string]any {
	l, _ := list.([]any)
	for _, it := range l {
		if pm, ok := it.(map[string]any); ok && fmt.Sprint(pm["name"]) == name {
			return pm
		}
	}

	return nil
}

func validateSourceConfig(typ string, cfg, secrets map[string]any) *apiErr {
	switch typ {
	case "S3":
		ct := strField(cfg, "credentialType")
		if ct == "" {
			ct = "ACCESS_KEY"
		}
		if ct == "ACCESS_KEY" && (strField(cfg, "accessKey") == "" || fmt.Sprint(secrets["accessSecret"]) == "" || secrets["accessSecret"] == nil) {
			return fail(http.StatusBadRequest, "Failure creating S3 connection. You must provide AWS Access Key and AWS Access Secret.")
		}
		if f := strField(cfg, "defaultCtasFormat"); f != "" && f != "ICEBERG" && f != "PARQUET" {
			return fail(http.StatusBadRequest, "Invalid value found at: config.defaultCtasFormat")
		}
	case "NESSIE":
		if strField(cfg, "nessieEndpoint") == "" {
			return fail(http.StatusBadRequest, "Nessie endpoint is required.")
		}
		at := strField(cfg, "nessieAuthType")
		if (at == "" || at == "BEARER") && secrets["nessieAccessToken"] == nil {
			return fail(http.StatusBadRequest, "Nessie bearer authentication needs an access token.")
		}
	case "RESTCATALOG":
		if strField(cfg, "restEndpointUri") == "" {
			return fail(http.StatusBadRequest, "REST catalog endpoint URI is required.")
		}
	}

	return nil
}

func fillMetadataPolicy(e map[string]any) *apiErr {
	mp, ok := e["metadataPolicy"].(map[string]any)
	if !ok {
		e["metadataPolicy"] = map[string]any{
			"authTTLMs": metadataDefaults["authTTLMs"], "namesRefreshMs": metadataDefaults["namesRefreshMs"],
			"datasetRefreshAfterMs": metadataDefaults["datasetRefreshAfterMs"], "datasetExpireAfterMs": metadataDefaults["datasetExpireAfterMs"],
			"datasetUpdateMode": "PREFETCH_QUERIED", "deleteUnavailableDatasets": true, "autoPromoteDatasets": false,
		}

		return nil
	}
	if strField(mp, "datasetUpdateMode") == "" {
		return fail(http.StatusBadRequest, "Invalid value found at: metadataPolicy.datasetUpdateMode")
	}
	for k, d := range metadataDefaults {
		v, _ := mp[k].(float64)
		if v == 0 {
			mp[k] = d

			continue
		}
		if v < 60000 {
			return fail(http.StatusBadRequest, "Invalid value found at: metadataPolicy.%s (must be at least 60000)", k)
		}
	}
	for _, k := range []string{"deleteUnavailableDatasets", "autoPromoteDatasets"} {
		if _, ok := mp[k]; !ok {
			mp[k] = k == "deleteUnavailableDatasets"
		}
	}

	return nil
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, id string) {
	body, aerr := decodeBody(r)
	if aerr != nil {
		s.sendErr(w, aerr)

		return
	}
	s.mu.Lock()
	s.putBodies = append(s.putBodies, deepCopy(body))
	aerr = s.replace(id, body)
	var out map[string]any
	if aerr == nil {
		out = s.render(id, s.entities[id], url.Values{})
	}
	s.mu.Unlock()
	if aerr != nil {
		s.sendErr(w, aerr)

		return
	}
	s.reply(w, http.StatusOK, out)
}

func (s *Server) replace(id string, body map[string]any) *apiErr {
	prev, ok := s.entities[id]
	if !ok {
		return fail(http.StatusNotFound, "Could not find entity with id [%s]", id)
	}
	if strField(body, "id") != id {
		return fail(http.StatusBadRequest, "Ids must match")
	}
	if s.staleNext {
		s.staleNext = false
		prev["tag"] = s.newTag()
	}
	et := strField(prev, "entityType")
	if strField(body, "entityType") != et {
		return fail(http.StatusBadRequest, "entityType can not be changed")
	}
	if given := strField(body, "tag"); given != strField(prev, "tag") {
		if et == "source" {
			return fail(http.StatusConflict, "Source [%s] has been updated, and the given configuration is out of date (current tag: %s, given: %s)",
				strField(prev, "name"), strField(prev, "tag"), given)
		}

		return fail(http.StatusConflict, "tried to update version %s, found previous version %s", given, strField(prev, "tag"))
	}
	e := deepCopy(body)
	switch et {
	case "space", "source":
		if strField(e, "name") != strField(prev, "name") {
			return fail(http.StatusNotFound, "%s name is immutable.", strings.ToUpper(et[:1])+et[1:])
		}
		if et == "source" && strField(e, "type") != strField(prev, "type") {
			return fail(http.StatusNotFound, "Source type is immutable.")
		}
		// createdAt may be left out, or 0, but never changed; the PUT
		// handler turns the IllegalArgumentException into a 404.
		if c, ok := e["createdAt"]; et == "source" && ok && c != nil && c != float64(0) && c != prev["createdAt"] {
			return fail(http.StatusNotFound, "Source createdAt is immutable.")
		}
		e["path"] = prev["path"]
	case "folder":
		if pathKey(pathField(e)) != pathKey(pathField(prev)) {
			return fail(http.StatusBadRequest, "Folder path is immutable.")
		}
	case "dataset":
		np := pathField(e)
		if pathKey(np) != pathKey(pathField(prev)) {
			if aerr := s.checkChildPath("dataset", np); aerr != nil {
				return aerr
			}
		}
		if strField(e, "type") != strField(prev, "type") {
			return fail(http.StatusBadRequest, "Dataset type can not be changed.")
		}
	}
	e["createdAt"] = prev["createdAt"]
	e["tag"] = s.newTag()
	if aerr := s.applyTypeRules(id, e, prev); aerr != nil {
		return aerr
	}
	s.entities[id] = e

	return nil
}

func (s *Server) remove(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	e, ok := s.entities[id]
	if !ok {
		s.mu.Unlock()
		s.reply(w, http.StatusNotFound, errBody(fmt.Sprintf("Could not find entity with id [%s].", id)))

		return
	}
	if s.staleNext {
		s.staleNext = false
		e["tag"] = s.newTag()
	}
	if tag := r.URL.Query().Get("tag"); tag != "" && tag != strField(e, "tag") {
		s.mu.Unlock()
		s.reply(w, http.StatusConflict, errBody(fmt.Sprintf("tried to delete version %s, found version %s", tag, strField(e, "tag"))))

		return
	}
	s.deleteRecursive(id)
	s.mu.Unlock()
	s.reply(w, http.StatusNoContent, nil)
}

func (s *Server) deleteRecursive(id string) {
	p := pathField(s.entities[id])
	for other, e := range s.entities {
		op := pathField(e)
		if len(op) >= len(p) && pathKey(op[:len(p)]) == pathKey(p) {
			delete(s.entities, other)
			delete(s.secrets, other)
		}
	}
}
