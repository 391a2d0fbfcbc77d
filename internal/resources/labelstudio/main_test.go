package labelstudio_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
)

// minioServer is the real MinIO of the acceptance tier (TF_ACC=1); the
// fake-backed tests above run without it.
var minioServer *acctest.MinIO

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, &minioServer))
}

func testAccStorageConfig_minio(fake *labelstudiotest.Server, bucket, secret string, version int) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  s3 {
    endpoint   = %[1]q
    access_key = %[2]q
    secret_key = %[3]q
    use_ssl    = false
    path_style = true
    region     = "us-east-1"
  }
  labelstudio {
    endpoint = %[4]q
    api_key  = %[5]q
  }
}

resource "lakehouse_bucket" "raw" {
  bucket = %[6]q
}

resource "lakehouse_labelstudio_project" "test" {
  title        = "tf-acc minio"
  label_config = %[7]q
}

resource "lakehouse_labelstudio_storage" "test" {
  project_id            = lakehouse_labelstudio_project.test.id
  bucket                = lakehouse_bucket.raw.bucket
  prefix                = "receipts"
  s3_endpoint           = "http://%[1]s"
  region_name           = "us-east-1"
  aws_access_key_id     = %[2]q
  aws_secret_access_key = %[8]q
  credentials_version   = %[9]d
}
`, minioServer.Endpoint, minioServer.AccessKey, minioServer.SecretKey, fake.URL, fake.APIKey, bucket, receiptsConfig, secret, version)
}

// A storage pointing at a lakehouse_bucket on the real MinIO: the fake plays
// Label Studio's connection check with the storage's own endpoint and
// credentials, path-style, so a wrong endpoint, bucket or key fails as the
// real server would.
func TestAccLabelStudioStorage_minioBucket(t *testing.T) {
	if minioServer == nil {
		t.Skipf("acceptance test: set %s=1 to run it against a real MinIO", resource.EnvTfAcc)
	}
	fake := newFake(t)
	fake.CheckBucket = labelstudiotest.S3BucketCheck()
	bucket := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccStorageConfig_minio(fake, bucket, minioServer.SecretKey, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Rotating to a key MinIO does not accept is refused by the
				// connection check and surfaces the server's words.
				Config:      testAccStorageConfig_minio(fake, bucket, "not-the-secret", 2),
				ExpectError: regexp.MustCompile(`Wrong credentials for S3 ` + bucket),
			},
		},
	})
}
