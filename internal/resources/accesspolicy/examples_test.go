package accesspolicy_test

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// The documented example is valid and its plan shows what every
// enforcement point receives, without contacting a server: the backends it
// needs point at a closed port.
func TestAccAccessPolicyExample_plan(t *testing.T) {
	for k, v := range map[string]string{
		"LAKEHOUSE_S3_ENDPOINT": "127.0.0.1:1", "AWS_ACCESS_KEY_ID": "example", "AWS_SECRET_ACCESS_KEY": "example-secret",
		"LAKEHOUSE_DREMIO_ENDPOINT": "http://127.0.0.1:1", "LAKEHOUSE_DREMIO_TOKEN": "example-token",
	} {
		t.Setenv(k, v)
	}
	addr := "lakehouse_access_policy.oulad_dua"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigDirectory:    config.StaticDirectory(filepath.Join(acctest.RepoRoot(), "examples", "resources", "lakehouse_access_policy")),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("dremio_grants"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact(`GRANT SELECT ON FOLDER "lake"."oulad" TO ROLE "ou_researchers"`),
				})),
				plancheck.ExpectKnownValue(addr, tfjsonpath.New("minio_policies"), knownvalue.MapSizeExact(3)),
			}},
		}},
	})
}
