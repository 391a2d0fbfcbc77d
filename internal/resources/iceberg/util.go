package iceberg

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

type diagList = diag.Diagnostics

// privateImported marks state written by ImportState, so the first Read
// adopts every remote property instead of only the declared ones.
const privateImported = "imported"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func isImporting(ctx context.Context, p privateGetter, d *diagList) bool {
	if p == nil {
		return false
	}
	b, dd := p.GetKey(ctx, privateImported)
	d.Append(dd...)

	return string(b) == "true"
}

func stringList(ctx context.Context, l types.List, d *diagList) []string {
	var out []string
	if l.IsNull() || l.IsUnknown() {
		return out
	}
	d.Append(l.ElementsAs(ctx, &out, false)...)

	return out
}

func stringMap(ctx context.Context, m types.Map, d *diagList) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	d.Append(m.ElementsAs(ctx, &out, false)...)

	return out
}

// OpenCatalog returns the provider's Iceberg catalog, or adds the
// diagnostic for action on typeName id and returns false.
func OpenCatalog(d *providerdata.Data, dg *diag.Diagnostics, action, typeName, id string) (catalog.Catalog, bool) {
	cat, err := catalog.FromData(d)
	if err != nil {
		diags.AddError(dg, action, typeName, id, "The Iceberg catalog could not be opened.", "Check the provider's catalog block.", err)

		return nil, false
	}

	return cat, true
}
