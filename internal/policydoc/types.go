package policydoc

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var (
	_ basetypes.StringTypable                    = Type{}
	_ basetypes.StringValuableWithSemanticEquals = Value{}
	_ xattr.ValidateableAttribute                = Value{}
)

// Type is the attribute type of every policy-document attribute. Values
// that Equal each other never produce a diff, and the state keeps the
// configured text.
type Type struct {
	basetypes.StringType
}

func (t Type) String() string { return "policydoc.Type" }

func (t Type) ValueType(context.Context) attr.Value { return Value{} }

func (t Type) Equal(o attr.Type) bool {
	other, ok := o.(Type)

	return ok && t.StringType.Equal(other.StringType)
}

func (t Type) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return Value{StringValue: in}, nil
}

func (t Type) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}

	return Value{StringValue: s}, nil
}

// Value is a policy document held as the text the user wrote.
type Value struct {
	basetypes.StringValue
}

// NewValue returns a known Value.
func NewValue(s string) Value { return Value{StringValue: basetypes.NewStringValue(s)} }

// NullValue returns a null Value.
func NullValue() Value { return Value{StringValue: basetypes.NewStringNull()} }

func (v Value) Type(context.Context) attr.Type { return Type{} }

func (v Value) Equal(o attr.Value) bool {
	other, ok := o.(Value)

	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports policy equality, so a server's read-back in
// another shape keeps the prior (configured) text in state.
func (v Value) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var d diag.Diagnostics
	other, ok := nv.(Value)
	if !ok {
		d.AddError("Semantic equality check error",
			fmt.Sprintf("Expected a policydoc.Value, got %T. This is a bug in the provider; please report it.", nv))

		return false, d
	}

	return Equal(v.ValueString(), other.ValueString()), d
}

// ValidateAttribute rejects text that is not a JSON object with a clear
// message at the attribute's path, at plan time.
func (v Value) ValidateAttribute(_ context.Context, req xattr.ValidateAttributeRequest, resp *xattr.ValidateAttributeResponse) {
	if v.IsNull() || v.IsUnknown() {
		return
	}
	if _, err := Canonical(v.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid policy document",
			"The value is not a valid policy document: "+err.Error())
	}
}
