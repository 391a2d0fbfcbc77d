package storage_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"
)

// testAccBucketPolicyConfig writes the policy of C01: a principal list, two
// actions in non-sorted order and a one-element Resource list. MinIO reads
// it back in another shape (sorted actions, "*" principal, a string for a
// single Resource).
func testAccBucketPolicyConfig(name string, actions string) string {
	return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket = %[1]q
}

resource "lakehouse_bucket_policy" "test" {
  bucket = lakehouse_bucket.test.bucket
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = ["*"] }
      Action    = [%[2]s]
      Resource  = ["arn:aws:s3:::%[1]s/*"]
    }]
  })
}
`, name, actions)
}

const putGet = `"s3:PutObject", "s3:GetObject"`

func configuredPolicy(name, actions string) string {
	return fmt.Sprintf(`{"Statement":[{"Action":[%[2]s],"Effect":"Allow","Principal":{"AWS":["*"]},"Resource":["arn:aws:s3:::%[1]s/*"]}],"Version":"2012-10-17"}`,
		name, regexp.MustCompile(`,\s+`).ReplaceAllString(actions, ","))
}

// C01: a second plan right after apply is empty, the state keeps the
// configured text, and import of the equivalent policy plans nothing.
func TestAccStorageBucketPolicy_basic(t *testing.T) {
	name := acctest.RandomName()
	addr := "lakehouse_bucket_policy.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccBucketPolicyConfig(name, putGet),
				Check: func(*terraform.State) error {
					got, err := s3(t).GetBucketPolicy(context.Background(), name)
					if err != nil {
						return err
					}
					if got == configuredPolicy(name, putGet) {
						return fmt.Errorf("the server returned the policy byte for byte; this test needs a normalising server")
					}
					if !policydoc.Equal(got, configuredPolicy(name, putGet)) {
						return fmt.Errorf("server policy %s is not equivalent to the configured one", got)
					}

					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy"), knownvalue.StringExact(configuredPolicy(name, putGet))),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:                         addr,
				ImportState:                          true,
				ImportStateId:                        name,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "bucket",
				// The imported text is the server's shape; it is checked for
				// equivalence below rather than byte equality.
				ImportStateVerifyIgnore: []string{"policy"},
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 || !policydoc.Equal(s[0].Attributes["policy"], configuredPolicy(name, putGet)) {
						return fmt.Errorf("imported policy is not equivalent: %v", s)
					}

					return nil
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateId:   name,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// A real change still shows a diff.
				Config:             testAccBucketPolicyConfig(name, `"s3:GetObject"`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: testAccBucketPolicyConfig(name, `"s3:GetObject"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccStorageBucketPolicy_disappears(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccBucketPolicyConfig(name, putGet),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return c.SetBucketPolicy(ctx, name, "")
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_bucket_policy.test", plancheck.ResourceActionCreate),
					},
				},
			},
		},
	})
}

func TestAccStorageBucketPolicy_drift(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccBucketPolicyConfig(name, putGet),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return c.SetBucketPolicy(ctx, name, configuredPolicy(name, `"s3:GetObject"`))
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_bucket_policy.test", plancheck.ResourceActionUpdate),
					},
				},
			},
		},
	})
}

func TestAccStorageBucketPolicy_invalidJSON(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
resource "lakehouse_bucket_policy" "test" {
  bucket = "raw-zone"
  policy = "[\"not\", \"an object\"]"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid policy document.*with lakehouse_bucket_policy.test.*policy.*must be a JSON\s+object`),
			},
		},
	})
}

// C21: statements an access policy owns (Sid "lakehouse:...") are not this
// resource's. They are neither drift nor overwritten, and destroy leaves them.
func TestAccStorageBucketPolicy_keepsAccessPolicyStatements(t *testing.T) {
	name := acctest.RandomName()
	ctx := context.Background()
	if err := s3(t).MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	managed := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"lakehouse:dua-2026:read","Effect":"Allow",
	  "Principal":{"AWS":["arn:aws:iam::123456789012:user/analyst"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/curated/*"]}]}`, name)
	if err := s3(t).SetBucketPolicy(ctx, name, managed); err != nil {
		t.Fatal(err)
	}
	hasManaged := func(want bool) resource.TestCheckFunc {
		return outOfBand(t, func(ctx context.Context, c *minio.Client) error {
			got, err := c.GetBucketPolicy(ctx, name)
			if err != nil {
				return err
			}
			if has := strings.Contains(got, "lakehouse:dua-2026:read"); has != want {
				return fmt.Errorf("access-policy statement present=%v, want %v: %s", has, want, got)
			}

			return nil
		})
	}
	cfg := fmt.Sprintf(`
resource "lakehouse_bucket_policy" "test" {
  bucket = %[1]q
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = ["*"] }, Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::%[1]s/public/*"] }]
  })
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             hasManaged(true),
		Steps: []resource.TestStep{
			{
				Config:      strings.Replace(cfg, `Effect = "Allow"`, `Sid = "lakehouse:mine", Effect = "Allow"`, 1),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`reserved for lakehouse_access_policy`),
			},
			{
				Config: cfg,
				Check:  hasManaged(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
