package accesspolicy_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// An access policy needs the backends its compiled grants go to: dremio for
// Dremio grants, s3 for bucket and MinIO policies. Each missing one fails
// the plan with its NotConfiguredError.
func TestAccAccessPolicy_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockS3, providerdata.BlockDremio)
	t.Run("dremio", func(t *testing.T) {
		acctest.TestNotConfigured(t, "planning", "lakehouse_access_policy", providerdata.BlockDremio, `
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
`)
	})
	t.Run("s3", func(t *testing.T) {
		acctest.TestNotConfigured(t, "planning", "lakehouse_access_policy", providerdata.BlockS3, `
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
`)
	})
}
