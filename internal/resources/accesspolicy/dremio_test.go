package accesspolicy_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

func testAccDremioGrantsConfig(f *dremiotest.Server, analystsWrite bool) string {
	write := ""
	if analystsWrite {
		write = `{
      name      = "analysts-write"
      subjects  = { roles = ["analyst"] }
      actions   = ["write"]
      resources = [{ table = "oulad.student_info" }]
    },`
	}

	return fmt.Sprintf(`
provider "lakehouse" {
  dremio {
    endpoint = %[1]q
    username = %[2]q
    password = %[3]q
  }
  retry {
    max_attempts = 3
    min_backoff  = "5ms"
    max_backoff  = "20ms"
  }
}

resource "lakehouse_access_policy" "test" {
  name   = "dremio-grants"
  dremio = { iceberg_source = "lake" }
  principals = [
    { name = "researchers", type = "group", attributes = { role = ["researcher"] }, dremio_role = "researchers" },
    { name = "analysts", type = "group", attributes = { role = ["analyst"] }, dremio_role = "analysts" },
  ]
  rules = [
    {
      name      = "read-oulad"
      subjects  = { roles = ["researcher", "analyst"] }
      actions   = ["read", "list"]
      resources = [{ table = "oulad" }, { dremio_dataset = ["marts", "retention"], dremio_object_type = "VIEW" }]
    },
    %[4]s
    {
      name      = "analysts-no-marts"
      effect    = "deny"
      subjects  = { roles = ["analyst"] }
      actions   = ["read"]
      resources = [{ dremio_dataset = ["marts"] }]
    },
  ]
}
`, f.URL, dremiotest.Username, dremiotest.Password, write)
}

// C21: grants made outside Terraform, on the same grantee and on a parent
// securable, survive create, update and destroy; every grant the policy
// adds or takes away is in the plan; deleting the policy revokes exactly
// what it granted.
func TestAccAccessPolicyDremio_basic(t *testing.T) {
	f := dremiotest.New()
	t.Cleanup(f.Close)
	g := f.EnableGrants()
	outside := []string{
		`GRANT SELECT ON SOURCE "lake" TO ROLE "auditors"`,
		`GRANT SELECT ON FOLDER "lake"."sales" TO ROLE "analysts"`,
	}
	for _, s := range outside {
		if err := g.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	outsideHeld := g.Held()
	addr := "lakehouse_access_policy.test"
	insert := `GRANT INSERT ON TABLE "lake"."oulad"."student_info" TO ROLE "analysts"`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if got := g.Held(); !slices.Equal(got, outsideHeld) {
				return fmt.Errorf("after destroy the fake holds %v, want only the grants made outside Terraform %v", got, outsideHeld)
			}

			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccDremioGrantsConfig(f, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("dremio_grants"), knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact(`GRANT DELETE ON TABLE "lake"."oulad"."student_info" TO ROLE "analysts"`),
							knownvalue.StringExact(insert),
							knownvalue.StringExact(`GRANT SELECT ON FOLDER "lake"."oulad" TO ROLE "analysts"`),
							knownvalue.StringExact(`GRANT SELECT ON FOLDER "lake"."oulad" TO ROLE "researchers"`),
							knownvalue.StringExact(`GRANT SELECT ON VIEW "marts"."retention" TO ROLE "researchers"`),
							knownvalue.StringExact(`GRANT TRUNCATE ON TABLE "lake"."oulad"."student_info" TO ROLE "analysts"`),
							knownvalue.StringExact(`GRANT UPDATE ON TABLE "lake"."oulad"."student_info" TO ROLE "analysts"`),
						})),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					held := g.Held()
					for _, want := range append(outsideHeld, "SELECT ON FOLDER lake.oulad TO ROLE researchers", "INSERT ON TABLE lake.oulad.student_info TO ROLE analysts") {
						if !slices.Contains(held, want) {
							return fmt.Errorf("missing %q in %v", want, held)
						}
					}
					if g.Has("SELECT", "VIEW", []string{"marts", "retention"}, "ROLE", "analysts") {
						return fmt.Errorf("the deny rule must keep analysts off marts")
					}

					return nil
				},
			},
			{
				// Dropping a rule revokes its grants, and only those.
				Config: testAccDremioGrantsConfig(f, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("dremio_grants"), knownvalue.ListSizeExact(3)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if g.Has("INSERT", "TABLE", []string{"lake", "oulad", "student_info"}, "ROLE", "analysts") {
						return fmt.Errorf("INSERT was not revoked")
					}
					held := g.Held()
					for _, want := range outsideHeld {
						if !slices.Contains(held, want) {
							return fmt.Errorf("a grant made outside Terraform was revoked: %q (held: %v)", want, held)
						}
					}
					var revokes []string
					for _, s := range g.Log() {
						if strings.HasPrefix(s, "REVOKE") {
							revokes = append(revokes, s)
						}
					}
					if len(revokes) != 4 {
						return fmt.Errorf("want 4 REVOKEs (INSERT, UPDATE, DELETE, TRUNCATE), got %v", revokes)
					}

					return nil
				},
			},
		},
	})
}
