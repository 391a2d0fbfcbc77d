package iceberg

import (
	"context"
	"errors"
	"fmt"
	"slices"

	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const tableType = "lakehouse_iceberg_table"

var (
	_ resource.Resource                = (*tableResource)(nil)
	_ resource.ResourceWithConfigure   = (*tableResource)(nil)
	_ resource.ResourceWithImportState = (*tableResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*tableResource)(nil)
)

// NewTableResource returns the lakehouse_iceberg_table resource.
func NewTableResource() resource.Resource { return &tableResource{} }

type tableResource struct {
	data *providerdata.Data
}

type tableResourceModel struct {
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
	AllowColumnDrops  types.Bool   `tfsdk:"allow_column_drops"`
	Purge             types.Bool   `tfsdk:"purge"`
	TableUUID         types.String `tfsdk:"table_uuid"`
	MetadataLocation  types.String `tfsdk:"metadata_location"`
	CurrentSnapshotID types.Int64  `tfsdk:"current_snapshot_id"`
	CurrentSchemaID   types.Int64  `tfsdk:"current_schema_id"`
	LastColumnID      types.Int64  `tfsdk:"last_column_id"`
}

type partitionFieldModel struct {
	Source    types.String `tfsdk:"source"`
	Transform types.String `tfsdk:"transform"`
	Name      types.String `tfsdk:"name"`
}

type sortFieldModel struct {
	Source    types.String `tfsdk:"source"`
	Transform types.String `tfsdk:"transform"`
	Direction types.String `tfsdk:"direction"`
	NullOrder types.String `tfsdk:"null_order"`
}

func (r *tableResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iceberg_table"
}

const tableDescription = "An Apache Iceberg table in the provider's catalog (SQL or REST), with its schema, " +
	"identifier fields, partition spec, sort order and properties.\n\n" +
	"Every legal change is applied in place, in one catalog commit, and never by replacing the table: adding " +
	"columns (also inside structs), renames, widening (`int` to `long`, `float` to `double`, a larger decimal " +
	"precision), `required` to optional, docs, reordering, partition-spec and sort-order evolution, and property " +
	"changes. Illegal changes fail at plan time with the attribute path: a decimal scale change, narrowing, " +
	"`timestamp` to `timestamptz`, optional to required on a table that holds data, and identifier fields Iceberg " +
	"forbids.\n\n" +
	"**Field identity.** Each field keeps its Iceberg field id: a declared field matches the existing field with " +
	"the same name at the same level. To rename a column, change `name` and set `id` to the column's id (shown in " +
	"state and by the `lakehouse_iceberg_table` data source); the data stays with it. A declared field that matches " +
	"nothing is new and gets `last_column_id + 1`. A new table keeps the declared ids (fields without one take the " +
	"lowest ids left free), so the same configuration creates the same table in another namespace or after an " +
	"out-of-band delete. An existing field that is no longer declared is dropped, which " +
	"needs `allow_column_drops = true` and is refused while the partition spec, sort order or identifier fields " +
	"use it.\n\n" +
	"Each commit asserts the table uuid and current schema id (and, when a column becomes required, the current " +
	"snapshot); on a conflict the provider reloads the table and re-applies the change while the schema it " +
	"planned against is unchanged, and fails otherwise. The evolution rules are checked again against the table " +
	"as loaded for the commit, so a stale plan cannot make a column required after rows arrived. After each " +
	"commit the table is reloaded and compared with the declaration.\n\n" +
	"Only the property keys declared here are managed; keys the catalog or engines add never diff."

func (r *tableResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: tableDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The namespace levels and table name joined with `.`, a `.` inside a level escaped " +
					"as `\\.`; also the import ID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"namespace": schema.ListAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "The namespace levels, e.g. `[\"sales\"]`. Changing it moves the table in place (a catalog rename); data and history stay.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The table name. Changing it renames the table in place; data and history stay.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"schema": schema.ListNestedAttribute{
				Required: true,
				MarkdownDescription: fmt.Sprintf("The columns in order. Structs, lists and maps nest through "+
					"`fields`, up to %d levels.", MaxNesting),
				Validators:   []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: fieldAttributes(1)},
			},
			"identifier_fields": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Columns that identify a row (dotted paths for struct fields). Each must be a " +
					"required primitive other than `float`/`double`, reached only through required structs, never " +
					"inside a list or map.",
			},
			"partition_spec": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "The partition fields, in order. Changing them evolves the spec in place; fields kept " +
					"keep their partition field id. A field is kept while its source column (matched by field id, so " +
					"renaming the column keeps it) and its transform stay. On a format-version-1 table fields can only be appended, or " +
					"replaced by `void` at the same position (keeping their name) to stop partitioning by them.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"source": schema.StringAttribute{Required: true, MarkdownDescription: "The source column (dotted path for struct fields)."},
					"transform": schema.StringAttribute{Required: true, MarkdownDescription: "`identity`, `bucket[N]`, " +
						"`truncate[W]`, `year`, `month`, `day`, `hour` or `void`."},
					"name": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The partition field " +
						"name. Defaults to the existing name for the same source column (by field id) and transform, else the usual Iceberg " +
						"name (`ts_day`, `id_bucket_16`, or the source name for `identity`)."},
				}},
			},
			"sort_order": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "The default sort order, in order. Empty or absent means unsorted.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"source": schema.StringAttribute{Required: true, MarkdownDescription: "The source column."},
					"transform": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("identity"),
						MarkdownDescription: "The transform applied before sorting. Defaults to `identity`."},
					"direction": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("asc"),
						MarkdownDescription: "`asc` (default) or `desc`.",
						Validators:          locatedStrings(stringvalidator.OneOf("asc", "desc"))},
					"null_order": schema.StringAttribute{Optional: true, Computed: true,
						MarkdownDescription: "`nulls-first` or `nulls-last`; defaults to first for `asc`, last for `desc`.",
						Validators:          locatedStrings(stringvalidator.OneOf("nulls-first", "nulls-last"))},
				}},
			},
			"properties": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Table properties to manage, e.g. `write.format.default`. Only these keys are tracked.",
			},
			"location": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The table's base location. Defaults to the catalog's choice under the warehouse.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"format_version": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(2),
				MarkdownDescription: "The Iceberg format version, 1 to 3 (default 2). It can be raised in place, never lowered.",
				Validators:          []validator.Int64{int64validator.Between(1, 3)},
			},
			"allow_column_drops": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Allow removing declared columns to drop them from the table (their data becomes " +
					"unreadable). Defaults to `false`, so a removed column is a plan-time error. Changing it alone commits " +
					"nothing to the table.",
			},
			"purge": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, also delete the table's data and metadata files. Defaults to `false`: " +
					"the table is only dropped from the catalog. Changing it alone commits nothing to the table.",
			},
			"table_uuid": schema.StringAttribute{Computed: true, MarkdownDescription: "The table uuid.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"metadata_location":   schema.StringAttribute{Computed: true, MarkdownDescription: "The current metadata file."},
			"current_snapshot_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "The current snapshot id; null when the table holds no data."},
			"current_schema_id":   schema.Int64Attribute{Computed: true, MarkdownDescription: "The current schema id."},
			"last_column_id":      schema.Int64Attribute{Computed: true, MarkdownDescription: "The highest field id ever assigned."},
		},
	}
}

