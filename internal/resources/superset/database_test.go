package superset_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

const dbAddr = "lakehouse_superset_database.test"

// Write-only attributes need Terraform 1.11.
var writeOnlyVersions = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

func testAccDatabaseConfig_uri(fake *supersettest.Server, name, password, version string, expose bool) string {
	return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "test" {
  database_name    = %[1]q
  sqlalchemy_uri   = "postgresql+psycopg2://report_ro@db.internal:5432/wh"
  password         = %[2]q
  password_version = %[3]q
  expose_in_sqllab = %[4]t
  extra = jsonencode({
    metadata_params = {}
    engine_params   = { connect_args = { sslmode = "require" } }
  })
}
`, name, password, version, expose)
}

func TestAccSupersetDatabase_basic(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	name := acctest.RandomName()
	var id int64
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDatabaseConfig_uri(fake, name, "s3cret", "1", true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("database_name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("sqlalchemy_uri"), knownvalue.StringExact("postgresql+psycopg2://report_ro@db.internal:5432/wh")),
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("backend"), knownvalue.StringExact("postgresql")),
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("driver"), knownvalue.StringExact("psycopg2")),
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("password"), knownvalue.Null()),
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("uuid"), knownvalue.NotNull()),
					stateLacks{secret: "s3cret"},
					stateLacks{secret: superset.PasswordMask},
				},
				Check: resource.ComposeTestCheckFunc(captureID(dbAddr, &id), func(*terraform.State) error {
					if got := fake.StoredPassword(id); got != "s3cret" {
						return fmt.Errorf("server password = %q, want s3cret", got)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: dbAddr, ImportState: true, ImportStateVerify: true,
				// Write-only and trigger values cannot be read back from Superset.
				ImportStateVerifyIgnore: []string{"password", "password_version"},
			},
			{
				// The import block plans no change once password_version,
				// which Superset cannot report, is left out.
				Config:          strings.Replace(testAccDatabaseConfig_uri(fake, name, "s3cret", "1", true), `password_version = "1"`, "", 1),
				ResourceName:    dbAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

// C16: the masked password Superset returns is never stored, compared or
// sent back, an unrelated update cannot overwrite the password, and
// password_version sends a new one.
func TestAccSupersetDatabase_maskedPasswordC16(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	name := acctest.RandomName()
	var id int64
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDatabaseConfig_uri(fake, name, "s3cret", "1", true),
				Check: resource.ComposeTestCheckFunc(captureID(dbAddr, &id), func(*terraform.State) error {
					// The server really does mask: the fake answers with the mask.
					if uri := fake.Object("database", id)["sqlalchemy_uri"]; strings.Contains(fmt.Sprint(uri), "s3cret") {
						return fmt.Errorf("fake stored the password in the URI: %v", uri)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: testAccDatabaseConfig_uri(fake, name, "s3cret", "1", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("expose_in_sqllab"), knownvalue.Bool(false)),
					stateLacks{secret: superset.PasswordMask},
				},
				Check: func(*terraform.State) error {
					if keys := bodyKeys(lastPut(t, fake, itemPath("database", id))); !slices.Equal(keys, []string{"expose_in_sqllab"}) {
						return fmt.Errorf("update sent %v, want only expose_in_sqllab", keys)
					}
					if got := fake.StoredPassword(id); got != "s3cret" {
						return fmt.Errorf("server password after an unrelated update = %q, want s3cret", got)
					}

					return nil
				},
			},
			{
				Config: testAccDatabaseConfig_uri(fake, name, "n3w-secret", "2", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{stateLacks{secret: "n3w-secret"}},
				Check: func(*terraform.State) error {
					if got := fake.StoredPassword(id); got != "n3w-secret" {
						return fmt.Errorf("server password after password_version change = %q, want n3w-secret", got)
					}
					for _, r := range fake.Requests("", "/api/v1/database") {
						if strings.Contains(fmt.Sprint(r.Body), superset.PasswordMask) {
							return fmt.Errorf("%s %s sent the mask: %v", r.Method, r.Path, r.Body)
						}
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDatabase_connectionParts(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	var id int64
	cfg := func(host string) string {
		return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "test" {
  database_name = "warehouse"
  uri_parts = {
    driver   = "postgresql+psycopg2"
    host     = %[1]q
    port     = 5432
    username = "report_ro"
    database = "wh"
    query    = { sslmode = "require" }
  }
  password = "s3cret"
}
`, host)
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg("db.internal"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("sqlalchemy_uri"),
						knownvalue.StringExact("postgresql+psycopg2://report_ro@db.internal:5432/wh?sslmode=require")),
				},
				Check:            captureID(dbAddr, &id),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Moving host re-sends the URI, with the password from the
				// configuration, never with the mask.
				Config: cfg("db2.internal"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(dbAddr, tfjsonpath.New("sqlalchemy_uri"),
							knownvalue.StringExact("postgresql+psycopg2://report_ro@db2.internal:5432/wh?sslmode=require")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if got := fake.StoredPassword(id); got != "s3cret" {
						return fmt.Errorf("server password = %q, want s3cret", got)
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDatabase_dremioFromProvider(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	var id int64
	dremio := `dremio {
    endpoint = "http://dremio.internal:9047"
    username = "svc_superset"
    password = "dremio-pw"
  }`
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(fake, dremio) + `
resource "lakehouse_superset_database" "test" {
  database_name = "dremio"
  dremio        = {}
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("sqlalchemy_uri"),
						knownvalue.StringExact("dremio+flight://svc_superset@dremio.internal:32010/dremio?UseEncryption=false")),
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("backend"), knownvalue.StringExact("dremio")),
					stateLacks{secret: "dremio-pw"},
				},
				Check: resource.ComposeTestCheckFunc(captureID(dbAddr, &id), func(*terraform.State) error {
					if got := fake.StoredPassword(id); got != "dremio-pw" {
						return fmt.Errorf("server password = %q, want the provider's dremio password", got)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccSupersetDatabase_disappears(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	name := acctest.RandomName()
	var id int64
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccDatabaseConfig_uri(fake, name, "s3cret", "1", true), Check: captureID(dbAddr, &id)},
			{
				PreConfig: func() { fake.Remove("database", id) },
				Config:    testAccDatabaseConfig_uri(fake, name, "s3cret", "1", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func TestAccSupersetDatabase_drift(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	name := acctest.RandomName()
	var id int64
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccDatabaseConfig_uri(fake, name, "s3cret", "1", true), Check: captureID(dbAddr, &id)},
			{
				// Someone renames the database and changes extra's owned key
				// in the UI; Superset also adds a key of its own, which must
				// not diff.
				PreConfig: func() {
					fake.Mutate("database", id, func(o map[string]any) {
						o["database_name"] = "renamed by hand"
						o["extra"] = `{"engine_params":{"connect_args":{"sslmode":"disable"}},"metadata_params":{},"allows_virtual_table_explore":true}`
					})
				},
				Config: testAccDatabaseConfig_uri(fake, name, "s3cret", "1", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(dbAddr, tfjsonpath.New("database_name"), knownvalue.StringExact(name)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					extra := fmt.Sprint(fake.Object("database", id)["extra"])
					if !strings.Contains(extra, `"require"`) || !strings.Contains(extra, "allows_virtual_table_explore") {
						return fmt.Errorf("extra after apply = %s; want sslmode restored and the server's own key kept", extra)
					}
					// engine_params can redirect the connection, so the password
					// went with them (the fake, like newer Superset, refuses
					// the change otherwise).
					if got := fake.StoredPassword(id); got != "s3cret" {
						return fmt.Errorf("server password after restoring engine_params = %q", got)
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDatabase_validation(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	base := providerConfig(fake)
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: base + `
resource "lakehouse_superset_database" "test" {
  database_name  = "x"
  sqlalchemy_uri = "postgresql://u:hunter2@h/d"
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Password in sqlalchemy_uri.*sqlalchemy_uri = "postgresql://u:hunter2`),
			},
			{
				Config: base + `
resource "lakehouse_superset_database" "test" {
  database_name  = "x"
  sqlalchemy_uri = "postgresql://u@h/d"
  uri_parts      = { driver = "postgresql", host = "h" }
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?i)exactly one of`),
			},
			{
				Config: base + `
resource "lakehouse_superset_database" "test" {
  database_name  = "x"
  sqlalchemy_uri = "postgresql://u@h/d"
  extra          = "[1,2"
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)extra.*must be a JSON object`),
			},
			{
				Config: base + `
resource "lakehouse_superset_database" "test" {
  database_name = "x"
  dremio        = {}
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_superset_database.*the dremio backend is\s+not\s+configured:\s+set\s+LAKEHOUSE_DREMIO_ENDPOINT`),
			},
			{
				Config: providerConfig(fake, `dremio {
    endpoint = "http://dremio.internal:9047"
    token    = "pat"
  }`) + `
resource "lakehouse_superset_database" "test" {
  database_name = "x"
  dremio        = {}
}`,
				PlanOnly: true, ExpectError: regexp.MustCompile(`Dremio user name missing`),
			},
		},
	})
}

func TestAccSupersetDatabase_duplicateName(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(fake) + `
resource "lakehouse_superset_database" "a" {
  database_name  = "same"
  sqlalchemy_uri = "postgresql://u@h/a"
}
resource "lakehouse_superset_database" "b" {
  database_name  = "same"
  sqlalchemy_uri = "postgresql://u@h/b"
  depends_on     = [lakehouse_superset_database.a]
}`,
			ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_superset_database \(same\).*HTTP 422.*already exists`),
		}},
	})
}
