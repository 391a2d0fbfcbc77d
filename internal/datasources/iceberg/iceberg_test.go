package iceberg_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog/catalogtest"
)

// The whole provider against the fake REST catalog (backed by a real SQL
// catalog), so these run without services.
var providerFactories = acctest.ProviderFactories

func TestAccIcebergDataSources_basic(t *testing.T) {
	dir := t.TempDir()
	srv, err := catalogtest.Start(dir, "file://"+dir+"/warehouse", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := fmt.Sprintf(`
provider "lakehouse" {
  catalog {
    type = "rest"
    uri  = %[1]q
  }
}

resource "lakehouse_iceberg_namespace" "lake" {
  name       = ["lake"]
  properties = { owner = "data office" }
}

resource "lakehouse_iceberg_namespace" "raw" {
  name = [lakehouse_iceberg_namespace.lake.name[0], "raw zone"]
}

resource "lakehouse_iceberg_table" "events" {
  namespace = lakehouse_iceberg_namespace.raw.name
  name      = "events"
  schema = [
    { name = "id", type = "long", required = true },
    { name = "at", type = "timestamptz" },
    { name = "tags", type = "list", element_type = "string" },
  ]
  partition_spec = [{ source = "at", transform = "day" }]
}

data "lakehouse_iceberg_namespace" "lake" {
  name = lakehouse_iceberg_namespace.lake.name
}

data "lakehouse_iceberg_namespaces" "children" {
  parent     = lakehouse_iceberg_namespace.lake.name
  depends_on = [lakehouse_iceberg_namespace.raw]
}

data "lakehouse_iceberg_table" "events" {
  namespace = lakehouse_iceberg_table.events.namespace
  name      = lakehouse_iceberg_table.events.name
}

data "lakehouse_iceberg_tables" "raw" {
  namespace  = lakehouse_iceberg_namespace.raw.name
  depends_on = [lakehouse_iceberg_table.events]
}
`, srv.URL)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_namespace.lake", tfjsonpath.New("properties").AtMapKey("owner"), knownvalue.StringExact("data office")),
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_namespaces.children", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("lake.raw zone")})),
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_table.events", tfjsonpath.New("schema").AtSliceIndex(2).AtMapKey("element_id"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_table.events", tfjsonpath.New("schema").AtSliceIndex(1).AtMapKey("type"), knownvalue.StringExact("timestamptz")),
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_table.events", tfjsonpath.New("partition_spec").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("at_day")),
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_table.events", tfjsonpath.New("current_snapshot_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_table.events", tfjsonpath.New("location"), knownvalue.StringRegexp(regexp.MustCompile(`^file://`))),
					statecheck.ExpectKnownValue("data.lakehouse_iceberg_tables.raw", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("lake.raw zone.events")})),
				},
			},
			{
				Config: cfg + `
data "lakehouse_iceberg_table" "missing" {
  namespace = ["lake"]
  name      = "nope"
}
`,
				ExpectError: regexp.MustCompile(`The table does not exist`),
			},
		},
	})
}
