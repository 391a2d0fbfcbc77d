package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

func testAccBucketConfig_basic(name string) string {
	return fmt.Sprintf(`
provider "lakehouse" {}

resource "lakehouse_bucket" "test" {
  bucket     = %[1]q
  versioning = "Enabled"
  tags = {
    team = "research"
    tier = "raw"
  }
  lifecycle_rules = [{
    id                                 = "expire-tmp"
    filter                             = { prefix = "tmp/" }
    expiration_days                    = 30
    noncurrent_version_expiration_days = 7
  }]
}
`, name)
}

func TestAccStorageBucket_basic(t *testing.T) {
	name := acctest.RandomName()
	addr := "lakehouse_bucket.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccBucketConfig_basic(name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("versioning"), knownvalue.StringExact("Enabled")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("force_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("research"), "tier": knownvalue.StringExact("raw"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("lifecycle_rules"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                                     knownvalue.StringExact("expire-tmp"),
							"enabled":                                knownvalue.Bool(true),
							"filter":                                 knownvalue.ObjectExact(map[string]knownvalue.Check{"prefix": knownvalue.StringExact("tmp/"), "tags": knownvalue.MapSizeExact(0)}),
							"expiration_days":                        knownvalue.Int64Exact(30),
							"noncurrent_version_expiration_days":     knownvalue.Int64Exact(7),
							"noncurrent_versions_retained":           knownvalue.Null(),
							"abort_incomplete_multipart_upload_days": knownvalue.Null(),
						}),
					})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateId:   name,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

func TestAccStorageBucket_update(t *testing.T) {
	name := acctest.RandomName()
	addr := "lakehouse_bucket.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{Config: testAccBucketConfig_basic(name)},
			{
				Config: fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket     = %[1]q
  versioning = "Suspended"
  tags       = { team = "curation" }
  lifecycle_rules = [{
    id      = "expire-tmp"
    enabled = false
    filter  = { prefix = "tmp/", tags = { stage = "scratch" } }
    expiration_days = 10
  }, {
    id                                 = "old-versions"
    noncurrent_version_expiration_days = 30
    noncurrent_versions_retained       = 3
  }]
}
`, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("versioning"), knownvalue.StringExact("Suspended")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("curation")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("lifecycle_rules").AtSliceIndex(0).AtMapKey("filter").AtMapKey("tags"),
						knownvalue.MapExact(map[string]knownvalue.Check{"stage": knownvalue.StringExact("scratch")})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("lifecycle_rules").AtSliceIndex(1).AtMapKey("noncurrent_versions_retained"), knownvalue.Int64Exact(3)),
				},
			},
			{
				// An empty map and an empty list remove the tags and the rules.
				Config: fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket          = %[1]q
  tags            = {}
  lifecycle_rules = []
}
`, name),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					if tg, err := c.GetBucketTagging(ctx, name); err == nil && len(tg.ToMap()) > 0 {
						return fmt.Errorf("tags left: %v", tg.ToMap())
					}
					if lc, err := c.GetBucketLifecycle(ctx, name); err == nil && len(lc.Rules) > 0 {
						return fmt.Errorf("lifecycle rules left: %d", len(lc.Rules))
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccStorageBucket_disappears(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccBucketConfig_basic(name),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return c.RemoveBucket(ctx, name)
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_bucket.test", plancheck.ResourceActionCreate),
					},
				},
			},
		},
	})
}

