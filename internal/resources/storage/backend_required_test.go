package storage_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without an s3 block or its variables, the plan (which reviewers approve)
// fails with the NotConfiguredError the apply used to give; nothing is
// contacted.
func TestAccStorageBucket_backendNotConfigured(t *testing.T) {
	for _, k := range append(providerdata.S3Env, "LAKEHOUSE_S3_ACCESS_KEY") {
		t.Setenv(k, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:   `resource "lakehouse_bucket" "test" { bucket = "tf-unconfigured" }`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_bucket.*the s3 backend is not\s+configured:\s+set\s+` +
				`LAKEHOUSE_S3_ENDPOINT,\s+AWS_ACCESS_KEY_ID.*s3\s+\{\s+\.\.\.\s+\}\s+block`),
		}},
	})
}
