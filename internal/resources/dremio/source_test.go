package dremio_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

const src = "lakehouse_dremio_source.test"

func testAccSourceConfig(f *dremiotest.Server, name, body string) string {
	return testAccProviderConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_source" "test" {
  name = %[1]q
%[2]s
}
`, name, body)
}

func check(f func() error) resource.TestCheckFunc {
	return func(*terraform.State) error { return f() }
}

// S3 on MinIO with everything taken from the provider's s3 block.
func TestAccDremioSource_basic(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	s3 := func(buckets string) string {
		return fmt.Sprintf("  s3 {\n    buckets = %s\n  }\n", buckets)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSourceConfig(f, name, s3(`["raw", "curated"]`)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(src, tfjsonpath.New("type"), knownvalue.StringExact("S3")),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("status"), knownvalue.StringExact("good")),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("s3").AtMapKey("endpoint"), knownvalue.Null()),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("s3").AtMapKey("access_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("s3").AtMapKey("default_ctas_format"), knownvalue.StringExact("ICEBERG")),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("metadata_policy"), knownvalue.Null()),
				},
				Check: check(func() error {
					cfg := cfgOf(t, f, name)
					p := propsOf(cfg)
					switch {
					case cfg["compatibilityMode"] != true || cfg["secure"] != false:
						return fmt.Errorf("MinIO needs compatibility mode and plain http: %v", cfg)
					case p["fs.s3a.endpoint"] != "minio.internal:9000" || p["fs.s3a.path.style.access"] != "true":
						return fmt.Errorf("endpoint properties: %v", p)
					case cfg["accessKey"] != "lakehouse-admin" || cfg["accessSecret"] != "provider-secret-key":
						return fmt.Errorf("keys from the provider's s3 block not used: %v / %v", cfg["accessKey"], cfg["accessSecret"])
					case cfg["defaultCtasFormat"] != "ICEBERG" || cfg["rootPath"] != "/":
						return fmt.Errorf("defaults: %v", cfg)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: src, ImportState: true, ImportStateVerify: true},
			{ResourceName: src, ImportState: true, ImportStateVerify: true, ImportStateId: name},
			{ResourceName: src, ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				Config: testAccSourceConfig(f, name, s3(`["raw"]`)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(src, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: check(func() error {
					if b := fmt.Sprint(cfgOf(t, f, name)["whitelistedBuckets"]); b != "[raw]" {
						return fmt.Errorf("buckets not updated: %s", b)
					}

					return nil
				}),
			},
		},
	})
}

// C16 (fault kind: a secret the server masks must never travel back as a
// value): the update body carries only Dremio's keep-marker, the stored
// secret survives, state never holds it, and rotation goes through the
// _version trigger.
func TestAccDremioSource_maskedSecret(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	s3 := func(root, secret string, version int) string {
		return fmt.Sprintf(`  s3 {
    endpoint              = "http://minio:9000"
    root_path             = %[1]q
    access_key            = "research-ro"
    access_secret         = %[2]q
    access_secret_version = %[3]d
  }
`, root, secret, version)
	}
	storedSecret := func(want string) resource.TestCheckFunc {
		return check(func() error {
			if got := cfgOf(t, f, name)["accessSecret"]; got != want {
				return fmt.Errorf("stored secret %q, want %q", got, want)
			}

			return nil
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSourceConfig(f, name, s3("/", "first-secret", 1)),
				Check:  storedSecret("first-secret"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(src, tfjsonpath.New("s3").AtMapKey("access_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("s3").AtMapKey("access_secret_version"), knownvalue.Int64Exact(1)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// An unrelated change: the body sends the marker, never a value.
				Config: testAccSourceConfig(f, name, s3("/research", "first-secret", 1)),
				Check: resource.ComposeTestCheckFunc(storedSecret("first-secret"), check(func() error {
					puts := f.PutBodies()
					last, _ := puts[len(puts)-1]["config"].(map[string]any)
					if last["accessSecret"] != dremiotest.Masked {
						return fmt.Errorf("update sent accessSecret %q, want the keep-marker", last["accessSecret"])
					}

					return nil
				})),
			},
			{
				// A changed write-only value alone is invisible to Terraform...
				Config:           testAccSourceConfig(f, name, s3("/research", "second-secret", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            storedSecret("first-secret"),
			},
			{
				// ...so the version trigger sends it.
				Config: testAccSourceConfig(f, name, s3("/research", "second-secret", 2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(src, plancheck.ResourceActionUpdate)},
				},
				Check: storedSecret("second-secret"),
			},
		},
	})
}

func TestAccDremioSource_drift(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	cfg := testAccSourceConfig(f, name, "  s3 {}\n")
	mutateCfg := func(k string, v any) func() {
		return func() {
			f.Mutate([]string{name}, func(e map[string]any) { e["config"].(map[string]any)[k] = v })
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: mutateCfg("compatibilityMode", false),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(src, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: check(func() error {
					if cfgOf(t, f, name)["compatibilityMode"] != true {
						return fmt.Errorf("apply did not restore compatibility mode")
					}

					return nil
				}),
			},
			{
				// A console change of the metadata policy is drift even without the block.
				PreConfig: func() {
					f.Mutate([]string{name}, func(e map[string]any) {
						e["metadataPolicy"].(map[string]any)["namesRefreshMs"] = float64(7_200_000)
					})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(src, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Keys Dremio adds that no attribute manages are not drift.
				PreConfig: mutateCfg("isCachingEnabled", true),
				Config:    cfg,
				PlanOnly:  true,
			},
		},
	})
}

func TestAccDremioSource_metadataPolicy(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	body := `  s3 {}
  metadata_policy {
    names_refresh         = "90m"
    dataset_refresh_after = "60m"
    auto_promote_datasets = true
  }
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccSourceConfig(f, name, body),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(src, tfjsonpath.New("metadata_policy"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"auth_ttl": knownvalue.StringExact("24h"), "names_refresh": knownvalue.StringExact("90m"),
					"dataset_refresh_after": knownvalue.StringExact("60m"), "dataset_expire_after": knownvalue.StringExact("3h"),
					"dataset_update_mode":         knownvalue.StringExact("PREFETCH_QUERIED"),
					"delete_unavailable_datasets": knownvalue.Bool(true), "auto_promote_datasets": knownvalue.Bool(true),
				})),
			},
			Check: check(func() error {
				mp := f.Entity(name)["metadataPolicy"].(map[string]any)
				if mp["namesRefreshMs"] != float64(5_400_000) || mp["datasetRefreshAfterMs"] != float64(3_600_000) || mp["autoPromoteDatasets"] != true {
					return fmt.Errorf("policy sent wrong: %v", mp)
				}

				return nil
			}),
			// "60m" is kept as written although Dremio reports 3600000 ms (which reads back as 1h).
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

