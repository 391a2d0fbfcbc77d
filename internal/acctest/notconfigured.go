package acctest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// UnsetBackendEnv clears, for the test, every environment variable that
// configures one of the blocks, whatever the package's TestMain set.
func UnsetBackendEnv(t *testing.T, blocks ...string) {
	t.Helper()
	for _, b := range blocks {
		for _, k := range providerdata.NotConfigured(b).Env {
			t.Setenv(k, "")
		}
		if b == providerdata.BlockS3 {
			t.Setenv("LAKEHOUSE_S3_ACCESS_KEY", "") // the alias of AWS_ACCESS_KEY_ID
		}
	}
}

// NotConfiguredPattern matches the diagnostic of an unconfigured block as
// the CLI prints it: "Error <action> <typ>", then the block's
// NotConfiguredError text, which the CLI may wrap at any space.
func NotConfiguredPattern(action, typ, block string) *regexp.Regexp {
	words := strings.Fields(providerdata.NotConfigured(block).Error())
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}

	return regexp.MustCompile(`(?s)Error ` + action + ` ` + regexp.QuoteMeta(typ) + `\b.*` + strings.Join(words, `\s+`))
}

// TestNotConfigured plans config and asserts that it fails with exactly one
// error diagnostic, the one NotConfiguredPattern describes. action is
// "planning" for resources and "reading" for data sources.
func TestNotConfigured(t *testing.T, action, typ, block, config string) {
	t.Helper()
	want := NotConfiguredPattern(action, typ, block)
	failed := false
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true}},
		ErrorCheck: func(err error) error {
			failed = true
			if n := strings.Count(err.Error(), "Error: "); n != 1 || !want.MatchString(err.Error()) {
				return fmt.Errorf("want exactly one error naming the %s block and its variables, got %d: %w", block, n, err)
			}

			return nil
		},
	})
	if !failed {
		t.Fatalf("the plan succeeded without a %s configuration", block)
	}
}

// UnreachableS3 is a provider configuration whose s3 block is complete but
// points at a closed port, for tests of the other blocks a plan needs.
const UnreachableS3 = `
provider "lakehouse" {
  s3 {
    endpoint   = "127.0.0.1:1"
    access_key = "k"
    secret_key = "s"
    use_ssl    = false
  }
}
`
