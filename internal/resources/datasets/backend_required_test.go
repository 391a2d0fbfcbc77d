package datasets_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// A dataset record needs s3 for its documents, the catalog when it links
// related_tables, and DataCite when it has a doi block: each missing one
// fails the plan with its NotConfiguredError.
func TestAccDatasetsDataset_backendNotConfigured(t *testing.T) {
	for _, k := range append(append(append(providerdata.S3Env, providerdata.CatalogEnv...), providerdata.DataCiteEnv...), "LAKEHOUSE_S3_ACCESS_KEY") {
		t.Setenv(k, "")
	}
	withS3 := `
provider "lakehouse" {
  s3 {
    endpoint   = "127.0.0.1:1"
    access_key = "k"
    secret_key = "s"
    use_ssl    = false
  }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   testAccDatasetConfig("governance", "oulad-2025", "OULAD", "[]", "[]", ""),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_dataset.*the s3 backend is\s+not\s+configured:\s+` +
					`set\s+LAKEHOUSE_S3_ENDPOINT`),
			},
			{
				Config:   withS3 + testAccDatasetConfig("governance", "oulad-2025", "OULAD", "[]", "[]", `doi = { state = "draft" }`),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_dataset.*the datacite backend is\s+not\s+configured:\s+` +
					`set\s+LAKEHOUSE_DATACITE_ENDPOINT,\s+LAKEHOUSE_DATACITE_REPOSITORY_ID,\s+LAKEHOUSE_DATACITE_PASSWORD`),
			},
			{
				Config:   withS3 + testAccDatasetConfig("governance", "oulad-2025", "OULAD", `["curated.student_info"]`, "[]", ""),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_dataset.*the catalog backend is\s+not\s+configured:\s+` +
					`set\s+LAKEHOUSE_CATALOG_TYPE`),
			},
		},
	})
}
