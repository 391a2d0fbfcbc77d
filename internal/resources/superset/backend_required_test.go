package superset_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without a superset block or its variables, the plan fails with the
// NotConfiguredError naming the superset block.
func TestAccSupersetDashboard_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockSuperset)
	acctest.TestNotConfigured(t, "planning", "lakehouse_superset_dashboard", providerdata.BlockSuperset,
		`resource "lakehouse_superset_dashboard" "test" { dashboard_title = "Student outcomes" }`)
}
