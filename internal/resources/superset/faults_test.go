package superset_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// withFastRetries adds a retry block with short backoffs to a configuration
// built on providerConfig, so retry tests stay fast.
func withFastRetries(fake *supersettest.Server, cfg string) string {
	return strings.Replace(cfg, fake.ProviderBlock(), fake.ProviderBlock()+`
  retry {
    max_attempts = 6
    min_backoff  = "5ms"
    max_backoff  = "20ms"
  }`, 1)
}

// A burst of 503s from an overloaded Superset (login and CSRF calls
// included) is absorbed by the shared transport for every resource type, and
// access tokens that die in the middle of a run are renewed with a new login.
func TestAccSupersetResources_retriesAndTokenExpiry(t *testing.T) {
	t.Parallel()
	fake := newDatasetFake(t)
	both := "lakehouse_superset_chart.a.id, lakehouse_superset_chart.b.id"
	cfg := func(slug string) string {
		return withFastRetries(fake, testAccDashboardConfig_generated(fake, slug, both))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { fake.FailNext(4, http.StatusServiceUnavailable) },
				Config:    cfg("outcomes"),
				Check: func(*terraform.State) error {
					if n := fake.StatusCount(http.StatusServiceUnavailable); n != 4 {
						return fmt.Errorf("want 4 answers of 503 served and absorbed, got %d", n)
					}
					if len(fake.Requests(http.MethodPost, "/api/v1/dashboard/")) != 1 {
						return fmt.Errorf("want exactly one dashboard created")
					}

					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Every access token dies in the middle of the run, while other
				// calls are in flight: each 401 is answered with a new login and
				// the same call again.
				PreConfig: func() { fake.ExpireTokensAfter(3) },
				Config:    cfg("outcomes-v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dashAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					// The step succeeded, so every refused call was renewed and repeated.
					if fake.StatusCount(http.StatusUnauthorized) == 0 {
						return fmt.Errorf("no call met an expired token")
					}

					return nil
				},
			},
			{
				// A 503 burst in the middle of destroy.
				PreConfig: func() { fake.FailNext(3, http.StatusServiceUnavailable) },
				Config:    cfg("outcomes-v2"),
				Destroy:   true,
			},
		},
	})
}
