package dremiotest

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Grants records the privileges GRANT and REVOKE statements give and take,
// as Dremio Enterprise does for `GRANT priv[, ...] ON <type> <object> TO
// {USER|ROLE} <grantee>` and the matching REVOKE ... FROM. Object paths
// compare case-insensitively, like Dremio's. Revoking a privilege that is
// not held succeeds and changes nothing.
type Grants struct {
	mu      sync.Mutex
	held    map[string]GrantRow
	log     []string
	edition string
	reads   int
}

// GrantRow is one held privilege.
type GrantRow struct {
	Privilege   string
	ObjectType  string
	Object      []string
	GranteeType string
	Grantee     string
}

func (g GrantRow) key() string {
	return strings.Join([]string{g.Privilege, g.ObjectType, strings.ToLower(strings.Join(g.Object, "\x00")), g.GranteeType, g.Grantee}, "|")
}

// EnableGrants makes the fake's SQL endpoint execute GRANT and REVOKE
// statements; every other statement still goes to the current handler.
func (s *Server) EnableGrants() *Grants {
	g := &Grants{held: map[string]GrantRow{}, edition: "enterprise"}
	s.mu.Lock()
	// The catalog router belongs to fake.go; the grants endpoint is served
	// in front of it. Enable grants before the first request.
	inner := s.Config.Handler
	s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := grantsPath(r.URL.Path); ok && r.Method == http.MethodGet {
			s.serveGrants(w, r, g, id)

			return
		}
		inner.ServeHTTP(w, r)
	})
	next := s.sqlHandler
	s.sqlHandler = func(sql string, ctx []string) (*Result, error) {
		up := strings.ToUpper(strings.TrimSpace(sql))
		if strings.HasPrefix(up, "GRANT ") || strings.HasPrefix(up, "REVOKE ") {
			if err := g.Exec(sql); err != nil {
				return nil, err
			}

			return &Result{}, nil
		}

		return next(sql, ctx)
	}
	s.mu.Unlock()

	return g
}

var grantStmt = regexp.MustCompile(`(?is)^\s*(GRANT|REVOKE)\s+(.+?)\s+ON\s+(SYSTEM|SOURCE|SPACE|FOLDER|TABLE|VIEW|FUNCTION)\s+(.+?)\s+(TO|FROM)\s+(USER|ROLE)\s+(.+?)\s*;?\s*$`)

// Exec applies one GRANT or REVOKE statement. Tests also call it to create
// grants "outside Terraform".
func (g *Grants) Exec(sql string) error {
	m := grantStmt.FindStringSubmatch(sql)
	if m == nil {
		return fmt.Errorf("PARSE ERROR: the fake cannot parse %q as GRANT or REVOKE", sql)
	}
	verb, prep := strings.ToUpper(m[1]), strings.ToUpper(m[5])
	if verb == "GRANT" && prep != "TO" || verb == "REVOKE" && prep != "FROM" {
		return fmt.Errorf("PARSE ERROR: %s takes %s, not %s", verb, map[string]string{"GRANT": "TO", "REVOKE": "FROM"}[verb], prep)
	}
	grantee := identParts(m[7])
	if len(grantee) != 1 {
		return fmt.Errorf("VALIDATION ERROR: grantee %q is not one identifier", m[7])
	}
	object := identParts(m[4])
	g.mu.Lock()
	defer g.mu.Unlock()
	g.log = append(g.log, strings.TrimSpace(sql))
	for _, priv := range strings.Split(m[2], ",") {
		row := GrantRow{Privilege: strings.Join(strings.Fields(strings.ToUpper(priv)), " "), ObjectType: strings.ToUpper(m[3]),
			Object: object, GranteeType: strings.ToUpper(m[6]), Grantee: grantee[0]}
		if verb == "GRANT" {
			g.held[row.key()] = row
		} else {
			delete(g.held, row.key())
		}
	}

	return nil
}

// identParts splits a dotted path whose parts may be double-quoted.
func identParts(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && in && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			in = !in
		case c == '.' && !in:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}

	return append(out, cur.String())
}

// Has reports whether the grantee holds the privilege on the object.
func (g *Grants) Has(privilege, objectType string, object []string, granteeType, grantee string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.held[GrantRow{privilege, objectType, object, granteeType, grantee}.key()]

	return ok
}

// Held lists every held privilege as "PRIV ON TYPE a.b TO ROLE r", sorted.
func (g *Grants) Held() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]string, 0, len(g.held))
	for _, r := range g.held {
		out = append(out, fmt.Sprintf("%s ON %s %s TO %s %s", r.Privilege, r.ObjectType, strings.Join(r.Object, "."), r.GranteeType, r.Grantee))
	}
	sort.Strings(out)

	return out
}

// Log returns every GRANT and REVOKE statement executed, in order.
func (g *Grants) Log() []string {
	g.mu.Lock()
	defer g.mu.Unlock()

	return append([]string(nil), g.log...)
}

// grantsPath matches /api/v3/catalog/{id}/grants and the Dremio Cloud form
// /v0/projects/{project}/catalog/{id}/grants.
func grantsPath(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "/api/v3/catalog/")
	if !ok {
		proj, found := strings.CutPrefix(p, "/v0/projects/")
		if !found {
			return "", false
		}
		_, sub, _ := strings.Cut(proj, "/")
		if rest, ok = strings.CutPrefix(sub, "catalog/"); !ok {
			return "", false
		}
	}
	id, ok := strings.CutSuffix(rest, "/grants")
	if !ok || id == "" || strings.Contains(id, "/") || strings.HasPrefix(rest, "by-path/") {
		return "", false
	}

	return id, true
}

