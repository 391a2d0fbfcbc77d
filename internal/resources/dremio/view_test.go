package dremio_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

// The query as a person writes it: lower case, comments, loose spacing.
const viewSQL = `select code_module, count(*) as students -- per module
  from   oulad.studentInfo
 where final_result <> 'Withdrawn'
 group by code_module;`

func testAccViewConfig(f *dremiotest.Server, space, name, sql string) string {
	return testAccProviderConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_space" "test" {
  name = %[1]q
}

resource "lakehouse_dremio_view" "test" {
  path        = [lakehouse_dremio_space.test.name, %[2]q]
  sql         = <<-SQL
%[3]s
  SQL
  sql_context = ["lake"]
}
`, space, name, sql)
}

func testAccViewConfigQuoted(f *dremiotest.Server, space, name, sql string) string {
	return testAccProviderConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_space" "test" {
  name = %[1]q
}

resource "lakehouse_dremio_view" "test" {
  path        = [lakehouse_dremio_space.test.name, %[2]q]
  sql         = %[3]q
  sql_context = ["lake"]
}
`, space, name, sql)
}

// quoteEverything imitates a server that stores view SQL with every
// identifier double-quoted and keywords upper-cased.
func quoteEverything(sql string) string {
	s := dremiotest.DefaultRewrite(sql)
	for _, id := range []string{"code_module", "students", "final_result", "oulad", "studentInfo"} {
		s = regexp.MustCompile(`"?\b`+id+`\b"?`).ReplaceAllString(s, `"`+id+`"`)
	}

	return s
}

func TestAccDremioView_basic(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	f.SetRewriteSQL(quoteEverything)
	space := acctest.RandomName()
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccViewConfig(f, space, "module_counts", viewSQL),
				ConfigStateChecks: []statecheck.StateCheck{
					// State keeps the configured text, not the server's rewrite.
					statecheck.ExpectKnownValue("lakehouse_dremio_view.test", tfjsonpath.New("sql"), knownvalue.StringRegexp(regexp.MustCompile(`^select code_module`))),
					statecheck.ExpectKnownValue("lakehouse_dremio_view.test", tfjsonpath.New("sql_context"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("lake")})),
					sameID.AddStateValue("lakehouse_dremio_view.test", tfjsonpath.New("id")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The server's stored text differs from the config; that is why sql is ignored here,
				// and the import-block step below proves the imported view plans no change.
				ResourceName: "lakehouse_dremio_view.test", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"sql"},
			},
			{
				ResourceName: "lakehouse_dremio_view.test", ImportState: true, ImportStateVerify: true,
				ImportStateId: space + ".module_counts", ImportStateVerifyIgnore: []string{"sql"},
			},
			{
				// Adopting a console-made view: the config holds the query as Dremio shows it, so
				// the import plans no change. (A config that differs only in formatting plans one
				// harmless in-place update right after an import: Terraform compares the config with
				// the imported text before the provider can apply its SQL equivalence.)
				Config:       testAccViewConfigQuoted(f, space, "module_counts", quoteEverything(strings.TrimSpace(viewSQL))),
				ResourceName: "lakehouse_dremio_view.test", ImportState: true, ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Reformatting the configuration itself is a text change Terraform sees before the
				// provider can compare queries: one in-place update, then no drift.
				Config: testAccViewConfig(f, space, "module_counts", `SELECT "code_module", COUNT(*) AS "students" FROM oulad."studentInfo" WHERE final_result <> 'Withdrawn' GROUP BY code_module`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_view.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A real change of the query is an in-place update.
				Config: testAccViewConfig(f, space, "module_counts", strings.Replace(viewSQL, "'Withdrawn'", "'Fail'", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_view.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue("lakehouse_dremio_view.test", tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					if got := f.Entity(space, "module_counts")["sql"]; !strings.Contains(fmt.Sprint(got), "'Fail'") {
						return fmt.Errorf("server SQL not updated: %v", got)
					}

					return nil
				},
			},
			{
				// Renaming keeps the id: Dremio moves a view in place.
				Config: testAccViewConfig(f, space, "module_counts_v2", strings.Replace(viewSQL, "'Withdrawn'", "'Fail'", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_view.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue("lakehouse_dremio_view.test", tfjsonpath.New("id"))},
			},
		},
	})
}

