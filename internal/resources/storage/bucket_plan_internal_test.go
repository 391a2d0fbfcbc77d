package storage

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// bucketValue builds a raw lakehouse_bucket object with the given name and
// everything else null.
func bucketValue(t *testing.T, typ tftypes.Object, name string, lock *bool) tftypes.Value {
	t.Helper()
	vals := map[string]tftypes.Value{}
	for k, at := range typ.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
	}
	vals["bucket"] = tftypes.NewValue(tftypes.String, name)
	if lock != nil {
		vals["object_lock_enabled"] = tftypes.NewValue(tftypes.Bool, *lock)
	}

	return tftypes.NewValue(typ, vals)
}

func modifyPlan(t *testing.T, name string, prior bool, lockBefore, lockAfter *bool) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	r := &bucketResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("schema is not an object")
	}
	plan := tfsdk.Plan{Schema: sresp.Schema, Raw: bucketValue(t, typ, name, lockAfter)}
	state := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}
	if prior {
		state.Raw = bucketValue(t, typ, name, lockBefore)
	}
	req := resource.ModifyPlanRequest{Plan: plan, State: state, Config: tfsdk.Config{Schema: sresp.Schema, Raw: plan.Raw}}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, req, &resp)

	return resp.Diagnostics
}

// C02: the naming rules apply to buckets the provider creates. A bucket
// already in the state (imported, with a legacy name) plans cleanly.
func TestBucketNameRulesOnlyOnCreate(t *testing.T) {
	d := modifyPlan(t, "legacy_bucket_2016", false, nil, nil)
	if d.ErrorsCount() != 1 {
		t.Fatalf("creating a legacy name: want one error, got %v", d)
	}
	if wp, ok := d.Errors()[0].(diag.DiagnosticWithPath); !ok || wp.Path().String() != "bucket" {
		t.Fatalf("error not at the bucket attribute: %v", d.Errors()[0])
	}
	if d := modifyPlan(t, "legacy_bucket_2016", true, nil, nil); d.HasError() {
		t.Fatalf("an existing legacy bucket must plan cleanly: %v", d)
	}
}

func TestObjectLockCannotBeTurnedOff(t *testing.T) {
	on, off := true, false
	d := modifyPlan(t, "raw-zone", true, &on, &off)
	if d.ErrorsCount() != 1 {
		t.Fatalf("want one error, got %v", d)
	}
	if wp, ok := d.Errors()[0].(diag.DiagnosticWithPath); !ok || wp.Path().String() != "object_lock_enabled" {
		t.Fatalf("error not at object_lock_enabled: %v", d.Errors()[0])
	}
	if d := modifyPlan(t, "raw-zone", true, &off, &on); d.HasError() {
		t.Fatalf("turning it on is planned (the server decides): %v", d)
	}
}
