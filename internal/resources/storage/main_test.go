package storage_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// server is the MinIO every acceptance test in this package uses; the
// provider reaches it through the environment, as `provider "lakehouse" {}`.
var server *acctest.MinIO

func TestMain(m *testing.M) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		os.Exit(m.Run())
	}
	var err error
	server, err = acctest.StartMinIO()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server.Setenv()
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

// s3 is a direct client for out-of-band changes and checks.
func s3(t *testing.T) *minio.Client {
	t.Helper()
	c, err := minio.New(server.Endpoint, &minio.Options{
		Creds: credentials.NewStaticV4(server.AccessKey, server.SecretKey, ""), Region: "us-east-1",
	})
	if err != nil {
		t.Fatal(err)
	}

	return c
}

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
