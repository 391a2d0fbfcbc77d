package governance_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

func unsetBackendEnv(t *testing.T) {
	t.Helper()
	for _, k := range append(append(providerdata.S3Env, providerdata.CatalogEnv...), "LAKEHOUSE_S3_ACCESS_KEY") {
		t.Setenv(k, "")
	}
}

const suiteConfig = `
resource "lakehouse_expectation_suite" "test" {
  bucket = "governance"
  name   = "oulad_student_info"
  %s
  expectations = [{
    type   = "expect_column_values_to_not_be_null"
    kwargs = jsonencode({ column = "id_student" })
  }]
}
`

// Every governance document lives in a bucket: without s3 settings the
// plan fails, for all document resources through their shared base.
func TestAccGovernanceExpectationSuite_backendNotConfigured(t *testing.T) {
	unsetBackendEnv(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   fmtSuite(""),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_expectation_suite.*the s3 backend is\s+not\s+configured:\s+` +
				`set\s+LAKEHOUSE_S3_ENDPOINT`),
		}},
	})
}

// A suite bound to a table also needs the catalog, whose table the plan
// reads; with s3 configured but no catalog, the catalog is named.
func TestAccGovernanceExpectationSuite_boundTableNeedsCatalog(t *testing.T) {
	unsetBackendEnv(t)
	provider := `
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
		Steps: []resource.TestStep{{
			Config:   provider + fmtSuite(`table = "oulad.student_info"`),
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_expectation_suite.*the catalog backend is\s+not\s+configured:\s+` +
				`set\s+LAKEHOUSE_CATALOG_TYPE`),
		}},
	})
}

func fmtSuite(table string) string { return fmt.Sprintf(suiteConfig, table) }
