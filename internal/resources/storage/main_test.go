package storage_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// server is the MinIO every acceptance test in this package uses; the
// provider reaches it through the environment, as `provider "lakehouse" {}`.
var server *acctest.MinIO

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, &server))
}

// s3 is a direct client for setup, checks and out-of-band changes.
func s3(t *testing.T) *minio.Client { return acctest.S3Client(t, server) }

func checkBucketDestroyed(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "lakehouse_bucket" {
				continue
			}
			ok, err := s3(t).BucketExists(context.Background(), rs.Primary.ID)
			if err != nil {
				return err
			}
			if ok {
				return fmt.Errorf("bucket %s still exists", rs.Primary.ID)
			}
		}

		return nil
	}
}

// outOfBand runs fn with a direct client, as a step's Check, to simulate a
// change made by hand in a console.
func outOfBand(t *testing.T, fn func(ctx context.Context, c *minio.Client) error) resource.TestCheckFunc {
	return func(*terraform.State) error { return fn(context.Background(), s3(t)) }
}

// errRe compiles an expected error pattern in which a space matches any run
// of white space, because Terraform wraps diagnostic lines.
func errRe(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}
