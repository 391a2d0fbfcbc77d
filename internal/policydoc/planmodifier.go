package policydoc

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// KeepEquivalentState plans the prior state's text when the configuration
// means the same policy. Terraform accepts a planned value equal to the prior
// one in place of the configured one, so an imported policy in the server's
// shape, or a reformatted configuration, plans no change.
func KeepEquivalentState() planmodifier.String { return keepEquivalent{} }

type keepEquivalent struct{}

func (keepEquivalent) Description(context.Context) string {
	return "keeps the prior policy text when the configured policy is equivalent"
}

func (m keepEquivalent) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepEquivalent) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.StateValue.IsUnknown() {
		return
	}
	if Equal(req.StateValue.ValueString(), req.ConfigValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
