// Package customtypes holds the one mechanism behind the provider's string
// attributes whose values are compared by meaning (SQL text, column type
// spellings, labeling configs): each package supplies only its own
// equivalence, so the framework plumbing is written once.
package customtypes

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Equivalence is a kind of string: its name (shown by the framework in
// type errors) and when two of its values mean the same. Implementations
// are empty structs, so the kind is carried by the type alone.
type Equivalence interface {
	comparable
	TypeName() string
	Equivalent(a, b string) bool
}

// StringType is a string attribute type whose values are semantically
// equal when E says so; Terraform then keeps the prior value and plans no
// change.
type StringType[E Equivalence] struct {
	basetypes.StringType
}

// StringValue is a value of StringType[E].
type StringValue[E Equivalence] struct {
	basetypes.StringValue
}

var (
	_ basetypes.StringTypable                    = StringType[equal]{}
	_ basetypes.StringValuableWithSemanticEquals = StringValue[equal]{}
)

// NewStringValue wraps a known string.
func NewStringValue[E Equivalence](s string) StringValue[E] {
	return StringValue[E]{StringValue: basetypes.NewStringValue(s)}
}

// NewStringNull is the null value.
func NewStringNull[E Equivalence]() StringValue[E] {
	return StringValue[E]{StringValue: basetypes.NewStringNull()}
}

func (t StringType[E]) Equal(o attr.Type) bool {
	_, ok := o.(StringType[E])

	return ok
}

func (t StringType[E]) String() string {
	var e E

	return e.TypeName()
}

func (t StringType[E]) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return StringValue[E]{StringValue: in}, nil
}

func (t StringType[E]) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}

	return StringValue[E]{StringValue: sv}, nil
}

func (t StringType[E]) ValueType(context.Context) attr.Value { return StringValue[E]{} }

func (v StringValue[E]) Type(context.Context) attr.Type { return StringType[E]{} }

func (v StringValue[E]) Equal(o attr.Value) bool {
	other, ok := o.(StringValue[E])

	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether both values mean the same by E.
func (v StringValue[E]) StringSemanticEquals(_ context.Context, nv basetypes.StringValuable) (bool, diag.Diagnostics) {
	var (
		d diag.Diagnostics
		e E
	)
	other, ok := nv.(StringValue[E])
	if !ok {
		d.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected a value of %s, got %T. This is a bug in the provider.", e.TypeName(), nv))

		return false, d
	}
	a, b := v.ValueString(), other.ValueString()

	return a == b || e.Equivalent(a, b), d
}

// equal is exact comparison, for the interface checks above and tests.
type equal struct{}

func (equal) TypeName() string            { return "customtypes.equal" }
func (equal) Equivalent(a, b string) bool { return a == b }
