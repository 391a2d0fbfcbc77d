package superset_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

const chartAddr = "lakehouse_superset_chart.test"

// testAccChartBase is a database and a physical dataset to chart.
func testAccChartBase(fake *supersettest.Server) string {
	return providerConfig(fake) + `
resource "lakehouse_superset_database" "wh" {
  database_name  = "warehouse"
  sqlalchemy_uri = "postgresql://report_ro@db.internal:5432/wh"
}

resource "lakehouse_superset_dataset" "students" {
  database_id = lakehouse_superset_database.wh.id
  schema      = "oulad"
  table_name  = "student_info"
}
`
}

func testAccChartConfig(fake *supersettest.Server, name, viz string) string {
	return testAccChartBase(fake) + fmt.Sprintf(`
resource "lakehouse_superset_chart" "test" {
  slice_name = %[1]q
  viz_type   = %[2]q
  dataset_id = lakehouse_superset_dataset.students.id
  params = jsonencode({
    viz_type = %[2]q
    metrics  = ["count"]
    groupby  = ["final_result", "code_module"]
    adhoc_filters = [{ clause = "WHERE", subject = "code_module", operator = "==", comparator = "AAA", expressionType = "SIMPLE" }]
    row_limit = 1000
  })
  description = "Outcomes per module"
}
`, name, viz)
}

func TestAccSupersetChart_basic(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccChartConfig(fake, "Final results", "pie"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(chartAddr, tfjsonpath.New("slice_name"), knownvalue.StringExact("Final results")),
					statecheck.ExpectKnownValue(chartAddr, tfjsonpath.New("viz_type"), knownvalue.StringExact("pie")),
					statecheck.ExpectKnownValue(chartAddr, tfjsonpath.New("url"), knownvalue.StringRegexp(regexp.MustCompile(`slice_id=\d+`))),
				},
				Check:            captureID(chartAddr, &id),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The server re-serialises params with other key order and
				// spacing: no diff.
				PreConfig: func() {
					fake.Mutate("chart", id, func(o map[string]any) {
						o["params"] = `{ "row_limit": 1000, "groupby": ["final_result","code_module"], "metrics": ["count"],
						  "adhoc_filters": [{"subject":"code_module","clause":"WHERE","operator":"==","expressionType":"SIMPLE","comparator":"AAA"}],
						  "viz_type": "pie" }`
					})
				},
				Config: testAccChartConfig(fake, "Final results", "pie"), PlanOnly: true,
			},
			{
				ResourceName: chartAddr, ImportState: true, ImportStateVerify: true,
				// The import holds the server's bytes of params, which this
				// check compares as text; the next step proves they plan no change.
				ImportStateVerifyIgnore: []string{"params"},
			},
			{
				Config: testAccChartConfig(fake, "Final results", "pie"), ResourceName: chartAddr,
				ImportState: true, ImportStateKind: resource.ImportBlockWithID,
			},
			{
				Config: testAccChartConfig(fake, "Final results by module", "table"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(chartAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccSupersetChart_disappears(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccChartConfig(fake, "c", "pie"), Check: captureID(chartAddr, &id)},
			{
				PreConfig: func() { fake.Remove("chart", id) },
				Config:    testAccChartConfig(fake, "c", "pie"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(chartAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccSupersetChart_drift(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccChartConfig(fake, "c", "pie"), Check: captureID(chartAddr, &id)},
			{
				PreConfig: func() {
					fake.Mutate("chart", id, func(o map[string]any) {
						o["viz_type"] = "table"
						o["params"] = `{"viz_type":"pie","metrics":["count"],"groupby":["final_result"],"row_limit":1000,"adhoc_filters":[]}`
					})
				},
				Config: testAccChartConfig(fake, "c", "pie"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(chartAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccSupersetChart_errors(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccChartBase(fake) + `
resource "lakehouse_superset_chart" "test" {
  slice_name = "x"
  viz_type   = "pie"
  dataset_id = lakehouse_superset_dataset.students.id
  params     = "{not json"
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)params.*must be a JSON object`),
			},
			{
				Config: providerConfig(fake) + `
resource "lakehouse_superset_chart" "test" {
  slice_name = "x"
  viz_type   = "pie"
  dataset_id = 4242
}`,
				ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_superset_chart \(x\).*HTTP 422.*Datasource does not exist`),
			},
		},
	})
}
