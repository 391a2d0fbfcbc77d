package governance_test

import (
	"fmt"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

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
	acctest.UnsetBackendEnv(t, providerdata.BlockS3, providerdata.BlockCatalog)
	acctest.TestNotConfigured(t, "planning", "lakehouse_expectation_suite", providerdata.BlockS3, fmtSuite(""))
}

// A suite bound to a table also needs the catalog, whose table the plan
// reads; with s3 configured but no catalog, the catalog is named.
func TestAccGovernanceExpectationSuite_boundTableNeedsCatalog(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockS3, providerdata.BlockCatalog)
	acctest.TestNotConfigured(t, "planning", "lakehouse_expectation_suite", providerdata.BlockCatalog,
		acctest.UnreachableS3+fmtSuite(`table = "oulad.student_info"`))
}

func fmtSuite(table string) string { return fmt.Sprintf(suiteConfig, table) }
