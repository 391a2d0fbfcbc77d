package accesspolicy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// DremioObjectTypes are the securables a grant can name.
var DremioObjectTypes = []string{"TABLE", "VIEW", "FOLDER", "SPACE", "SOURCE"}

// dremioPrivileges maps actions to Dremio privileges. Listing has no grant
// of its own: Dremio shows a user the objects they may query.
var dremioPrivileges = map[Action][]string{
	Read:   {"SELECT"},
	Write:  {"INSERT", "UPDATE", "DELETE", "TRUNCATE"},
	Manage: {"ALTER", "DROP", "MANAGE GRANTS"},
}

// DremioPrivileges lists, sorted and in SQL spelling, every privilege a
// policy can grant. Privileges outside this list (OWNERSHIP, reflection and
// external-query privileges) are never granted, read back or revoked by a
// policy.
func DremioPrivileges() []string {
	var out []string
	for _, privs := range dremioPrivileges {
		out = append(out, privs...)
	}
	sort.Strings(out)

	return slices.Compact(out)
}

// Grant is one Dremio privilege on one object for one grantee.
type Grant struct {
	Privilege   string
	ObjectType  string
	Object      []string
	GranteeType string // "ROLE" or "USER"
	Grantee     string
}

// QuoteIdent quotes one Dremio identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quotePath(p []string) string {
	q := make([]string, len(p))
	for i, s := range p {
		q[i] = QuoteIdent(s)
	}

	return strings.Join(q, ".")
}

// GrantSQL is the statement that gives the grant.
func (g Grant) GrantSQL() string {
	return fmt.Sprintf("GRANT %s ON %s %s TO %s %s", g.Privilege, g.ObjectType, quotePath(g.Object), g.GranteeType, QuoteIdent(g.Grantee))
}

// RevokeSQL is the statement that takes the grant back.
func (g Grant) RevokeSQL() string {
	return fmt.Sprintf("REVOKE %s ON %s %s FROM %s %s", g.Privilege, g.ObjectType, quotePath(g.Object), g.GranteeType, QuoteIdent(g.Grantee))
}

// ParseGrantSQL reads back a statement written by GrantSQL.
func ParseGrantSQL(s string) (Grant, error) {
	var g Grant
	rest, ok := strings.CutPrefix(s, "GRANT ")
	if !ok {
		return g, fmt.Errorf("%q is not a GRANT statement", s)
	}
	on := strings.Index(rest, " ON ")
	if on < 0 {
		return g, fmt.Errorf("%q has no ON clause", s)
	}
	g.Privilege = rest[:on]
	rest = rest[on+4:]
	typ, rest, _ := strings.Cut(rest, " ")
	g.ObjectType = typ
	to := strings.LastIndex(rest, " TO ")
	if to < 0 {
		return g, fmt.Errorf("%q has no TO clause", s)
	}
	obj, grantee := rest[:to], rest[to+4:]
	g.Object = splitQuoted(obj)
	gt, name, _ := strings.Cut(grantee, " ")
	g.GranteeType = gt
	if p := splitQuoted(name); len(p) == 1 {
		g.Grantee = p[0]
	}

	return g, nil
}

// splitQuoted splits "a"."b""c" into [a, b"c].
func splitQuoted(s string) []string {
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

// dremioTarget maps a resource to a Dremio object, or ok=false when the
// resource has no Dremio form (a bucket, or a table without a source).
func dremioTarget(res Resource, icebergSource string) (objType string, path []string, ok bool) {
	switch {
	case len(res.Dataset) > 0:
		path, objType = res.Dataset, "TABLE"
	case res.Table != "" && icebergSource != "":
		path = append([]string{icebergSource}, strings.Split(res.Table, ".")...)
		objType = "TABLE"
		if len(path) == 2 {
			objType = "FOLDER"
		}
	default:
		return "", nil, false
	}
	if res.DatasetType != "" {
		objType = res.DatasetType
	}

	return objType, path, true
}

// CompileDremio returns the grants the policy gives each principal that has
// a Dremio grantee. Dremio has no deny, so a deny rule, a missing consent
// scope, or an allow limited by source IP or date window (which Dremio
// cannot check) removes grants instead: on the denied object and on every
// object below it. A deny on a child of an allowed object cannot be
// expressed and is reported in the second result.
func CompileDremio(p Policy, icebergSource string) ([]Grant, []string) {
	var grants []Grant
	var warnings []string
	for _, pr := range p.Principals {
		gt, grantee := "ROLE", pr.DremioRole
		if pr.DremioUser != "" {
			gt, grantee = "USER", pr.DremioUser
		}
		if grantee == "" {
			continue
		}
		sub := pr.Subject()
		type key struct{ priv, typ, path string }
		allowed := map[key]Grant{}
		type denial struct {
			path  []string
			privs []string
		}
		var denials []denial
		for _, r := range p.Rules {
			selected := r.Subjects.Matches(sub) && r.conditionsHold(sub)
			var privs []string
			for _, a := range r.Actions {
				privs = append(privs, dremioPrivileges[a]...)
			}
			for _, res := range r.Resources {
				typ, path, ok := dremioTarget(res, icebergSource)
				if !ok {
					continue
				}
				switch {
				case r.Effect == Allow && res.missingConsent(sub) != "":
					denials = append(denials, denial{path, nil})
				case !selected:
				case r.Effect == Deny:
					denials = append(denials, denial{path, privs})
				case len(r.SourceIPs) > 0 || r.NotBefore != "" || r.NotAfter != "":
					warnings = append(warnings, fmt.Sprintf("rule %q: Dremio cannot check source IP ranges or date windows, so %s %s gets no Dremio grant from it", r.Name, strings.ToLower(gt), grantee))
				default:
					for _, priv := range privs {
						allowed[key{priv, typ, strings.Join(path, "\x00")}] = Grant{priv, typ, path, gt, grantee}
					}
				}
			}
		}
		for k, g := range allowed {
			for _, d := range denials {
				if hasPathPrefix(g.Object, d.path, true) && (d.privs == nil || slices.Contains(d.privs, g.Privilege)) {
					delete(allowed, k)
				} else if hasPathPrefix(d.path, g.Object, true) && len(d.path) > len(g.Object) {
					warnings = append(warnings, fmt.Sprintf("a deny on %s cannot narrow %s's %s grant on its parent %s in Dremio; the grant on the parent stays",
						quotePath(d.path), grantee, g.Privilege, quotePath(g.Object)))
				}
			}
		}
		for _, g := range allowed {
			grants = append(grants, g)
		}
	}
	sort.Slice(grants, func(i, j int) bool { return grants[i].GrantSQL() < grants[j].GrantSQL() })
	sort.Strings(warnings)

	return grants, slices.Compact(warnings)
}
