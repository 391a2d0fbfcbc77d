package labelstudio_test

import (
	"fmt"
	"regexp"
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

func testAccWebhookConfig(fake *labelstudiotest.Server, body string) string {
	return testAccProviderConfig(fake) + fmt.Sprintf(`
resource "lakehouse_labelstudio_project" "test" {
  title        = "tf-acc webhook"
  label_config = %[1]q
}

resource "lakehouse_labelstudio_webhook" "test" {
  project_id = lakehouse_labelstudio_project.test.id
%[2]s
}
`, receiptsConfig, body)
}

const webhookBody = `
  url     = "https://hooks.example.edu/label-studio"
  actions = ["ANNOTATION_CREATED", "ANNOTATION_UPDATED"]
  headers = { Authorization = "Bearer hook-secret" }
`

func webhookID(s *terraform.State) (int64, error) {
	return resourceID(s, "lakehouse_labelstudio_webhook.test")
}

func TestAccLabelStudioWebhook_basic(t *testing.T) {
	fake := newFake(t)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccWebhookConfig(fake, webhookBody),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_labelstudio_webhook.test", tfjsonpath.New("actions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ANNOTATION_CREATED"), knownvalue.StringExact("ANNOTATION_UPDATED")})),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_webhook.test", tfjsonpath.New("headers").AtMapKey("Authorization"),
						knownvalue.StringExact("Bearer hook-secret")),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_webhook.test", tfjsonpath.New("is_active"), knownvalue.Bool(true)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error {
					var err error
					if id, err = webhookID(s); err != nil {
						return err
					}
					// A chosen action list only takes effect with send_for_all_actions off.
					if w := fake.Webhook(id); w["send_for_all_actions"] != false {
						return fmt.Errorf("server holds %v", w)
					}

					return nil
				},
			},
			{
				ResourceName:      "lakehouse_labelstudio_webhook.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    "lakehouse_labelstudio_webhook.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// No actions: every event, in place.
				Config: testAccWebhookConfig(fake, `
  url       = "https://hooks.example.edu/label-studio/v2"
  is_active = false
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_webhook.test", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					w := fake.Webhook(id)
					if w["send_for_all_actions"] != true || w["is_active"] != false || len(w["headers"].(map[string]any)) != 0 {
						return fmt.Errorf("server holds %v", w)
					}

					return nil
				},
			},
		},
	})
}

func TestAccLabelStudioWebhook_drift(t *testing.T) {
	fake := newFake(t)
	cfg := testAccWebhookConfig(fake, webhookBody)
	var id int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: func(s *terraform.State) error {
					var err error
					id, err = webhookID(s)

					return err
				},
			},
			{
				PreConfig: func() {
					fake.UpdateWebhook(id, map[string]any{"is_active": false, "headers": map[string]any{"Authorization": "Bearer leaked"}})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_webhook.test", plancheck.ResourceActionUpdate),
					},
				},
				Check: func(*terraform.State) error {
					w := fake.Webhook(id)
					if w["is_active"] != true || w["headers"].(map[string]any)["Authorization"] != "Bearer hook-secret" {
						return fmt.Errorf("drift not corrected: %v", w)
					}

					return nil
				},
			},
		},
	})
}

func TestAccLabelStudioWebhook_disappears(t *testing.T) {
	fake := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccWebhookConfig(fake, webhookBody),
			Check: func(s *terraform.State) error {
				id, err := webhookID(s)
				fake.DeleteWebhook(id)

				return err
			},
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("lakehouse_labelstudio_webhook.test", plancheck.ResourceActionCreate),
				},
			},
		}},
	})
}

func TestAccLabelStudioWebhook_validation(t *testing.T) {
	fake := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccWebhookConfig(fake, `url = "https://hooks.example.edu"`+"\n"+`actions = ["ANNOTATION_CREATE"]`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)actions.*ANNOTATION_CREATED`),
			},
			{
				Config:      testAccWebhookConfig(fake, `url = "hooks.example.edu"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)url.*http:// or https://`),
			},
			{
				// The server answers 404 for a project it does not know.
				Config: testAccProviderConfig(fake) + `
resource "lakehouse_labelstudio_webhook" "test" {
  project_id = "999"
  url        = "https://hooks.example.edu"
}
`,
				ExpectError: regexp.MustCompile(`(?s)project_id.*no project 999`),
			},
		},
	})
}
