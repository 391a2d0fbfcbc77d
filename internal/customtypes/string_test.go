package customtypes_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/customtypes"
)

type foldCase struct{}

func (foldCase) TypeName() string            { return "test.FoldCase" }
func (foldCase) Equivalent(a, b string) bool { return strings.EqualFold(a, b) }

type exact struct{}

func (exact) TypeName() string            { return "test.Exact" }
func (exact) Equivalent(a, b string) bool { return false }

func TestStringSemanticEquals(t *testing.T) {
	ctx := context.Background()
	a := customtypes.NewStringValue[foldCase]("SELECT 1")
	for _, tc := range []struct {
		other string
		want  bool
	}{{"SELECT 1", true}, {"select 1", true}, {"SELECT 2", false}} {
		got, d := a.StringSemanticEquals(ctx, customtypes.NewStringValue[foldCase](tc.other))
		if d.HasError() || got != tc.want {
			t.Errorf("%q ~ %q = %v (%v), want %v", a.ValueString(), tc.other, got, d, tc.want)
		}
	}
	// Identical text is equal even when the equivalence never says so.
	if ok, _ := customtypes.NewStringValue[exact]("x").StringSemanticEquals(ctx, customtypes.NewStringValue[exact]("x")); !ok {
		t.Error("identical values are not semantically equal")
	}
	// A value of another kind is a provider bug, reported as an error.
	if ok, d := a.StringSemanticEquals(ctx, customtypes.NewStringValue[exact]("SELECT 1")); ok || !d.HasError() {
		t.Errorf("other kind: got %v, %v; want false with an error", ok, d)
	}
}

func TestStringTypeRoundTrip(t *testing.T) {
	ctx := context.Background()
	typ := customtypes.StringType[foldCase]{}
	if typ.String() != "test.FoldCase" {
		t.Errorf("String() = %q", typ.String())
	}
	if typ.Equal(customtypes.StringType[exact]{}) || !typ.Equal(customtypes.StringType[foldCase]{}) {
		t.Error("types of different kinds must differ and of one kind must be equal")
	}
	v, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(tftypes.String, "abc"))
	if err != nil {
		t.Fatal(err)
	}
	sv, ok := v.(customtypes.StringValue[foldCase])
	if !ok || sv.ValueString() != "abc" || !sv.Type(ctx).Equal(typ) {
		t.Fatalf("ValueFromTerraform = %#v", v)
	}
	if !sv.Equal(customtypes.NewStringValue[foldCase]("abc")) || sv.Equal(customtypes.NewStringValue[foldCase]("ABC")) {
		t.Error("Equal must compare the exact text")
	}
	if !customtypes.NewStringNull[foldCase]().IsNull() {
		t.Error("NewStringNull is not null")
	}
	fv, d := typ.ValueFromString(ctx, basetypes.NewStringValue("q"))
	if d.HasError() || fv.(customtypes.StringValue[foldCase]).ValueString() != "q" {
		t.Errorf("ValueFromString = %#v, %v", fv, d)
	}
}
