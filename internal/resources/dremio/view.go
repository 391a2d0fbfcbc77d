package dremio

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const viewType = "lakehouse_dremio_view"

var (
	_ resource.Resource                = (*viewResource)(nil)
	_ resource.ResourceWithConfigure   = (*viewResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*viewResource)(nil)
	_ resource.ResourceWithImportState = (*viewResource)(nil)
)

type viewResource struct {
	data *providerdata.Data
}

type viewResourceModel struct {
	ID         types.String `tfsdk:"id"`
	Path       types.List   `tfsdk:"path"`
	SQL        SQLValue     `tfsdk:"sql"`
	SQLContext types.List   `tfsdk:"sql_context"`
	Tag        types.String `tfsdk:"tag"`
}

// NewViewResource is the lakehouse_dremio_view constructor.
func NewViewResource() resource.Resource { return &viewResource{} }

func (r *viewResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dremio_view"
}

func (r *viewResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Dremio view (virtual dataset): a saved SQL query in a space or folder. " +
			"Dremio stores the query in its own formatting; the provider compares queries in a normalised form " +
			"(spacing, comments, keyword case and needless identifier quotes do not count), so only a real change " +
			"of the query shows in a plan.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("view"),
			"path": schema.ListAttribute{
				MarkdownDescription: "Full path, starting with the space: `[\"research\", \"oulad\", \"pass_rates\"]`. " +
					"The parent must exist. Changing it renames or moves the view in place (same id).",
				Required:    true,
				ElementType: types.StringType,
				Validators:  childPathValidators(),
			},
			"sql": schema.StringAttribute{
				MarkdownDescription: "The view's query. Compared after normalisation: whitespace, comments, trailing " +
					"semicolons, the case of keywords and function names, and quotes around plain identifiers are ignored; " +
					"string literals, numbers and the case of identifiers and aliases are not.",
				Required:   true,
				CustomType: SQLType{},
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), notBlank{}},
			},
			"sql_context": schema.ListAttribute{
				MarkdownDescription: "Default schema path for unqualified names in `sql`, e.g. `[\"lake\", \"oulad\"]`.",
				Optional:            true,
				ElementType:         types.StringType,
			},
			"tag": tagAttribute(),
		},
	}
}

func (r *viewResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *viewResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_dremio_view", providerdata.BlockDremio)
}

func (r *viewResource) body(ctx context.Context, m viewResourceModel, into map[string]any) map[string]any {
	p, _ := stringList(ctx, m.Path)
	sc, _ := stringList(ctx, m.SQLContext)
	if into == nil {
		into = map[string]any{"entityType": dremio.EntityDataset, "type": dremio.VirtualDataset}
	}
	into["path"] = p
	into["sql"] = m.SQL.ValueString()
	if sc == nil {
		delete(into, "sqlContext")
	} else {
		into["sqlContext"] = sc
	}

	return into
}

func (r *viewResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan viewResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, _ := stringList(ctx, plan.Path)
	c := client(r.data, &resp.Diagnostics, "creating", viewType, dremio.PathID(p))
	if c == nil {
		return
	}

	e, err := c.Create(ctx, r.body(ctx, plan, nil))
	if err != nil {
		apiError(&resp.Diagnostics, "creating", viewType, dremio.PathID(p), err)

		return
	}

	plan.ID, plan.Tag = types.StringValue(e.ID), types.StringValue(e.Tag)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *viewResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state viewResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e := readEntity(ctx, r.data, resp, viewType, state.ID.ValueString())
	if e == nil {
		return
	}
	if e.EntityType != dremio.EntityDataset || e.Type != dremio.VirtualDataset {
		diags.AddError(&resp.Diagnostics, "reading", viewType, state.ID.ValueString(),
			"The Dremio object is not a view (entity "+e.EntityType+", type "+e.Type+").", "Import a view's id or path.", nil)

		return
	}

	state.ID, state.Tag = types.StringValue(e.ID), types.StringValue(e.Tag)
	state.Path = keepPriorPath(ctx, state.Path, e.Path)
	// The framework keeps the prior value when the server's text is
	// semantically equal (SQLValue.StringSemanticEquals).
	state.SQL = NewSQLValue(e.SQL)
	if len(e.SQLContext) == 0 {
		state.SQLContext = types.ListNull(types.StringType)
	} else {
		state.SQLContext = keepPriorPath(ctx, state.SQLContext, e.SQLContext)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *viewResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state viewResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	c := client(r.data, &resp.Diagnostics, "updating", viewType, id)
	if c == nil {
		return
	}

	// Read-modify-write keeps fields the provider does not manage; the tag
	// is the one from state, so an edit made since the refresh is refused.
	raw, err := c.GetRaw(ctx, id)
	if err != nil {
		apiError(&resp.Diagnostics, "updating", viewType, id, err)

		return
	}
	body := r.body(ctx, plan, raw)
	body["tag"] = state.Tag.ValueString()
	e, err := c.Update(ctx, id, body)
	if err != nil {
		apiError(&resp.Diagnostics, "updating", viewType, id, err)

		return
	}

	plan.ID, plan.Tag = state.ID, types.StringValue(e.Tag)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *viewResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state viewResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, r.data, &resp.Diagnostics, viewType, state.ID.ValueString())
}

func (r *viewResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
