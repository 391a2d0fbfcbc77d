package superset

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

const dashboardType = "lakehouse_superset_dashboard"

var (
	_ resource.Resource                   = (*dashboardResource)(nil)
	_ resource.ResourceWithConfigure      = (*dashboardResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*dashboardResource)(nil)
	_ resource.ResourceWithImportState    = (*dashboardResource)(nil)
	_ resource.ResourceWithValidateConfig = (*dashboardResource)(nil)
)

// NewDashboardResource is the lakehouse_superset_dashboard resource.
func NewDashboardResource() resource.Resource { return &dashboardResource{} }

type dashboardResource struct{ clientHolder }

type dashboardResourceModel struct {
	ID             types.Int64  `tfsdk:"id"`
	UUID           types.String `tfsdk:"uuid"`
	URL            types.String `tfsdk:"url"`
	DashboardTitle types.String `tfsdk:"dashboard_title"`
	Slug           types.String `tfsdk:"slug"`
	Charts         types.List   `tfsdk:"charts"`
	PositionJSON   jsonDocValue `tfsdk:"position_json"`
	JSONMetadata   jsonDocValue `tfsdk:"json_metadata"`
	Published      types.Bool   `tfsdk:"published"`
	Owners         types.Set    `tfsdk:"owners"`
}

// slugPattern is what Superset keeps of a slug after normalising it;
// anything else would be rewritten by the server and drift forever.
var slugPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

func (r *dashboardResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_superset_dashboard"
}

func (r *dashboardResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Superset dashboard. Its layout is either generated from `charts` (three charts per row) " +
			"or given as `position_json`. Layout and `json_metadata` are compared by meaning: keys Superset adds " +
			"(`parents`, chart `uuid`s, `shared_label_colors`, ...) never show as a diff, and an update that does not " +
			"change them never sends them, so the layout is never cleared by an unrelated change.",
		Attributes: map[string]schema.Attribute{
			"id":   computedID("Superset's numeric id of the dashboard."),
			"uuid": computedString("Superset's UUID of the dashboard."),
			"url":  computedString("Path of the dashboard in Superset."),
			"dashboard_title": schema.StringAttribute{
				Required: true, MarkdownDescription: "Title (up to 500 characters; any Unicode).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 500)},
			},
			"slug": schema.StringAttribute{
				Optional: true, MarkdownDescription: "URL slug, unique per Superset instance: letters, digits, `_` and `-` only " +
					"(Superset rewrites anything else).",
				Validators: []validator.String{stringvalidator.RegexMatches(slugPattern,
					"must be 1-255 letters, digits, '_' or '-', which Superset keeps unchanged")},
			},
			"charts": schema.ListAttribute{
				Optional: true, ElementType: types.Int64Type,
				MarkdownDescription: "Ids of the charts on the dashboard. Without `position_json`, the layout is generated " +
					"from this list in its order. With `position_json`, leave it out or list exactly the charts the layout places.",
			},
			"position_json": schema.StringAttribute{
				Optional: true, Computed: true, CustomType: jsonDocType{mode: jsonLayout},
				MarkdownDescription: "The dashboard layout (Superset's `position_json`) as a JSON object, e.g. with `jsonencode`. " +
					"Computed from `charts` when unset. Every `meta.chartId` must name an existing chart.",
				Validators:    []validator.String{jsonObjectValidator{}},
				PlanModifiers: []planmodifier.String{layoutPlan{}},
			},
			"json_metadata": schema.StringAttribute{
				Optional: true, Computed: true, CustomType: jsonDocType{mode: jsonOwnedKeys},
				MarkdownDescription: "Dashboard metadata (`color_scheme`, `refresh_frequency`, `native_filter_configuration`, ...) as " +
					"a JSON object. Only the keys set here are managed; keys Superset adds are kept on update.",
				Validators:    []validator.String{jsonObjectValidator{}},
				PlanModifiers: []planmodifier.String{jsonPlan{mode: jsonOwnedKeys}},
			},
			"published": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Published dashboards are listed for everyone with access. Defaults to `false`.",
			},
			"owners": schema.SetAttribute{
				Optional: true, Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "User ids of the owners. Unset keeps what Superset chose (the caller).",
				PlanModifiers:       []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// ValidateConfig rejects a charts list that disagrees with the charts the
// given layout places: Superset attaches charts from the layout, so the
// difference would show as a diff on every plan.
func (r *dashboardResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m dashboardResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Charts.IsNull() || m.Charts.IsUnknown() || m.PositionJSON.IsNull() || m.PositionJSON.IsUnknown() {
		return
	}
	for _, e := range m.Charts.Elements() {
		if e.IsUnknown() {
			return
		}
	}
	listed, placed := int64s(ctx, m.Charts), layoutChartIDs(m.PositionJSON.ValueString())
	slices.Sort(listed)
	slices.Sort(placed)
	if !slices.Equal(slices.Compact(listed), slices.Compact(placed)) {
		resp.Diagnostics.AddAttributeError(path.Root("charts"), "charts disagrees with position_json",
			fmt.Sprintf("With position_json set, charts must list the charts the layout places (%v), or be left out; it lists %v.", placed, listed))
	}
}

func (r *dashboardResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs, and marks url unknown when
// the slug changes (Superset builds the dashboard's path from its slug).
func (r *dashboardResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, "lakehouse_superset_dashboard", providerdata.BlockSuperset) {
		return
	}
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var planSlug, stateSlug types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("slug"), &planSlug)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("slug"), &stateSlug)...)
	if !planSlug.Equal(stateSlug) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("url"), types.StringUnknown())...)
	}
}

