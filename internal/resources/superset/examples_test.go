package superset_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// The documentation examples plan cleanly against the provider's schema, so
// a renamed attribute cannot leave them stale.
func TestAccSupersetExamples_plan(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	// The dataset example declares its Iceberg table too: an empty local
	// catalog is enough to plan it.
	cfg := providerConfig(fake, `dremio {
    endpoint = "http://dremio.internal:9047"
    username = "svc_superset"
    password = "pw"
  }`, fmt.Sprintf(`catalog {
    type      = "sql"
    uri       = %q
    warehouse = "s3://example-warehouse/warehouse"
  }`, "file:"+filepath.Join(t.TempDir(), "catalog.db")))
	for _, typ := range []string{"database", "dataset", "chart", "dashboard"} {
		b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "lakehouse_superset_"+typ, "resource.tf"))
		if err != nil {
			t.Fatal(err)
		}
		cfg += string(b)
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigVariables: config.Variables{
				"warehouse_password":           config.StringVariable("example"),
				"bastion_private_key":          config.StringVariable("-----BEGIN OPENSSH PRIVATE KEY-----example"),
				"bigquery_service_account_key": config.StringVariable("-----BEGIN PRIVATE KEY-----example"),
			},
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}
