package datasets_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// A dataset record needs s3 for its documents, the catalog when it links
// related_tables, and DataCite when it has a doi block: each missing one
// fails the plan with its NotConfiguredError.
func TestAccDatasetsDataset_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockS3, providerdata.BlockCatalog, providerdata.BlockDataCite)
	const typ = "lakehouse_dataset"
	t.Run("s3", func(t *testing.T) {
		acctest.TestNotConfigured(t, "planning", typ, providerdata.BlockS3,
			testAccDatasetConfig("governance", "oulad-2025", "OULAD", "[]", "[]", ""))
	})
	t.Run("datacite", func(t *testing.T) {
		acctest.TestNotConfigured(t, "planning", typ, providerdata.BlockDataCite, acctest.UnreachableS3+
			testAccDatasetConfig("governance", "oulad-2025", "OULAD", "[]", "[]", `doi = { state = "draft" }`))
	})
	t.Run("catalog", func(t *testing.T) {
		acctest.TestNotConfigured(t, "planning", typ, providerdata.BlockCatalog, acctest.UnreachableS3+
			testAccDatasetConfig("governance", "oulad-2025", "OULAD", `["curated.student_info"]`, "[]", ""))
	})
}
