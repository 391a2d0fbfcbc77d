package dremio

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const sourceType = "lakehouse_dremio_source"

var (
	_ datasource.DataSource              = (*sourceDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*sourceDataSource)(nil)
)

type sourceDataSource struct {
	data *providerdata.Data
}

type sourceDataSourceModel struct {
	Name   types.String `tfsdk:"name"`
	ID     types.String `tfsdk:"id"`
	Type   types.String `tfsdk:"type"`
	Tag    types.String `tfsdk:"tag"`
	Status types.String `tfsdk:"status"`
	Config types.String `tfsdk:"config"`
}

// NewSourceDataSource is the lakehouse_dremio_source data source constructor.
func NewSourceDataSource() datasource.DataSource { return &sourceDataSource{} }

func (d *sourceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dremio_source"
}

func (d *sourceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing Dremio source by name, for example one created in the console, to point views at it.",
		Attributes: map[string]schema.Attribute{
			"name":   schema.StringAttribute{MarkdownDescription: "Source name (compared case-insensitively).", Required: true},
			"id":     schema.StringAttribute{MarkdownDescription: "Catalog id.", Computed: true},
			"type":   schema.StringAttribute{MarkdownDescription: "Source type, e.g. `S3`, `NESSIE`, `RESTCATALOG`.", Computed: true},
			"tag":    schema.StringAttribute{MarkdownDescription: "Current version tag.", Computed: true},
			"status": schema.StringAttribute{MarkdownDescription: "Health: `good`, `warn` or `bad`.", Computed: true},
			"config": schema.StringAttribute{
				MarkdownDescription: "The source's configuration as JSON, without secrets (Dremio masks them; they are left out).",
				Computed:            true,
			},
		},
	}
}

func (d *sourceDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *sourceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m sourceDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := m.Name.ValueString()
	c := clientFor(d.data, &resp.Diagnostics, sourceType, name)
	if c == nil {
		return
	}

	e, err := c.GetByPath(ctx, []string{name})
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", sourceType, name, "The source could not be read.",
			"Check the name; list sources with the lakehouse_dremio_catalog_item data source or in the Dremio console.", err)

		return
	}
	if e.EntityType != "source" {
		diags.AddError(&resp.Diagnostics, "reading", sourceType, name, "\""+name+"\" is a "+e.EntityType+", not a source.", "", nil)

		return
	}

	m.ID, m.Type, m.Tag = types.StringValue(e.ID), types.StringValue(e.Type), types.StringValue(e.Tag)
	m.Status = types.StringValue("unknown")
	if e.State != nil && e.State.Status != "" {
		m.Status = types.StringValue(e.State.Status)
	}
	m.Config = types.StringValue(configJSON(e.Config))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
