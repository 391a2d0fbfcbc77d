package superset_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
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

const dashAddr = "lakehouse_superset_dashboard.test"

func testAccDashboardCharts(fake *supersettest.Server) string {
	return testAccChartBase(fake) + `
resource "lakehouse_superset_chart" "a" {
  slice_name = "Students"
  viz_type   = "big_number_total"
  dataset_id = lakehouse_superset_dataset.students.id
}

resource "lakehouse_superset_chart" "b" {
  slice_name = "Final results"
  viz_type   = "pie"
  dataset_id = lakehouse_superset_dataset.students.id
}
`
}

func testAccDashboardConfig_generated(fake *supersettest.Server, slug string, charts string) string {
	return testAccDashboardCharts(fake) + fmt.Sprintf(`
resource "lakehouse_superset_dashboard" "test" {
  dashboard_title = "Student outcomes"
  slug            = %[1]q
  charts          = [%[2]s]
  published       = true
}
`, slug, charts)
}

func dashboardLayout(fake *supersettest.Server, id int64) map[string]any {
	raw, _ := fake.Object("dashboard", id)["position_json"].(string)
	var m map[string]any
	_ = json.Unmarshal([]byte(raw), &m)

	return m
}

func TestAccSupersetDashboard_basic(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	both := "lakehouse_superset_chart.a.id, lakehouse_superset_chart.b.id"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDashboardConfig_generated(fake, "student-outcomes", both),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dashAddr, tfjsonpath.New("slug"), knownvalue.StringExact("student-outcomes")),
					statecheck.ExpectKnownValue(dashAddr, tfjsonpath.New("published"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(dashAddr, tfjsonpath.New("owners"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(1)})),
					statecheck.ExpectKnownValue(dashAddr, tfjsonpath.New("url"), knownvalue.StringExact("/superset/dashboard/student-outcomes/")),
				},
				Check: resource.ComposeTestCheckFunc(captureID(dashAddr, &id), func(*terraform.State) error {
					layout := dashboardLayout(fake, id)
					for _, key := range []string{"ROOT_ID", "GRID_ID", "ROW-1"} {
						if _, ok := layout[key]; !ok {
							return fmt.Errorf("layout lacks %s: %v", key, layout)
						}
					}
					if n := strings.Count(fmt.Sprint(layout), "type:CHART"); n != 2 {
						return fmt.Errorf("layout has %d charts, want 2", n)
					}
					// The server rewrote the layout (added parents): the empty
					// plan below proves the comparison is by meaning.
					if !strings.Contains(fmt.Sprint(layout), "parents") {
						return fmt.Errorf("the fake did not rewrite the layout")
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: dashAddr, ImportState: true, ImportStateVerify: true,
				// Imported documents hold the server's rewritten JSON and the
				// charts list is not managed until configured; the next step
				// proves the import plans no change.
				ImportStateVerifyIgnore: []string{"position_json", "json_metadata", "charts"},
			},
			{
				// Removing a chart regenerates the layout.
				Config: testAccDashboardConfig_generated(fake, "student-outcomes", "lakehouse_superset_chart.b.id"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dashAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dashAddr, tfjsonpath.New("charts"), knownvalue.ListSizeExact(1)),
				},
				Check: func(*terraform.State) error {
					if n := strings.Count(fmt.Sprint(dashboardLayout(fake, id)), "type:CHART"); n != 1 {
						return fmt.Errorf("layout has %d charts, want 1", n)
					}

					return nil
				},
			},
		},
	})
}

