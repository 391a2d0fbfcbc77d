package storage_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore/objectstoretest"
)

// s3Target is a MinIO the provider is pointed at with an explicit s3
// block, which wins over the environment the other tests use.
type s3Target struct {
	endpoint, accessKey, secretKey string
	tls                            bool
}

// proxied is the shared test MinIO behind the proxy p.
func proxied(p *objectstoretest.Proxy) s3Target {
	return s3Target{endpoint: p.Endpoint(), accessKey: server.AccessKey, secretKey: server.SecretKey}
}

// provider is the provider block for s: extra goes into the s3 block, and
// attempts > 0 adds a retry block of that many attempts with short waits.
func (s s3Target) provider(extra string, attempts int) string {
	retry := ""
	if attempts > 0 {
		retry = fmt.Sprintf(`
  retry {
    max_attempts = %d
    min_backoff  = "5ms"
    max_backoff  = "20ms"
  }`, attempts)
	}

	return fmt.Sprintf(`
provider "lakehouse" {
  s3 {
    endpoint   = %q
    access_key = %q
    secret_key = %q
    region     = "us-east-1"
    use_ssl    = %t
    path_style = true
    %s
  }%s
}
`, s.endpoint, s.accessKey, s.secretKey, s.tls, extra, retry)
}

// explicitProvider points the provider at the proxy.
func explicitProvider(p *objectstoretest.Proxy) string { return proxied(p).provider("", 0) }

func startProxy(t *testing.T) *objectstoretest.Proxy {
	t.Helper()
	if server == nil {
		t.Skip("needs MinIO; set TF_ACC=1")
	}
	p := objectstoretest.NewProxy(server.Endpoint)
	t.Cleanup(p.Close)

	return p
}

func testAccDependantsConfig(p *objectstoretest.Proxy, name string) string {
	return explicitProvider(p) + fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  force_destroy = true
}

