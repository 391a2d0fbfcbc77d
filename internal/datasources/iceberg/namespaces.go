// Package iceberg holds the lakehouse_iceberg_* data sources: namespaces and
// tables read from the provider's Iceberg catalog.
package iceberg

import (
	"context"
	"errors"
	"slices"

	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	rsiceberg "github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/iceberg"
)

var (
	_ datasource.DataSourceWithConfigure = (*namespaceDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*namespacesDataSource)(nil)
)

// NewNamespaceDataSource returns the lakehouse_iceberg_namespace data source.
func NewNamespaceDataSource() datasource.DataSource { return &namespaceDataSource{} }

// NewNamespacesDataSource returns the lakehouse_iceberg_namespaces data source.
func NewNamespacesDataSource() datasource.DataSource { return &namespacesDataSource{} }

type namespaceDataSource struct{ catalogDataSource }

type namespaceDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	Name       types.List   `tfsdk:"name"`
	Properties types.Map    `tfsdk:"properties"`
}

func (d *namespaceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iceberg_namespace"
}

func (d *namespaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Iceberg namespace and all of its properties. Fails when it does not exist.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The levels joined with `.`, a `.` inside a level escaped as `\\.`."},
			"name": schema.ListAttribute{Required: true, ElementType: types.StringType,
				MarkdownDescription: "The namespace levels from the top.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)}},
			"properties": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Every property the catalog holds for the namespace."},
		},
	}
}

func (d *namespaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m namespaceDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var levels []string
	resp.Diagnostics.Append(m.Name.ElementsAs(ctx, &levels, false)...)
	id := catalog.FormatIdentifier(levels)
	cat, ok := d.open(&resp.Diagnostics, "lakehouse_iceberg_namespace", id)
	if !ok {
		return
	}
	props, err := cat.LoadNamespaceProperties(ctx, levels)
	if err != nil {
		what := "The namespace properties could not be read."
		if errors.Is(err, icecatalog.ErrNoSuchNamespace) {
			what = "The namespace does not exist."
		}
		rsiceberg.AddCatalogError(&resp.Diagnostics, d.data, "reading", "lakehouse_iceberg_namespace", id, what, "", err)

		return
	}
	m.ID = types.StringValue(id)
	var dd diag.Diagnostics
	m.Properties, dd = types.MapValueFrom(ctx, types.StringType, map[string]string(props))
	resp.Diagnostics.Append(dd...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type namespacesDataSource struct{ catalogDataSource }

type namespacesDataSourceModel struct {
	Parent     types.List `tfsdk:"parent"`
	Namespaces types.List `tfsdk:"namespaces"`
	IDs        types.List `tfsdk:"ids"`
}

func (d *namespacesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iceberg_namespaces"
}

func (d *namespacesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the namespaces directly below a parent namespace, or the top-level ones.",
		Attributes: map[string]schema.Attribute{
			"parent": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "The parent namespace levels; omit for the top level."},
			"namespaces": schema.ListAttribute{Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Each child namespace as its list of levels, sorted."},
			"ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The same namespaces as import IDs (levels joined with `.`, dots escaped)."},
		},
	}
}

func (d *namespacesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m namespacesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var parent []string
	if !m.Parent.IsNull() {
		resp.Diagnostics.Append(m.Parent.ElementsAs(ctx, &parent, false)...)
	}
	cat, ok := d.open(&resp.Diagnostics, "lakehouse_iceberg_namespaces", catalog.FormatIdentifier(parent))
	if !ok {
		return
	}
	listed, err := cat.ListNamespaces(ctx, parent)
	if err != nil {
		rsiceberg.AddCatalogError(&resp.Diagnostics, d.data, "reading", "lakehouse_iceberg_namespaces", catalog.FormatIdentifier(parent),
			"The namespaces could not be listed.", "", err)

		return
	}
	// Keep the direct children only, compared level by level.
	var children [][]string
	for _, ns := range listed {
		if len(ns) == len(parent)+1 && slices.Equal(ns[:len(parent)], parent) {
			children = append(children, ns)
		}
	}
	slices.SortFunc(children, func(a, b []string) int { return slices.Compare(a, b) })
	ids := make([]string, len(children))
	for i, c := range children {
		ids[i] = catalog.FormatIdentifier(c)
	}
	var dd diag.Diagnostics
	m.Namespaces, dd = types.ListValueFrom(ctx, types.ListType{ElemType: types.StringType}, children)
	resp.Diagnostics.Append(dd...)
	m.IDs, dd = types.ListValueFrom(ctx, types.StringType, ids)
	resp.Diagnostics.Append(dd...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