// A change made by hand shows as an update of exactly what changed.
func TestAccStorageBucket_drift(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccBucketConfig_basic(name),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					tg, _ := tags.MapToBucketTags(map[string]string{"team": "someone-else"})
					if err := c.SetBucketTagging(ctx, name, tg); err != nil {
						return err
					}
					if err := c.SuspendVersioning(ctx, name); err != nil {
						return err
					}
					cfg := lifecycle.NewConfiguration()
					cfg.Rules = []lifecycle.Rule{{ID: "expire-tmp", Status: "Enabled", RuleFilter: lifecycle.Filter{Prefix: "tmp/"},
						Expiration: lifecycle.Expiration{Days: 90}}}

					return c.SetBucketLifecycle(ctx, name, cfg)
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_bucket.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("lakehouse_bucket.test", tfjsonpath.New("versioning"), knownvalue.StringExact("Enabled")),
					},
				},
			},
			{
				// Applying again puts the configuration back.
				Config: testAccBucketConfig_basic(name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// C02: invalid names fail at plan time with the attribute path and the rule
// broken; a valid dotted name passes.
func TestAccStorageBucket_nameValidation(t *testing.T) {
	cases := map[string]string{
		"Raw_Data":  "lower-case letters",
		"raw..zone": "two adjacent dots",
		"10.0.0.12": "IP address",
		"ab":        "between 3 and 63",
		"raw-zone-": "begin and end with a letter or digit",
		"raw.-zone": "dot next to a hyphen",
		"xn--raw":   "reserved prefixes",
	}
	var steps []resource.TestStep
	for name, rule := range cases {
		steps = append(steps, resource.TestStep{
			Config:      fmt.Sprintf(`resource "lakehouse_bucket" "test" { bucket = %[1]q }`, name),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Invalid bucket name.*with lakehouse_bucket.test,.*bucket = ` + regexp.QuoteMeta(fmt.Sprintf("%q", name)) + `.*` + strings.ReplaceAll(rule, " ", `\s+`)),
		})
	}
	steps = append(steps, resource.TestStep{
		Config:             `resource "lakehouse_bucket" "ok" { bucket = "raw.zone-01" }`,
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
}

// C06: no filter, `filter = {}` and `prefix = ""` are one rule: each plans
// nothing against the others, while a real prefix shows a diff.
func TestAccStorageBucket_lifecycleEmptyFilter(t *testing.T) {
	name := acctest.RandomName()
	config := func(filter string) string {
		return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket = %[1]q
  lifecycle_rules = [{
    id              = "expire-tmp"
    expiration_days = 30
    %[2]s
  }]
}
`, name, filter)
	}
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(`filter = {}`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{Config: config(``), ConfigPlanChecks: empty},
			{Config: config(`filter = { prefix = "" }`), ConfigPlanChecks: empty},
			{Config: config(`filter = { tags = {} }`), ConfigPlanChecks: empty},
			{Config: config(`filter = { prefix = "tmp/" }`), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}

// MinIO does not support AbortIncompleteMultipartUpload: it drops it from a
// rule that has another action and refuses a rule whose only action it is
// (as malformed XML). Either way the error names the rule's attribute, says
// this server does not support it and what to do; a bucket being created is
// removed again, so nothing is tainted and the next apply creates it.
func TestAccStorageBucket_abortUploadsUnsupported(t *testing.T) {
	name := acctest.RandomName()
	config := func(rules string) string {
		return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket          = %[1]q
  lifecycle_rules = [%[2]s]
}
`, name, rules)
	}
	expire := `{ id = "expire-tmp", expiration_days = 30 }`
	gone := func() {
		if ok, err := s3(t).BucketExists(t.Context(), name); err != nil || ok {
			t.Fatalf("the bucket of the failed create is still there (%v, %v)", ok, err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(`{ id = "cleanup", expiration_days = 30, abort_incomplete_multipart_upload_days = 7 }`),
				ExpectError: errRe(`Error creating lakehouse_bucket \(` + name + `\).*with lakehouse_bucket.test,.*` +
					`This server does not support lifecycle_rules\[0\].abort_incomplete_multipart_upload_days \(rule "cleanup"\).*MinIO.*stale_uploads_expiry.*` +
					`The bucket this apply created was removed again, so nothing is left over.*` +
					`Remove abort_incomplete_multipart_upload_days from rule "cleanup", then apply again.`),
			},
			{
				// A rule whose only action is the unsupported one.
				PreConfig: gone,
				Config:    config(expire + `, { id = "uploads", abort_incomplete_multipart_upload_days = 7 }`),
				ExpectError: errRe(`Error creating lakehouse_bucket.*` +
					`This server \(MinIO\) does not support lifecycle_rules\[1\].abort_incomplete_multipart_upload_days \(rule "uploads"\) and refused the lifecycle rules.*` +
					`removed again.*give the rule another action \(expiration_days or noncurrent_version_expiration_days\), or remove the rule.*` +
					`Original error: The XML you provided was not well-formed`),
			},
			{
				// Nothing was tainted: the corrected configuration creates the bucket.
				PreConfig: gone,
				Config:    config(expire),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_bucket.test", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: config(expire + `, { id = "uploads", abort_incomplete_multipart_upload_days = 7 }`),
				ExpectError: errRe(`Error updating lakehouse_bucket.*` +
					`This server \(MinIO\) does not support lifecycle_rules\[1\].abort_incomplete_multipart_upload_days \(rule "uploads"\) and refused the lifecycle rules, which were left as they were`),
			},
			{
				Config:           config(expire),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					lc, err := c.GetBucketLifecycle(ctx, name)
					if err != nil {
						return err
					}
					if len(lc.Rules) != 1 || lc.Rules[0].ID != "expire-tmp" {
						return fmt.Errorf("lifecycle rules after the refused update: %+v", lc.Rules)
					}

					return nil
				}),
			},
		},
	})
}

func TestAccStorageBucket_lifecycleValidation(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
resource "lakehouse_bucket" "test" {
  bucket = "raw-zone"
  lifecycle_rules = [{ id = "a", expiration_days = 1 }, { id = "a", expiration_days = 2 }, { id = "noop" }]
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)(Duplicate lifecycle rule id.*Lifecycle rule without an action|Lifecycle rule without an action.*Duplicate lifecycle rule id)`),
			},
		},
	})
}

