package storage_test

import (
	"fmt"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without an s3 block or its variables, the plan (which reviewers approve)
// fails for each storage resource with exactly one diagnostic, the
// NotConfiguredError naming the block and its variables; nothing is
// contacted.
func TestAccStorageBucket_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockS3)
	for typ, body := range map[string]string{
		"lakehouse_bucket":        `bucket = "tf-unconfigured"`,
		"lakehouse_bucket_policy": `bucket = "tf-unconfigured"` + "\n" + `policy = jsonencode({ Version = "2012-10-17", Statement = [] })`,
		"lakehouse_object":        `bucket = "tf-unconfigured"` + "\n" + `key = "a.txt"` + "\n" + `content = "x"`,
	} {
		t.Run(typ, func(t *testing.T) {
			acctest.TestNotConfigured(t, "planning", typ, providerdata.BlockS3, fmt.Sprintf("resource %q \"test\" {\n%s\n}\n", typ, body))
		})
	}
}
