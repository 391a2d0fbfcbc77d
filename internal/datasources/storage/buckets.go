package storage

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
)

var (
	_ datasource.DataSource              = (*bucketsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*bucketsDataSource)(nil)
)

const bucketsType = "lakehouse_buckets"

// NewBucketsDataSource is the lakehouse_buckets constructor.
func NewBucketsDataSource() datasource.DataSource { return &bucketsDataSource{} }

type bucketsDataSource struct {
	configurable
}

type bucketsDataSourceModel struct {
	ID     types.String `tfsdk:"id"`
	Prefix types.String `tfsdk:"prefix"`
	Names  types.List   `tfsdk:"names"`
}

func (d *bucketsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_buckets"
}

func (d *bucketsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the buckets the credentials can see, optionally only those whose name starts with a prefix.",
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true, MarkdownDescription: "The prefix used (empty for all buckets)."},
			"prefix": schema.StringAttribute{Optional: true, MarkdownDescription: "Only names starting with this prefix, e.g. `inst-`."},
			"names":  schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Bucket names, sorted."},
		},
	}
}

func (d *bucketsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m bucketsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prefix := m.Prefix.ValueString()
	c := clientFor(d.data, &resp.Diagnostics, bucketsType, prefix)
	if c == nil {
		return
	}

	all, err := objectstore.ListBuckets(ctx, c)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", bucketsType, prefix, "Listing buckets failed.", "Check the credentials' permissions (s3:ListAllMyBuckets).", err)

		return
	}
	names := []string{}
	for _, b := range all {
		if strings.HasPrefix(b.Name, prefix) {
			names = append(names, b.Name)
		}
	}
	sort.Strings(names)
	m.ID = types.StringValue(prefix)
	l, dg := types.ListValueFrom(ctx, types.StringType, names)
	resp.Diagnostics.Append(dg...)
	m.Names = l
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
