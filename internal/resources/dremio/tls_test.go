package dremio_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

func testAccTLSSpaceConfig(endpoint, caSetting, name string) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  dremio {
    endpoint = %[1]q
    username = %[2]q
    password = %[3]q
    %[4]s
  }
  retry {
    max_attempts = 2
    min_backoff  = "5ms"
    max_backoff  = "10ms"
  }
}

resource "lakehouse_dremio_space" "test" {
  name = %[5]q
}
`, endpoint, dremiotest.Username, dremiotest.Password, caSetting, name)
}

// Dremio behind a TLS front whose certificate an internal CA signed: the
// provider refuses it without the CA, and trusts it given the CA as
// ca_certificate or as ca_file, with no change to plan when switching;
// another CA is refused too, and text that is no certificate fails the plan.
func TestAccDremioTLS_internalCA(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ca := tlstest.New(t)
	front := ca.Proxy(t, f.URL)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccTLSSpaceConfig(front.URL, "", name),
				ExpectError: regexp.MustCompile(`certificate signed by unknown authority`),
			},
			{
				Config:      testAccTLSSpaceConfig(front.URL, fmt.Sprintf("ca_certificate = %q", tlstest.New(t).PEM()), name),
				ExpectError: regexp.MustCompile(`certificate signed by unknown authority`),
			},
			{
				Config:      testAccTLSSpaceConfig(front.URL, `ca_certificate = "internal-ca"`, name),
				ExpectError: regexp.MustCompile(`Invalid CA certificate`),
			},
			{
				Config: testAccTLSSpaceConfig(front.URL, fmt.Sprintf("ca_certificate = %q", ca.PEM()), name),
				Check: func(*terraform.State) error {
					if f.Entity(name) == nil {
						return fmt.Errorf("space %s not created on the fake", name)
					}

					return nil
				},
			},
			{
				Config:           testAccTLSSpaceConfig(front.URL, fmt.Sprintf("ca_file = %q", ca.WritePEM(t)), name),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