// MinIO refuses Object Lock on an existing bucket. The plan is an in-place
// update (never a replacement that would delete the data); the apply fails
// with an explanation and the bucket and its objects stay. The refusal
// leaves versioning as it was: the bucket was never versioned, so an update
// of its object afterwards overwrites it and keeps no noncurrent version.
func TestAccStorageBucket_objectLockOnExisting(t *testing.T) {
	name := acctest.RandomName()
	config := func(lock, content string) string {
		return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  force_destroy = true
  %[2]s
}

resource "lakehouse_object" "test" {
  bucket  = lakehouse_bucket.test.bucket
  key     = "codebook.json"
  content = %[3]q
}
`, name, lock, content)
	}
	neverVersioned := func(ctx context.Context, c *minio.Client) error {
		v, err := c.GetBucketVersioning(ctx, name)
		if err != nil {
			return err
		}
		if v.Status != "" {
			return fmt.Errorf("versioning is %q, want never enabled", v.Status)
		}

		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config("", "v1"),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					_, err := c.PutObject(ctx, name, "keep.txt", bytes.NewReader([]byte("data")), 4, minio.PutObjectOptions{})

					return err
				}),
			},
			{
				Config: config("object_lock_enabled = true", "v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_bucket.test", plancheck.ResourceActionUpdate)},
				},
				ExpectError: errRe(`does not allow turning Object Lock on for an existing bucket.*The bucket was left as it was, its versioning included.*never replaces a bucket`),
			},
			{
				PreConfig: func() {
					if err := neverVersioned(t.Context(), s3(t)); err != nil {
						t.Fatalf("after the refused Object Lock: %v", err)
					}
				},
				Config: config("", "v2"),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					if _, err := c.StatObject(ctx, name, "keep.txt", minio.StatObjectOptions{}); err != nil {
						return err
					}
					if err := neverVersioned(ctx, c); err != nil {
						return err
					}
					n := 0
					for o := range c.ListObjects(ctx, name, minio.ListObjectsOptions{Prefix: "codebook.json", WithVersions: true, Recursive: true}) {
						if o.Err != nil {
							return o.Err
						}
						n++
					}
					if n != 1 {
						return fmt.Errorf("codebook.json has %d versions after an update, want 1", n)
					}

					return nil
				}),
			},
		},
	})
}

// AWS S3 turns Object Lock on for an existing bucket only when its
// versioning is enabled (InvalidBucketState otherwise); the proxy gives that
// answer in front of MinIO. Without versioning = "Enabled" in the
// configuration, versioning stays as it was and the error says how to ask
// for it; with it, versioning is enabled and the lock asked for again (here
// MinIO then refuses outright, and the error says versioning is now on).
func TestAccStorageBucket_objectLockNeedsVersioning(t *testing.T) {
	p := startProxy(t)
	name := acctest.RandomName()
	config := func(extra string) string {
		return proxied(p).provider("", 0) + fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket = %[1]q
  %[2]s
}
`, name, extra)
	}
	awsAnswer := func() {
		p.Refuse(1, func(op string) bool { return op == "PutObjectLock" }, http.StatusConflict, "InvalidBucketState",
			"Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
	}
	versioning := func(want string) {
		v, err := s3(t).GetBucketVersioning(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != want {
			t.Fatalf("versioning is %q, want %q", v.Status, want)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{Config: config("")},
			{
				PreConfig:   awsAnswer,
				Config:      config("object_lock_enabled = true"),
				ExpectError: errRe(`only when the bucket's versioning is enabled.*Object Lock and versioning were left as they were.*Set versioning = "Enabled" beside object_lock_enabled = true`),
			},
			{
				PreConfig: func() {
					versioning("")
					awsAnswer()
				},
				Config:      config("object_lock_enabled = true\n  versioning = \"Enabled\""),
				ExpectError: errRe(`refused Object Lock for this existing bucket even with versioning enabled.*Versioning is now enabled, as the configuration asks; Object Lock is still off`),
			},
			{
				PreConfig: func() { versioning("Enabled") },
				Config:    config(`versioning = "Enabled"`),
			},
		},
	})
}

