package iceberg

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
)

// TypeNameType is the attribute type of column type spellings: two
// spellings of one Iceberg type ("decimal(9, 2)" and "decimal(9,2)",
// "timestamp with time zone" and "timestamptz") are semantically equal, so
// state keeps the configured spelling and equal types never diff (C12).
type TypeNameType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = TypeNameType{}
	_ basetypes.StringValuableWithSemanticEquals = TypeNameValue{}
)

func (t TypeNameType) Equal(o attr.Type) bool {
	_, ok := o.(TypeNameType)

	return ok
}

func (t TypeNameType) String() string { return "iceberg.TypeNameType" }

func (t TypeNameType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return TypeNameValue{StringValue: in}, nil
}

func (t TypeNameType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}

	return TypeNameValue{StringValue: s}, nil
}

func (t TypeNameType) ValueType(context.Context) attr.Value { return TypeNameValue{} }

// TypeNameValue is a column type spelling.
type TypeNameValue struct{ basetypes.StringValue }

func (v TypeNameValue) Type(context.Context) attr.Type { return TypeNameType{} }

func (v TypeNameValue) Equal(o attr.Value) bool {
	other, ok := o.(TypeNameValue)

	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether both spellings name the same type.
func (v TypeNameValue) StringSemanticEquals(_ context.Context, o basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := o.(TypeNameValue)
	if !ok {
		return false, nil
	}
	a, b := v.ValueString(), other.ValueString()

	return a == b || catalog.SameTypeName(a, b), nil
}

func typeNameNull() TypeNameValue { return TypeNameValue{StringValue: basetypes.NewStringNull()} }

func typeNameOf(s string) TypeNameValue {
	return TypeNameValue{StringValue: basetypes.NewStringValue(s)}
}