func testAccDashboardConfig_c18(fake *supersettest.Server, title string, width int) string {
	return testAccDashboardCharts(fake) + fmt.Sprintf(`
resource "lakehouse_superset_dashboard" "test" {
  dashboard_title = %[1]q
  slug            = "orders-daily"
  position_json = jsonencode({
    DASHBOARD_VERSION_KEY = "v2"
    ROOT_ID = { id = "ROOT_ID", type = "ROOT", children = ["GRID_ID"] }
    GRID_ID = { id = "GRID_ID", type = "GRID", children = ["ROW-a"] }
    "ROW-a" = { id = "ROW-a", type = "ROW", children = ["CHART-a1"], meta = { background = "BACKGROUND_TRANSPARENT" } }
    "CHART-a1" = {
      id       = "CHART-a1"
      type     = "CHART"
      children = []
      meta     = { chartId = lakehouse_superset_chart.a.id, width = %[2]d, height = 50 }
    }
  })
  json_metadata = jsonencode({ color_scheme = "supersetColors", refresh_frequency = 0 })
}
`, title, width)
}

// C18: the layout and metadata the server rewrites (added keys, other
// order) never diff; a title-only change sends only the title and leaves
// the layout on the server as it was; the non-ASCII title round-trips.
func TestAccSupersetDashboard_layoutC18(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	var layoutBefore string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           testAccDashboardConfig_c18(fake, "Orders — daily", 4),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dashAddr, tfjsonpath.New("dashboard_title"), knownvalue.StringExact("Orders — daily")),
				},
				Check: resource.ComposeTestCheckFunc(captureID(dashAddr, &id), func(*terraform.State) error {
					obj := fake.Object("dashboard", id)
					layoutBefore, _ = obj["position_json"].(string)
					meta, _ := obj["json_metadata"].(string)
					if !strings.Contains(meta, "shared_label_colors") || strings.Contains(meta, "positions") {
						return fmt.Errorf("the fake did not rewrite json_metadata: %s", meta)
					}
					if !strings.Contains(layoutBefore, "parents") {
						return fmt.Errorf("the fake did not rewrite position_json: %s", layoutBefore)
					}

					return nil
				}),
			},
			{
				Config: testAccDashboardConfig_c18(fake, "Orders — daily (v2)", 4),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dashAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if keys := bodyKeys(lastPut(t, fake, itemPath("dashboard", id))); !slices.Equal(keys, []string{"dashboard_title"}) {
						return fmt.Errorf("title change sent %v, want only dashboard_title", keys)
					}
					obj := fake.Object("dashboard", id)
					if obj["position_json"] != layoutBefore {
						return fmt.Errorf("layout changed by a title-only update:\nbefore %s\nafter  %v", layoutBefore, obj["position_json"])
					}
					if obj["dashboard_title"] != "Orders — daily (v2)" {
						return fmt.Errorf("title = %v", obj["dashboard_title"])
					}

					return nil
				},
			},
			{
				Config:       testAccDashboardConfig_c18(fake, "Orders — daily (v2)", 4),
				ResourceName: dashAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Out of band, someone widens the chart: that is a diff.
				PreConfig: func() {
					fake.Mutate("dashboard", id, func(o map[string]any) {
						o["position_json"] = strings.Replace(o["position_json"].(string), `"width":4`, `"width":6`, 1)
					})
				},
				Config: testAccDashboardConfig_c18(fake, "Orders — daily (v2)", 4),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dashAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if s, _ := fake.Object("dashboard", id)["position_json"].(string); !strings.Contains(s, `"width":4`) {
						return fmt.Errorf("layout not restored: %s", s)
					}
					if meta, _ := fake.Object("dashboard", id)["json_metadata"].(string); !strings.Contains(meta, "supersetColors") {
						return fmt.Errorf("json_metadata lost on a layout change: %s", meta)
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDashboard_disappears(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	cfg := testAccDashboardConfig_generated(fake, "gone", "lakehouse_superset_chart.a.id")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(dashAddr, &id)},
			{
				PreConfig: func() { fake.Remove("dashboard", id) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dashAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccSupersetDashboard_drift(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	cfg := testAccDashboardConfig_generated(fake, "drift", "lakehouse_superset_chart.a.id")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(dashAddr, &id)},
			{
				PreConfig: func() {
					fake.Mutate("dashboard", id, func(o map[string]any) { o["published"], o["dashboard_title"] = false, "Edited" })
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dashAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccSupersetDashboard_errors(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(fake) + `
resource "lakehouse_superset_dashboard" "test" {
  dashboard_title = "x"
  slug            = "has spaces"
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)slug.*letters, digits`),
			},
			{
				Config: providerConfig(fake) + `
resource "lakehouse_superset_dashboard" "test" {
  dashboard_title = "x"
  position_json = jsonencode({
    ROOT_ID    = { id = "ROOT_ID", type = "ROOT", children = ["CHART-x"] }
    "CHART-x"  = { id = "CHART-x", type = "CHART", children = [], meta = { chartId = 11, width = 4, height = 50 } }
  })
}`,
				ExpectError: regexp.MustCompile(`chart 11 does not exist`),
			},
			{
				Config: providerConfig(fake) + `
resource "lakehouse_superset_dashboard" "a" {
  dashboard_title = "a"
  slug            = "same"
}
resource "lakehouse_superset_dashboard" "b" {
  dashboard_title = "b"
  slug            = "same"
  depends_on      = [lakehouse_superset_dashboard.a]
}`,
				ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_superset_dashboard \(b\).*HTTP 422.*Must be\s+unique`),
			},
		},
	})
}

func TestAccSupersetDashboard_chartsMustMatchLayout(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(fake) + `
resource "lakehouse_superset_dashboard" "test" {
  dashboard_title = "x"
  charts          = [5]
  position_json = jsonencode({
    ROOT_ID   = { id = "ROOT_ID", type = "ROOT", children = ["CHART-x"] }
    "CHART-x" = { id = "CHART-x", type = "CHART", children = [], meta = { chartId = 11, width = 4, height = 50 } }
  })
}`,
			PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)charts disagrees with position_json.*\[11\].*\[5\]`),
		}},
	})
}

