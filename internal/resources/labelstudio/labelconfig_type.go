package labelstudio

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio"
)

// labelConfigType is a string holding a labeling config. Two values are
// equal when their XML is the same after canonicalisation, so attribute
// order, indentation and comments never show as a diff, whatever the server
// re-serialises.
type labelConfigType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = labelConfigType{}
	_ basetypes.StringValuableWithSemanticEquals = labelConfigValue{}
)

func (t labelConfigType) Equal(o attr.Type) bool {
	other, ok := o.(labelConfigType)

	return ok && t.StringType.Equal(other.StringType)
}

func (labelConfigType) String() string { return "labelConfigType" }

func (labelConfigType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return labelConfigValue{StringValue: in}, nil
}

func (t labelConfigType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}

	return labelConfigValue{StringValue: sv}, nil
}

func (labelConfigType) ValueType(context.Context) attr.Value { return labelConfigValue{} }

// labelConfigValue is a value of labelConfigType.
type labelConfigValue struct {
	basetypes.StringValue
}

func newLabelConfigValue(s string) labelConfigValue {
	return labelConfigValue{StringValue: basetypes.NewStringValue(s)}
}

func (v labelConfigValue) Equal(o attr.Value) bool {
	other, ok := o.(labelConfigValue)

	return ok && v.StringValue.Equal(other.StringValue)
}

func (labelConfigValue) Type(context.Context) attr.Type { return labelConfigType{} }

func (v labelConfigValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := nv.(labelConfigValue)
	if !ok {
		return false, nil
	}

	return labelstudio.LabelConfigsEqual(v.ValueString(), other.ValueString()), nil
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
