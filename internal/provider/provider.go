// Package provider defines the lakehouse provider: its configuration schema,
// how environment variables fill it, and the list of resources and data
// sources. Resource code lives in internal/resources and internal/datasources.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ provider.Provider = (*lakehouseProvider)(nil)

type lakehouseProvider struct {
	version string
}

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &lakehouseProvider{version: version}
	}
}

func (p *lakehouseProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "lakehouse"
	resp.Version = p.version
}

func (p *lakehouseProvider) Resources(_ context.Context) []func() resource.Resource {
	return resourceList()
}

func (p *lakehouseProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return dataSourceList()
}
