package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	governanceds "github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/governance"

	icebergds "github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/iceberg"
	storageds "github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/storage"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/storage"

	accesspolicyds "github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/accesspolicy"
	dremiods "github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/governance"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/iceberg"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/labelstudio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/superset"

	datasetsds "github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/datasets"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/datasets"
)

// resourceList names every resource type, grouped by backend.
func resourceList() []func() resource.Resource {
	return []func() resource.Resource{
		// storage
		storage.NewBucketResource,
		storage.NewBucketPolicyResource,
		storage.NewObjectResource,
		// iceberg
		iceberg.NewNamespaceResource,
		iceberg.NewTableResource,
		// governance (expectation suites, submission schemas, de-identification policies)
		governance.NewSubmissionSchemaResource,
		governance.NewDeidPolicyResource,
		governance.NewExpectationSuiteResource,
		// dremio
		dremio.NewSourceResource,
		dremio.NewSpaceResource,
		dremio.NewFolderResource,
		dremio.NewViewResource,
		// access policies
		accesspolicy.NewAccessPolicyResource,
		// superset
		superset.NewDatabaseResource,
		superset.NewDatasetResource,
		superset.NewChartResource,
		superset.NewDashboardResource,
		// label studio
		labelstudio.NewProjectResource,
		labelstudio.NewStorageResource,
		labelstudio.NewWebhookResource,
		// datasets (FAIR records)
		datasets.NewDatasetResource,
	}
}

// dataSourceList names every data source type, grouped by backend.
func dataSourceList() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		// storage
		storageds.NewBucketDataSource,
		storageds.NewBucketsDataSource,
		storageds.NewObjectDataSource,
		// iceberg
		icebergds.NewNamespaceDataSource,
		icebergds.NewNamespacesDataSource,
		icebergds.NewTableDataSource,
		icebergds.NewTablesDataSource,
		// governance
		governanceds.NewExpectationSuiteDataSource,
		// dremio
		dremiods.NewCatalogItemDataSource,
		dremiods.NewSourceDataSource,
		// access policies
		accesspolicyds.NewAccessDecisionDataSource,
		// datasets
		datasetsds.NewDatasetsDataSource,
	}
}
