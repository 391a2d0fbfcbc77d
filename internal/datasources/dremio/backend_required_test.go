package dremio_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without a dremio block or its variables, reading fails with the
// NotConfiguredError naming the dremio block.
func TestAccDremioCatalogItemDataSource_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockDremio)
	acctest.TestNotConfigured(t, "reading", "lakehouse_dremio_catalog_item", providerdata.BlockDremio,
		`data "lakehouse_dremio_catalog_item" "test" { path = ["lake"] }`)
}
