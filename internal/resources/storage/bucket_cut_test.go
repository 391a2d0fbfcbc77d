package storage_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore/objectstoretest"
)

// cutProvider is explicitProvider with a retry block of short waits.
func cutProvider(p *objectstoretest.Proxy, attempts int) string {
	return proxied(p).provider("", attempts)
}

// C03 under a failing network: destroy with force_destroy empties and
// deletes a bucket of 1,200 versions, delete markers and an
// incomplete upload although the listings of versions and of uploads and
// the DeleteObjects answers are cut mid-body; when the cuts never stop, the
// error says the connection kept failing (not that objects are locked), and
// the next destroy finishes the work.
func TestAccStorageBucket_forceDestroyThroughCutReplies(t *testing.T) {
	p := startProxy(t)
	name := acctest.RandomName()
	bucket := fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  versioning    = "Enabled"
  force_destroy = true
}
`, name)
	fill := func(ctx context.Context, c *minio.Client) error {
		for range 2 {
			if err := putMany(ctx, c, name, "obs/", 600); err != nil {
				return err
			}
		}
		for i := range 40 {
			if err := c.RemoveObject(ctx, name, fmt.Sprintf("obs/%05d.txt", i), minio.RemoveObjectOptions{}); err != nil {
				return err
			}
		}
		_, err := (&minio.Core{Client: c}).NewMultipartUpload(ctx, name, "pending/upload.bin", minio.PutObjectOptions{})

		return err
	}
	listings := func(op string) bool {
		return op == "GetListVersions" || op == "GetUploads" || op == "PostDeleteObjects"
	}
	before := 0
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{Config: cutProvider(p, 4) + bucket, Check: outOfBand(t, fill)},
			{
				PreConfig:   func() { p.CutReplies(1000, 50, listings) },
				Config:      cutProvider(p, 4) + bucket,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Emptying the bucket.*kept failing.*max_attempts.*failed in transport 4 time\(s\)`),
			},
			{
				// Every other reply cut: each request goes through at its
				// second try, and the destroy ends with the bucket gone.
				PreConfig: func() {
					before = p.Cuts()
					n := 0
					p.CutReplies(1000, 50, func(op string) bool {
						if !listings(op) {
							return false
						}
						n++

						return n%2 == 1
					})
				},
				Config:  cutProvider(p, 4) + bucket,
				Destroy: true,
			},
		},
	})
	// Two uploads listings, two pages of versions, two DeleteObjects batches.
	if n := p.Cuts() - before; n < 6 {
		t.Errorf("the successful destroy saw %d cut replies, want at least 6 (%s)", n, p)
	}
}
