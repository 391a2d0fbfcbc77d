// Package storage holds the object storage data sources: lakehouse_bucket,
// lakehouse_buckets and lakehouse_object.
package storage

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

func clientFor(d *providerdata.Data, ds *diag.Diagnostics, typeName, id string) *minio.Client {
	if d == nil {
		diags.AddError(ds, "reading", typeName, id, "The provider was not configured before this call.",
			"This is a bug in the provider; please report it.", nil)

		return nil
	}
	c, err := objectstore.FromData(d)
	if err == nil {
		return c
	}
	var nc *providerdata.NotConfiguredError
	if errors.As(err, &nc) {
		diags.AddError(ds, "reading", typeName, id, "This data source needs object storage, but the provider has no S3 settings.", nc.Error(), nil)

		return nil
	}
	diags.AddError(ds, "reading", typeName, id, "Building the S3 client failed.", "Check the provider's s3 block.", err)

	return nil
}

type configurable struct {
	data *providerdata.Data
}

func (c *configurable) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	c.data = providerdata.FromDataSource(req, resp)
}
