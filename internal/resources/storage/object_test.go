package storage_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

const codebook = `{"columns":[{"name":"id_student","type":"integer"}]}`

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))

	return hex.EncodeToString(sum[:])
}

func testAccObjectConfig_content(bucket, content string) string {
	return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  versioning    = "Enabled"
  force_destroy = true
}

resource "lakehouse_object" "test" {
  bucket       = lakehouse_bucket.test.bucket
  key          = "governance/codebook.json"
  content      = %[2]q
  content_type = "application/json"
  tags         = { classification = "internal" }
}
`, bucket, content)
}

func TestAccStorageObject_basic(t *testing.T) {
	name := acctest.RandomName()
	addr := "lakehouse_object.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccObjectConfig_content(name, codebook),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(name+"/governance/codebook.json")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("etag"), knownvalue.StringExact(md5hex(codebook))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("version_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("content_type"), knownvalue.StringExact("application/json")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("size"), knownvalue.Int64Exact(int64(len(codebook)))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{"classification": knownvalue.StringExact("internal")})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     name + "/governance/codebook.json",
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateId:   name + "/governance/codebook.json",
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// New content is an in-place update with a new version.
				Config: testAccObjectConfig_content(name, codebook+"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(addr, tfjsonpath.New("version_id")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("etag"), knownvalue.StringExact(md5hex(codebook+"\n"))),
				},
			},
		},
	})
}

func TestAccStorageObject_source(t *testing.T) {
	name := acctest.RandomName()
	src := filepath.Join(t.TempDir(), "seed.csv")
	write := func(s string) {
		if err := os.WriteFile(src, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("id,score\n1,90\n")
	config := fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  force_destroy = true
}

resource "lakehouse_object" "test" {
  bucket = lakehouse_bucket.test.bucket
  key    = "seeds/scores.csv"
  source = %[2]q
}
`, name, src)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_object.test", tfjsonpath.New("etag"), knownvalue.StringExact(md5hex("id,score\n1,90\n"))),
					statecheck.ExpectKnownValue("lakehouse_object.test", tfjsonpath.New("version_id"), knownvalue.StringExact("")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The same path with new bytes is detected at plan time.
				PreConfig: func() { write("id,score\n1,90\n2,75\n") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_object.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_object.test", tfjsonpath.New("etag"), knownvalue.StringExact(md5hex("id,score\n1,90\n2,75\n"))),
				},
			},
		},
	})
}

// An object overwritten by hand shows as an update.
func TestAccStorageObject_drift(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccObjectConfig_content(name, codebook),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					b := []byte(`{"columns":[]}`)
					_, err := c.PutObject(ctx, name, "governance/codebook.json", bytes.NewReader(b), int64(len(b)),
						minio.PutObjectOptions{ContentType: "application/json", UserTags: map[string]string{"classification": "internal"}})

					return err
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_object.test", plancheck.ResourceActionUpdate),
					},
				},
			},
			{
				Config: testAccObjectConfig_content(name, codebook),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					o, err := c.GetObject(ctx, name, "governance/codebook.json", minio.GetObjectOptions{})
					if err != nil {
						return err
					}
					defer func() { _ = o.Close() }()
					got, err := io.ReadAll(o)
					if err != nil {
						return err
					}
					if string(got) != codebook {
						return fmt.Errorf("apply did not restore the object: %s", got)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccStorageObject_disappears(t *testing.T) {
	name := acctest.RandomName()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: testAccObjectConfig_content(name, codebook),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return c.RemoveObject(ctx, name, "governance/codebook.json", minio.RemoveObjectOptions{})
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_object.test", plancheck.ResourceActionCreate),
					},
				},
			},
		},
	})
}

func TestAccStorageObject_validation(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
resource "lakehouse_object" "test" {
  bucket  = "raw-zone"
  key     = "a.txt"
  content = "x"
  source  = "/etc/hostname"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination.*content`),
			},
		},
	})
}

// objectFromData declares bucket name and an object at key whose attr
// (content or source) is value passed through terraform_data, so that it is
// known only at apply time.
func objectFromData(name, key, attr, value string) string {
	return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  force_destroy = true
}

resource "terraform_data" "v" {
  input = %[4]q
}

resource "lakehouse_object" "test" {
  bucket = lakehouse_bucket.test.bucket
  key    = %[2]q
  %[3]s  = terraform_data.v.output
}
`, name, key, attr, value)
}

