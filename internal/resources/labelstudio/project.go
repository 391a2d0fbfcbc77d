package labelstudio

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const projectType = "lakehouse_labelstudio_project"

var (
	_ resource.Resource                = (*projectResource)(nil)
	_ resource.ResourceWithConfigure   = (*projectResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*projectResource)(nil)
	_ resource.ResourceWithImportState = (*projectResource)(nil)
)

// NewProjectResource returns the lakehouse_labelstudio_project resource.
func NewProjectResource() resource.Resource { return &projectResource{} }

type projectResource struct {
	clientHolder
}

type projectResourceModel struct {
	ID                               types.String     `tfsdk:"id"`
	Title                            types.String     `tfsdk:"title"`
	Description                      types.String     `tfsdk:"description"`
	LabelConfig                      labelConfigValue `tfsdk:"label_config"`
	ExpertInstruction                types.String     `tfsdk:"expert_instruction"`
	ShowInstruction                  types.Bool       `tfsdk:"show_instruction"`
	ShowSkipButton                   types.Bool       `tfsdk:"show_skip_button"`
	EnableEmptyAnnotation            types.Bool       `tfsdk:"enable_empty_annotation"`
	ShowAnnotationHistory            types.Bool       `tfsdk:"show_annotation_history"`
	Color                            types.String     `tfsdk:"color"`
	MaximumAnnotations               types.Int64      `tfsdk:"maximum_annotations"`
	Sampling                         types.String     `tfsdk:"sampling"`
	ShowOverlapFirst                 types.Bool       `tfsdk:"show_overlap_first"`
	OverlapCohortPercentage          types.Int64      `tfsdk:"overlap_cohort_percentage"`
	IsPublished                      types.Bool       `tfsdk:"is_published"`
	EvaluatePredictionsAutomatically types.Bool       `tfsdk:"evaluate_predictions_automatically"`
	CreatedAt                        types.String     `tfsdk:"created_at"`
}

func (r *projectResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_labelstudio_project"
}

func boolAttr(desc string, def bool) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: fmt.Sprintf("%s Defaults to `%t`.", desc, def),
		Optional: true, Computed: true, Default: booldefault.StaticBool(def)}
}

