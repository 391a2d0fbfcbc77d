package iceberg

import (
	"context"
	"errors"
	"slices"

	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	rsiceberg "github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/iceberg"
)

var (
	_ datasource.DataSourceWithConfigure = (*tableDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*tablesDataSource)(nil)
)

// NewTableDataSource returns the lakehouse_iceberg_table data source.
func NewTableDataSource() datasource.DataSource { return &tableDataSource{} }

// NewTablesDataSource returns the lakehouse_iceberg_tables data source.
func NewTablesDataSource() datasource.DataSource { return &tablesDataSource{} }

type tableDataSource struct{ catalogDataSource }

type tableDataSourceModel struct {
	ID                types.String `tfsdk:"id"`
	Namespace         types.List   `tfsdk:"namespace"`
	Name              types.String `tfsdk:"name"`
	Schema            types.List   `tfsdk:"schema"`
	IdentifierFields  types.List   `tfsdk:"identifier_fields"`
	PartitionSpec     types.List   `tfsdk:"partition_spec"`
	SortOrder         types.List   `tfsdk:"sort_order"`
	Properties        types.Map    `tfsdk:"properties"`
	Location          types.String `tfsdk:"location"`
	FormatVersion     types.Int64  `tfsdk:"format_version"`
	TableUUID         types.String `tfsdk:"table_uuid"`
	MetadataLocation  types.String `tfsdk:"metadata_location"`
	CurrentSnapshotID types.Int64  `tfsdk:"current_snapshot_id"`
	CurrentSchemaID   types.Int64  `tfsdk:"current_schema_id"`
	LastColumnID      types.Int64  `tfsdk:"last_column_id"`
}

func (d *tableDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iceberg_table"
}

// fieldAttributes mirrors the resource's schema field shape, all computed.
func fieldAttributes(level int) map[string]schema.Attribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	typ := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, CustomType: rsiceberg.TypeNameType{}}
	}
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	flag := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
	}
	a := map[string]schema.Attribute{
		"id": num("The Iceberg field id."), "name": str("The column name."),
		"type":     typ("The type: a primitive, or `struct`, `list`, `map`."),
		"required": flag("Whether the column may not hold nulls."), "doc": str("The column documentation."),
		"element_type": typ("For `list`: the element type."), "element_required": flag("For `list`: whether elements are required."),
		"element_id": num("For `list`: the element's field id."), "key_type": typ("For `map`: the key type."),
		"key_id": num("For `map`: the key's field id."), "value_type": typ("For `map`: the value type."),
		"value_required": flag("For `map`: whether values are required."), "value_id": num("For `map`: the value's field id."),
	}
	if level < rsiceberg.MaxNesting {
		a["fields"] = schema.ListNestedAttribute{Computed: true, MarkdownDescription: "Nested struct fields.",
			NestedObject: schema.NestedAttributeObject{Attributes: fieldAttributes(level + 1)}}
	}

	return a
}

func (d *tableDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computedStr := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an Iceberg table's current metadata: schema with field ids, identifier fields, " +
			"partition spec, sort order, all properties, location and current snapshot.",
		Attributes: map[string]schema.Attribute{
			"id": computedStr("The namespace levels and table name joined with `.`, dots in a level escaped as `\\.`."),
			"namespace": schema.ListAttribute{Required: true, ElementType: types.StringType, MarkdownDescription: "The namespace levels.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)}},
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "The table name."},
			"schema": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The current schema's columns.",
				NestedObject: schema.NestedAttributeObject{Attributes: fieldAttributes(1)}},
			"identifier_fields": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Identifier field paths."},
			"partition_spec": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The default partition spec.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"source": computedStr("Source column path."), "transform": computedStr("Transform."), "name": computedStr("Partition field name."),
				}}},
			"sort_order": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The default sort order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"source": computedStr("Source column path."), "transform": computedStr("Transform."),
					"direction": computedStr("`asc` or `desc`."), "null_order": computedStr("`nulls-first` or `nulls-last`."),
				}}},
			"properties":          schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Every table property."},
			"location":            computedStr("The table's base location."),
			"format_version":      schema.Int64Attribute{Computed: true, MarkdownDescription: "The format version."},
			"table_uuid":          computedStr("The table uuid."),
			"metadata_location":   computedStr("The current metadata file."),
			"current_snapshot_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "The current snapshot id, null when empty."},
			"current_schema_id":   schema.Int64Attribute{Computed: true, MarkdownDescription: "The current schema id."},
			"last_column_id":      schema.Int64Attribute{Computed: true, MarkdownDescription: "The highest field id ever assigned."},
		},
	}
}