// Content known only at apply time still rewrites the object.
func TestAccStorageObject_unknownContent(t *testing.T) {
	name := acctest.RandomName()
	config := func(v string) string { return objectFromData(name, "generated.txt", "content", v) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{Config: config("first")},
			{
				Config: config("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue("lakehouse_object.test", tfjsonpath.New("etag"))},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_object.test", tfjsonpath.New("etag"), knownvalue.StringExact(md5hex("second"))),
				},
			},
		},
	})
}

// A source that cannot be uploaded fails the plan at the source attribute,
// for a new object as for an existing one: a missing file, a file over the
// 64 MiB limit, a folder. (Unreadable permissions cannot be tested as root.)
func TestAccStorageObject_sourcePlanChecks(t *testing.T) {
	name := acctest.RandomName()
	dir := t.TempDir()
	good, missing, large := filepath.Join(dir, "seed.csv"), filepath.Join(dir, "missing.csv"), filepath.Join(dir, "large.bin")
	if err := os.WriteFile(good, []byte("id\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(large)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(65 << 20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	config := func(source string) string {
		return fmt.Sprintf(`
resource "lakehouse_bucket" "test" {
  bucket        = %[1]q
  force_destroy = true
}

resource "lakehouse_object" "test" {
  bucket = lakehouse_bucket.test.bucket
  key    = "seed.csv"
  source = %[2]q
}
`, name, source)
	}
	at := `.*with lakehouse_object.test,.*source = `
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				// A missing file may be made by another resource during the
				// apply: the plan warns, and the apply fails plainly, writing
				// and tainting nothing.
				Config:      config(missing),
				ExpectError: errRe(`Error creating lakehouse_object` + at + `.*The source file\s+".*missing.csv"\s+does\s+not\s+exist. Nothing was written.*Correct source or put the file in place`),
				Check:       resource.TestCheckNoResourceAttr("lakehouse_object.test", "etag"),
			},
			{
				Config:      config(large),
				PlanOnly:    true,
				ExpectError: errRe(`Source file too large` + at + `.*has 68157440 bytes; lakehouse_object takes objects of at most 64 MiB`),
			},
			{
				Config:      config(dir),
				PlanOnly:    true,
				ExpectError: errRe(`Source is not a file` + at + `.*is a directory, not a regular file`),
			},
			{Config: config(good)},
			{
				// The file went away after the object was written: the plan
				// warns and plans an update, which fails at apply.
				PreConfig: func() {
					if err := os.Rename(good, good+".moved"); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config(good),
				ExpectError: errRe(`Error updating lakehouse_object` + at + `.*seed.csv"\s+does\s+not\s+exist`),
			},
			{
				PreConfig: func() {
					if err := os.Rename(good+".moved", good); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config(good),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A source known only at apply time is checked when Terraform plans the
// object again with the known value, before anything is written: a missing
// file fails at the source attribute and nothing is recorded (no tainted
// entry), so the next apply simply creates the object. hashicorp/aws fails
// such a source with a plain "opening S3 object source" error and taints
// nothing either; this provider once called it a lost server answer and
// tainted the object.
func TestAccStorageObject_sourceKnownAtApply(t *testing.T) {
	name := acctest.RandomName()
	src := filepath.Join(t.TempDir(), "seed.csv")
	config := objectFromData(name, "seed.csv", "source", src)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkBucketDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: config,
				ExpectError: errRe(`Error creating lakehouse_object.*with lakehouse_object.test,.*source = terraform_data.v.output` +
					`.*The source file\s+".*seed.csv"\s+does\s+not exist. Nothing was written.*Correct source.*Original error: open `),
			},
			{
				PreConfig: func() {
					if err := os.WriteFile(src, []byte("id\n1\n"), 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_object.test", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