func (r *projectResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Label Studio project: what annotators see (the labeling config, instructions) and how " +
			"tasks are handed out. The labeling config is checked at plan time and by the server before anything " +
			"is saved; a config the server refuses because existing annotations still use a label changes nothing.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Project id (a whole number, as a string).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"title": schema.StringAttribute{
				MarkdownDescription: "Project title, 3 to 50 characters. Titles need not be unique.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(3, 50)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Project description. Defaults to empty.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString(""),
			},
			"label_config": schema.StringAttribute{
				CustomType: labelConfigType{},
				MarkdownDescription: "Labeling config (XML with a `<View>` root). Compared semantically: attribute order, " +
					"whitespace and comments never show as a change. Checked at plan time (well-formed, known tags, " +
					"unique `name`s, every control tag bound by `toName` to an object tag) and validated by the server " +
					"before create or update. Removing or renaming a label that annotations still use fails at apply " +
					"with the labels and their annotation counts, and leaves the project unchanged.",
				Required:      true,
				Validators:    []validator.String{labelConfigValidator{}},
				PlanModifiers: []planmodifier.String{keepEquivalentLabelConfig{}},
			},
			"expert_instruction": schema.StringAttribute{
				MarkdownDescription: "Instructions shown to annotators (HTML). The server sanitises HTML (for example it " +
					"drops `<script>`); the value you wrote stays in state unless the instructions change on the server.",
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
			},
			"show_instruction":        boolAttr("Show the instructions before labeling starts.", false),
			"show_skip_button":        boolAttr("Let annotators skip tasks.", true),
			"enable_empty_annotation": boolAttr("Allow submitting annotations without any result.", true),
			"show_annotation_history": boolAttr("Show annotation history to annotators.", false),
			"color": schema.StringAttribute{
				MarkdownDescription: "Project colour as `#RRGGBB`. Defaults to `#FFFFFF`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString("#FFFFFF"),
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`),
					"must be a colour in #RRGGBB form")},
			},
			"maximum_annotations": schema.Int64Attribute{
				MarkdownDescription: "Annotations per task before it counts as done (overlap). Defaults to `1`.",
				Optional:            true, Computed: true, Default: int64default.StaticInt64(1),
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"sampling": schema.StringAttribute{
				MarkdownDescription: "Order in which tasks are handed out: `Sequential sampling`, `Uniform sampling` or " +
					"`Uncertainty sampling`. Defaults to `Sequential sampling`.",
				Optional: true, Computed: true, Default: stringdefault.StaticString(labelstudio.SamplingModes[0]),
				Validators: []validator.String{stringvalidator.OneOf(labelstudio.SamplingModes...)},
			},
			"show_overlap_first": boolAttr("Hand out overlapping tasks first.", false),
			"overlap_cohort_percentage": schema.Int64Attribute{
				MarkdownDescription: "Share of tasks (0-100) that get `maximum_annotations` annotations. Defaults to `100`.",
				Optional:            true, Computed: true, Default: int64default.StaticInt64(100),
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"is_published":                       boolAttr("Publish the project to annotators.", false),
			"evaluate_predictions_automatically": boolAttr("Compare predictions with annotations automatically.", false),
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the project was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *projectResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *projectResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_labelstudio_project", providerdata.BlockLabelStudio)
}

func (m *projectResourceModel) input() labelstudio.ProjectInput {
	return labelstudio.ProjectInput{
		Title:                            m.Title.ValueStringPointer(),
		Description:                      m.Description.ValueStringPointer(),
		LabelConfig:                      m.LabelConfig.ValueStringPointer(),
		ExpertInstruction:                m.ExpertInstruction.ValueStringPointer(),
		ShowInstruction:                  m.ShowInstruction.ValueBoolPointer(),
		ShowSkipButton:                   m.ShowSkipButton.ValueBoolPointer(),
		EnableEmptyAnnotation:            m.EnableEmptyAnnotation.ValueBoolPointer(),
		ShowAnnotationHistory:            m.ShowAnnotationHistory.ValueBoolPointer(),
		Color:                            m.Color.ValueStringPointer(),
		MaximumAnnotations:               m.MaximumAnnotations.ValueInt64Pointer(),
		Sampling:                         m.Sampling.ValueStringPointer(),
		ShowOverlapFirst:                 m.ShowOverlapFirst.ValueBoolPointer(),
		OverlapCohortPercentage:          m.OverlapCohortPercentage.ValueInt64Pointer(),
		IsPublished:                      m.IsPublished.ValueBoolPointer(),
		EvaluatePredictionsAutomatically: m.EvaluatePredictionsAutomatically.ValueBoolPointer(),
	}
}

// privateKeyInstruction remembers the instructions as the server stored them
// after our last write, so Read can tell server sanitising (keep the
// configured value) from a real change made elsewhere (show it).
const privateKeyInstruction = "expert_instruction_server"

type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func rememberInstruction(ctx context.Context, p privateState, server string) diag.Diagnostics {
	b, _ := json.Marshal(server)

	return p.SetKey(ctx, privateKeyInstruction, b)
}

// fromProject maps the server's project into the model. written is the
// instruction value the server stored after our last write ("" if unknown).
func (m *projectResourceModel) fromProject(p *labelstudio.Project, written *string) {
	m.ID = types.StringValue(strconv.FormatInt(p.ID, 10))
	m.Title = types.StringValue(p.Title)
	m.Description = types.StringValue(p.Description)
	// Semantic equality keeps the configured text when the XML means the same.
	m.LabelConfig = newLabelConfigValue(p.LabelConfig)
	if written == nil || *written != p.ExpertInstruction || m.ExpertInstruction.IsNull() {
		m.ExpertInstruction = types.StringValue(p.ExpertInstruction)
	}
	m.ShowInstruction = types.BoolValue(p.ShowInstruction)
	m.ShowSkipButton = types.BoolValue(p.ShowSkipButton)
	m.EnableEmptyAnnotation = types.BoolValue(p.EnableEmptyAnnotation)
	m.ShowAnnotationHistory = types.BoolValue(p.ShowAnnotationHistory)
	m.Color = types.StringValue(p.Color)
	m.MaximumAnnotations = types.Int64Value(p.MaximumAnnotations)
	m.Sampling = types.StringValue(p.Sampling)
	m.ShowOverlapFirst = types.BoolValue(p.ShowOverlapFirst)
	m.OverlapCohortPercentage = types.Int64Value(p.OverlapCohortPercentage)
	m.IsPublished = types.BoolValue(p.IsPublished)
	m.EvaluatePredictionsAutomatically = types.BoolValue(p.EvaluatePredictionsAutomatically)
	m.CreatedAt = types.StringValue(p.CreatedAt)
}

// afterWrite maps the server's answer to a create or update, keeping the
// planned instructions and recording what the server made of them.
func (m *projectResourceModel) afterWrite(ctx context.Context, p *labelstudio.Project, priv privateState) diag.Diagnostics {
	planned := m.ExpertInstruction
	m.fromProject(p, nil)
	m.ExpertInstruction = planned

	return rememberInstruction(ctx, priv, p.ExpertInstruction)
}

func (r *projectResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan projectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics, "creating", projectType, "") {
		return
	}

	tflog.Debug(ctx, "validating label config with the server", map[string]any{"lakehouse.labelstudio.project": ""})
	if err := r.client.ValidateLabelConfig(ctx, plan.LabelConfig.ValueString()); err != nil {
		addConfigRefused(&resp.Diagnostics, "creating", "", err)

		return
	}
	p, err := r.client.CreateProject(ctx, plan.input())
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", projectType, plan.Title.ValueString(),
			"Label Studio refused the project:\n"+serverMessages(err), "Correct the attributes named above and apply again.", err)

		return
	}

	resp.Diagnostics.Append(plan.afterWrite(ctx, p, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *projectResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state projectResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, ok := readByID(ctx, &r.clientHolder, resp, projectType, state.ID.ValueString(), state.ID.ValueString(),
		"Import the project again by its numeric id.", "project", r.client.GetProject)
	if !ok {
		return
	}

	var written *string
	if raw, d := req.Private.GetKey(ctx, privateKeyInstruction); !d.HasError() && raw != nil {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			written = &s
		}
	}
	state.fromProject(p, written)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *projectResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state projectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics, "updating", projectType, state.ID.ValueString()) {
		return
	}
	id, err := parseID(state.ID.ValueString())
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", projectType, state.ID.ValueString(), "The id in state is not valid.", "", err)

		return
	}

	// C19: the server checks the new config against the annotations that
	// exist now, before anything is saved, so a refusal leaves every other
	// attribute unchanged too.
	in := plan.input()
	if labelstudio.LabelConfigsEqual(plan.LabelConfig.ValueString(), state.LabelConfig.ValueString()) {
		in.LabelConfig = nil // unchanged: no need to have the server re-check it
	} else {
		tflog.Debug(ctx, "validating label config against existing annotations", map[string]any{"lakehouse.labelstudio.project": id})
		if _, err := r.client.ValidateProjectLabelConfig(ctx, id, plan.LabelConfig.ValueString()); err != nil {
			addConfigRefused(&resp.Diagnostics, "updating", state.ID.ValueString(), err)

			return
		}
	}
	p, err := r.client.UpdateProject(ctx, id, in)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", projectType, state.ID.ValueString(),
			"Label Studio refused the change:\n"+serverMessages(err), "Correct the attributes named above and apply again.", err)

		return
	}

	resp.Diagnostics.Append(plan.afterWrite(ctx, p, resp.Private)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *projectResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state projectResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.deleteByID(ctx, &resp.Diagnostics, projectType, state.ID.ValueString(), "Label Studio did not delete the project.",
		r.client.DeleteProject)
}

func (r *projectResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if _, err := parseID(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import id for "+projectType,
			fmt.Sprintf("Import a project by its numeric id, e.g. `terraform import %s.example 42`.\n\n%s", projectType, err))

		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

// addConfigRefused reports a labeling config the server refused, with its
// own words (the labels still in use and their annotation counts), on the
// label_config attribute.
func addConfigRefused(d *diag.Diagnostics, action, id string, err error) {
	d.AddAttributeError(path.Root("label_config"), diags.Summary(action, projectType, id), diags.Detail(
		"Label Studio refused the labeling config; nothing was changed:\n\n"+serverMessages(err),
		"A label or control that existing annotations use cannot be removed or renamed. Relabel or delete those "+
			"annotations in Label Studio first, or keep the label in the config, then apply again.", err))
}
