package dremiotest

import (
	"fmt"
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
	mu   sync.Mutex
	held map[string]GrantRow
	log  []string
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
	g := &Grants{held: map[string]GrantRow{}}
	s.mu.Lock()
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
