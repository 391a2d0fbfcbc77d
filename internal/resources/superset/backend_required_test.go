package superset_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without a superset block or its variables, the plan fails with the
// NotConfiguredError naming the superset block. (A database built from the
// dremio block also needs dremio: see TestAccSupersetDatabase_validation.)
func TestAccSupersetDashboard_backendNotConfigured(t *testing.T) {
	for _, k := range providerdata.SupersetEnv {
		t.Setenv(k, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   `resource "lakehouse_superset_dashboard" "test" { dashboard_title = "Student outcomes" }`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_superset_dashboard.*the superset backend is\s+not\s+` +
				`configured:\s+set\s+LAKEHOUSE_SUPERSET_ENDPOINT.*superset\s+\{\s+\.\.\.\s+\}\s+block`),
		}},
	})
}