func (d *tableDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tableDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var ident []string
	resp.Diagnostics.Append(m.Namespace.ElementsAs(ctx, &ident, false)...)
	ident = append(ident, m.Name.ValueString())
	id := catalog.FormatIdentifier(ident)
	cat, ok := d.open(&resp.Diagnostics, "lakehouse_iceberg_table", id)
	if !ok {
		return
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		what := "The table could not be loaded."
		if errors.Is(err, icecatalog.ErrNoSuchTable) {
			what = "The table does not exist."
		}
		rsiceberg.AddCatalogError(&resp.Diagnostics, d.data, "reading", "lakehouse_iceberg_table", id, what, "", err)

		return
	}
	md := tbl.Metadata()
	fields, err := catalog.FromIcebergFields(md.CurrentSchema().Fields())
	if err != nil {
		rsiceberg.AddCatalogError(&resp.Diagnostics, d.data, "reading", "lakehouse_iceberg_table", id, "The table schema cannot be represented.", "", err)

		return
	}
	m.ID = types.StringValue(id)
	m.Schema = rsiceberg.SchemaValue(fields)
	var idents, parts, sorts []attr.Value
	for _, fid := range md.CurrentSchema().IdentifierFieldIDs {
		p, _ := catalog.FieldPath(fields, fid)
		idents = append(idents, types.StringValue(p))
	}
	partType := map[string]attr.Type{"source": types.StringType, "transform": types.StringType, "name": types.StringType}
	spec := md.PartitionSpec()
	for _, f := range spec.Fields() {
		p, _ := catalog.FieldPath(fields, f.SourceID())
		parts = append(parts, types.ObjectValueMust(partType, map[string]attr.Value{
			"source": types.StringValue(p), "transform": types.StringValue(f.Transform.String()), "name": types.StringValue(f.Name)}))
	}
	sortType := map[string]attr.Type{"source": types.StringType, "transform": types.StringType, "direction": types.StringType, "null_order": types.StringType}
	for _, f := range md.SortOrder().Fields() {
		p, _ := catalog.FieldPath(fields, f.SourceID())
		sorts = append(sorts, types.ObjectValueMust(sortType, map[string]attr.Value{
			"source": types.StringValue(p), "transform": types.StringValue(f.Transform.String()),
			"direction": types.StringValue(string(f.Direction)), "null_order": types.StringValue(string(f.NullOrder))}))
	}
	m.IdentifierFields = types.ListValueMust(types.StringType, orEmpty(idents))
	m.PartitionSpec = types.ListValueMust(types.ObjectType{AttrTypes: partType}, orEmpty(parts))
	m.SortOrder = types.ListValueMust(types.ObjectType{AttrTypes: sortType}, orEmpty(sorts))
	var dd diag.Diagnostics
	m.Properties, dd = types.MapValueFrom(ctx, types.StringType, map[string]string(md.Properties()))
	resp.Diagnostics.Append(dd...)
	m.Location = types.StringValue(md.Location())
	m.FormatVersion = types.Int64Value(int64(md.Version()))
	m.TableUUID = types.StringValue(md.TableUUID().String())
	m.MetadataLocation = types.StringValue(tbl.MetadataLocation())
	m.CurrentSnapshotID = types.Int64Null()
	if s := md.CurrentSnapshot(); s != nil {
		m.CurrentSnapshotID = types.Int64Value(s.SnapshotID)
	}
	m.CurrentSchemaID = types.Int64Value(int64(md.CurrentSchema().ID))
	m.LastColumnID = types.Int64Value(int64(md.LastColumnID()))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func orEmpty(v []attr.Value) []attr.Value {
	if v == nil {
		return []attr.Value{}
	}

	return v
}

type tablesDataSource struct{ catalogDataSource }

type tablesDataSourceModel struct {
	Namespace types.List `tfsdk:"namespace"`
	Names     types.List `tfsdk:"names"`
	IDs       types.List `tfsdk:"ids"`
}

func (d *tablesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iceberg_tables"
}

func (d *tablesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tables in one Iceberg namespace.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.ListAttribute{Required: true, ElementType: types.StringType, MarkdownDescription: "The namespace levels.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)}},
			"names": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Table names, sorted."},
			"ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The tables as import IDs for `lakehouse_iceberg_table`."},
		},
	}
}

func (d *tablesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tablesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var ns []string
	resp.Diagnostics.Append(m.Namespace.ElementsAs(ctx, &ns, false)...)
	id := catalog.FormatIdentifier(ns)
	cat, ok := d.open(&resp.Diagnostics, "lakehouse_iceberg_tables", id)
	if !ok {
		return
	}
	var names, ids []string
	for ident, err := range cat.ListTables(ctx, ns) {
		if err != nil {
			rsiceberg.AddCatalogError(&resp.Diagnostics, d.data, "reading", "lakehouse_iceberg_tables", id, "The tables could not be listed.", "", err)

			return
		}
		names = append(names, ident[len(ident)-1])
	}
	slices.Sort(names)
	for _, n := range names {
		ids = append(ids, catalog.FormatIdentifier(append(slices.Clone(ns), n)))
	}
	var dd diag.Diagnostics
	m.Names, dd = types.ListValueFrom(ctx, types.StringType, orEmptyStr(names))
	resp.Diagnostics.Append(dd...)
	m.IDs, dd = types.ListValueFrom(ctx, types.StringType, orEmptyStr(ids))
	resp.Diagnostics.Append(dd...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func orEmptyStr(s []string) []string {
	if s == nil {
		return []string{}
	}

	return s
}