func (r *tableResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (m *tableResourceModel) ident(ctx context.Context, d *diagList) []string {
	return append(stringList(ctx, m.Namespace, d), m.Name.ValueString())
}

// spec converts the planned model into a TableSpec; prior supplies the
// property keys to remove.
func (m *tableResourceModel) spec(ctx context.Context, prior *tableResourceModel, d *diagList) *catalog.TableSpec {
	fields, err := fieldsFromList(m.Schema)
	if err != nil {
		d.AddAttributeError(path.Root("schema"), "Invalid schema", err.Error())

		return nil
	}
	s := &catalog.TableSpec{
		Fields:           fields,
		IdentifierFields: stringList(ctx, m.IdentifierFields, d),
		Properties:       stringMap(ctx, m.Properties, d),
		FormatVersion:    int(m.FormatVersion.ValueInt64()),
	}
	if !m.Location.IsUnknown() {
		s.Location = m.Location.ValueString()
	}
	for _, p := range partitionFields(ctx, m.PartitionSpec, d) {
		s.Partition = append(s.Partition, catalog.PartitionField{Source: p.Source.ValueString(),
			Transform: p.Transform.ValueString(), Name: p.Name.ValueString()})
	}
	for _, o := range sortFields(ctx, m.SortOrder, d) {
		s.Sort = append(s.Sort, catalog.SortField{Source: o.Source.ValueString(), Transform: o.Transform.ValueString(),
			Direction: o.Direction.ValueString(), NullOrder: o.NullOrder.ValueString()})
	}
	if prior != nil {
		for k := range stringMap(ctx, prior.Properties, d) {
			if _, ok := s.Properties[k]; !ok {
				s.RemovedProps = append(s.RemovedProps, k)
			}
		}
		slices.Sort(s.RemovedProps)
	}

	return s
}

func partitionFields(ctx context.Context, l types.List, d *diagList) []partitionFieldModel {
	var out []partitionFieldModel
	if !l.IsNull() && !l.IsUnknown() {
		d.Append(l.ElementsAs(ctx, &out, false)...)
	}

	return out
}

func sortFields(ctx context.Context, l types.List, d *diagList) []sortFieldModel {
	var out []sortFieldModel
	if !l.IsNull() && !l.IsUnknown() {
		d.Append(l.ElementsAs(ctx, &out, false)...)
	}

	return out
}

func (r *tableResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan tableResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ident := plan.ident(ctx, &resp.Diagnostics)
	id := catalog.FormatIdentifier(ident)
	s := plan.spec(ctx, nil, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	cat, ok := creatingCatalog(r.data, &resp.Diagnostics, tableType, id)
	if !ok {
		return
	}
	tflog.Debug(ctx, "creating Iceberg table", map[string]any{"table": id})
	tbl, err := catalog.Create(ctx, cat, ident, s)
	if err != nil {
		todo := "Check the namespace exists and the declaration is valid."
		if errors.Is(err, icecatalog.ErrTableAlreadyExists) {
			todo = fmt.Sprintf("The table exists already; import it with: terraform import <address> '%s'", id)
		}
		AddCatalogError(&resp.Diagnostics, r.data, "creating", tableType, id, "The catalog did not create the table as declared.", todo, err)
		if tbl == nil {
			return
		}
	}
	plan.ID = types.StringValue(id)
	prior := plan
	resp.Diagnostics.Append(plan.fromTable(ctx, tbl, &prior, false)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *tableResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state tableResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ident := state.ident(ctx, &resp.Diagnostics)
	cat, ok := readingCatalog(ctx, r.data, resp, tableType, state.ID.ValueString())
	if !ok {
		return
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if errors.Is(err, icecatalog.ErrNoSuchTable) || errors.Is(err, icecatalog.ErrNoSuchNamespace) {
		diags.NotFoundWarning(&resp.Diagnostics, tableType, state.ID.ValueString())
		resp.State.RemoveResource(ctx)

		return
	}
	if err != nil {
		AddCatalogError(&resp.Diagnostics, r.data, "reading", tableType, state.ID.ValueString(), "The table could not be loaded.", "", err)

		return
	}
	importing := isImporting(ctx, req.Private, &resp.Diagnostics)
	prior := state
	resp.Diagnostics.Append(state.fromTable(ctx, tbl, &prior, importing)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if importing {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
}

func (r *tableResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state tableResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.commitsNothing(&state) && !plan.MetadataLocation.IsUnknown() {
		// Only purge or allow_column_drops changed: the plan kept every
		// value read from the table, and the state records the setting.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

		return
	}
	ident := plan.ident(ctx, &resp.Diagnostics)
	id := catalog.FormatIdentifier(ident)
	s := plan.spec(ctx, &state, &resp.Diagnostics)
	priorFields, err := fieldsFromList(state.Schema)
	if err != nil {
		resp.Diagnostics.AddError("Invalid prior state", err.Error())
	}
	if resp.Diagnostics.HasError() {
		return
	}
	cat, ok := OpenCatalog(r.data, &resp.Diagnostics, "updating", tableType, id)
	if !ok {
		return
	}
	from := state.ident(ctx, &resp.Diagnostics)
	renamed := !slices.Equal(from, ident)
	if renamed {
		tflog.Debug(ctx, "renaming Iceberg table", map[string]any{"from": catalog.FormatIdentifier(from), "to": id})
		if _, err := cat.RenameTable(ctx, from, ident); err != nil {
			AddCatalogError(&resp.Diagnostics, r.data, "updating", tableType, id, fmt.Sprintf("The table could not be renamed from %s.",
				catalog.FormatIdentifier(from)), "Check the target namespace exists and no table has that name.", err)

			return
		}
	}
	tflog.Debug(ctx, "committing Iceberg table changes", map[string]any{"table": id})
	tbl, err := catalog.Apply(ctx, cat, ident, s, priorFields)
	if err != nil {
		todo := ""
		if errors.Is(err, catalog.ErrConcurrentChange) {
			todo = "Another writer changed the table; run terraform plan again."
		}
		AddCatalogError(&resp.Diagnostics, r.data, "updating", tableType, id, "The change could not be committed as declared.", todo, err)
		if tbl == nil && renamed {
			// The rename happened: record the table under its new name, as
			// it is, so the next plan neither loses nor re-creates it.
			tbl, _ = cat.LoadTable(ctx, ident)
		}
		if tbl == nil {
			return
		}
	}
	plan.ID = types.StringValue(id)
	prior := plan
	resp.Diagnostics.Append(plan.fromTable(ctx, tbl, &prior, false)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *tableResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tableResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ident := state.ident(ctx, &resp.Diagnostics)
	id := catalog.FormatIdentifier(ident)
	cat, ok := OpenCatalog(r.data, &resp.Diagnostics, "deleting", tableType, id)
	if !ok {
		return
	}
	var err error
	if state.Purge.ValueBool() {
		purger, ok := cat.(icecatalog.PurgeableTable)
		if !ok {
			diags.AddError(&resp.Diagnostics, "deleting", tableType, id, "This catalog cannot purge table files.",
				"Set purge = false to drop the table from the catalog only.", nil)

			return
		}
		err = purger.PurgeTable(ctx, ident)
	} else {
		err = cat.DropTable(ctx, ident)
	}
	if err != nil && !errors.Is(err, icecatalog.ErrNoSuchTable) && !errors.Is(err, icecatalog.ErrNoSuchNamespace) {
		AddCatalogError(&resp.Diagnostics, r.data, "deleting", tableType, id, "The catalog refused to drop the table.", "", err)
	}
}

func (r *tableResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	levels, err := catalog.ParseIdentifier(req.ID)
	if err == nil && len(levels) < 2 {
		err = errors.New("a table ID needs a namespace and a table name")
	}
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID for "+tableType, fmt.Sprintf("Expected namespace levels and the "+
			"table name joined with \".\" (a dot inside a level escaped as \"\\.\"), or a JSON array, e.g. "+
			"'sales.events' or '[\"lake\",\"v1.2\",\"events\"]'. %v", err))

		return
	}
	ns, name := levels[:len(levels)-1], levels[len(levels)-1]
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), catalog.FormatIdentifier(levels))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), ns)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("allow_column_drops"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("purge"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte(`true`))...)
}

// serverProperties are keys catalogs and writers maintain themselves; they
// are never adopted on import.
var serverProperties = []string{
	table.PropertyFormatVersion, "uuid", "current-snapshot-id", "current-snapshot-summary",
	"current-snapshot-timestamp-ms", "current-schema", "default-partition-spec", "default-sort-order",
	"snapshot-count", "metadata_location", "previous_metadata_location", "table_type", "created-at",
}
