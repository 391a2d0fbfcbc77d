package dremio

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const folderType = "lakehouse_dremio_folder"

var (
	_ resource.Resource                = (*folderResource)(nil)
	_ resource.ResourceWithConfigure   = (*folderResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*folderResource)(nil)
	_ resource.ResourceWithImportState = (*folderResource)(nil)
)

type folderResource struct {
	data *providerdata.Data
}

type folderResourceModel struct {
	ID   types.String `tfsdk:"id"`
	Path types.List   `tfsdk:"path"`
	Tag  types.String `tfsdk:"tag"`
}

// NewFolderResource is the lakehouse_dremio_folder constructor.
func NewFolderResource() resource.Resource { return &folderResource{} }

func (r *folderResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dremio_folder"
}

func (r *folderResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A folder in a Dremio space (or in a folder, or in a Nessie source, where it is created " +
			"on branch `main`). Deleting a folder deletes everything in it.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("folder"),
			"path": schema.ListAttribute{
				MarkdownDescription: "Full path, starting with the space: `[\"research\", \"oulad\"]`. The parent must exist; " +
					"the last element must not contain `.`, `/` or `\"`. Dremio cannot move a folder, so a change replaces it.",
				Required:      true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:    childPathValidators(),
			},
			"tag": tagAttribute(),
		},
	}
}

func childPathValidators() []validator.List {
	return []validator.List{
		listvalidator.SizeAtLeast(2),
		listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
		lastElementValidator{},
	}
}

func (r *folderResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *folderResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_dremio_folder", providerdata.BlockDremio)
}

func (r *folderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan folderResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, d := stringList(ctx, plan.Path)
	resp.Diagnostics.Append(d...)
	c := client(r.data, &resp.Diagnostics, "creating", folderType, dremio.PathID(p))
	if c == nil {
		return
	}

	e, err := c.Create(ctx, map[string]any{"entityType": dremio.EntityFolder, "path": p})
	if err != nil {
		apiError(&resp.Diagnostics, "creating", folderType, dremio.PathID(p), err)

		return
	}

	plan.ID, plan.Tag = types.StringValue(e.ID), types.StringValue(e.Tag)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *folderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state folderResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e := readEntity(ctx, r.data, resp, folderType, state.ID.ValueString())
	if e == nil {
		return
	}
	if e.EntityType != dremio.EntityFolder {
		diags.AddError(&resp.Diagnostics, "reading", folderType, state.ID.ValueString(),
			"The Dremio object is a "+e.EntityType+", not a folder.", "Import a folder's id or path.", nil)

		return
	}

	state.ID, state.Tag = types.StringValue(e.ID), types.StringValue(e.Tag)
	state.Path = keepPriorPath(ctx, state.Path, e.Path)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only carries state over: the path forces replacement.
func (r *folderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state folderResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.Tag = state.ID, state.Tag
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *folderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state folderResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, r.data, &resp.Diagnostics, folderType, state.ID.ValueString())
}

func (r *folderResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
