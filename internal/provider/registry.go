package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// resourceList names every resource type, grouped by backend.
func resourceList() []func() resource.Resource {
	return []func() resource.Resource{
		// storage
		// iceberg
		// governance (expectation suites, submission schemas, de-identification policies)
		// dremio
		// access policies
		// superset
		// label studio
		// datasets (FAIR records)
	}
}

// dataSourceList names every data source type, grouped by backend.
func dataSourceList() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		// storage
		// iceberg
		// governance
		// dremio
		// access policies
		// datasets
	}
}
