package superset

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

const datasetType = "lakehouse_superset_dataset"

var (
	_ resource.Resource                     = (*datasetResource)(nil)
	_ resource.ResourceWithConfigure        = (*datasetResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*datasetResource)(nil)
	_ resource.ResourceWithImportState      = (*datasetResource)(nil)
	_ resource.ResourceWithConfigValidators = (*datasetResource)(nil)
)

// NewDatasetResource is the lakehouse_superset_dataset resource.
func NewDatasetResource() resource.Resource { return &datasetResource{} }

type datasetResource struct{ clientHolder }

type datasetResourceModel struct {
	ID          types.Int64   `tfsdk:"id"`
	UUID        types.String  `tfsdk:"uuid"`
	DatabaseID  types.Int64   `tfsdk:"database_id"`
	Schema      types.String  `tfsdk:"schema"`
	TableName   types.String  `tfsdk:"table_name"`
	SQL         types.String  `tfsdk:"sql"`
	Description types.String  `tfsdk:"description"`
	Kind        types.String  `tfsdk:"kind"`
	Columns     []columnModel `tfsdk:"columns"`
	Metrics     []metricModel `tfsdk:"metrics"`
}

type columnModel struct {
	ColumnName  types.String `tfsdk:"column_name"`
	Type        types.String `tfsdk:"type"`
	VerboseName types.String `tfsdk:"verbose_name"`
	Description types.String `tfsdk:"description"`
	Expression  types.String `tfsdk:"expression"`
	Filterable  types.Bool   `tfsdk:"filterable"`
	GroupBy     types.Bool   `tfsdk:"groupby"`
	IsDttm      types.Bool   `tfsdk:"is_dttm"`
}

type metricModel struct {
	MetricName  types.String `tfsdk:"metric_name"`
	Expression  types.String `tfsdk:"expression"`
	MetricType  types.String `tfsdk:"metric_type"`
	VerboseName types.String `tfsdk:"verbose_name"`
	Description types.String `tfsdk:"description"`
	D3Format    types.String `tfsdk:"d3format"`
}

func (r *datasetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_superset_dataset"
}

func (r *datasetResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Superset dataset: a physical table (`schema` + `table_name`) or a virtual one (`sql`). " +
			"`columns` and `metrics` are matched by name: the settings given here (verbose names, filterable, groupby, ...) " +
			"are applied to the server's columns, columns and metrics not listed are left alone, and a refresh of the column " +
			"list from the source never resets them. To derive columns from an Iceberg table, build the list in HCL from " +
			"the `lakehouse_iceberg_table`'s schema attributes.",
		Attributes: map[string]schema.Attribute{
			"id":          computedID("Superset's numeric id of the dataset."),
			"uuid":        computedString("Superset's UUID of the dataset."),
			"database_id": schema.Int64Attribute{Required: true, MarkdownDescription: "Id of the `lakehouse_superset_database`."},
			"schema": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Schema of the table (for Dremio, the dotted space or folder path).",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"table_name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Table name; for a virtual dataset, the dataset's name. Unique per database and schema.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 250)},
			},
			"sql": schema.StringAttribute{
				Optional: true, MarkdownDescription: "SELECT statement; makes the dataset virtual.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Description shown in Superset."},
			"kind":        computedString("`physical` or `virtual`."),
			"columns": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Column settings, matched by `column_name`. A column with an `expression` is a calculated " +
					"column and is created if missing; the others must exist in the source.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"column_name":  schema.StringAttribute{Required: true, MarkdownDescription: "Column name."},
					"type":         schema.StringAttribute{Optional: true, MarkdownDescription: "SQL type as Superset shows it; unset leaves the server's."},
					"verbose_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Label shown in charts."},
					"description":  schema.StringAttribute{Optional: true, MarkdownDescription: "Description (tooltip)."},
					"expression":   schema.StringAttribute{Optional: true, MarkdownDescription: "SQL expression of a calculated column."},
					"filterable": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(true),
						MarkdownDescription: "Can be used in filters. Defaults to `true`.",
					},
					"groupby": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(true),
						MarkdownDescription: "Can be grouped by (a dimension). Defaults to `true`.",
					},
					"is_dttm": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Is a temporal column. Defaults to `false`.",
					},
				}},
			},
			"metrics": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Metrics, matched by `metric_name`. Metrics on the server that are not listed are left alone.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"metric_name":  schema.StringAttribute{Required: true, MarkdownDescription: "Metric name."},
					"expression":   schema.StringAttribute{Required: true, MarkdownDescription: "SQL aggregate, e.g. `COUNT(DISTINCT student_id)`."},
					"metric_type":  schema.StringAttribute{Optional: true, MarkdownDescription: "Metric type, e.g. `count`."},
					"verbose_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Label shown in charts."},
					"description":  schema.StringAttribute{Optional: true, MarkdownDescription: "Description (tooltip)."},
					"d3format":     schema.StringAttribute{Optional: true, MarkdownDescription: "d3 number format, e.g. `,.1%`."},
				}},
			},
		},
	}
}

