package storage

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// objectValue builds a raw lakehouse_object with bucket, key and source set,
// the computed attributes unknown and everything else null.
func objectValue(typ tftypes.Object, source string) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for k, at := range typ.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
	}
	for _, k := range []string{"id", "etag", "version_id", "content_type"} {
		vals[k] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	vals["size"] = tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
	vals["bucket"] = tftypes.NewValue(tftypes.String, "raw-zone")
	vals["key"] = tftypes.NewValue(tftypes.String, "seed.csv")
	vals["source"] = tftypes.NewValue(tftypes.String, source)

	return tftypes.NewValue(typ, vals)
}

// A source file that is gone by the time Create reads it (after the plan
// checked it) wrote nothing: the error is local, at the source attribute,
// says the file cannot be read, and nothing is recorded in the state, so
// nothing is tainted. No request is sent: the endpoint does not exist.
func TestObjectCreateSourceGoneIsLocal(t *testing.T) {
	ctx := context.Background()
	r := &objectResource{data: &providerdata.Data{
		Retry: httpx.RetrySettings{MaxAttempts: 1, RequestTimeout: 1},
		S3:    providerdata.S3Settings{Configured: true, Endpoint: "127.0.0.1:1", Region: "us-east-1", AccessKey: "a", SecretKey: "b"},
	}}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("schema is not an object")
	}
	missing := filepath.Join(t.TempDir(), "seed.csv")
	plan := tfsdk.Plan{Schema: sresp.Schema, Raw: objectValue(typ, missing)}
	resp := resource.CreateResponse{State: tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, nil)}}
	r.Create(ctx, resource.CreateRequest{Plan: plan, Config: tfsdk.Config{Schema: sresp.Schema, Raw: plan.Raw}}, &resp)

	d := resp.Diagnostics
	if d.ErrorsCount() != 1 {
		t.Fatalf("want one error, got %v", d)
	}
	e := d.Errors()[0]
	if wp, ok := e.(diag.DiagnosticWithPath); !ok || wp.Path().String() != "source" {
		t.Errorf("error not at the source attribute: %v", e)
	}
	if e.Summary() != "Error creating lakehouse_object (raw-zone/seed.csv)" {
		t.Errorf("summary: %q", e.Summary())
	}
	for _, want := range []string{`The source file "` + missing + `" does not exist. Nothing was written to the bucket.`, "Correct source", "Original error: open "} {
		if !strings.Contains(e.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, e.Detail())
		}
	}
	if strings.Contains(e.Detail(), "did not answer") || strings.Contains(e.Detail(), "tainted") {
		t.Errorf("a local read error passed for a lost answer:\n%s", e.Detail())
	}
	if !resp.State.Raw.IsNull() {
		t.Errorf("the object was recorded in the state (tainted): %v", resp.State.Raw)
	}
}
