package iceberg

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	rsiceberg "github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/iceberg"
)

// catalogDataSource is embedded by every data source of this package: it
// keeps the provider data from Configure and opens the catalog on Read.
type catalogDataSource struct{ data *providerdata.Data }

func (d *catalogDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

// open returns the provider's Iceberg catalog, or adds the diagnostic for
// reading typeName id and returns false.
func (d *catalogDataSource) open(dg *diag.Diagnostics, typeName, id string) (catalog.Catalog, bool) {
	return rsiceberg.OpenCatalog(d.data, dg, "reading", typeName, id)
}
