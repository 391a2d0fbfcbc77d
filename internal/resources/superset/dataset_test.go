package superset_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

const dsAddr = "lakehouse_superset_dataset.test"

// newDatasetFake serves a table shaped like OULAD's studentInfo.
func newDatasetFake(t *testing.T) *supersettest.Server {
	t.Helper()
	fake := supersettest.New(t, supersettest.Options{})
	fake.AddTable("oulad", "student_info",
		supersettest.Column{Name: "id_student", Type: "BIGINT"},
		supersettest.Column{Name: "code_module", Type: "VARCHAR"},
		supersettest.Column{Name: "final_result", Type: "VARCHAR"},
		supersettest.Column{Name: "studied_credits", Type: "INTEGER"},
	)

	return fake
}

func testAccDatasetConfig_physical(fake *supersettest.Server, description string) string {
	return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "wh" {
  database_name  = "warehouse"
  sqlalchemy_uri = "postgresql://report_ro@db.internal:5432/wh"
}

resource "lakehouse_superset_dataset" "test" {
  database_id = lakehouse_superset_database.wh.id
  schema      = "oulad"
  table_name  = "student_info"
  description = %[1]q

  columns = [
    { column_name = "id_student", verbose_name = "Student", filterable = false, groupby = false },
    { column_name = "final_result", verbose_name = "Final result" },
    { column_name = "pass_flag", expression = "CASE WHEN final_result IN ('Pass','Distinction') THEN 1 ELSE 0 END" },
  ]
  metrics = [
    { metric_name = "students", expression = "COUNT(DISTINCT id_student)", verbose_name = "Students" },
    { metric_name = "pass_rate", expression = "AVG(CASE WHEN final_result IN ('Pass','Distinction') THEN 1.0 ELSE 0 END)", d3format = ",.1%%" },
  ]
}
`, description)
}

func serverColumn(fake *supersettest.Server, id int64, name string) map[string]any {
	cols, _ := fake.Object("dataset", id)["columns"].([]any)
	for _, c := range cols {
		if cm := c.(map[string]any); cm["column_name"] == name {
			return cm
		}
	}

	return nil
}

func TestAccSupersetDataset_basic(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDatasetConfig_physical(fake, "OULAD students"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("kind"), knownvalue.StringExact("physical")),
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("columns").AtSliceIndex(0), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"column_name": knownvalue.StringExact("id_student"), "verbose_name": knownvalue.StringExact("Student"),
						"filterable": knownvalue.Bool(false), "groupby": knownvalue.Bool(false), "is_dttm": knownvalue.Bool(false),
					})),
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("metrics").AtSliceIndex(1).AtMapKey("d3format"), knownvalue.StringExact(",.1%")),
				},
				Check: resource.ComposeTestCheckFunc(captureID(dsAddr, &id), func(*terraform.State) error {
					// Columns not configured keep the server's defaults and stay.
					if c := serverColumn(fake, id, "studied_credits"); c == nil || c["filterable"] != true {
						return fmt.Errorf("unmanaged column studied_credits = %v", c)
					}
					if c := serverColumn(fake, id, "pass_flag"); c == nil || c["expression"] == nil {
						return fmt.Errorf("calculated column pass_flag = %v", c)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: dsAddr, ImportState: true, ImportStateVerify: true,
				// An import cannot know which columns and metrics the
				// configuration manages; the next apply adopts them.
				ImportStateVerifyIgnore: []string{"columns", "metrics"},
			},
			{
				Config: testAccDatasetConfig_physical(fake, "OULAD students"), ResourceName: dsAddr,
				ImportState: true, ImportStateKind: resource.ImportBlockWithID,
				// The imported dataset plans an in-place update adopting the
				// configured columns and metrics (see ImportStateVerifyIgnore).
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// Curated column settings survive a refresh of the column list from the
// source, and a later update never resets them or drops new columns.
func TestAccSupersetDataset_curatedColumnsSurviveRefresh(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccDatasetConfig_physical(fake, "v1"), Check: captureID(dsAddr, &id)},
			{
				PreConfig: func() {
					fake.AddTable("oulad", "student_info",
						supersettest.Column{Name: "id_student", Type: "BIGINT"},
						supersettest.Column{Name: "code_module", Type: "VARCHAR"},
						supersettest.Column{Name: "final_result", Type: "VARCHAR"},
						supersettest.Column{Name: "studied_credits", Type: "INTEGER"},
						supersettest.Column{Name: "imd_band", Type: "VARCHAR"},
					)
					if !fake.RefreshDataset(id) {
						t.Fatal("refresh failed")
					}
				},
				Config:             testAccDatasetConfig_physical(fake, "v1"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				Config: testAccDatasetConfig_physical(fake, "v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dsAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					c := serverColumn(fake, id, "id_student")
					if c == nil || c["verbose_name"] != "Student" || c["filterable"] != false || c["groupby"] != false {
						return fmt.Errorf("curated column id_student after refresh and update = %v", c)
					}
					if serverColumn(fake, id, "imd_band") == nil {
						return fmt.Errorf("the column added by the refresh was dropped")
					}
					if serverColumn(fake, id, "pass_flag") == nil {
						return fmt.Errorf("the calculated column was dropped")
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDataset_virtual(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	cfg := func(metric string) string {
		return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "wh" {
  database_name  = "warehouse"
  sqlalchemy_uri = "postgresql://report_ro@db.internal:5432/wh"
}

resource "lakehouse_superset_dataset" "test" {
  database_id = lakehouse_superset_database.wh.id
  table_name  = "pass_rates"
  sql         = "SELECT code_module, final_result FROM oulad.student_info"
  metrics     = [{ metric_name = %[1]q, expression = "COUNT(*)" }]
}
`, metric)
	}
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("rows"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("kind"), knownvalue.StringExact("virtual")),
				},
				Check:            captureID(dsAddr, &id),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Renaming a managed metric removes the old one.
				Config:           cfg("row_count"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					mets, _ := fake.Object("dataset", id)["metrics"].([]any)
					if len(mets) != 1 || mets[0].(map[string]any)["metric_name"] != "row_count" {
						return fmt.Errorf("metrics = %v, want only row_count", mets)
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDataset_disappears(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccDatasetConfig_physical(fake, "v1"), Check: captureID(dsAddr, &id)},
			{
				PreConfig: func() { fake.Remove("dataset", id) },
				Config:    testAccDatasetConfig_physical(fake, "v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dsAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccSupersetDataset_drift(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccDatasetConfig_physical(fake, "v1"), Check: captureID(dsAddr, &id)},
			{
				// A curated setting is reset by hand; the plan shows it and
				// the apply restores it.
				PreConfig: func() {
					fake.Mutate("dataset", id, func(o map[string]any) {
						for _, c := range o["columns"].([]any) {
							if cm := c.(map[string]any); cm["column_name"] == "id_student" {
								cm["verbose_name"], cm["filterable"] = nil, true
							}
						}
					})
				},
				Config: testAccDatasetConfig_physical(fake, "v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dsAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if c := serverColumn(fake, id, "id_student"); c["verbose_name"] != "Student" || c["filterable"] != false {
						return fmt.Errorf("id_student after apply = %v", c)
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDataset_errors(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	db := providerConfig(fake) + `
resource "lakehouse_superset_database" "wh" {
  database_name  = "warehouse"
  sqlalchemy_uri = "postgresql://report_ro@db.internal:5432/wh"
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: db + `
resource "lakehouse_superset_dataset" "test" {
  database_id = lakehouse_superset_database.wh.id
  schema      = "oulad"
  table_name  = "x"
  sql         = "SELECT 1"
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)schema.*cannot be configured together|(?s)sql.*cannot be configured together`),
			},
			{
				Config: db + `
resource "lakehouse_superset_dataset" "test" {
  database_id = lakehouse_superset_database.wh.id
  schema      = "oulad"
  table_name  = "no_such_table"
}`,
				ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_superset_dataset \(no_such_table\).*HTTP 422.*could not be found`),
			},
			{
				Config: db + `
resource "lakehouse_superset_dataset" "test" {
  database_id = lakehouse_superset_database.wh.id
  schema      = "oulad"
  table_name  = "student_info"
  columns     = [{ column_name = "not_a_column", verbose_name = "x" }]
}`,
				ExpectError: regexp.MustCompile(`column "not_a_column" is not in the dataset`),
			},
		},
	})
}
