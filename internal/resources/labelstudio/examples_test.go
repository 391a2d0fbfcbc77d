package labelstudio_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// The documentation examples apply as written and plan nothing afterwards.
func TestAccLabelStudioExamples_apply(t *testing.T) {
	fake := newFake(t)
	knownBuckets(fake, "raw", "curated")
	cfg := testAccProviderConfig(fake)
	for _, r := range []string{"project", "storage", "webhook"} {
		b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "lakehouse_labelstudio_"+r, "resource.tf"))
		if err != nil {
			t.Fatal(err)
		}
		cfg += "\n" + string(b)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigVariables: config.Variables{
				"labelstudio_s3_secret_key": config.StringVariable("minio-secret"),
				"hook_token":                config.StringVariable("hook-secret"),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}
