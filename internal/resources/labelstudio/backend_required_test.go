package labelstudio_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without a labelstudio block or its variables, the plan fails with the
// NotConfiguredError naming the labelstudio block.
func TestAccLabelStudioProject_backendNotConfigured(t *testing.T) {
	for _, k := range providerdata.LabelStudioEnv {
		t.Setenv(k, "")
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "lakehouse_labelstudio_project" "test" {
  title        = "Receipts"
  label_config = "<View><Image name=\"img\" value=\"$image\"/><Choices name=\"c\" toName=\"img\"><Choice value=\"ok\"/></Choices></View>"
}
`,
			PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Error planning lakehouse_labelstudio_project.*the labelstudio backend\s+is\s+not\s+` +
				`configured:\s+set\s+LAKEHOUSE_LABELSTUDIO_ENDPOINT.*labelstudio\s+\{\s+\.\.\.\s+\}\s+block`),
		}},
	})
}
