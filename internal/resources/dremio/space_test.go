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

func testAccSpaceConfig(f *dremiotest.Server, name string) string {
	return testAccProviderConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_space" "test" {
  name = %[1]q
}
`, name)
}

func TestAccDremioSpace_basic(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSpaceConfig(f, name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_dremio_space.test", tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue("lakehouse_dremio_space.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue("lakehouse_dremio_space.test", tfjsonpath.New("tag"), knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "lakehouse_dremio_space.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// Import by name (a path of one element).
				ResourceName:            "lakehouse_dremio_space.test",
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{},
			},
			{
				ResourceName:    "lakehouse_dremio_space.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

func TestAccDremioSpace_disappears(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccSpaceConfig(f, name)},
			{
				PreConfig: func() {
					if !f.DeleteOutOfBand(name) {
						t.Fatal("space missing on the fake")
					}
				},
				Config: testAccSpaceConfig(f, name),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_space.test", plancheck.ResourceActionCreate)},
				},
			},
			{
				PreConfig:          func() { f.DeleteOutOfBand(name) },
				Config:             testAccSpaceConfig(f, name),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

func TestAccDremioSpace_validation(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	for _, bad := range []string{"a.b", `say "hi"`, "me@home", ""} {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      testAccSpaceConfig(f, bad),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Attribute name.*period, double quote\s+or @`),
			}},
		})
	}
	if f.Len() != 0 {
		t.Fatal("validation must stop at plan time")
	}
}

func TestAccDremioSpace_duplicateName(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_space" "a" { name = %[1]q }
resource "lakehouse_dremio_space" "b" {
  name       = upper(%[1]q)
  depends_on = [lakehouse_dremio_space.a]
}
`, name),
			ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_dremio_space.*already exists.*terraform import`),
		}},
	})
}

// Retries: a burst of 503s from an overloaded coordinator is absorbed by the
// shared transport; an expired session token is renewed with a new login.
func TestAccDremioSpace_retriesAndTokenExpiry(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { f.FailNext(4, http.StatusServiceUnavailable) },
				Config:    testAccSpaceConfig(f, name),
				Check: func(*terraform.State) error {
					if n := f.StatusCount(http.StatusServiceUnavailable); n != 4 {
						return fmt.Errorf("want 4 answers of 503 served and absorbed, got %d", n)
					}

					return nil
				},
			},
			{
				PreConfig: func() { f.RevokeTokensEvery(2) },
				Config:    testAccSpaceConfig(f, name+"-2"),
				Check: func(*terraform.State) error {
					if f.StatusCount(http.StatusUnauthorized) == 0 || f.Logins() < 3 {
						return fmt.Errorf("want tokens revoked mid-run and renewed: 401s=%d logins=%d",
							f.StatusCount(http.StatusUnauthorized), f.Logins())
					}

					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_dremio_space.test", plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}

func TestAccDremioSpace_notConfigured(t *testing.T) {
	t.Setenv("LAKEHOUSE_DREMIO_ENDPOINT", "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `resource "lakehouse_dremio_space" "test" { name = "x" }`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_dremio_space.*the dremio backend is\s+not\s+configured:\s+set\s+LAKEHOUSE_DREMIO_ENDPOINT.*dremio\s+\{\s+\.\.\.\s+\}\s+block`),
		}},
	})
}

// The provider finds Dremio through the environment alone, as CI and the
// runner do.
func TestAccDremioSpace_envConfig(t *testing.T) {
	f := newFake(t)
	t.Setenv("LAKEHOUSE_DREMIO_ENDPOINT", f.URL)
	t.Setenv("LAKEHOUSE_DREMIO_USERNAME", dremiotest.Username)
	t.Setenv("LAKEHOUSE_DREMIO_PASSWORD", dremiotest.Password)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf("resource \"lakehouse_dremio_space\" \"test\" {\n  name = %q\n}\n", name),
			Check: func(*terraform.State) error {
				if f.Entity(name) == nil {
					return fmt.Errorf("space not created on the fake")
				}

				return nil
			},
		}},
	})
}
