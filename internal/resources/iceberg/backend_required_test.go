package iceberg_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without a catalog block or its variables, the plan fails with the
// NotConfiguredError naming the catalog block.
func TestAccIcebergNamespace_backendNotConfigured(t *testing.T) {
	for _, k := range providerdata.CatalogEnv {
		t.Setenv(k, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   `resource "lakehouse_iceberg_namespace" "test" { name = ["research"] }`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_iceberg_namespace.*the catalog backend is\s+not\s+configured:\s+` +
				`set\s+LAKEHOUSE_CATALOG_TYPE,\s+LAKEHOUSE_CATALOG_URI,\s+LAKEHOUSE_CATALOG_WAREHOUSE.*catalog\s+\{\s+\.\.\.\s+\}\s+block`),
		}},
	})
}