func TestAccDremioSource_disappears(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	cfg := testAccSourceConfig(f, name, "  s3 {}\n")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() { f.DeleteOutOfBand(name) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(src, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccDremioSource_conflictingTag(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccSourceConfig(f, name, "  s3 {}\n")},
			{
				PreConfig:   f.StaleTagOnNextWrite,
				Config:      testAccSourceConfig(f, name, "  s3 {\n    root_path = \"/raw\"\n  }\n"),
				ExpectError: regexp.MustCompile(`(?s)Error updating lakehouse_dremio_source.*stale.*refresh-only.*out\s+of\s+date`),
			},
		},
	})
}

func TestAccDremioSource_retriesAndTokenExpiry(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { f.FailNext(3, http.StatusServiceUnavailable) },
				Config:    testAccSourceConfig(f, name, "  s3 {}\n"),
				Check: check(func() error {
					if n := f.StatusCount(http.StatusServiceUnavailable); n != 3 {
						return fmt.Errorf("want 3 answers of 503 absorbed, got %d", n)
					}

					return nil
				}),
			},
			{
				// Session tokens die every second call during refresh and update.
				PreConfig: func() { f.RevokeTokensEvery(2) },
				Config:    testAccSourceConfig(f, name, "  s3 {\n    root_path = \"/raw\"\n  }\n"),
				Check: check(func() error {
					if f.StatusCount(http.StatusUnauthorized) == 0 || f.Logins() < 3 {
						return fmt.Errorf("401s=%d logins=%d", f.StatusCount(http.StatusUnauthorized), f.Logins())
					}
					if cfgOf(t, f, name)["rootPath"] != "/raw" {
						return fmt.Errorf("update lost")
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccDremioSource_nessie(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	body := `  nessie {
    endpoint  = "http://nessie:19120/api/v2"
    root_path = "lake/warehouse"
  }
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSourceConfig(f, name, body),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(src, tfjsonpath.New("type"), knownvalue.StringExact("NESSIE")),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("nessie").AtMapKey("auth_type"), knownvalue.StringExact("NONE")),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("nessie").AtMapKey("storage_endpoint"), knownvalue.Null()),
				},
				Check: check(func() error {
					cfg := cfgOf(t, f, name)
					p := propsOf(cfg)
					if cfg["awsAccessKey"] != "lakehouse-admin" || cfg["awsAccessSecret"] != "provider-secret-key" ||
						p["fs.s3a.endpoint"] != "minio.internal:9000" || p["dremio.s3.compat"] != "true" || cfg["awsRootPath"] != "lake/warehouse" {
						return fmt.Errorf("nessie config: %v", cfg)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: src, ImportState: true, ImportStateVerify: true},
			{
				// A folder in a Nessie source is allowed (it lands on branch main).
				Config: testAccSourceConfig(f, name, body) + `
resource "lakehouse_dremio_folder" "ns" {
  path = [lakehouse_dremio_source.test.name, "oulad"]
}
`,
			},
		},
	})
}

func TestAccDremioSource_icebergREST(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	body := func(secret string, version int) string {
		return fmt.Sprintf(`  iceberg_rest {
    endpoint           = "http://catalog:8181"
    allowed_namespaces = ["oulad"]
    properties = {
      warehouse                  = "s3://lake/warehouse"
      "fs.s3a.endpoint"          = "minio:9000"
      "fs.s3a.path.style.access" = "true"
    }
    secret_properties = {
      "fs.s3a.secret.key" = %[1]q
    }
    secret_properties_version = %[2]d
  }
`, secret, version)
	}
	secretIs := func(want string) resource.TestCheckFunc {
		return check(func() error {
			got := fmt.Sprint(cfgOf(t, f, name)["secretPropertyList"])
			if got != fmt.Sprintf("[map[name:fs.s3a.secret.key value:%s]]", want) {
				return fmt.Errorf("secret properties stored as %s", got)
			}

			return nil
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSourceConfig(f, name, body("k1", 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(src, tfjsonpath.New("type"), knownvalue.StringExact("RESTCATALOG")),
					statecheck.ExpectKnownValue(src, tfjsonpath.New("iceberg_rest").AtMapKey("secret_properties"), knownvalue.Null()),
				},
				Check:            secretIs("k1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: src, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"iceberg_rest.secret_properties_version"}},
			{Config: testAccSourceConfig(f, name, body("k2", 2)), Check: secretIs("k2")},
		},
	})
}

// Other source types go through JSON config; secrets through secret_config.
func TestAccDremioSource_genericConfig(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	body := `  type = "POSTGRES"
  config = jsonencode({
    hostname           = "warehouse.internal"
    port               = "5432"
    databaseName       = "wh"
    username           = "report_ro"
    authenticationType = "MASTER"
  })
  secret_config         = jsonencode({ password = "pg-secret" })
  secret_config_version = 1
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSourceConfig(f, name, body),
				Check: check(func() error {
					if cfgOf(t, f, name)["password"] != "pg-secret" {
						return fmt.Errorf("secret_config not merged into config")
					}
					if f.Entity(name) != nil && fmt.Sprint(f.Entity(name)["type"]) != "POSTGRES" {
						return fmt.Errorf("wrong type")
					}

					return nil
				}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(src, tfjsonpath.New("secret_config"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Keys the server adds are not drift; the masked password never reaches state.
				PreConfig: func() {
					f.Mutate([]string{name}, func(e map[string]any) { e["config"].(map[string]any)["fetchSize"] = float64(200) })
				},
				Config:   testAccSourceConfig(f, name, body),
				PlanOnly: true,
			},
			{
				// A console change of a key the config owns is drift.
				PreConfig: func() {
					f.Mutate([]string{name}, func(e map[string]any) { e["config"].(map[string]any)["databaseName"] = "other" })
				},
				Config: testAccSourceConfig(f, name, body),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(src, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: check(func() error {
					cfg := cfgOf(t, f, name)
					if cfg["databaseName"] != "wh" || cfg["password"] != "pg-secret" || cfg["fetchSize"] != float64(200) {
						return fmt.Errorf("read-modify-write lost something: %v", cfg)
					}

					return nil
				}),
			},
			{ResourceName: src, ImportState: true, ImportStateVerify: true,
				// Import cannot know which keys the config owns, nor the write-only trigger.
				ImportStateVerifyIgnore: []string{"config", "secret_config_version"}},
		},
	})
}

func TestAccDremioSource_validation(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cases := map[string]string{
		"  s3 {}\n  type = \"POSTGRES\"\n  config = jsonencode({})\n":                                                       `(?s)Invalid Attribute Combination`,
		"  config = jsonencode({ hostname = \"db\" })\n":                                                                    `(?s)Missing source type`,
		"  type = \"NESSIE\"\n  s3 {}\n":                                                                                    `(?s)Conflicting source type`,
		"  s3 {\n    access_key = \"k\"\n  }\n":                                                                             `(?s)access_key is set, so access_secret is required`,
		"  s3 {}\n  metadata_policy {\n    names_refresh = \"30s\"\n  }\n":                                                  `(?s)at least 1m`,
		"  s3 {\n    default_ctas_format = \"CSV\"\n  }\n":                                                                  `(?s)value must be one of`,
		"  s3 {\n    access_key = \"k\"\n    access_secret = \"$DREMIO_EXISTING_VALUE$\"\n  }\n":                            `(?s)Masked value used as a secret`,
		"  nessie {\n    endpoint = \"http://n:19120/api/v2\"\n    root_path = \"lake\"\n    auth_type = \"BEARER\"\n  }\n": `(?s)access_token is required`,
		"  s3 {\n    credential_type = \"EC2_METADATA\"\n    access_key = \"k\"\n  }\n":                                     `(?s)only used with credential_type ACCESS_KEY`,
		"  iceberg_rest {}\n":                         `(?s)iceberg_rest.endpoint.*is required`,
		"  type = \"POSTGRES\"\n  config = \"[1]\"\n": `(?s)Invalid JSON object`,
	}
	for body, want := range cases {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      testAccSourceConfig(f, "v", body),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(want),
			}},
		})
	}
	if f.Len() != 0 {
		t.Fatal("validation must stop at plan time")
	}
}
