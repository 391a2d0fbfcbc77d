package accesspolicy_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// An access policy needs the backends its compiled grants go to: dremio for
// Dremio grants, s3 for bucket and MinIO policies. Each missing one fails
// the plan with its NotConfiguredError.
func TestAccAccessPolicy_backendNotConfigured(t *testing.T) {
	for _, k := range append(append(providerdata.S3Env, providerdata.DremioEnv...), "LAKEHOUSE_S3_ACCESS_KEY") {
		t.Setenv(k, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
resource "lakehouse_access_policy" "test" {
  name       = "dremio-only"
  dremio     = { iceberg_source = "lake" }
  principals = [{ name = "researchers", type = "group", attributes = { role = ["researcher"] }, dremio_role = "researchers" }]
  rules = [{
    name      = "read-oulad"
    subjects  = { roles = ["researcher"] }
    actions   = ["read"]
    resources = [{ table = "oulad" }]
  }]
}
`,
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_access_policy.*the dremio backend is\s+not\s+configured:\s+` +
					`set\s+LAKEHOUSE_DREMIO_ENDPOINT`),
			},
			{
				Config: `
resource "lakehouse_access_policy" "test" {
  name       = "bucket-only"
  principals = [{ name = "researchers", type = "group", attributes = { role = ["researcher"] } }]
  rules = [{
    name      = "read-curated"
    subjects  = { roles = ["researcher"] }
    actions   = ["read"]
    resources = [{ bucket = "uni-example-curated", prefix = "oulad/" }]
  }]
}
`,
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_access_policy.*the s3 backend is\s+not\s+configured:\s+` +
					`set\s+LAKEHOUSE_S3_ENDPOINT`),
			},
		},
	})
}