func TestAccDremioView_drift(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	space := acctest.RandomName()
	cfg := testAccViewConfig(f, space, "v", viewSQL)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// A console user reformats the query only: no diff.
				PreConfig: func() {
					f.Mutate([]string{space, "v"}, func(e map[string]any) {
						e["sql"] = "SELECT code_module,COUNT(*) students FROM oulad.studentInfo WHERE final_result<>'Withdrawn' GROUP BY code_module"
					})
				},
				Config:   cfg,
				PlanOnly: true,
			},
			{
				// A console user changes what the query means: the plan puts it back.
				PreConfig: func() {
					f.Mutate([]string{space, "v"}, func(e map[string]any) { e["sql"] = "SELECT 1 AS one" })
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_view.test", plancheck.ResourceActionUpdate)},
				},
			},
		},
	})
}

func TestAccDremioView_disappears(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	space := acctest.RandomName()
	cfg := testAccViewConfig(f, space, "v", viewSQL)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() { f.DeleteOutOfBand(space, "v") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_view.test", plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// A console edit landing between refresh and apply makes the stored tag
// stale; the update must stop with advice, not overwrite the edit.
func TestAccDremioView_conflictingTag(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	space := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccViewConfig(f, space, "v", viewSQL)},
			{
				PreConfig:   f.StaleTagOnNextWrite,
				Config:      testAccViewConfig(f, space, "v", "SELECT 2 AS two"),
				ExpectError: regexp.MustCompile(`(?s)Error updating lakehouse_dremio_view.*modified\s+after\s+Terraform\s+last\s+read.*refresh-only.*HTTP\s+409`),
			},
			{
				// After a refresh the same change applies.
				Config:           testAccViewConfig(f, space, "v", "SELECT 2 AS two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccDremioView_validation(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderConfig(f) + "resource \"lakehouse_dremio_view\" \"t\" {\n  path = [\"s\", \"v\"]\n  sql = \"   \"\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Blank value`),
			},
			{
				Config:      testAccProviderConfig(f) + "resource \"lakehouse_dremio_view\" \"t\" {\n  path = [\"s\", \"v.1\"]\n  sql = \"SELECT 1\"\n}\n",
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Dremio name`),
			},
			{
				// The parent space does not exist: the server's message reaches the user.
				Config:      testAccProviderConfig(f) + "resource \"lakehouse_dremio_view\" \"t\" {\n  path = [\"nowhere\", \"v\"]\n  sql = \"SELECT 1\"\n}\n",
				ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_dremio_view \(nowhere.v\).*does not exist`),
			},
		},
	})
}

// Retries and token renewal for folders and views: a 503 burst during
// create, every session token dying in the middle of the update run while
// other calls are in flight, and a 503 burst during destroy.
func TestAccDremioView_retriesAndTokenExpiry(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	space := acctest.RandomName()
	cfg := func(sql string) string {
		return testAccViewConfig(f, space, "v", sql) + `
resource "lakehouse_dremio_folder" "test" {
  path = [lakehouse_dremio_space.test.name, "curated"]
}
`
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { f.FailNext(4, http.StatusServiceUnavailable) },
				Config:    cfg(viewSQL),
				Check: func(*terraform.State) error {
					if n := f.StatusCount(http.StatusServiceUnavailable); n != 4 {
						return fmt.Errorf("want 4 answers of 503 absorbed, got %d", n)
					}
					if f.Entity(space, "curated") == nil || f.Entity(space, "v") == nil {
						return fmt.Errorf("folder or view not created")
					}

					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() { f.ExpireTokensAfter(3) },
				Config:    cfg("SELECT 2 AS two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_view.test", plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					// The step succeeded, so every refused call was renewed and repeated.
					if f.StatusCount(http.StatusUnauthorized) == 0 {
						return fmt.Errorf("no call met an expired token")
					}
					if got := fmt.Sprint(f.Entity(space, "v")["sql"]); !strings.Contains(got, "2 AS two") {
						return fmt.Errorf("update lost: %s", got)
					}

					return nil
				},
			},
			{
				PreConfig: func() { f.FailNext(3, http.StatusServiceUnavailable) },
				Config:    cfg("SELECT 2 AS two"),
				Destroy:   true,
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := f.Len(); n != 0 {
				return fmt.Errorf("destroy left %d objects", n)
			}

			return nil
		},
	})
}
