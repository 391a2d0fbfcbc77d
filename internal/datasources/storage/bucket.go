package storage

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
)

var (
	_ datasource.DataSource              = (*bucketDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*bucketDataSource)(nil)
)

const bucketType = "lakehouse_bucket"

// NewBucketDataSource is the lakehouse_bucket data source constructor.
func NewBucketDataSource() datasource.DataSource { return &bucketDataSource{} }

type bucketDataSource struct {
	configurable
}

type bucketDataSourceModel struct {
	ID                types.String `tfsdk:"id"`
	Bucket            types.String `tfsdk:"bucket"`
	Region            types.String `tfsdk:"region"`
	Versioning        types.String `tfsdk:"versioning"`
	ObjectLockEnabled types.Bool   `tfsdk:"object_lock_enabled"`
	Tags              types.Map    `tfsdk:"tags"`
}

func (d *bucketDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket"
}

func (d *bucketDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing bucket, for example one another team manages. Any existing name works, including legacy names.",
		Attributes: map[string]schema.Attribute{
			"id":                  schema.StringAttribute{Computed: true, MarkdownDescription: "The bucket name."},
			"bucket":              schema.StringAttribute{Required: true, MarkdownDescription: "Bucket name."},
			"region":              schema.StringAttribute{Computed: true, MarkdownDescription: "The bucket's region as the server reports it."},
			"versioning":          schema.StringAttribute{Computed: true, MarkdownDescription: "`Enabled` or `Suspended` (also for a bucket that was never versioned)."},
			"object_lock_enabled": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether Object Lock is on."},
			"tags":                schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Bucket tags."},
		},
	}
}

func (d *bucketDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m bucketDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Bucket.ValueString()
	c := clientFor(d.data, &resp.Diagnostics, bucketType, name)
	if c == nil {
		return
	}

	fail := func(what string, err error) {
		diags.AddError(&resp.Diagnostics, "reading", bucketType, name, what, "Check the bucket name and the credentials' permissions.", err)
	}
	exists, err := c.BucketExists(ctx, name)
	if err != nil || !exists {
		fail("The bucket does not exist or cannot be read.", err)

		return
	}
	region, err := c.GetBucketLocation(ctx, name)
	if err != nil {
		fail("Reading the bucket's region failed.", err)

		return
	}
	v, err := c.GetBucketVersioning(ctx, name)
	if err != nil {
		fail("Reading versioning failed.", err)

		return
	}
	lock, _, _, _, err := c.GetObjectLockConfig(ctx, name)
	if err != nil && !objectstore.IsAbsentConfig(err) {
		fail("Reading the Object Lock configuration failed.", err)

		return
	}
	t, err := c.GetBucketTagging(ctx, name)
	if err != nil && !objectstore.IsAbsentConfig(err) {
		fail("Reading the bucket tags failed.", err)

		return
	}
	got := map[string]string{}
	if t != nil {
		got = t.ToMap()
	}

	m.ID = types.StringValue(name)
	m.Region = types.StringValue(region)
	m.Versioning = types.StringValue("Suspended")
	if v.Status == "Enabled" {
		m.Versioning = types.StringValue("Enabled")
	}
	m.ObjectLockEnabled = types.BoolValue(lock == "Enabled")
	tv, dg := types.MapValueFrom(ctx, types.StringType, got)
	resp.Diagnostics.Append(dg...)
	m.Tags = tv
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
