package datasets

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/governance"
)

var stringType = types.StringType

func tableIdentProblem(s string) string {
	levels, err := catalog.ParseIdentifier(s)
	if err != nil {
		return fmt.Sprintf("%q is not a table identifier: %s.", s, err)
	}
	if len(levels) < 2 {
		return fmt.Sprintf("%q names no namespace; write namespace.table, e.g. curated.%s.", s, s)
	}

	return ""
}

// computedAttrs are filled by the provider; every other attribute must be
// known for the documents to be rendered at plan time.
var computedAttrs = map[string]bool{
	"id": true, "datacite_key": true, "schema_org_key": true, "datacite_json": true, "schema_org_json": true, "doi": true,
}

func inputsKnown(raw tftypes.Value) bool {
	var obj map[string]tftypes.Value
	if err := raw.As(&obj); err != nil {
		return false
	}
	for name, v := range obj {
		if !computedAttrs[name] && !v.IsFullyKnown() {
			return false
		}
	}

	return true
}

func isPermanent(state string) bool {
	return state == datacite.StateRegistered || state == datacite.StateFindable
}

// ModifyPlan derives the keys and the DOI name, enforces DataCite's state
// rules against the prior state, and renders both documents and the DOI
// metadata, so the plan shows exactly what will be written.
func (r *datasetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, typeName, providerdata.BlockS3) {
		return
	}
	if req.Plan.Raw.IsNull() {
		r.warnDestroy(ctx, req, resp)

		return
	}
	var plan, cfg datasetResourceModel
	var state *datasetResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if !req.State.Raw.IsNull() {
		state = &datasetResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// Linking related_tables reads the catalog at apply.
	if !plan.RelatedTables.IsNull() && (plan.RelatedTables.IsUnknown() || len(plan.RelatedTables.Elements()) > 0) &&
		!providerdata.RequireDiag(&resp.Diagnostics, r.data, typeName, providerdata.BlockCatalog) {
		return
	}

	if !plan.Bucket.IsUnknown() && !plan.KeyPrefix.IsUnknown() && !plan.DatasetID.IsUnknown() {
		dk, sk := fair.Keys(plan.KeyPrefix.ValueString(), plan.DatasetID.ValueString())
		plan.ID = types.StringValue(plan.Bucket.ValueString() + "/" + plan.KeyPrefix.ValueString() + plan.DatasetID.ValueString())
		plan.DataCiteKey, plan.SchemaOrgKey = types.StringValue(dk), types.StringValue(sk)
	} else {
		plan.DataCiteKey, plan.SchemaOrgKey = types.StringUnknown(), types.StringUnknown()
	}
	doi := r.planDOI(ctx, &plan, &cfg, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.planDocuments(ctx, req.Plan.Raw, &plan, doi, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *datasetResource) warnDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state datasetResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	doi := state.doi(ctx, &resp.Diagnostics)
	if doi == nil || doi.ID.IsNull() || !isPermanent(doi.State.ValueString()) {
		return
	}
	what := "stays registered"
	if doi.State.ValueString() == datacite.StateFindable {
		what = "will be hidden (findable -> registered)"
	}
	resp.Diagnostics.AddWarning(fmt.Sprintf("%s (%s): DOI %s is not deleted", typeName, state.ID.ValueString(), doi.ID.ValueString()),
		fmt.Sprintf("DataCite never deletes a registered or findable DOI. Destroying this record removes the documents and the "+
			"table and bucket links; the DOI %s and keeps resolving to %s. Keep that page, or a tombstone page, online.",
			what, state.LandingURL.ValueString()))
}

// planDOI fills the doi block's computed attributes and checks transitions.
func (r *datasetResource) planDOI(ctx context.Context, plan, cfg, state *datasetResourceModel, d *diag.Diagnostics) *doiModel {
	var prior *doiModel
	if state != nil {
		prior = state.doi(ctx, d)
	}
	priorLive := prior != nil && !prior.ID.IsNull() && !prior.ID.IsUnknown()
	pd := plan.doi(ctx, d)
	if plan.DOI.IsUnknown() {
		return nil
	}
	if pd == nil {
		if priorLive && isPermanent(prior.State.ValueString()) {
			d.AddAttributeError(path.Root("doi"), "A registered DOI cannot be removed",
				fmt.Sprintf("DOI %s is %s, and DataCite never deletes registered or findable DOIs. Keep the doi block; "+
					"set doi.state = %q to take it out of search.", prior.ID.ValueString(), prior.State.ValueString(), datacite.StateRegistered))
		}

		return nil
	}
	if !providerdata.RequireDiag(d, r.data, typeName, providerdata.BlockDataCite) {
		return nil
	}
	cd := cfg.doi(ctx, d)
	pd.ID, pd.URL, pd.Metadata = types.StringUnknown(), types.StringUnknown(), jsontypes.NewNormalizedUnknown()
	switch {
	case cd != nil && !cd.Suffix.IsNull() && !cd.Suffix.IsUnknown():
		pd.Suffix = cd.Suffix
		if r.data != nil && r.data.DataCite.Prefix != "" {
			pd.ID = types.StringValue(strings.ToLower(r.data.DataCite.Prefix + "/" + cd.Suffix.ValueString()))
		}
		if priorLive && !strings.EqualFold(prior.ID.ValueString(), pd.ID.ValueString()) && !pd.ID.IsUnknown() &&
			isPermanent(prior.State.ValueString()) {
			d.AddAttributeError(path.Root("doi").AtName("suffix"), "A registered DOI cannot be renamed",
				fmt.Sprintf("DOI %s is %s and cannot be deleted, so it cannot be replaced by %s.",
					prior.ID.ValueString(), prior.State.ValueString(), pd.ID.ValueString()))
		}
	case cd != nil && cd.Suffix.IsUnknown():
		pd.Suffix = types.StringUnknown()
	case priorLive:
		pd.ID, pd.Suffix = prior.ID, prior.Suffix
	default:
		pd.Suffix = types.StringUnknown()
	}
	if priorLive && isPermanent(prior.State.ValueString()) && pd.State.ValueString() == datacite.StateDraft {
		d.AddAttributeError(path.Root("doi").AtName("state"), "A registered DOI cannot return to draft",
			fmt.Sprintf("DOI %s is %s; DataCite moves DOIs only forward from draft. Use %q to hide it from search.",
				prior.ID.ValueString(), prior.State.ValueString(), datacite.StateRegistered))
	}
	if !pd.ID.IsUnknown() {
		pd.URL = types.StringValue(fair.DOIURL(pd.ID.ValueString()))
	}

	return pd
}

// planDocuments renders the documents and the DOI metadata when every input
// is known; unchanged documents keep their state values.
func (r *datasetResource) planDocuments(ctx context.Context, raw tftypes.Value, plan *datasetResourceModel, doi *doiModel,
	state *datasetResourceModel, d *diag.Diagnostics,
) {
	plan.DataCiteJSON, plan.SchemaOrgJSON = jsontypes.NewNormalizedUnknown(), jsontypes.NewNormalizedUnknown()
	known := inputsKnown(raw) && !plan.DOI.IsUnknown()
	if known && doi != nil {
		meta, err := doiMetadata(roundTrip(withoutDOI(plan.recordWith(ctx, doi, d).DataCite())))
		if err != nil {
			d.AddError("Error planning "+typeName, "The DOI metadata could not be rendered; this is a bug in the provider: "+err.Error())

			return
		}
		doi.Metadata = jsontypes.NewNormalizedValue(meta)
	}
	if doi != nil {
		plan.setDOI(ctx, doi, d)
	}
	if !known || (doi != nil && doi.ID.IsUnknown()) {
		return
	}
	rec := plan.record(ctx, d)
	dc, err1 := render(rec.DataCite())
	so, err2 := render(rec.SchemaOrg())
	if err1 != nil || err2 != nil {
		d.AddError("Error planning "+typeName, fmt.Sprintf("The documents could not be rendered; this is a bug in the provider: %v %v", err1, err2))

		return
	}
	plan.DataCiteJSON, plan.SchemaOrgJSON = jsontypes.NewNormalizedValue(dc), jsontypes.NewNormalizedValue(so)
	if state != nil {
		if governance.SameDocument(state.DataCiteJSON, plan.DataCiteJSON) {
			plan.DataCiteJSON = state.DataCiteJSON
		}
		if governance.SameDocument(state.SchemaOrgJSON, plan.SchemaOrgJSON) {
			plan.SchemaOrgJSON = state.SchemaOrgJSON
		}
	}
}

// recordWith is record() with the doi block given explicitly, for use
// before the plan's doi attribute has been set.
func (m *datasetResourceModel) recordWith(ctx context.Context, doi *doiModel, d *diag.Diagnostics) *fair.Record {
	saved := m.DOI
	m.setDOI(ctx, doi, d)
	rec := m.record(ctx, d)
	m.DOI = saved

	return rec
}

func withoutDOI(attrs map[string]any) map[string]any {
	delete(attrs, "doi")

	return attrs
}
