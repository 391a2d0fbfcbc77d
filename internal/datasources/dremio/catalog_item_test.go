package dremio_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

func providerConfig(f *dremiotest.Server) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  dremio {
    endpoint = %[1]q
    username = %[2]q
    password = %[3]q
  }
  s3 {
    endpoint   = "minio:9000"
    use_ssl    = false
    access_key = "k"
    secret_key = "very-secret"
  }
  retry {
    min_backoff = "5ms"
    max_backoff = "20ms"
  }
}
`, f.URL, dremiotest.Username, dremiotest.Password)
}

func TestAccDremioCatalogItemDataSource_basic(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	t.Cleanup(f.Close)
	f.SetChildrenPageSize(2) // three children: the data source must follow the page token
	space := acctest.RandomName()
	cfg := providerConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_space" "s" {
  name = %[1]q
}
resource "lakehouse_dremio_folder" "f" {
  count = 2
  path  = [lakehouse_dremio_space.s.name, ["a", "b"][count.index]]
}
resource "lakehouse_dremio_view" "v" {
  path = [lakehouse_dremio_space.s.name, "v"]
  sql  = "SELECT 1 AS one"
}
data "lakehouse_dremio_catalog_item" "by_path" {
  path       = [lakehouse_dremio_space.s.name]
  depends_on = [lakehouse_dremio_folder.f, lakehouse_dremio_view.v]
}
data "lakehouse_dremio_catalog_item" "by_id" {
  id = lakehouse_dremio_view.v.id
}
`, space)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakehouse_dremio_catalog_item.by_path", tfjsonpath.New("entity_type"), knownvalue.StringExact("space")),
				statecheck.ExpectKnownValue("data.lakehouse_dremio_catalog_item.by_path", tfjsonpath.New("children"), knownvalue.ListSizeExact(3)),
				statecheck.ExpectKnownValue("data.lakehouse_dremio_catalog_item.by_path", tfjsonpath.New("children").AtSliceIndex(2),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"type": knownvalue.StringExact("DATASET"), "dataset_type": knownvalue.StringExact("VIRTUAL"),
						"path": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(space), knownvalue.StringExact("v")}),
					})),
				statecheck.ExpectKnownValue("data.lakehouse_dremio_catalog_item.by_id", tfjsonpath.New("type"), knownvalue.StringExact("VIRTUAL_DATASET")),
				statecheck.ExpectKnownValue("data.lakehouse_dremio_catalog_item.by_id", tfjsonpath.New("sql"), knownvalue.StringExact("SELECT 1 AS one")),
				statecheck.ExpectKnownValue("data.lakehouse_dremio_catalog_item.by_id", tfjsonpath.New("path"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(space), knownvalue.StringExact("v")})),
			},
		}},
	})
}

func TestAccDremioCatalogItemDataSource_notFound(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	t.Cleanup(f.Close)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      providerConfig(f) + `data "lakehouse_dremio_catalog_item" "x" { path = ["nope", "x"] }`,
				ExpectError: regexp.MustCompile(`(?s)Error reading lakehouse_dremio_catalog_item \(nope.x\).*HTTP 404`),
			},
			{
				Config:      providerConfig(f) + `data "lakehouse_dremio_catalog_item" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)Exactly one of these attributes must be configured`),
			},
		},
	})
}

func TestAccDremioSourceDataSource_basic(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	t.Cleanup(f.Close)
	name := acctest.RandomName()
	cfg := providerConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_source" "s" {
  name = %[1]q
  s3 {}
}
data "lakehouse_dremio_source" "s" {
  name = upper(lakehouse_dremio_source.s.name)
}
`, name)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakehouse_dremio_source.s", tfjsonpath.New("type"), knownvalue.StringExact("S3")),
				statecheck.ExpectKnownValue("data.lakehouse_dremio_source.s", tfjsonpath.New("status"), knownvalue.StringExact("good")),
			},
			// The masked secret is left out, and the real one never appears.
			Check: resource.TestCheckResourceAttrWith("data.lakehouse_dremio_source.s", "config", func(v string) error {
				if !strings.Contains(v, `"accessKey":"k"`) || strings.Contains(v, "DREMIO_EXISTING") || strings.Contains(v, "very-secret") {
					return fmt.Errorf("config = %s", v)
				}

				return nil
			}),
		}},
	})
}
