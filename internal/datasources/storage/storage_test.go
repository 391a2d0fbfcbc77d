package storage_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, nil))
}

func testAccDataSourcesConfig(prefix string) string {
	return fmt.Sprintf(`
resource "lakehouse_bucket" "raw" {
  bucket        = "%[1]s-raw"
  versioning    = "Enabled"
  tags          = { tier = "raw" }
  force_destroy = true
}

resource "lakehouse_bucket" "curated" {
  bucket = "%[1]s-curated"
}

resource "lakehouse_object" "codebook" {
  bucket       = lakehouse_bucket.raw.bucket
  key          = "governance/codebook.json"
  content      = jsonencode({ columns = ["id_student", "final_result"] })
  content_type = "application/json"
  tags         = { classification = "internal" }
}

data "lakehouse_bucket" "raw" {
  bucket = lakehouse_bucket.raw.bucket
}

data "lakehouse_buckets" "mine" {
  prefix     = %[1]q
  depends_on = [lakehouse_bucket.raw, lakehouse_bucket.curated]
}

data "lakehouse_object" "codebook" {
  bucket = lakehouse_object.codebook.bucket
  key    = lakehouse_object.codebook.key
}
`, prefix)
}

func TestAccStorageDataSources_basic(t *testing.T) {
	prefix := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDataSourcesConfig(prefix),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.lakehouse_bucket.raw", tfjsonpath.New("versioning"), knownvalue.StringExact("Enabled")),
					statecheck.ExpectKnownValue("data.lakehouse_bucket.raw", tfjsonpath.New("object_lock_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.lakehouse_bucket.raw", tfjsonpath.New("region"), knownvalue.StringExact("us-east-1")),
					statecheck.ExpectKnownValue("data.lakehouse_bucket.raw", tfjsonpath.New("tags"),
						knownvalue.MapExact(map[string]knownvalue.Check{"tier": knownvalue.StringExact("raw")})),
					statecheck.ExpectKnownValue("data.lakehouse_buckets.mine", tfjsonpath.New("names"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact(prefix + "-curated"), knownvalue.StringExact(prefix + "-raw"),
					})),
					statecheck.ExpectKnownValue("data.lakehouse_object.codebook", tfjsonpath.New("content"),
						knownvalue.StringExact(`{"columns":["id_student","final_result"]}`)),
					statecheck.ExpectKnownValue("data.lakehouse_object.codebook", tfjsonpath.New("content_type"), knownvalue.StringExact("application/json")),
					statecheck.ExpectKnownValue("data.lakehouse_object.codebook", tfjsonpath.New("tags"),
						knownvalue.MapExact(map[string]knownvalue.Check{"classification": knownvalue.StringExact("internal")})),
					statecheck.ExpectKnownValue("data.lakehouse_object.codebook", tfjsonpath.New("size"), knownvalue.Int64Exact(int64(len(`{"columns":["id_student","final_result"]}`)))),
				},
			},
		},
	})
}

func TestAccStorageDataSources_missing(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      `data "lakehouse_bucket" "x" { bucket = "tf-acc-does-not-exist" }`,
				ExpectError: regexp.MustCompile(`Error reading lakehouse_bucket \(tf-acc-does-not-exist\)`),
			},
			{
				Config: `data "lakehouse_buckets" "x" { prefix = "tf-acc-nothing-here-" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.lakehouse_buckets.x", tfjsonpath.New("names"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}

// Without an s3 block or its variables, each storage data source fails with
// exactly one diagnostic naming the block and its variables.
func TestAccStorageDataSources_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockS3)
	for typ, body := range map[string]string{
		"lakehouse_bucket":  `bucket = "tf-unconfigured"`,
		"lakehouse_buckets": ``,
		"lakehouse_object":  `bucket = "tf-unconfigured"` + "\n" + `key = "a.txt"`,
	} {
		t.Run(typ, func(t *testing.T) {
			acctest.TestNotConfigured(t, "reading", typ, providerdata.BlockS3, fmt.Sprintf("data %q \"test\" {\n%s\n}\n", typ, body))
		})
	}
}
