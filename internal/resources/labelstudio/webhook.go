package labelstudio

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const webhookType = "lakehouse_labelstudio_webhook"

var (
	_ resource.Resource                = (*webhookResource)(nil)
	_ resource.ResourceWithConfigure   = (*webhookResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*webhookResource)(nil)
	_ resource.ResourceWithImportState = (*webhookResource)(nil)
)

// NewWebhookResource returns the lakehouse_labelstudio_webhook resource.
func NewWebhookResource() resource.Resource { return &webhookResource{} }

type webhookResource struct {
	clientHolder
}

type webhookResourceModel struct {
	ID          types.String `tfsdk:"id"`
	ProjectID   types.String `tfsdk:"project_id"`
	URL         types.String `tfsdk:"url"`
	Actions     types.Set    `tfsdk:"actions"`
	Headers     types.Map    `tfsdk:"headers"`
	SendPayload types.Bool   `tfsdk:"send_payload"`
	IsActive    types.Bool   `tfsdk:"is_active"`
}

func (r *webhookResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_labelstudio_webhook"
}

func (r *webhookResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Label Studio webhook: Label Studio POSTs to `url` when the chosen events happen in a project.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Webhook id.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Id of the project whose events are sent. Label Studio cannot move a webhook, so changing it replaces the webhook.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[1-9][0-9]*$`), "must be a numeric project id")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "Where to POST events (http or https, at most 2048 characters).",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthAtMost(2048),
					stringvalidator.RegexMatches(regexp.MustCompile(`^https?://[^/\s]+`), "must be an http:// or https:// URL"),
				},
			},
			"actions": schema.SetAttribute{
				ElementType: types.StringType,
				MarkdownDescription: "Events to send. Empty (the default) sends every event. One of: `" +
					joinBackticks(labelstudio.WebhookActions) + "`.",
				Optional: true, Computed: true,
				Default:    setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{})),
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(labelstudio.WebhookActions...))},
			},
			"headers": schema.MapAttribute{
				ElementType:         types.StringType,
				MarkdownDescription: "Extra HTTP headers sent with each event, such as an `Authorization` header the receiver checks. Sensitive.",
				Optional:            true, Computed: true, Sensitive: true,
				Default: mapdefault.StaticValue(types.MapValueMust(types.StringType, map[string]attr.Value{})),
			},
			"send_payload": schema.BoolAttribute{
				MarkdownDescription: "Send the object (task, annotation, project) with the event. Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"is_active": schema.BoolAttribute{
				MarkdownDescription: "Whether the webhook fires. Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
		},
	}
}

func joinBackticks(list []string) string {
	s := ""
	for i, v := range list {
		if i > 0 {
			s += "`, `"
		}
		s += v
	}

	return s
}

func (r *webhookResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *webhookResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_labelstudio_webhook", providerdata.BlockLabelStudio)
}

func (m *webhookResourceModel) input(ctx context.Context) (labelstudio.WebhookInput, diag.Diagnostics) {
	var d diag.Diagnostics
	in := labelstudio.WebhookInput{
		URL:         m.URL.ValueString(),
		SendPayload: m.SendPayload.ValueBool(),
		IsActive:    m.IsActive.ValueBool(),
		Actions:     []string{},
		Headers:     map[string]string{},
	}
	in.Project, _ = parseID(m.ProjectID.ValueString())
	d.Append(m.Actions.ElementsAs(ctx, &in.Actions, false)...)
	d.Append(m.Headers.ElementsAs(ctx, &in.Headers, false)...)
	sort.Strings(in.Actions)
	// Label Studio ignores actions unless send_for_all_actions is false.
	in.SendForAllActions = len(in.Actions) == 0

	return in, d
}

func (m *webhookResourceModel) fromWebhook(w *labelstudio.Webhook) diag.Diagnostics {
	var d, dd diag.Diagnostics
	m.ID = types.StringValue(strconv.FormatInt(w.ID, 10))
	if w.Project != nil {
		m.ProjectID = types.StringValue(strconv.FormatInt(*w.Project, 10))
	}
	m.URL = types.StringValue(w.URL)
	m.SendPayload = types.BoolValue(w.SendPayload)
	m.IsActive = types.BoolValue(w.IsActive)
	actions := w.Actions
	if w.SendForAllActions {
		// Every event is sent, whatever the list says.
		actions = []string{}
	}
	m.Actions, dd = types.SetValueFrom(context.Background(), types.StringType, nonNil(actions))
	d.Append(dd...)
	headers := w.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	m.Headers, dd = types.MapValueFrom(context.Background(), types.StringType, headers)
	d.Append(dd...)

	return d
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}

	return s
}

func (r *webhookResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan webhookResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics, "creating", webhookType, "") {
		return
	}
	in, d := plan.input(ctx)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	w, err := r.client.CreateWebhook(ctx, in)
	if labelstudio.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), diags.Summary("creating", webhookType, ""),
			diags.Detail(fmt.Sprintf("Label Studio has no project %s that this token can see.", plan.ProjectID.ValueString()),
				"Check project_id, and that the token belongs to the project's organisation.", err))

		return
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", webhookType, "", "Label Studio refused the webhook:\n"+serverMessages(err), "", err)

		return
	}

	resp.Diagnostics.Append(plan.fromWebhook(w)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *webhookResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state webhookResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	w, ok := readByID(ctx, &r.clientHolder, resp, webhookType, state.ID.ValueString(), state.ID.ValueString(), "", "webhook",
		r.client.GetWebhook)
	if !ok {
		return
	}

	resp.Diagnostics.Append(state.fromWebhook(w)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *webhookResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state webhookResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics, "updating", webhookType, state.ID.ValueString()) {
		return
	}
	id, err := parseID(state.ID.ValueString())
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", webhookType, state.ID.ValueString(), "The id in state is not valid.", "", err)

		return
	}
	in, d := plan.input(ctx)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	w, err := r.client.UpdateWebhook(ctx, id, in)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", webhookType, state.ID.ValueString(), "Label Studio refused the change:\n"+serverMessages(err), "", err)

		return
	}

	resp.Diagnostics.Append(plan.fromWebhook(w)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *webhookResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webhookResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.deleteByID(ctx, &resp.Diagnostics, webhookType, state.ID.ValueString(), "Label Studio did not delete the webhook.",
		r.client.DeleteWebhook)
}

func (r *webhookResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, err := parseID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import id for "+webhookType,
			fmt.Sprintf("Import a webhook by its numeric id, e.g. `terraform import %s.example 5`.\n\n%s", webhookType, err))

		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}
