package iceberg_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without a catalog block or its variables, the plan fails with the
// NotConfiguredError naming the catalog block.
func TestAccIcebergNamespace_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockCatalog)
	acctest.TestNotConfigured(t, "planning", "lakehouse_iceberg_namespace", providerdata.BlockCatalog,
		`resource "lakehouse_iceberg_namespace" "test" { name = ["research"] }`)
}
