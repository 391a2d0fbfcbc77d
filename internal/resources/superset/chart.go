package superset

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

const chartType = "lakehouse_superset_chart"

var (
	_ resource.Resource                = (*chartResource)(nil)
	_ resource.ResourceWithConfigure   = (*chartResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*chartResource)(nil)
	_ resource.ResourceWithImportState = (*chartResource)(nil)
)

// NewChartResource is the lakehouse_superset_chart resource.
func NewChartResource() resource.Resource { return &chartResource{} }

type chartResource struct{ clientHolder }

type chartResourceModel struct {
	ID           types.Int64  `tfsdk:"id"`
	UUID         types.String `tfsdk:"uuid"`
	SliceName    types.String `tfsdk:"slice_name"`
	VizType      types.String `tfsdk:"viz_type"`
	DatasetID    types.Int64  `tfsdk:"dataset_id"`
	Params       jsonDocValue `tfsdk:"params"`
	Description  types.String `tfsdk:"description"`
	CacheTimeout types.Int64  `tfsdk:"cache_timeout"`
	URL          types.String `tfsdk:"url"`
}

func (r *chartResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_superset_chart"
}

func (r *chartResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Superset chart (a \"slice\") on a `lakehouse_superset_dataset`. Chart names need not be unique.",
		Attributes: map[string]schema.Attribute{
			"id":   computedID("Superset's numeric id of the chart; use it in dashboards."),
			"uuid": computedString("Superset's UUID of the chart."),
			"slice_name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Chart name (1-250 characters).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 250)},
			},
			"viz_type": schema.StringAttribute{
				Required: true, MarkdownDescription: "Visualisation plugin, e.g. `table`, `big_number_total`, `echarts_timeseries_bar`, `pie`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"dataset_id": schema.Int64Attribute{Required: true, MarkdownDescription: "Id of the `lakehouse_superset_dataset` the chart queries."},
			"params": schema.StringAttribute{
				Optional: true, Computed: true, CustomType: jsonDocType{mode: jsonExact},
				MarkdownDescription: "The chart's form data as a JSON object (metrics, groupby, adhoc_filters, ...), e.g. with `jsonencode`. " +
					"Compared by meaning: key order and formatting never diff.",
				Validators:    []validator.String{jsonObjectValidator{}},
				PlanModifiers: []planmodifier.String{jsonPlan{mode: jsonExact}},
			},
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Description shown in Superset."},
			"cache_timeout": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Cache timeout in seconds; unset uses the dataset's or database's.",
			},
			"url": computedString("Path of the chart in Superset's explore view."),
		},
	}
}

func (r *chartResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *chartResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_superset_chart", providerdata.BlockSuperset)
}

func (r *chartResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan chartResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.SliceName.ValueString()
	if !r.ready(&resp.Diagnostics, "creating", chartType, name) {
		return
	}
	body := map[string]any{
		"slice_name": name, "viz_type": plan.VizType.ValueString(),
		"datasource_id": plan.DatasetID.ValueInt64(), "datasource_type": "table",
	}
	if !plan.Params.IsNull() {
		body["params"] = plan.Params.ValueString()
	}
	if p := strPtr(plan.Description); p != nil {
		body["description"] = *p
	}
	if !plan.CacheTimeout.IsNull() {
		body["cache_timeout"] = plan.CacheTimeout.ValueInt64()
	}
	id, err := r.client.Create(ctx, superset.Charts, body)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", chartType, name, "Superset did not create the chart.",
			why(err, "Check that dataset_id names an existing dataset."), err)

		return
	}
	plan.ID = types.Int64Value(id)
	r.fillComputed(ctx, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *chartResource) fillComputed(ctx context.Context, m *chartResourceModel) {
	if ch, err := r.client.GetChart(ctx, m.ID.ValueInt64()); err == nil {
		m.UUID, m.URL = types.StringValue(ch.UUID), types.StringValue(ch.URL)
	}
	if m.UUID.IsUnknown() {
		m.UUID = types.StringNull()
	}
	if m.URL.IsUnknown() {
		m.URL = types.StringNull()
	}
}

func (r *chartResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state chartResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ch, ok := readByID(ctx, &r.clientHolder, resp, chartType, state.ID, "chart", r.client.GetChart)
	if !ok {
		return
	}
	state.SliceName, state.VizType = types.StringValue(ch.SliceName), types.StringValue(ch.VizType)
	state.DatasetID = types.Int64Value(ch.DatasourceID)
	state.Params = reconcileJSON(state.Params, ch.Params, isImported(ctx, req.Private))
	state.Description = nonEmpty(ch.Description)
	state.CacheTimeout = types.Int64PointerValue(ch.CacheTimeout)
	state.UUID, state.URL = types.StringValue(ch.UUID), types.StringValue(ch.URL)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *chartResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state chartResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := idString(state.ID)
	if !r.ready(&resp.Diagnostics, "updating", chartType, id) {
		return
	}
	body := map[string]any{}
	if !plan.SliceName.Equal(state.SliceName) {
		body["slice_name"] = plan.SliceName.ValueString()
	}
	if !plan.VizType.Equal(state.VizType) {
		body["viz_type"] = plan.VizType.ValueString()
	}
	if !plan.DatasetID.Equal(state.DatasetID) {
		body["datasource_id"], body["datasource_type"] = plan.DatasetID.ValueInt64(), "table"
	}
	if !plan.Params.IsNull() && !jsonCovers(plan.Params.ValueString(), state.Params.ValueString(), jsonExact) {
		body["params"] = plan.Params.ValueString()
	}
	if !plan.Description.Equal(state.Description) {
		body["description"] = strPtr(plan.Description)
	}
	if !plan.CacheTimeout.Equal(state.CacheTimeout) {
		body["cache_timeout"] = plan.CacheTimeout.ValueInt64Pointer()
	}
	if len(body) > 0 {
		if err := r.client.Update(ctx, superset.Charts, state.ID.ValueInt64(), body); err != nil {
			diags.AddError(&resp.Diagnostics, "updating", chartType, id, "Superset did not update the chart.",
				why(err, "Check that dataset_id names an existing dataset."), err)

			return
		}
	}
	plan.ID, plan.UUID, plan.URL = state.ID, state.UUID, state.URL
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *chartResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state chartResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.remove(ctx, &resp.Diagnostics, chartType, superset.Charts, state.ID, "chart",
		advice("Alerts or reports that use the chart must be deleted first."))
}

func (r *chartResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, chartType, req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, importedMark)...)
}
