package labelstudio_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
)

// testAccFaultsConfig is a project with an import storage and a webhook,
// reached with a personal access token and short retry backoffs.
func testAccFaultsConfig(fake *labelstudiotest.Server, title string) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  labelstudio {
    endpoint              = %[1]q
    personal_access_token = %[2]q
  }
  retry {
    max_attempts = 6
    min_backoff  = "5ms"
    max_backoff  = "20ms"
  }
}

resource "lakehouse_labelstudio_project" "test" {
  title        = %[3]q
  label_config = %[4]q
}

resource "lakehouse_labelstudio_storage" "test" {
  project_id            = lakehouse_labelstudio_project.test.id
  bucket                = "tf-acc-raw"
  s3_endpoint           = "http://minio.internal:9000"
  aws_access_key_id     = "steward"
  aws_secret_access_key = "storage-secret"
}

resource "lakehouse_labelstudio_webhook" "test" {
  project_id = lakehouse_labelstudio_project.test.id
  url        = "https://hooks.example.edu/label-studio"
}
`, fake.URL, fake.PersonalAccessToken, title, receiptsConfig)
}

// A burst of 503s (token exchange included) is absorbed by the shared
// transport for every resource type, and access tokens that die in the
// middle of a run are exchanged again.
func TestAccLabelStudioResources_retriesAndTokenExpiry(t *testing.T) {
	fake := newFake(t)
	fake.LegacyTokensDisabled = true
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { fake.FailNext(4, http.StatusServiceUnavailable) },
				Config:    testAccFaultsConfig(fake, "tf-acc faults"),
				Check: func(*terraform.State) error {
					if n := fake.StatusCount(http.StatusServiceUnavailable); n != 4 {
						return fmt.Errorf("want 4 answers of 503 served and absorbed, got %d", n)
					}
					if n := len(fake.ProjectIDs()); n != 1 {
						return fmt.Errorf("want exactly one project, got %d", n)
					}

					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Every access token dies in the middle of the run, while other
				// calls are in flight: each 401 is answered with a new exchange.
				PreConfig: func() { fake.ExpireTokensAfter(3) },
				Config:    testAccFaultsConfig(fake, "tf-acc faults v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_labelstudio_project.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					// The step succeeded, so every refused call was renewed and repeated.
					if fake.StatusCount(http.StatusUnauthorized) == 0 {
						return fmt.Errorf("no call met an expired token")
					}
					if got := fake.Project(fake.ProjectIDs()[0])["title"]; got != "tf-acc faults v2" {
						return fmt.Errorf("update lost: title %v", got)
					}

					return nil
				},
			},
			{
				PreConfig: func() { fake.FailNext(3, http.StatusServiceUnavailable) },
				Config:    testAccFaultsConfig(fake, "tf-acc faults v2"),
				Destroy:   true,
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(fake.ProjectIDs()); n != 0 {
				return fmt.Errorf("destroy left %d projects", n)
			}

			return nil
		},
	})
}
