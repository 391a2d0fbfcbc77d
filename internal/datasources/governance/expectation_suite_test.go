package governance_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

var server *acctest.MinIO

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, &server))
}

func put(t *testing.T, bucket, key, body string) {
	t.Helper()
	c := acctest.S3Client(t, server)
	ctx := context.Background()
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, bucket, key, bytes.NewReader([]byte(body)), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
}

// A GX 0.18 suite reads back in GX 1.x form, the bound table separated from meta.
func TestAccGovernanceExpectationSuiteDataSource_basic(t *testing.T) {
	bucket := acctest.RandomName()
	put(t, bucket, "suites/legacy.json", `{"expectation_suite_name": "legacy", "meta": {"table": "oulad.student_info", "owner": "x"},
	  "expectations": [{"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "score", "min_value": 0}}]}`)
	put(t, bucket+"-bad", "suites/bad.json", `{"name": "bad", "expectations": [{"type": "expect_nothing", "kwargs": {}}]}`)
	const addr = "data.lakehouse_expectation_suite.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
data "lakehouse_expectation_suite" "test" {
  bucket = %[1]q
  key    = "suites/legacy.json"
}
`, bucket),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("legacy")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("table"), knownvalue.StringExact("oulad.student_info")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("meta"), knownvalue.StringExact(`{"owner":"x"}`)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expectations").AtSliceIndex(0).AtMapKey("type"),
						knownvalue.StringExact("expect_column_values_to_be_between")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("expectations").AtSliceIndex(0).AtMapKey("kwargs"),
						knownvalue.StringExact(`{"column":"score","min_value":0}`)),
				},
			},
			{
				Config: fmt.Sprintf(`
data "lakehouse_expectation_suite" "test" {
  bucket = "%[1]s-bad"
  key    = "suites/bad.json"
}
`, bucket),
				ExpectError: regexp.MustCompile(`(?s)not a valid expectation suite.*expect_nothing`),
			},
			{
				Config: fmt.Sprintf(`
data "lakehouse_expectation_suite" "test" {
  bucket = %[1]q
  key    = "suites/missing.json"
}
`, bucket),
				ExpectError: regexp.MustCompile(`suite object could not be read`),
			},
		},
	})
}