func TestAccStorageBucket_objectLockAtCreate(t *testing.T) {
	name := acctest.RandomName()
	addr := "lakehouse_bucket.test"
	config := func(lock bool, retention string) string {
		return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket              = %[1]q
  object_lock_enabled = %[2]t
  versioning          = "Enabled"
  %[3]s
}
`, name, lock, retention)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(true, `default_retention = { mode = "GOVERNANCE", days = 30 }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("object_lock_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("default_retention"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"mode": knownvalue.StringExact("GOVERNANCE"), "days": knownvalue.Int64Exact(30), "years": knownvalue.Null(),
					})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     name,
				ImportStateVerify: true,
			},
			{
				Config: config(true, `default_retention = { mode = "COMPLIANCE", years = 1 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					_, mode, validity, unit, err := c.GetObjectLockConfig(ctx, name)
					if err != nil {
						return err
					}
					if mode == nil || *mode != minio.Compliance || *validity != 1 || *unit != minio.Years {
						return fmt.Errorf("server retention: %v %v %v", mode, validity, unit)
					}

					return nil
				}),
			},
			{
				Config:      config(false, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Object Lock cannot be turned off.*object_lock_enabled`),
			},
			{
				Config:      config(false, `default_retention = { mode = "GOVERNANCE", days = 1 }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Default retention needs Object Lock`),
			},
			{
				Config:   config(true, `default_retention = { mode = "GOVERNANCE", days = 1, years = 1 }`),
				PlanOnly: true,
				ExpectError: errRe(`Invalid Attribute Combination.*with lakehouse_bucket.test,.*` +
					`2 attributes specified when one \(and only one\) of \[default_retention.days,default_retention.years\] is required`),
			},
			{
				Config:   config(true, `default_retention = { mode = "GOVERNANCE" }`),
				PlanOnly: true,
				ExpectError: errRe(`Invalid Attribute Combination.*` +
					`No attribute specified when one \(and only one\) of \[default_retention.days,default_retention.years\] is required`),
			},
			{
				// Back to a valid configuration: nothing to do, and destroy can run.
				Config:           config(true, `default_retention = { mode = "COMPLIANCE", years = 1 }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// C03: force_destroy removes every version, delete marker and incomplete
// upload, with more objects than one DeleteObjects batch holds.
func TestAccStorageBucket_forceDestroy(t *testing.T) {
	name := acctest.RandomName()
	fill := func(ctx context.Context, c *minio.Client) error {
		for i := range 3 {
			body := fmt.Sprintf("v%d", i)
			if _, err := c.PutObject(ctx, name, "k1", bytes.NewReader([]byte(body)), int64(len(body)), minio.PutObjectOptions{}); err != nil {
				return err
			}
		}
		if err := c.RemoveObject(ctx, name, "k1", minio.RemoveObjectOptions{}); err != nil {
			return err
		}
		if err := putMany(ctx, c, name, "p/", 2500); err != nil {
			return err
		}
		_, err := (&minio.Core{Client: c}).NewMultipartUpload(ctx, name, "pending/upload.bin", minio.PutObjectOptions{})

		return err
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  versioning    = "Enabled"
  force_destroy = true
}
`, name),
				Check: outOfBand(t, fill),
			},
		},
	})
}

// Without force_destroy a non-empty bucket is kept and the error says how
// to proceed.
func TestAccStorageBucket_notEmpty(t *testing.T) {
	name := acctest.RandomName()
	config := func(force bool) string {
		return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  force_destroy = %[2]t
}
`, name, force)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config(false),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return putMany(ctx, c, name, "x/", 3)
				}),
			},
			{Config: config(false), Destroy: true, ExpectError: regexp.MustCompile(`(?s)not empty.*force_destroy = true`)},
			{Config: config(true)},
		},
	})
}

func putMany(ctx context.Context, c *minio.Client, bucket, prefix string, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			key := fmt.Sprintf("%s%05d.txt", prefix, i)
			if _, err := c.PutObject(ctx, bucket, key, bytes.NewReader([]byte("x")), 1, minio.PutObjectOptions{}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)

	return <-errs
}

// C03: retention is never bypassed. Destroy fails with the count and a
// sample key, and succeeds on the next run once the hold is lifted.
func TestAccStorageBucket_forceDestroyLocked(t *testing.T) {
	name := acctest.RandomName()
	config := fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket              = %[1]q
  object_lock_enabled = true
  force_destroy       = true
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					_, err := c.PutObject(ctx, name, "held/grades.csv", bytes.NewReader([]byte("x")), 1, minio.PutObjectOptions{
						Mode: minio.Governance, RetainUntilDate: time.Now().Add(24 * time.Hour),
					})

					return err
				}),
			},
			{
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Error deleting lakehouse_bucket.*1 object version\(s\).*held/grades.csv`),
			},
			{
				// An operator lifts the hold; the next destroy continues.
				PreConfig: func() {
					c := s3(t)
					for o := range c.ListObjects(t.Context(), name, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
						if err := c.RemoveObject(t.Context(), name, o.Key, minio.RemoveObjectOptions{VersionID: o.VersionID, GovernanceBypass: true}); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config: config,
			},
		},
	})
}