func (r *datasetResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.Conflicting(path.MatchRoot("sql"), path.MatchRoot("schema"))}
}

func (r *datasetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs, and marks kind unknown when
// sql is added or removed (that turns a physical dataset virtual or back).
func (r *datasetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, "lakehouse_superset_dataset", providerdata.BlockSuperset) {
		return
	}
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planSQL, stateSQL types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("sql"), &planSQL)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("sql"), &stateSQL)...)
	if planSQL.IsUnknown() || planSQL.IsNull() != stateSQL.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("kind"), types.StringUnknown())...)
	}
}

func (r *datasetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan datasetResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.TableName.ValueString()
	if !r.ready(&resp.Diagnostics, "creating", datasetType, name) {
		return
	}
	body := map[string]any{"database": plan.DatabaseID.ValueInt64(), "table_name": name}
	if p := strPtr(plan.Schema); p != nil {
		body["schema"] = *p
	}
	if p := strPtr(plan.SQL); p != nil {
		body["sql"] = *p
	}
	id, err := r.client.Create(ctx, superset.Datasets, body)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", datasetType, name, "Superset did not create the dataset.",
			why(err, "Check that the database exists, the table exists in that schema, and no other dataset uses the same table."), err)

		return
	}
	plan.ID = types.Int64Value(id)
	// Save the id first so a failure below leaves a resource to fix, not an orphan.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if err := r.apply(ctx, &plan, nil); err != nil {
		diags.AddError(&resp.Diagnostics, "creating", datasetType, idString(plan.ID),
			"The dataset was created, but its description, columns or metrics could not be set.",
			"Check that every column without an expression exists in the source table, then apply again.", err)

		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *datasetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state datasetResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ds, ok := readByID(ctx, &r.clientHolder, resp, datasetType, state.ID, "dataset", r.client.GetDataset)
	if !ok {
		return
	}
	mapDataset(ds, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *datasetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state datasetResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.ready(&resp.Diagnostics, "updating", datasetType, idString(state.ID)) {
		return
	}
	plan.ID, plan.UUID = state.ID, state.UUID
	if err := r.apply(ctx, &plan, &state); err != nil {
		diags.AddError(&resp.Diagnostics, "updating", datasetType, idString(state.ID), "Superset did not update the dataset.",
			why(err, "Check that every column without an expression exists in the source table."), err)

		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *datasetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state datasetResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.remove(ctx, &resp.Diagnostics, datasetType, superset.Datasets, state.ID, "dataset",
		advice("Charts using the dataset may need to be deleted first."))
}

func (r *datasetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, datasetType, req, resp)
}

