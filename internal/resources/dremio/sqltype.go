package dremio

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
)

// SQLType is a string attribute holding Dremio SQL. Two values are equal
// when dremio.NormalizeSQL maps them to the same text, so the server's
// reformatting of a view never shows as a change.
type SQLType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = SQLType{}
	_ basetypes.StringValuableWithSemanticEquals = SQLValue{}
)

func (t SQLType) Equal(o attr.Type) bool {
	_, ok := o.(SQLType)

	return ok
}

func (t SQLType) String() string { return "dremio.SQLType" }

func (t SQLType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return SQLValue{StringValue: in}, nil
}

func (t SQLType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}

	return SQLValue{StringValue: sv}, nil
}

func (t SQLType) ValueType(context.Context) attr.Value { return SQLValue{} }

// SQLValue is a value of SQLType.
type SQLValue struct {
	basetypes.StringValue
}

// NewSQLValue wraps a string.
func NewSQLValue(s string) SQLValue { return SQLValue{StringValue: basetypes.NewStringValue(s)} }

func (v SQLValue) Type(context.Context) attr.Type { return SQLType{} }

func (v SQLValue) Equal(o attr.Value) bool {
	other, ok := o.(SQLValue)

	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals compares normalised SQL.
func (v SQLValue) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var d diag.Diagnostics
	n, ok := nv.(SQLValue)
	if !ok {
		d.AddError("Semantic Equality Check Error", fmt.Sprintf("Expected SQLValue, got %T. This is a bug in the provider.", nv))

		return false, d
	}

	return dremio.SQLEquivalent(v.ValueString(), n.ValueString()), d
}