resource "lakehouse_bucket_policy" "test" {
  bucket = lakehouse_bucket.test.bucket
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::%[1]s/*" }]
  })
}

resource "lakehouse_object" "test" {
  bucket  = lakehouse_bucket.test.bucket
  key     = "README.txt"
  content = "raw zone"
}
`, name)
}

// C04: the server says NoSuchBucket to the first reads after the create.
// Create waits (bounded) until the bucket is visible; the apply succeeds.
func TestAccStorageBucket_waitVisible(t *testing.T) {
	p := startProxy(t)
	p.HideNewBuckets(3)
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccDependantsConfig(p, name),
				Check: func(*terraform.State) error {
					if p.Faked() != 3 {
						return fmt.Errorf("the proxy hid the bucket %d times, want 3 (%s)", p.Faked(), p)
					}

					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// C04: dependants created in the same apply retry NoSuchBucket on their
// create path (here the bucket answers HEAD but refuses writes for a while).
func TestAccStorageBucket_dependantsRetry(t *testing.T) {
	p := startProxy(t)
	p.Hide(4, func(op string) bool { return op == "PutPolicy" || op == "PutObject" })
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccDependantsConfig(p, name),
				Check: func(*terraform.State) error {
					if p.Faked() != 4 {
						return fmt.Errorf("the proxy refused %d writes, want 4 (%s)", p.Faked(), p)
					}

					return nil
				},
			},
		},
	})
}

// A refresh asks the server only for what the resource manages.
func TestAccStorageBucket_refreshEconomy(t *testing.T) {
	p := startProxy(t)
	name := acctest.RandomName()
	expect := func(want map[string]int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := p.Counts(); !maps.Equal(got, want) {
				return fmt.Errorf("refresh sent %s, want %v", p, want)
			}

			return nil
		}
	}
	only := explicitProvider(p) + fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket     = %[1]q
  versioning = "Enabled"
}
`, name)
	all := explicitProvider(p) + fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  versioning    = "Enabled"
  force_destroy = true
  tags          = { tier = "raw" }
  lifecycle_rules = [{ id = "tmp", expiration_days = 3 }]
}

resource "lakehouse_object" "readme" {
  bucket  = lakehouse_bucket.test.bucket
  key     = "README.txt"
  content = "raw zone"
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{Config: only},
			{
				PreConfig:    p.Reset,
				RefreshState: true,
				Check:        expect(map[string]int{"HeadBucket": 1, "GetVersioning": 1}),
			},
			{Config: all},
			{
				PreConfig:    p.Reset,
				RefreshState: true,
				// The object without managed tags costs one HEAD.
				Check: expect(map[string]int{"HeadBucket": 1, "GetVersioning": 1, "GetTagging": 1, "GetLifecycle": 1, "HeadObject": 1}),
			},
		},
	})
}

// The server creates the bucket and the object but every reply is lost.
// A bucket create that gets no answer is settled by asking whether the
// bucket exists; when those asks get no answer either, the bucket is kept in
// the state as tainted, never orphaned, as is an object whose every write
// lost its reply; once replies come through again, the next apply replaces
// them and the plan is empty.
func TestAccStorageBucket_lostReply(t *testing.T) {
	p := startProxy(t)
	name := acctest.RandomName()
	// Drops the creates' replies, and those of every HeadBucket once a
	// create was seen (the check before the create still gets its answer).
	var created atomic.Bool
	createAndChecks := func(op string) bool {
		if op == "CreateBucket" {
			created.Store(true)
			return true
		}
		return op == "HeadBucket" && created.Load()
	}
	cfg := proxied(p).provider("", 2) + fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %q
  force_destroy = true
}
`, name)
	second := fmt.Sprintf(`
resource "lakehouse_bucket" "second" {
  bucket        = "%s-2"
  force_destroy = true
}
`, name)
	again := `
resource "lakehouse_object" "again" {
  bucket  = lakehouse_bucket.test.bucket
  key     = "LICENSE.txt"
  content = "CC-BY-4.0"
}
`
	object := `
resource "lakehouse_object" "test" {
  bucket  = lakehouse_bucket.test.bucket
  key     = "README.txt"
  content = "raw zone"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { p.DropReplies(100, createAndChecks) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`did not answer the create request`),
			},
			{
				// The bucket was created; its tainted entry is replaced.
				PreConfig: func() { p.DropReplies(0, nil) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_bucket.test", plancheck.ResourceActionDestroyBeforeCreate)},
				},
			},
			{
				// Every create reply is lost but the check answers: the
				// apply succeeds with the bucket made by the first create.
				PreConfig: func() { p.DropReplies(100, func(op string) bool { return op == "CreateBucket" }) },
				Config:    cfg + second,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					ok, err := s3(t).BucketExists(context.Background(), name+"-2")
					if err != nil {
						return fmt.Errorf("second bucket: %w", err)
					}
					if !ok {
						return fmt.Errorf("second bucket %s-2 does not exist", name)
					}

					return nil
				},
			},
			{
				PreConfig:   func() { p.DropReplies(100, func(op string) bool { return op == "PutObject" }) },
				Config:      cfg + second + object,
				ExpectError: regexp.MustCompile(`the object may have been written`),
			},
			{
				PreConfig: func() { p.DropReplies(0, nil) },
				Config:    cfg + second + object,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_object.test", plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					_, err := s3(t).StatObject(context.Background(), name, "README.txt", minio.StatObjectOptions{})

					return err
				},
			},
			{
				// Three lost replies outlast one write's two attempts, not
				// the write again that follows: the apply succeeds.
				PreConfig: func() { p.DropReplies(3, func(op string) bool { return op == "PutObject" }) },
				Config:    cfg + second + object + again,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					_, err := s3(t).StatObject(context.Background(), name, "LICENSE.txt", minio.StatObjectOptions{})

					return err
				},
			},
		},
	})
}

// C04, the refresh side: a bucket deleted by hand is gone at the first
// answer. A refresh never waits or retries for it (that is only for the
// create path): one request per resource, and the plan re-creates them.
func TestAccStorageBucket_refreshGoneAtOnce(t *testing.T) {
	p := startProxy(t)
	name := acctest.RandomName()
	cfg := explicitProvider(p) + fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  versioning    = "Enabled"
  tags          = { tier = "raw" }
  force_destroy = true
}

resource "lakehouse_object" "test" {
  bucket  = lakehouse_bucket.test.bucket
  key     = "README.txt"
  content = "raw zone"
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					ctx := context.Background()
					if err := objectstore.EmptyBucket(ctx, s3(t), name); err != nil {
						t.Fatal(err)
					}
					if err := s3(t).RemoveBucket(ctx, name); err != nil {
						t.Fatal(err)
					}
					p.Reset()
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(*terraform.State) error {
					if want := map[string]int{"HeadBucket": 1, "HeadObject": 1}; !maps.Equal(p.Counts(), want) {
						return fmt.Errorf("the refresh of a deleted bucket sent %s, want %v", p, want)
					}

					return nil
				},
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_bucket.test", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("lakehouse_object.test", plancheck.ResourceActionCreate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
