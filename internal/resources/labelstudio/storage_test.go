package labelstudio_test

import (
	"errors"
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

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
)

func testAccStorageConfig(fake *labelstudiotest.Server, body string) string {
	return testAccProviderConfig(fake) + fmt.Sprintf(`
resource "lakehouse_labelstudio_project" "test" {
  title        = "tf-acc storage"
  label_config = %[1]q
}

resource "lakehouse_labelstudio_storage" "test" {
  project_id = lakehouse_labelstudio_project.test.id
%[2]s
}
`, receiptsConfig, body)
}

func testAccStorageConfig_import(fake *labelstudiotest.Server, prefix, secret string, version int, trigger string) string {
	return testAccStorageConfig(fake, fmt.Sprintf(`
  title                 = "Receipt images"
  bucket                = "tf-acc-raw"
  prefix                = %[1]q
  regex_filter          = ".*\\.jpg"
  use_blob_urls         = true
  presign_ttl           = 15
  s3_endpoint           = "http://minio.internal:9000"
  region_name           = "us-east-1"
  aws_access_key_id     = "steward"
  aws_secret_access_key = %[2]q
%[3]s
`, prefix, secret, optional(version, trigger)))
}

// optional renders credentials_version and sync_trigger, leaving out zero values.
func optional(version int, trigger string) string {
	s := ""
	if version != 0 {
		s += fmt.Sprintf("  credentials_version = %d\n", version)
	}
	if trigger != "" {
		s += fmt.Sprintf("  sync_trigger = %q\n", trigger)
	}

	return s
}

// knownBuckets plays the server's connection check against a fixed set.
func knownBuckets(fake *labelstudiotest.Server, names ...string) {
	fake.CheckBucket = func(c labelstudiotest.BucketConnection) error {
		for _, n := range names {
			if c.Bucket == n {
				return nil
			}
		}

		return fmt.Errorf("Cannot find bucket %s in S3", c.Bucket)
	}
}

func storageID(s *terraform.State) (int64, error) {
	return resourceID(s, "lakehouse_labelstudio_storage.test")
}

func TestAccLabelStudioStorage_basic(t *testing.T) {
	fake := newFake(t)
	knownBuckets(fake, "tf-acc-raw")
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccStorageConfig_import(fake, "receipts/2025", "s3cr3t-1", 1, "2025-01-01"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("direction"), knownvalue.StringExact("import")),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("presign"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("presign_ttl"), knownvalue.Int64Exact(15)),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("can_delete_objects"), knownvalue.Null()),
					// Write-only credentials never reach the state.
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("aws_secret_access_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("aws_access_key_id"), knownvalue.Null()),
					// sync_trigger set on create runs the first sync.
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("status"), knownvalue.StringExact("queued")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					var err error
					if id, err = storageID(s); err != nil {
						return err
					}
					c := fake.StorageCredentials("import", id)
					if c.AccessKeyID != "steward" || c.SecretAccessKey != "s3cr3t-1" || c.Endpoint != "http://minio.internal:9000" || c.Prefix != "receipts/2025" {
						return fmt.Errorf("server got %+v", c)
					}
					if n := fake.CountRequests(fmt.Sprintf("POST /api/storages/s3/%d/sync", id)); n != 1 {
						return fmt.Errorf("want 1 sync, got %d", n)
					}
					for _, r := range fake.Requests() {
						if strings.HasPrefix(r, "GET /api/storages/") && strings.HasSuffix(r, "/") {
							return fmt.Errorf("storage item path with a trailing slash: %s", r)
						}
					}

					return nil
				},
			},
			{
				ResourceName:      "lakehouse_labelstudio_storage.test",
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return fmt.Sprintf("import/%d", id), nil },
				ImportStateVerify: true,
				// The two triggers are never returned; the sync status moves on by itself.
				ImportStateVerifyIgnore: []string{"credentials_version", "sync_trigger", "status", "last_sync", "last_sync_count"},
			},
			{
				// A bare id means an import storage.
				ResourceName:            "lakehouse_labelstudio_storage.test",
				ImportState:             true,
				ImportStateIdFunc:       func(*terraform.State) (string, error) { return fmt.Sprint(id), nil },
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"credentials_version", "sync_trigger", "status", "last_sync", "last_sync_count"},
			},
			{
				ResourceName:      "lakehouse_labelstudio_storage.test",
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return fmt.Sprintf("import/%d", id), nil },
				// Without the two triggers, which an import cannot know.
				Config: testAccStorageConfig_import(fake, "receipts/2025", "s3cr3t-1", 0, ""),
			},
			{
				// A new secret without a new version is not sent, and plans nothing.
				Config: testAccStorageConfig_import(fake, "receipts/2025", "s3cr3t-2", 1, "2025-01-01"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if got := fake.StorageCredentials("import", id).SecretAccessKey; got != "s3cr3t-1" {
						return fmt.Errorf("secret changed without credentials_version: %q", got)
					}

					return nil
				},
			},
			{
				// Bumping credentials_version sends it; changing sync_trigger syncs.
				Config: testAccStorageConfig_import(fake, "receipts/2026", "s3cr3t-2", 2, "2026-01-01"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_storage.test", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					c := fake.StorageCredentials("import", id)
					if c.SecretAccessKey != "s3cr3t-2" || c.Prefix != "receipts/2026" {
						return fmt.Errorf("server got %+v", c)
					}
					if n := fake.CountRequests(fmt.Sprintf("POST /api/storages/s3/%d/sync", id)); n != 2 {
						return fmt.Errorf("want 2 syncs, got %d", n)
					}

					return nil
				},
			},
		},
	})
}