func (r *dashboardResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan dashboardResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	title := plan.DashboardTitle.ValueString()
	if !r.ready(&resp.Diagnostics, "creating", dashboardType, title) {
		return
	}
	if err := r.checkCharts(ctx, &plan); err != nil {
		diags.AddError(&resp.Diagnostics, "creating", dashboardType, title, "The dashboard refers to a chart that does not exist.",
			"Fix the chart ids in charts or position_json.", err)

		return
	}
	body := map[string]any{"dashboard_title": title, "published": plan.Published.ValueBool()}
	if p := strPtr(plan.Slug); p != nil {
		body["slug"] = *p
	}
	if !plan.PositionJSON.IsNull() {
		body["position_json"] = plan.PositionJSON.ValueString()
	}
	if !plan.JSONMetadata.IsNull() {
		body["json_metadata"] = plan.JSONMetadata.ValueString()
	}
	if owners := int64s(ctx, plan.Owners); owners != nil {
		body["owners"] = owners
	}
	id, err := r.client.Create(ctx, superset.Dashboards, body)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", dashboardType, title, "Superset did not create the dashboard.",
			why(err, "Another dashboard may already use this slug."), err)

		return
	}
	plan.ID = types.Int64Value(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if !plan.PositionJSON.IsNull() {
		// Superset links charts to a dashboard when json_metadata carries
		// "positions", as its own UI does on save.
		if err := r.linkCharts(ctx, &plan, nil); err != nil {
			diags.AddError(&resp.Diagnostics, "creating", dashboardType, idString(plan.ID),
				"The dashboard was created but its charts could not be attached.", "Run terraform apply again.", err)

			return
		}
	}
	r.fillComputed(ctx, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *dashboardResource) linkCharts(ctx context.Context, plan *dashboardResourceModel, prior *dashboardResourceModel) error {
	d, err := r.client.GetDashboard(ctx, plan.ID.ValueInt64())
	if err != nil {
		return fmt.Errorf("reading the dashboard: %w", err)
	}
	meta, err := r.metadataBody(d, plan, prior)
	if err != nil {
		return err
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(meta), &m)
	var layout any
	_ = json.Unmarshal([]byte(plan.PositionJSON.ValueString()), &layout)
	m["positions"] = layout
	withPositions, err := json.Marshal(m)
	if err != nil {
		return err
	}

	return r.client.Update(ctx, superset.Dashboards, plan.ID.ValueInt64(), map[string]any{
		"position_json": plan.PositionJSON.ValueString(), "json_metadata": string(withPositions),
	})
}

// metadataBody is read-modify-write for json_metadata: the server's keys,
// less those this resource managed before and no longer does, overlaid
// with the configured ones.
func (r *dashboardResource) metadataBody(d *superset.Dashboard, plan, prior *dashboardResourceModel) (string, error) {
	owned, prev := "{}", "{}"
	if !plan.JSONMetadata.IsNull() {
		owned = plan.JSONMetadata.ValueString()
	}
	if prior != nil && !prior.JSONMetadata.IsNull() {
		prev = prior.JSONMetadata.ValueString()
	}
	merged, err := mergeJSON(d.JSONMetadata, owned, prev)
	if err != nil {
		return "", fmt.Errorf("json_metadata: %w", err)
	}

	return merged, nil
}

func (r *dashboardResource) fillComputed(ctx context.Context, m *dashboardResourceModel) {
	d, err := r.client.GetDashboard(ctx, m.ID.ValueInt64())
	if err != nil {
		d = &superset.Dashboard{}
	}
	m.UUID, m.URL = types.StringValue(d.UUID), types.StringValue(d.URL)
	if m.Owners.IsUnknown() {
		m.Owners = ownerSet(d.Owners)
	}
}

func (r *dashboardResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state dashboardResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, ok := readByID(ctx, &r.clientHolder, resp, dashboardType, state.ID, "dashboard", r.client.GetDashboard)
	if !ok {
		return
	}
	imported := isImported(ctx, req.Private)
	state.DashboardTitle = types.StringValue(d.DashboardTitle)
	state.Slug = nonEmpty(d.Slug)
	state.Published = types.BoolValue(d.Published)
	state.Owners = ownerSet(d.Owners)
	state.PositionJSON = reconcileJSON(state.PositionJSON, d.PositionJSON, imported || !state.PositionJSON.IsNull())
	state.JSONMetadata = reconcileJSON(state.JSONMetadata, d.JSONMetadata, imported)
	state.UUID, state.URL = types.StringValue(d.UUID), types.StringValue(d.URL)
	if !state.Charts.IsNull() {
		ids, err := r.client.DashboardChartIDs(ctx, state.ID.ValueInt64())
		if err != nil {
			diags.AddError(&resp.Diagnostics, "reading", dashboardType, idString(state.ID), "The dashboard's charts could not be read.", "", err)

			return
		}
		state.Charts = reconcileChartIDs(ctx, state.Charts, ids)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *dashboardResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state dashboardResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := idString(state.ID)
	if !r.ready(&resp.Diagnostics, "updating", dashboardType, id) {
		return
	}
	plan.ID = state.ID
	layoutChanged := !plan.PositionJSON.IsNull() && !jsonCovers(plan.PositionJSON.ValueString(), state.PositionJSON.ValueString(), jsonExact)
	if layoutChanged {
		if err := r.checkCharts(ctx, &plan); err != nil {
			diags.AddError(&resp.Diagnostics, "updating", dashboardType, id, "The dashboard refers to a chart that does not exist.",
				"Fix the chart ids in charts or position_json.", err)

			return
		}
	}
	body, err := r.updateBody(ctx, &plan, &state, layoutChanged)
	if err == nil && len(body) > 0 {
		err = r.client.Update(ctx, superset.Dashboards, state.ID.ValueInt64(), body)
	}
	if err == nil && layoutChanged {
		err = r.linkCharts(ctx, &plan, &state)
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", dashboardType, id, "Superset did not update the dashboard.",
			why(err, "Another dashboard may already use this slug."), err)

		return
	}
	plan.UUID, plan.URL = state.UUID, state.URL
	r.fillComputed(ctx, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

// updateBody carries only what changed (C18: an omitted field is kept by
// the server, while a field sent empty would clear it). The layout itself
// goes through linkCharts.
func (r *dashboardResource) updateBody(ctx context.Context, plan, state *dashboardResourceModel, layoutChanged bool) (map[string]any, error) {
	body := map[string]any{}
	if !plan.DashboardTitle.Equal(state.DashboardTitle) {
		body["dashboard_title"] = plan.DashboardTitle.ValueString()
	}
	if !plan.Slug.Equal(state.Slug) {
		body["slug"] = strPtr(plan.Slug)
	}
	if !plan.Published.Equal(state.Published) {
		body["published"] = plan.Published.ValueBool()
	}
	if !plan.Owners.IsUnknown() && !plan.Owners.Equal(state.Owners) {
		body["owners"] = int64s(ctx, plan.Owners)
	}
	metaChanged := !plan.JSONMetadata.IsNull() && !jsonCovers(plan.JSONMetadata.ValueString(), state.JSONMetadata.ValueString(), jsonExact)
	if metaChanged && !layoutChanged {
		d, err := r.client.GetDashboard(ctx, state.ID.ValueInt64())
		if err != nil {
			return nil, fmt.Errorf("reading the current json_metadata: %w", err)
		}
		meta, err := r.metadataBody(d, plan, state)
		if err != nil {
			return nil, err
		}
		body["json_metadata"] = meta
	}

	return body, nil
}

func (r *dashboardResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dashboardResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.remove(ctx, &resp.Diagnostics, dashboardType, superset.Dashboards, state.ID, "dashboard",
		advice("Alerts or reports that use the dashboard must be deleted first."))
}

func (r *dashboardResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, dashboardType, req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, importedMark)...)
}

// checkCharts makes sure every chart the layout or the charts list names
// exists, and names the first that does not (Superset itself would store a
// layout pointing nowhere).
func (r *dashboardResource) checkCharts(ctx context.Context, plan *dashboardResourceModel) error {
	ids := int64s(ctx, plan.Charts)
	if !plan.PositionJSON.IsNull() && !plan.PositionJSON.IsUnknown() {
		ids = append(ids, layoutChartIDs(plan.PositionJSON.ValueString())...)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if _, err := r.client.GetChart(ctx, id); superset.IsNotFound(err) {
			return fmt.Errorf("chart %d does not exist", id)
		} else if err != nil {
			return fmt.Errorf("checking chart %d: %w", id, err)
		}
	}

	return nil
}

// layoutChartIDs lists meta.chartId of the CHART components of a layout.
func layoutChartIDs(layout string) []int64 {
	var m map[string]struct {
		Type string `json:"type"`
		Meta struct {
			ChartID *float64 `json:"chartId"`
		} `json:"meta"`
	}
	if json.Unmarshal([]byte(layout), &m) != nil {
		return nil
	}
	var ids []int64
	for _, c := range m {
		if c.Type == "CHART" && c.Meta.ChartID != nil {
			ids = append(ids, int64(*c.Meta.ChartID))
		}
	}

	return ids
}

// generateLayout lays out charts three to a row, each a third of the grid
// wide, in the given order.
func generateLayout(ids []int64) string {
	const perRow = 3
	layout := map[string]any{
		"DASHBOARD_VERSION_KEY": "v2",
		"ROOT_ID":               map[string]any{"id": "ROOT_ID", "type": "ROOT", "children": []any{"GRID_ID"}},
	}
	rows := []any{}
	for start := 0; start < len(ids); start += perRow {
		rowID := "ROW-" + strconv.Itoa(start/perRow+1)
		kids := []any{}
		for _, id := range ids[start:min(start+perRow, len(ids))] {
			key := "CHART-" + strconv.FormatInt(id, 10)
			kids = append(kids, key)
			layout[key] = map[string]any{
				"id": key, "type": "CHART", "children": []any{},
				"meta": map[string]any{"chartId": id, "width": 4, "height": 50},
			}
		}
		layout[rowID] = map[string]any{
			"id": rowID, "type": "ROW", "children": kids, "meta": map[string]any{"background": "BACKGROUND_TRANSPARENT"},
		}
		rows = append(rows, rowID)
	}
	layout["GRID_ID"] = map[string]any{"id": "GRID_ID", "type": "GRID", "children": rows}
	out, _ := json.Marshal(layout)

	return string(out)
}

// layoutPlan plans position_json: the configured layout, or one generated
// from charts when it is unset.
type layoutPlan struct{}

func (layoutPlan) Description(context.Context) string {
	return "generates the layout from charts when position_json is unset"
}

func (m layoutPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (layoutPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		jsonPlan{mode: jsonLayout}.PlanModifyString(ctx, req, resp)

		return
	}
	var charts types.List
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("charts"), &charts)...)
	switch {
	case charts.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case charts.IsNull():
		resp.PlanValue = types.StringNull()
	default:
		var ids []int64
		for _, e := range charts.Elements() {
			v, ok := e.(types.Int64)
			if !ok || v.IsUnknown() {
				resp.PlanValue = types.StringUnknown()

				return
			}
			ids = append(ids, v.ValueInt64())
		}
		gen := generateLayout(ids)
		if !req.StateValue.IsNull() && jsonCovers(req.StateValue.ValueString(), gen, jsonExact) {
			resp.PlanValue = req.StateValue
		} else {
			resp.PlanValue = types.StringValue(gen)
		}
	}
}

func int64s(ctx context.Context, v interface {
	IsNull() bool
	IsUnknown() bool
	ElementsAs(context.Context, any, bool) diag.Diagnostics
}) []int64 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var out []int64
	v.ElementsAs(ctx, &out, false)

	return out
}

func ownerSet(owners []superset.Owner) types.Set {
	ids := make([]attr.Value, 0, len(owners))
	for _, o := range owners {
		ids = append(ids, types.Int64Value(o.ID))
	}

	return types.SetValueMust(types.Int64Type, ids)
}

// reconcileChartIDs keeps the configured order while the server holds the
// same set of charts.
func reconcileChartIDs(ctx context.Context, prior types.List, server []int64) types.List {
	have := int64s(ctx, prior)
	a, b := slices.Clone(have), slices.Clone(server)
	sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
	sort.Slice(b, func(i, j int) bool { return b[i] < b[j] })
	if slices.Equal(a, b) {
		return prior
	}
	vals := make([]attr.Value, len(server))
	for i, id := range server {
		vals[i] = types.Int64Value(id)
	}

	return types.ListValueMust(types.Int64Type, vals)
}
