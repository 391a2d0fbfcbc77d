package providerdata_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var objType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}}

func planReq(destroy bool) resource.ModifyPlanRequest {
	v := tftypes.NewValue(objType, map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "x")})
	if destroy {
		v = tftypes.NewValue(objType, nil)
	}

	return resource.ModifyPlanRequest{Plan: tfsdk.Plan{Raw: v}}
}

func TestRequire(t *testing.T) {
	d := &providerdata.Data{}
	d.Dremio.Configured = true
	if err := d.Require(providerdata.BlockDremio); err != nil {
		t.Fatalf("configured dremio: %v", err)
	}
	err := d.Require(providerdata.BlockCatalog)
	var nc *providerdata.NotConfiguredError
	if !errors.As(err, &nc) || nc.Block != "catalog" || len(nc.Env) == 0 {
		t.Fatalf("want NotConfiguredError for catalog, got %v", err)
	}
	want := "the catalog backend is not configured: set LAKEHOUSE_CATALOG_TYPE, LAKEHOUSE_CATALOG_URI, " +
		"LAKEHOUSE_CATALOG_WAREHOUSE (in Terraform you may write a catalog { ... } block in the provider configuration instead)"
	if err.Error() != want {
		t.Fatalf("message:\n got %s\nwant %s", err, want)
	}
}

// One diagnostic per missing block, none for configured ones, and the
// detail carries the NotConfiguredError text.
func TestRequireInPlan(t *testing.T) {
	d := &providerdata.Data{}
	d.S3.Configured = true
	var resp resource.ModifyPlanResponse
	ok := providerdata.RequireInPlan(planReq(false), &resp, d, "lakehouse_x", providerdata.BlockS3, providerdata.BlockDremio, providerdata.BlockDataCite)
	if ok || resp.Diagnostics.ErrorsCount() != 2 {
		t.Fatalf("want two errors, got ok=%v %v", ok, resp.Diagnostics)
	}
	for i, block := range []string{"dremio", "datacite"} {
		e := resp.Diagnostics.Errors()[i]
		if e.Summary() != "Error planning lakehouse_x" ||
			!strings.Contains(e.Detail(), providerdata.NotConfigured(block).Error()) {
			t.Fatalf("diagnostic %d: %s: %s", i, e.Summary(), e.Detail())
		}
	}
}

// Destroy plans never fail for a missing block (users remove the block
// last), nor does a plan before the provider is configured.
func TestRequireInPlanSkips(t *testing.T) {
	for name, c := range map[string]struct {
		destroy bool
		d       *providerdata.Data
	}{
		"destroy":        {true, &providerdata.Data{}},
		"not configured": {false, nil},
	} {
		var resp resource.ModifyPlanResponse
		if !providerdata.RequireInPlan(planReq(c.destroy), &resp, c.d, "lakehouse_x", providerdata.BlockS3) || resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", name, resp.Diagnostics)
		}
	}
}
