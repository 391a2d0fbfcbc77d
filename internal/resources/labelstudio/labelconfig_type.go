package labelstudio

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/customtypes"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio"
)

// labelConfigType is a string holding a labeling config. Two values are
// equal when their XML is the same after canonicalisation, so attribute
// order, indentation and comments never show as a diff, whatever the server
// re-serialises.
type labelConfigType = customtypes.StringType[labelConfigEquivalence]

// labelConfigValue is a value of labelConfigType.
type labelConfigValue = customtypes.StringValue[labelConfigEquivalence]

func newLabelConfigValue(s string) labelConfigValue {
	return customtypes.NewStringValue[labelConfigEquivalence](s)
}

type labelConfigEquivalence struct{}

func (labelConfigEquivalence) TypeName() string { return "labelConfigType" }

func (labelConfigEquivalence) Equivalent(a, b string) bool {
	return labelstudio.LabelConfigsEqual(a, b)
}

// labelConfigValidator runs labelstudio.CheckLabelConfig at plan time and
// reports each problem on the attribute.
type labelConfigValidator struct{}

func (labelConfigValidator) Description(context.Context) string {
	return "value must be a well-formed Label Studio labeling config: a <View> root, known tags, unique names, " +
		"and every control tag bound by toName to an object tag"
}

func (v labelConfigValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (labelConfigValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, p := range labelstudio.CheckLabelConfig(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid labeling config", p.String())
	}
}

// keepEquivalentLabelConfig plans the prior value when the configured config
// means the same, so reformatting the XML in the configuration plans no
// update. Terraform accepts a planned value equal to the prior state for a
// non-computed attribute for exactly this purpose.
type keepEquivalentLabelConfig struct{}

func (keepEquivalentLabelConfig) Description(context.Context) string {
	return "keeps the prior labeling config when the configured one is semantically equal"
}

func (m keepEquivalentLabelConfig) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepEquivalentLabelConfig) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() {
		return
	}
	if labelstudio.LabelConfigsEqual(req.StateValue.ValueString(), req.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