// apply is read-modify-write: it reads the dataset, sends the changed
// scalar fields, and, when columns or metrics are managed, the complete
// lists the PUT needs, with each server item's id and current settings so
// nothing not named in the configuration is reset or dropped. prior is nil
// on create.
func (r *datasetResource) apply(ctx context.Context, plan, prior *datasetResourceModel) error {
	ds, err := r.client.GetDataset(ctx, plan.ID.ValueInt64())
	if err != nil {
		return fmt.Errorf("reading the dataset: %w", err)
	}
	body := map[string]any{}
	if prior != nil {
		if !plan.DatabaseID.Equal(prior.DatabaseID) {
			body["database_id"] = plan.DatabaseID.ValueInt64()
		}
		if !plan.TableName.Equal(prior.TableName) {
			body["table_name"] = plan.TableName.ValueString()
		}
		if !plan.Schema.Equal(prior.Schema) {
			body["schema"] = strPtr(plan.Schema)
		}
		if !plan.SQL.Equal(prior.SQL) {
			body["sql"] = strPtr(plan.SQL)
		}
	}
	if prior == nil || !plan.Description.Equal(prior.Description) {
		if prior != nil || !plan.Description.IsNull() {
			body["description"] = strPtr(plan.Description)
		}
	}
	var priorCols []columnModel
	var priorMets []metricModel
	if prior != nil {
		priorCols, priorMets = prior.Columns, prior.Metrics
	}
	if plan.Columns != nil && (prior == nil || !sameList(plan.Columns, prior.Columns)) {
		body["columns"] = mergeColumns(ds.Columns, plan.Columns, priorCols)
	}
	if plan.Metrics != nil && (prior == nil || !sameList(plan.Metrics, prior.Metrics)) {
		body["metrics"] = mergeMetrics(ds.Metrics, plan.Metrics, priorMets)
	}
	if len(body) > 0 {
		if err := r.client.Update(ctx, superset.Datasets, plan.ID.ValueInt64(), body); err != nil {
			return err
		}
		if ds, err = r.client.GetDataset(ctx, plan.ID.ValueInt64()); err != nil {
			return fmt.Errorf("reading the dataset back: %w", err)
		}
	}
	plan.UUID, plan.Kind = types.StringValue(ds.UUID), types.StringValue(ds.Kind)
	if ds.Kind == "" {
		plan.Kind = types.StringValue(map[bool]string{true: "virtual", false: "physical"}[!plan.SQL.IsNull()])
	}

	return missingColumns(ds, plan)
}

// missingColumns reports configured physical columns the server does not
// have (Superset silently creates them as empty columns otherwise).
func missingColumns(ds *superset.Dataset, plan *datasetResourceModel) error {
	have := map[string]bool{}
	for _, c := range ds.Columns {
		have[c.ColumnName] = true
	}
	for _, c := range plan.Columns {
		if !have[c.ColumnName.ValueString()] {
			return fmt.Errorf("column %q is not in the dataset", c.ColumnName.ValueString())
		}
	}

	return nil
}

func (c columnModel) apply(to *superset.DatasetColumn) {
	set := func(dst **string, v types.String) {
		if !v.IsNull() && !v.IsUnknown() {
			s := v.ValueString()
			*dst = &s
		}
	}
	set(&to.Type, c.Type)
	set(&to.VerboseName, c.VerboseName)
	set(&to.Description, c.Description)
	set(&to.Expression, c.Expression)
	f, g, d := c.Filterable.ValueBool(), c.GroupBy.ValueBool(), c.IsDttm.ValueBool()
	to.Filterable, to.GroupBy, to.IsDttm = &f, &g, &d
}

// mergeColumns builds the PUT list: every server column (with its id and
// current settings) overlaid with the configured settings, plus new
// calculated columns. Calculated columns that were managed before and are
// no longer configured are dropped.
func mergeColumns(server []superset.DatasetColumn, plan, prior []columnModel) []superset.DatasetColumn {
	want := map[string]columnModel{}
	for _, c := range plan {
		want[c.ColumnName.ValueString()] = c
	}
	droppedCalc := map[string]bool{}
	for _, c := range prior {
		if _, still := want[c.ColumnName.ValueString()]; !still && !c.Expression.IsNull() {
			droppedCalc[c.ColumnName.ValueString()] = true
		}
	}
	out := make([]superset.DatasetColumn, 0, len(server)+len(plan))
	seen := map[string]bool{}
	for _, sc := range server {
		if droppedCalc[sc.ColumnName] {
			continue
		}
		if c, ok := want[sc.ColumnName]; ok {
			c.apply(&sc)
		}
		seen[sc.ColumnName] = true
		out = append(out, sc)
	}
	for _, c := range plan {
		if !seen[c.ColumnName.ValueString()] && !c.Expression.IsNull() {
			nc := superset.DatasetColumn{ColumnName: c.ColumnName.ValueString()}
			c.apply(&nc)
			out = append(out, nc)
		}
	}

	return out
}

