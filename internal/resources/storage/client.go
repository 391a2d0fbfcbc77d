// Package storage holds the object storage resources: lakehouse_bucket,
// lakehouse_bucket_policy and lakehouse_object, on MinIO or any S3.
package storage

import (
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// clientFor returns the S3 client or adds exactly one diagnostic saying why
// there is none (for an unconfigured s3 block: the block and its
// environment variables).
func clientFor(d *providerdata.Data, ds *diag.Diagnostics, action, typeName, id string) *minio.Client {
	if d == nil {
		diags.AddError(ds, action, typeName, id, "The provider was not configured before this call.",
			"This is a bug in the provider; please report it.", nil)

		return nil
	}
	c, err := objectstore.FromData(d)
	if err == nil {
		return c
	}
	var nc *providerdata.NotConfiguredError
	if errors.As(err, &nc) {
		diags.AddError(ds, action, typeName, id, "This resource needs object storage, but the provider has no S3 settings.",
			nc.Error(), nil)

		return nil
	}
	diags.AddError(ds, action, typeName, id, "Building the S3 client failed.",
		"Check the provider's s3 block (endpoint, credentials).", err)

	return nil
}
