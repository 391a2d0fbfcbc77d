package datasets_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

var curatedOnce sync.Once

// curatedTables creates the tables the documentation example links, once
// per test binary (the SQLite catalog is shared by the package).
func curatedTables(t *testing.T) {
	t.Helper()
	curatedOnce.Do(func() {
		ctx := context.Background()
		cat := testCatalog(t)
		if err := cat.CreateNamespace(ctx, []string{"curated"}, nil); err != nil {
			t.Fatal(err)
		}
		sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "id_student", Type: iceberg.PrimitiveTypes.Int64, Required: true})
		for _, name := range []string{"student_info", "student_assessment"} {
			if _, err := cat.CreateTable(ctx, []string{"curated", name}, sc); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// The documentation example applies as written (bucket names aside), plans
// empty afterwards and imports with its documented ID.
func TestAccDatasetsDataset_example(t *testing.T) {
	gov, raw := testBucket(t), testBucket(t)
	curatedTables(t)
	src, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "lakehouse_dataset", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.NewReplacer("uni-example-governance", gov, "uni-example-raw", raw).Replace(string(src))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: "lakehouse_dataset.oulad", ImportState: true, ImportStateVerify: true, ImportStateId: gov + "/datasets/oulad-2025"},
		},
	})
}
