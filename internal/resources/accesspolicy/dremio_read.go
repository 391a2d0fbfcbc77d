package accesspolicy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
)

// grantsUnreadableSummary is the warning shown when the Dremio edition has
// no grants endpoint.
const grantsUnreadableSummary = "Dremio grants cannot be read back on this edition"

// dremioObject is one securable the policy grants on.
type dremioObject struct {
	typ  string
	path []string
}

type grantee struct{ typ, name string }

// readDremio rebuilds dremio_grants from what Dremio holds. It looks only
// at the objects the policy grants on and, on those, only at the grantees
// the policy manages (C21: a grant to anyone else is never reported, so
// never revoked). Of those grantees' privileges it keeps the ones a policy
// can grant (ap.DremioPrivileges): a hand-made SELECT or ALTER shows as a
// grant the next apply revokes, while OWNERSHIP or reflection privileges
// are left alone. When the edition cannot list grants (Dremio OSS) the
// state is kept as it is and one warning says so.
func (e *enforcer) readDremio(ctx context.Context, st *accessPolicyResourceModel) error {
	objects, managed, err := dremioScope(ctx, st)
	if err != nil || len(objects) == 0 {
		return err
	}
	c, err := e.dremio()
	if err != nil {
		return err
	}
	grantable := ap.DremioPrivileges()
	var held []string
	for _, o := range objects {
		got, err := c.GrantsByPath(ctx, o.path)
		switch {
		case errors.Is(err, dremio.ErrGrantsUnsupported):
			tflog.Debug(ctx, "dremio cannot list grants", map[string]any{"lakehouse.dremio.error": err.Error()})
			e.warnings = append(e.warnings, warning{grantsUnreadableSummary,
				fmt.Sprintf("This Dremio server has no grants endpoint (GET /api/v3/catalog/{id}/grants is Dremio Enterprise and Cloud only), "+
					"so %s %q keeps the grants it applied in its state and cannot see a grant revoked or added in the Dremio console. "+
					"GRANT and REVOKE statements are still run on apply.", typeName, e.name)})

			return nil
		case dremio.IsNotFound(err):
			continue // the object is gone, and its grants with it
		case err != nil:
			return step(fmt.Sprintf("Reading the Dremio grants on %s %s failed.", o.typ, strings.Join(o.path, ".")),
				"Check that the dremio user may see the object and its grants (MANAGE GRANTS or an admin role).", err)
		}
		for _, g := range got.Grants {
			who, ok := managed.lookup(g.GranteeType, g.Name)
			if !ok {
				continue
			}
			for _, p := range g.Privileges {
				priv := strings.ToUpper(strings.ReplaceAll(p, "_", " "))
				if slices.Contains(grantable, priv) {
					held = append(held, ap.Grant{Privilege: priv, ObjectType: o.typ, Object: o.path,
						GranteeType: who.typ, Grantee: who.name}.GrantSQL())
				}
			}
		}
	}
	sort.Strings(held)
	st.DremioGrants = listOf(slices.Compact(held))

	return nil
}

// managedGrantees are the Dremio users and roles a policy speaks for.
type managedGrantees []grantee

// lookup finds a grantee; names compare case-insensitively, as Dremio's
// do, and the policy's spelling is kept so the state matches the plan.
func (m managedGrantees) lookup(typ, name string) (grantee, bool) {
	for _, g := range m {
		if strings.EqualFold(g.typ, typ) && strings.EqualFold(g.name, name) {
			return g, true
		}
	}

	return grantee{}, false
}

// dremioScope lists the objects the policy grants on (what the state holds
// and what its rules compile to) and the grantees it manages (principals
// with dremio_role or dremio_user, and every grantee in the state).
func dremioScope(ctx context.Context, st *accessPolicyResourceModel) ([]dremioObject, managedGrantees, error) {
	stmts := stateList(ctx, st.DremioGrants)
	if st.Dremio != nil && st.Rules != nil {
		if c, err := compile(st); err == nil {
			stmts = append(stmts, c.dremio...)
		}
	}
	var objects []dremioObject
	var managed managedGrantees
	seen := map[string]bool{}
	for _, s := range stmts {
		g, err := ap.ParseGrantSQL(s)
		if err != nil {
			return nil, nil, step("A grant in the state cannot be read back.", "This is a bug in the provider; please report it.", err)
		}
		k := g.ObjectType + "\x00" + strings.ToLower(strings.Join(g.Object, "\x00"))
		if !seen[k] {
			seen[k] = true
			objects = append(objects, dremioObject{g.ObjectType, g.Object})
		}
		if _, ok := managed.lookup(g.GranteeType, g.Grantee); !ok {
			managed = append(managed, grantee{g.GranteeType, g.Grantee})
		}
	}
	for _, p := range st.Principals {
		g := grantee{"ROLE", str(p.DremioRole)}
		if p.DremioUser != nil && *p.DremioUser != "" { // as in ap.CompileDremio, the user wins
			g = grantee{"USER", *p.DremioUser}
		}
		if _, ok := managed.lookup(g.typ, g.name); g.name != "" && !ok {
			managed = append(managed, g)
		}
	}

	return objects, managed, nil
}
