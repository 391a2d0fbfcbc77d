package labelstudio_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Without a labelstudio block or its variables, the plan fails with the
// NotConfiguredError naming the labelstudio block.
func TestAccLabelStudioProject_backendNotConfigured(t *testing.T) {
	acctest.UnsetBackendEnv(t, providerdata.BlockLabelStudio)
	acctest.TestNotConfigured(t, "planning", "lakehouse_labelstudio_project", providerdata.BlockLabelStudio, `
resource "lakehouse_labelstudio_project" "test" {
  title        = "Receipts"
  label_config = "<View><Image name=\"img\" value=\"$image\"/><Choices name=\"c\" toName=\"img\"><Choice value=\"ok\"/></Choices></View>"
}
`)
}
