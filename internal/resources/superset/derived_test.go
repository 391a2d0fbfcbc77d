package superset_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// backend and driver follow a changed URI in place: the plan does not
// promise the old values.
func TestAccSupersetDatabase_driverChange(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	cfg := func(uri string) string {
		return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "test" {
  database_name  = "warehouse"
  sqlalchemy_uri = %q
}
`, uri)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("postgresql+psycopg2://report_ro@db.internal:5432/wh")},
			{
				Config: cfg("mysql+mysqldb://report_ro@db.internal:3306/wh"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("backend"), knownvalue.StringExact("mysql")),
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("driver"), knownvalue.StringExact("mysqldb")),
				},
			},
		},
	})
}

// kind follows a dataset turned from physical into virtual in place.
func TestAccSupersetDataset_kindChange(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	cfg := func(source string) string {
		return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "wh" {
  database_name  = "warehouse"
  sqlalchemy_uri = "postgresql://report_ro@db.internal:5432/wh"
}

resource "lakehouse_superset_dataset" "test" {
  database_id = lakehouse_superset_database.wh.id
  table_name  = "student_info"
  %s
}
`, source)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(`schema = "oulad"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("kind"), knownvalue.StringExact("physical")),
				},
			},
			{
				Config: cfg(`sql = "SELECT code_module FROM oulad.student_info"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("kind"), knownvalue.StringExact("virtual")),
				},
			},
		},
	})
}