// SetEdition switches the fake between "enterprise" (the default: the
// grants endpoint answers) and "oss", where GET /catalog/{id}/grants
// answers 404 as Dremio OSS does (it has no such route). GRANT and REVOKE
// statements keep working in both, so a policy still applies.
func (g *Grants) SetEdition(edition string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.edition = strings.ToLower(edition)
}

// Reads counts GET /catalog/{id}/grants calls, answered or not.
func (g *Grants) Reads() int {
	g.mu.Lock()
	defer g.mu.Unlock()

	return g.reads
}

// apiPrivilege spells a SQL privilege the way the REST API does.
func apiPrivilege(p string) string { return strings.ReplaceAll(p, " ", "_") }

// availablePrivileges is what the fake offers on every object.
var availablePrivileges = []string{"ALTER", "DELETE", "DROP", "INSERT", "MANAGE_GRANTS", "SELECT", "TRUNCATE", "UPDATE"}

func (s *Server) serveGrants(w http.ResponseWriter, r *http.Request, g *Grants, id string) {
	if code, ok := s.authenticate(r); !ok {
		if code == http.StatusForbidden {
			s.reply(w, code, errBody("No User Available"))

			return
		}
		w.WriteHeader(http.StatusUnauthorized)

		return
	}
	g.mu.Lock()
	g.reads++
	oss := g.edition == "oss"
	g.mu.Unlock()
	if oss {
		s.reply(w, http.StatusNotFound, errBody("HTTP 404 Not Found"))

		return
	}
	s.mu.Lock()
	e, ok := s.entities[id]
	var object []string
	if ok {
		object = pathField(e)
	}
	s.mu.Unlock()
	if !ok {
		s.reply(w, http.StatusNotFound, errBody(fmt.Sprintf("Could not find entity with id [%s]", id)))

		return
	}
	s.reply(w, http.StatusOK, g.objectGrants(id, object))
}

// objectGrants groups the held privileges on one object by grantee, in the
// API's shape.
func (g *Grants) objectGrants(id string, object []string) map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	type grantee struct{ typ, name string }
	privs := map[grantee][]string{}
	for _, r := range g.held {
		if pathKey(r.Object) == pathKey(object) {
			k := grantee{r.GranteeType, r.Grantee}
			privs[k] = append(privs[k], apiPrivilege(r.Privilege))
		}
	}
	keys := make([]grantee, 0, len(privs))
	for k := range privs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].typ+"\x00"+keys[i].name < keys[j].typ+"\x00"+keys[j].name
	})
	grants := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		p := privs[k]
		sort.Strings(p)
		grants = append(grants, map[string]any{
			"granteeType": k.typ, "id": strings.ToLower(k.typ) + ":" + k.name, "name": k.name, "privileges": p,
		})
	}

	return map[string]any{"id": id, "availablePrivileges": availablePrivileges, "grants": grants}
}

// Grant gives privileges out of band, as a user in the Dremio console
// would: nothing in Terraform's state knows about it.
func (g *Grants) Grant(objectType string, object []string, granteeType, grantee string, privileges ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range privileges {
		r := GrantRow{Privilege: strings.ToUpper(strings.ReplaceAll(p, "_", " ")), ObjectType: strings.ToUpper(objectType),
			Object: object, GranteeType: strings.ToUpper(granteeType), Grantee: grantee}
		g.held[r.key()] = r
	}
}

// Revoke takes privileges away out of band, as a console user would.
func (g *Grants) Revoke(objectType string, object []string, granteeType, grantee string, privileges ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range privileges {
		r := GrantRow{Privilege: strings.ToUpper(strings.ReplaceAll(p, "_", " ")), ObjectType: strings.ToUpper(objectType),
			Object: object, GranteeType: strings.ToUpper(granteeType), Grantee: grantee}
		delete(g.held, r.key())
	}
}

// AddObject puts a catalog object (SOURCE, SPACE, FOLDER, TABLE or VIEW)
// and any missing parents into the fake's catalog without the API's
// validation, so grants on it can be read by id. Missing roots become
// spaces and missing middle levels folders. It returns the object's id.
func (s *Server) AddObject(objectType string, path ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var id string
	for i := range path {
		p := append([]string(nil), path[:i+1]...)
		if id = s.idByPath(p); id != "" {
			continue
		}
		typ := "FOLDER"
		if i == 0 {
			typ = "SPACE"
		}
		if i == len(path)-1 {
			typ = strings.ToUpper(objectType)
		}
		e := map[string]any{"path": p, "tag": s.newTag()}
		switch typ {
		case "SOURCE":
			e["entityType"], e["name"], e["type"] = "source", p[0], "NESSIE"
		case "SPACE":
			e["entityType"], e["name"] = "space", p[0]
		case "FOLDER":
			e["entityType"] = "folder"
		case "VIEW":
			e["entityType"], e["type"] = "dataset", "VIRTUAL_DATASET"
		default:
			e["entityType"], e["type"] = "dataset", "PHYSICAL_DATASET"
		}
		id = "00000000-0000-4000-9000-" + randomHex(6)
		e["id"] = id
		s.entities[id] = e
	}

	return id
}
