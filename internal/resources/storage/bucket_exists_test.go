package storage_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// A bucket that already exists is never silently adopted (AWS us-east-1
// answers such a create with 200): the apply fails and says to import it.
// A retried create whose first answer was lost is covered end to end in
// internal/reliability (the fault proxy's lost responses).
func TestAccStorageBucket_existingNotAdopted(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		PreCheck: func() {
			if err := s3(t).MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
				t.Fatal(err)
			}
		},
		Steps: []resource.TestStep{
			{
				Config:      testAccBucketConfig_basic(name),
				ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_bucket.*already exists.*Import it`),
			},
		},
	})
}
