package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// The documented examples apply against MinIO and plan nothing afterwards.
// (The lakehouse_object example reads a file next to it, which the test
// harness does not copy; its behaviour is covered by object_test.go.)
func TestAccStorageExamples(t *testing.T) {
	for _, typ := range []string{"lakehouse_bucket", "lakehouse_bucket_policy"} {
		t.Run(typ, func(t *testing.T) {
			dir := filepath.Join(acctest.RepoRoot(), "examples", "resources", typ)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{
					{
						ConfigDirectory: config.StaticDirectory(dir),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
				},
			})
		})
	}
}
