// Package dremio holds the lakehouse_dremio_* data sources.
package dremio

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const catalogItemType = "lakehouse_dremio_catalog_item"

var (
	_ datasource.DataSource                     = (*catalogItemDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*catalogItemDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*catalogItemDataSource)(nil)
)

type catalogItemDataSource struct {
	data *providerdata.Data
}

type catalogItemDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	Path       types.List   `tfsdk:"path"`
	EntityType types.String `tfsdk:"entity_type"`
	Type       types.String `tfsdk:"type"`
	Tag        types.String `tfsdk:"tag"`
	SQL        types.String `tfsdk:"sql"`
	Children   types.List   `tfsdk:"children"`
}

var childAttrTypes = map[string]attr.Type{
	"id": types.StringType, "path": types.ListType{ElemType: types.StringType}, "type": types.StringType,
	"container_type": types.StringType, "dataset_type": types.StringType,
}

// NewCatalogItemDataSource is the lakehouse_dremio_catalog_item constructor.
func NewCatalogItemDataSource() datasource.DataSource { return &catalogItemDataSource{} }

func (d *catalogItemDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dremio_catalog_item"
}

func (d *catalogItemDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one object in the Dremio catalog (source, space, folder, view or table) by path or id, " +
			"with its direct children. Useful for objects Terraform does not manage, such as tables Dremio discovered in a source.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Catalog id. Give either `id` or `path`.",
				Optional:            true, Computed: true,
			},
			"path": schema.ListAttribute{
				MarkdownDescription: "Full path, e.g. `[\"lake\", \"oulad\", \"studentInfo\"]`. Give either `id` or `path`.",
				Optional:            true, Computed: true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"entity_type": schema.StringAttribute{
				MarkdownDescription: "`source`, `space`, `folder`, `dataset`, `home` or `function`.",
				Computed:            true,
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "For a dataset `VIRTUAL_DATASET` or `PHYSICAL_DATASET`; for a source its type (`S3`, `NESSIE`, ...).",
				Computed:            true,
			},
			"tag": schema.StringAttribute{MarkdownDescription: "Current version tag.", Computed: true},
			"sql": schema.StringAttribute{MarkdownDescription: "A view's query as Dremio stores it; empty otherwise.", Computed: true},
			"children": schema.ListNestedAttribute{
				MarkdownDescription: "Direct children of a container, every page of them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":             schema.StringAttribute{MarkdownDescription: "Catalog id.", Computed: true},
					"path":           schema.ListAttribute{MarkdownDescription: "Full path.", Computed: true, ElementType: types.StringType},
					"type":           schema.StringAttribute{MarkdownDescription: "`CONTAINER`, `DATASET` or `FILE`.", Computed: true},
					"container_type": schema.StringAttribute{MarkdownDescription: "`SPACE`, `SOURCE`, `FOLDER`, `HOME` or empty.", Computed: true},
					"dataset_type":   schema.StringAttribute{MarkdownDescription: "`VIRTUAL`, `PROMOTED`, `DIRECT` or empty.", Computed: true},
				}},
			},
		},
	}
}

func (d *catalogItemDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("path"))}
}

func (d *catalogItemDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *catalogItemDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m catalogItemDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var p []string
	if !m.Path.IsNull() {
		resp.Diagnostics.Append(m.Path.ElementsAs(ctx, &p, false)...)
	}
	label := m.ID.ValueString()
	if p != nil {
		label = dremio.PathID(p)
	}
	c := clientFor(d.data, &resp.Diagnostics, catalogItemType, label)
	if c == nil {
		return
	}

	var e *dremio.Entity
	var err error
	if p != nil {
		e, err = c.GetByPath(ctx, p)
	} else {
		e, err = c.Get(ctx, m.ID.ValueString())
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", catalogItemType, label, "The catalog object could not be read.",
			"Check the path or id (paths compare case-insensitively; each element is one list item).", err)

		return
	}
	children, err := c.AllChildren(ctx, e)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", catalogItemType, label, "The object's children could not be listed.", "", err)

		return
	}

	m.ID, m.EntityType, m.Type, m.Tag, m.SQL = types.StringValue(e.ID), types.StringValue(e.EntityType),
		types.StringValue(e.Type), types.StringValue(e.Tag), types.StringValue(e.SQL)
	if len(e.Path) > 0 {
		m.Path = stringList(e.Path)
	} else if e.Name != "" {
		m.Path = stringList([]string{e.Name})
	}
	m.Children = childList(children)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func stringList(p []string) types.List {
	vals := make([]attr.Value, len(p))
	for i, s := range p {
		vals[i] = types.StringValue(s)
	}

	return types.ListValueMust(types.StringType, vals)
}

func childList(items []dremio.CatalogItem) types.List {
	objType := types.ObjectType{AttrTypes: childAttrTypes}
	vals := make([]attr.Value, 0, len(items))
	for _, it := range items {
		vals = append(vals, types.ObjectValueMust(childAttrTypes, map[string]attr.Value{
			"id": types.StringValue(it.ID), "path": stringList(it.Path), "type": types.StringValue(it.Type),
			"container_type": types.StringValue(it.ContainerType), "dataset_type": types.StringValue(it.DatasetType),
		}))
	}

	return types.ListValueMust(objType, vals)
}

func clientFor(data *providerdata.Data, dg interface {
	AddError(string, string)
}, typeName, id string,
) *dremio.Client {
	if data == nil {
		dg.AddError(diags.Summary("reading", typeName, id), "The provider is not configured yet. This is a bug in the provider; please report it.")

		return nil
	}
	c, err := dremio.FromData(data)
	if err != nil {
		dg.AddError(diags.Summary("reading", typeName, id), diags.Detail("The Dremio client could not be set up.",
			"Check the provider's dremio block or its LAKEHOUSE_DREMIO_* environment variables.", err))

		return nil
	}

	return c
}

// configJSON renders a source config without masked secrets.
func configJSON(cfg map[string]any) string {
	out := map[string]any{}
	for k, v := range cfg {
		if v == dremio.MaskedSecret || v == nil {
			continue
		}
		out[k] = v
	}
	b, _ := json.Marshal(out)

	return string(b)
}
