package storage_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

// startTLSMinIO runs a MinIO of its own that serves HTTPS with a
// certificate ca signed, stopped when the test ends.
func startTLSMinIO(t *testing.T, ca *tlstest.CA) *acctest.MinIO {
	t.Helper()
	if server == nil {
		t.Skip("needs MinIO; set TF_ACC=1")
	}
	m, err := acctest.StartMinIO(acctest.WithMinIOCerts(ca.WriteServerFiles(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)

	return m
}

func testAccTLSBucketConfig(m *acctest.MinIO, caSetting, name string) string {
	target := s3Target{endpoint: m.Endpoint, accessKey: m.AccessKey, secretKey: m.SecretKey, tls: true}

	return target.provider(caSetting, 2) + fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %q
  force_destroy = true
}
`, name)
}

// MinIO over HTTPS with a certificate from an internal CA: the provider
// fails with a certificate error without the CA and manages the bucket
// with it, given inline or as a file.
func TestAccStorageTLS_internalCA(t *testing.T) {
	ca := tlstest.New(t)
	m := startTLSMinIO(t, ca)
	direct, err := objectstore.New(providerdata.S3Settings{
		Configured: true, Endpoint: m.Endpoint, Region: "us-east-1", AccessKey: m.AccessKey, SecretKey: m.SecretKey,
		UseSSL: true, PathStyle: true, TLS: httpx.TLS{CAPEM: ca.PEM()},
	}, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			ok, err := direct.BucketExists(context.Background(), name)
			if err != nil {
				return fmt.Errorf("checking bucket %s: %w", name, err)
			}
			if ok {
				return fmt.Errorf("bucket %s still exists", name)
			}

			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      testAccTLSBucketConfig(m, "", name),
				ExpectError: regexp.MustCompile(`certificate signed by unknown authority`),
			},
			{
				Config: testAccTLSBucketConfig(m, fmt.Sprintf("ca_certificate = %q", ca.PEM()), name),
				Check: func(*terraform.State) error {
					ok, err := direct.BucketExists(context.Background(), name)
					if err != nil {
						return fmt.Errorf("checking bucket %s: %w", name, err)
					}
					if !ok {
						return fmt.Errorf("bucket %s not on the TLS server", name)
					}

					return nil
				},
			},
			{
				Config:           testAccTLSBucketConfig(m, fmt.Sprintf("ca_file = %q", ca.WritePEM(t)), name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
