package dremio

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const spaceType = "lakehouse_dremio_space"

var (
	_ resource.Resource                = (*spaceResource)(nil)
	_ resource.ResourceWithConfigure   = (*spaceResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*spaceResource)(nil)
	_ resource.ResourceWithImportState = (*spaceResource)(nil)
)

type spaceResource struct {
	data *providerdata.Data
}

type spaceResourceModel struct {
	ID   types.String `tfsdk:"id"`
	Name types.String `tfsdk:"name"`
	Tag  types.String `tfsdk:"tag"`
}

// NewSpaceResource is the lakehouse_dremio_space constructor.
func NewSpaceResource() resource.Resource { return &spaceResource{} }

func (r *spaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dremio_space"
}

func (r *spaceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A top-level Dremio space: a named container for folders and views, typically one per " +
			"project or institution. Deleting a space deletes everything in it.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("space"),
			"name": schema.StringAttribute{
				MarkdownDescription: "Space name, unique among spaces and sources (compared case-insensitively). " +
					"It must not contain `.`, `\"` or `@`. Dremio cannot rename a space, so a change replaces it.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{nameValidator()},
			},
			"tag": tagAttribute(),
		},
	}
}

func idAttribute(what string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Dremio catalog id of the " + what + " (a UUID).",
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func tagAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		// No UseStateForUnknown: every update gives a new tag.
		MarkdownDescription: "Version tag Dremio gives each revision. Updates send it back, so a change made " +
			"elsewhere since the last refresh is refused instead of overwritten.",
		Computed: true,
	}
}

func nameValidator() validator.String {
	return stringvalidator.RegexMatches(namePattern, "must be non-empty and must not contain a period, double quote or @")
}

func (r *spaceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *spaceResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_dremio_space", providerdata.BlockDremio)
}

func (r *spaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan spaceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := client(r.data, &resp.Diagnostics, "creating", spaceType, plan.Name.ValueString())
	if c == nil {
		return
	}

	e, err := c.Create(ctx, map[string]any{"entityType": dremio.EntitySpace, "name": plan.Name.ValueString()})
	if err != nil {
		apiError(&resp.Diagnostics, "creating", spaceType, plan.Name.ValueString(), err)

		return
	}

	plan.ID, plan.Tag = types.StringValue(e.ID), types.StringValue(e.Tag)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *spaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state spaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e := readEntity(ctx, r.data, resp, spaceType, state.ID.ValueString())
	if e == nil {
		return
	}
	if e.EntityType != dremio.EntitySpace {
		diags.AddError(&resp.Diagnostics, "reading", spaceType, state.ID.ValueString(),
			"The Dremio object is a "+e.EntityType+", not a space.", "Import a space's id or path.", nil)

		return
	}

	state.ID, state.Tag = types.StringValue(e.ID), types.StringValue(e.Tag)
	// Names compare case-insensitively in Dremio; keep the configured spelling.
	if !strings.EqualFold(state.Name.ValueString(), e.Name) {
		state.Name = types.StringValue(e.Name)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only refreshes state: every configurable attribute forces
// replacement, so there is nothing to send.
func (r *spaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state spaceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.Tag = state.ID, state.Tag
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *spaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state spaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, r.data, &resp.Diagnostics, spaceType, state.ID.ValueString())
}

func (r *spaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
