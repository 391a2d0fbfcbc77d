package storage_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without an s3 block or its variables, the plan (which reviewers approve)
// fails for each storage resource with exactly one diagnostic, the
// NotConfiguredError naming the block and its variables; nothing is
// contacted.
func TestAccStorageBucket_backendNotConfigured(t *testing.T) {
	for _, k := range append(providerdata.S3Env, "LAKEHOUSE_S3_ACCESS_KEY") {
		t.Setenv(k, "")
	}
	for typ, body := range map[string]string{
		"lakehouse_bucket":        `bucket = "tf-unconfigured"`,
		"lakehouse_bucket_policy": `bucket = "tf-unconfigured"` + "\n" + `policy = jsonencode({ Version = "2012-10-17", Statement = [] })`,
		"lakehouse_object":        `bucket = "tf-unconfigured"` + "\n" + `key = "a.txt"` + "\n" + `content = "x"`,
	} {
		t.Run(typ, func(t *testing.T) {
			want := regexp.MustCompile(`(?s)Error planning ` + typ + `.*the s3 backend is not\s+configured:\s+set\s+` +
				`LAKEHOUSE_S3_ENDPOINT,\s+AWS_ACCESS_KEY_ID.*s3\s+\{\s+\.\.\.\s+\}\s+block`)
			failed := false
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:   fmt.Sprintf("resource %q \"test\" {\n%s\n}\n", typ, body),
					PlanOnly: true,
				}},
				ErrorCheck: func(err error) error {
					failed = true
					if n := strings.Count(err.Error(), "Error: "); n != 1 || !want.MatchString(err.Error()) {
						return fmt.Errorf("want exactly one error naming the s3 block and its variables, got %d: %w", n, err)
					}

					return nil
				},
			})
			if !failed {
				t.Fatal("the plan succeeded without an s3 configuration")
			}
		})
	}
}