func TestAccLabelStudioStorage_export(t *testing.T) {
	fake := newFake(t)
	cfg := testAccStorageConfig(fake, `
  direction          = "export"
  bucket             = "tf-acc-curated"
  prefix             = "annotations"
  can_delete_objects = true
  s3_endpoint        = "http://minio.internal:9000"
`)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("can_delete_objects"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("presign"), knownvalue.Null()),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_storage.test", tfjsonpath.New("status"), knownvalue.StringExact("initialized")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					var err error
					if id, err = storageID(s); err != nil {
						return err
					}
					if fake.Storage("export", id) == nil || fake.Storage("import", id) != nil {
						return errors.New("storage not created as an export storage")
					}

					return nil
				},
			},
			{
				ResourceName:      "lakehouse_labelstudio_storage.test",
				ImportState:       true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return fmt.Sprintf("export/%d", id), nil },
				ImportStateVerify: true,
			},
			{
				// Drift: the prefix was changed in the web UI.
				PreConfig: func() { fake.UpdateStorage("export", id, map[string]any{"prefix": "elsewhere"}) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_storage.test", plancheck.ResourceActionUpdate),
					},
				},
				Check: func(*terraform.State) error {
					if got := fake.Storage("export", id)["prefix"]; got != "annotations" {
						return fmt.Errorf("drift not corrected: prefix %v", got)
					}

					return nil
				},
			},
		},
	})
}

func TestAccLabelStudioStorage_disappears(t *testing.T) {
	fake := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccStorageConfig(fake, `bucket = "tf-acc-raw"`),
			Check: func(s *terraform.State) error {
				id, err := storageID(s)
				fake.DeleteStorage("import", id)

				return err
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("lakehouse_labelstudio_storage.test", plancheck.ResourceActionCreate),
				},
			},
		}},
	})
}

func TestAccLabelStudioStorage_validation(t *testing.T) {
	fake := newFake(t)
	knownBuckets(fake, "tf-acc-raw")
	plan := func(body, want string) resource.TestStep {
		return resource.TestStep{
			Config:      testAccStorageConfig(fake, body),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			plan(`
  direction = "export"
  bucket    = "tf-acc-raw"
  presign   = false`, `(?s)presign.*only to import storages`),
			plan(`
  bucket             = "tf-acc-raw"
  can_delete_objects = true`, `(?s)can_delete_objects.*only to export storages`),
			plan(`
  bucket      = "tf-acc-raw"
  s3_endpoint = "localhost:9000"`, `(?s)s3_endpoint.*with scheme`),
			plan(`bucket = "Not_A_Bucket"`, `(?s)bucket.*S3 bucket name`),
			plan(`
  bucket            = "tf-acc-raw"
  aws_access_key_id = "only-half"`, `(?s)aws_secret_access_key.*together`),
			{
				// The server's connection check fails: its words reach the user.
				Config:      testAccStorageConfig(fake, `bucket = "tf-acc-missing"`),
				ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_labelstudio_storage.*Cannot find bucket tf-acc-missing in S3`),
			},
		},
	})
}
