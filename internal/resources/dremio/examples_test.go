package dremio_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// The documentation examples apply as written against the fake and plan
// nothing afterwards.
func TestAccDremioExamples_apply(t *testing.T) {
	t.Parallel()
	for _, r := range []string{"space", "folder", "view", "source"} {
		t.Run(r, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "lakehouse_dremio_"+r, "resource.tf"))
			if err != nil {
				t.Fatal(err)
			}
			example := string(b)
			if r == "source" {
				// The bucket belongs to the storage backend (real MinIO, TF_ACC); stand in its name.
				example = regexp.MustCompile(`(?s)resource "lakehouse_bucket" "curated" \{.*?\n\}\n`).ReplaceAllString(example, "")
				example = strings.ReplaceAll(example, "lakehouse_bucket.curated.bucket", `"uni-example-curated"`)
			}
			f := newFake(t)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: testAccProviderConfig(f) + example,
					ConfigVariables: config.Variables{
						"dremio_reader_secret": config.StringVariable("reader-secret"),
						"warehouse_password":   config.StringVariable("pg-secret"),
					},
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				}},
			})
		})
	}
}