// C18, read-modify-write of json_metadata: changing a key the configuration
// owns keeps the keys Superset holds that it does not (here label colours a
// user picked in the UI), and leaves the layout on the server untouched.
func TestAccSupersetDashboard_metadataKeepsServerKeys(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	var id int64
	var layoutBefore string
	cfg := func(scheme string) string {
		return strings.Replace(testAccDashboardConfig_c18(fake, "Orders — daily", 4), `"supersetColors"`, strconv.Quote(scheme), 1)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("supersetColors"), Check: captureID(dashAddr, &id)},
			{
				PreConfig: func() {
					fake.Mutate("dashboard", id, func(o map[string]any) {
						layoutBefore, _ = o["position_json"].(string)
						meta, _ := o["json_metadata"].(string)
						o["json_metadata"] = strings.Replace(meta, "{", `{"label_colors":{"Pass":"#00AA00"},`, 1)
					})
				},
				Config:   cfg("supersetColors"),
				PlanOnly: true, // a key the configuration does not own is not drift
			},
			{
				Config: cfg("bnbColors"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dashAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if keys := bodyKeys(lastPut(t, fake, itemPath("dashboard", id))); !slices.Equal(keys, []string{"json_metadata"}) {
						return fmt.Errorf("metadata change sent %v, want only json_metadata", keys)
					}
					obj := fake.Object("dashboard", id)
					raw, _ := obj["json_metadata"].(string)
					var meta map[string]any
					if err := json.Unmarshal([]byte(raw), &meta); err != nil {
						return err
					}
					if meta["color_scheme"] != "bnbColors" || fmt.Sprint(meta["label_colors"]) != "map[Pass:#00AA00]" {
						return fmt.Errorf("json_metadata after the change = %v; want the new scheme and the server's label colours", meta)
					}
					if obj["position_json"] != layoutBefore {
						return fmt.Errorf("a metadata change rewrote the layout")
					}

					return nil
				},
			},
		},
	})
}