func (m metricModel) apply(to *superset.DatasetMetric) {
	to.Expression = m.Expression.ValueString()
	to.MetricType, to.VerboseName, to.Description, to.D3Format =
		strPtr(m.MetricType), strPtr(m.VerboseName), strPtr(m.Description), strPtr(m.D3Format)
}

// mergeMetrics keeps unmanaged server metrics, updates managed ones in
// place (by id) and drops those removed from the configuration.
func mergeMetrics(server []superset.DatasetMetric, plan, prior []metricModel) []superset.DatasetMetric {
	want := map[string]metricModel{}
	for _, m := range plan {
		want[m.MetricName.ValueString()] = m
	}
	dropped := map[string]bool{}
	for _, m := range prior {
		if _, still := want[m.MetricName.ValueString()]; !still {
			dropped[m.MetricName.ValueString()] = true
		}
	}
	out := make([]superset.DatasetMetric, 0, len(server)+len(plan))
	seen := map[string]bool{}
	for _, sm := range server {
		if dropped[sm.MetricName] {
			continue
		}
		if m, ok := want[sm.MetricName]; ok {
			m.apply(&sm)
		}
		seen[sm.MetricName] = true
		out = append(out, sm)
	}
	for _, m := range plan {
		if !seen[m.MetricName.ValueString()] {
			nm := superset.DatasetMetric{MetricName: m.MetricName.ValueString()}
			m.apply(&nm)
			out = append(out, nm)
		}
	}

	return out
}

// sameList is slices.Equal that also tells an unset list (nil) from an
// empty one: the two mean different things to columns and metrics.
func sameList[T comparable](a, b []T) bool {
	return (a == nil) == (b == nil) && slices.Equal(a, b)
}

// mapDataset copies the server's dataset into the state. Columns and
// metrics are projected onto the names the state manages, in the state's
// order: server items not managed never diff, and a managed item that
// vanished drops out of the list, which plans its re-creation.
func mapDataset(ds *superset.Dataset, state *datasetResourceModel) {
	state.DatabaseID = types.Int64Value(ds.Database.ID)
	state.TableName = types.StringValue(ds.TableName)
	state.Schema = nonEmpty(ds.Schema)
	state.SQL = nonEmpty(ds.SQL)
	state.Description = nonEmpty(ds.Description)
	state.UUID, state.Kind = types.StringValue(ds.UUID), types.StringValue(ds.Kind)
	if state.Columns != nil {
		byName := map[string]superset.DatasetColumn{}
		for _, c := range ds.Columns {
			byName[c.ColumnName] = c
		}
		cols := make([]columnModel, 0, len(state.Columns))
		for _, pc := range state.Columns {
			sc, ok := byName[pc.ColumnName.ValueString()]
			if !ok {
				continue
			}
			cols = append(cols, columnModel{
				ColumnName: pc.ColumnName, Type: keepIfOwned(pc.Type, sc.Type),
				VerboseName: keepIfOwned(pc.VerboseName, sc.VerboseName), Description: keepIfOwned(pc.Description, sc.Description),
				Expression: keepIfOwned(pc.Expression, sc.Expression),
				Filterable: boolOr(sc.Filterable, true), GroupBy: boolOr(sc.GroupBy, true), IsDttm: boolOr(sc.IsDttm, false),
			})
		}
		state.Columns = cols
	}
	if state.Metrics != nil {
		byName := map[string]superset.DatasetMetric{}
		for _, m := range ds.Metrics {
			byName[m.MetricName] = m
		}
		mets := make([]metricModel, 0, len(state.Metrics))
		for _, pm := range state.Metrics {
			sm, ok := byName[pm.MetricName.ValueString()]
			if !ok {
				continue
			}
			mets = append(mets, metricModel{
				MetricName: pm.MetricName, Expression: types.StringValue(sm.Expression),
				MetricType: keepIfOwned(pm.MetricType, sm.MetricType), VerboseName: keepIfOwned(pm.VerboseName, sm.VerboseName),
				Description: keepIfOwned(pm.Description, sm.Description), D3Format: keepIfOwned(pm.D3Format, sm.D3Format),
			})
		}
		state.Metrics = mets
	}
}

func nonEmpty(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}

	return types.StringValue(*p)
}

func boolOr(p *bool, def bool) types.Bool {
	if p == nil {
		return types.BoolValue(def)
	}

	return types.BoolValue(*p)
}
