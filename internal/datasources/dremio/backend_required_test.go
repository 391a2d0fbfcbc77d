package dremio_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Data sources read during plan, so they already fail there; their
// diagnostic carries the same NotConfiguredError text as the resources'.
func TestAccDremioCatalogItemDataSource_backendNotConfigured(t *testing.T) {
	for _, k := range providerdata.DremioEnv {
		t.Setenv(k, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   `data "lakehouse_dremio_catalog_item" "test" { path = ["lake"] }`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Error reading lakehouse_dremio_catalog_item.*the dremio backend is\s+not\s+` +
				`configured:\s+set\s+LAKEHOUSE_DREMIO_ENDPOINT.*dremio\s+\{\s+\.\.\.\s+\}\s+block`),
		}},
	})
}
