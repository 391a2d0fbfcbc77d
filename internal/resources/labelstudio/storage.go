package labelstudio

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
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

const storageType = "lakehouse_labelstudio_storage"

var (
	_ resource.Resource                   = (*storageResource)(nil)
	_ resource.ResourceWithConfigure      = (*storageResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*storageResource)(nil)
	_ resource.ResourceWithImportState    = (*storageResource)(nil)
	_ resource.ResourceWithValidateConfig = (*storageResource)(nil)
)

// NewStorageResource returns the lakehouse_labelstudio_storage resource.
func NewStorageResource() resource.Resource { return &storageResource{} }

type storageResource struct {
	clientHolder
}

type storageResourceModel struct {
	ID                 types.String `tfsdk:"id"`
	ProjectID          types.String `tfsdk:"project_id"`
	Direction          types.String `tfsdk:"direction"`
	Title              types.String `tfsdk:"title"`
	Description        types.String `tfsdk:"description"`
	Bucket             types.String `tfsdk:"bucket"`
	Prefix             types.String `tfsdk:"prefix"`
	RegexFilter        types.String `tfsdk:"regex_filter"`
	UseBlobURLs        types.Bool   `tfsdk:"use_blob_urls"`
	Presign            types.Bool   `tfsdk:"presign"`
	PresignTTL         types.Int64  `tfsdk:"presign_ttl"`
	RecursiveScan      types.Bool   `tfsdk:"recursive_scan"`
	CanDeleteObjects   types.Bool   `tfsdk:"can_delete_objects"`
	RegionName         types.String `tfsdk:"region_name"`
	S3Endpoint         types.String `tfsdk:"s3_endpoint"`
	AWSAccessKeyID     types.String `tfsdk:"aws_access_key_id"`
	AWSSecretAccessKey types.String `tfsdk:"aws_secret_access_key"`
	AWSSessionToken    types.String `tfsdk:"aws_session_token"`
	CredentialsVersion types.Int64  `tfsdk:"credentials_version"`
	SyncTrigger        types.String `tfsdk:"sync_trigger"`
	Status             types.String `tfsdk:"status"`
	LastSync           types.String `tfsdk:"last_sync"`
	LastSyncCount      types.Int64  `tfsdk:"last_sync_count"`
}

func (r *storageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_labelstudio_storage"
}

func optString(desc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: desc + " Defaults to empty.",
		Optional: true, Computed: true, Default: stringdefault.StaticString("")}
}

func writeOnlySecret(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc + " Write-only: never stored in state and never returned by Label Studio; it is " +
			"sent on create and whenever `credentials_version` changes.",
		Optional: true, Sensitive: true, WriteOnly: true,
	}
}

func (r *storageResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	importOnly := " Import storages only."
	resp.Schema = schema.Schema{
		MarkdownDescription: "An S3 import storage (tasks come from a bucket) or export storage (annotations go to a " +
			"bucket) of a Label Studio project. Works with any S3-compatible store, such as a `lakehouse_bucket` on " +
			"MinIO: set `s3_endpoint` to its URL. Credentials are write-only; change `credentials_version` to send " +
			"new ones, and change `sync_trigger` to run a sync.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Storage id. Import with `<direction>/<id>`, for example `import/12`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "Id of the project, e.g. `lakehouse_labelstudio_project.x.id`. Changing it replaces the storage.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[1-9][0-9]*$`), "must be a numeric project id")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"direction": schema.StringAttribute{
				MarkdownDescription: "`import` (source storage: tasks are read from the bucket) or `export` (target " +
					"storage: annotations are written to the bucket). Defaults to `import`. Changing it replaces the storage.",
				Optional: true, Computed: true, Default: stringdefault.StaticString(labelstudio.DirectionImport),
				Validators:    []validator.String{stringvalidator.OneOf(labelstudio.DirectionImport, labelstudio.DirectionExport)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"title":       optString("Title shown in the project settings (at most 256 characters)."),
			"description": optString("Description."),
			"bucket": schema.StringAttribute{
				MarkdownDescription: "Bucket name, e.g. `lakehouse_bucket.raw.bucket`. Label Studio connects to it when the storage is saved.",
				Required:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`),
					"must be an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens")},
			},
			"prefix":       optString("Key prefix to read from or write to (without a leading slash)."),
			"regex_filter": optString("Regular expression (Python syntax) object keys must match, e.g. `.*\\.json`."),
			"use_blob_urls": schema.BoolAttribute{
				MarkdownDescription: "Treat every object as a media file and hand its URL to the task (`true`), or " +
					"read objects as JSON tasks (`false`). Defaults to `false`.",
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			},
			"presign": schema.BoolAttribute{
				MarkdownDescription: "Hand annotators presigned URLs instead of proxying objects through Label Studio. " +
					"The server defaults to `true`." + importOnly,
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"presign_ttl": schema.Int64Attribute{
				MarkdownDescription: "Lifetime of presigned URLs in minutes. The server defaults to `1`." + importOnly,
				Optional:            true, Computed: true,
				Validators:    []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"recursive_scan": schema.BoolAttribute{
				MarkdownDescription: "Scan the prefix recursively. The server defaults to `false`." + importOnly,
				Optional:            true, Computed: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"can_delete_objects": schema.BoolAttribute{
				MarkdownDescription: "Delete exported objects when their annotations are deleted. The server defaults " +
					"to `false`. Export storages only.",
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"region_name": optString("S3 region, e.g. `us-east-1`."),
			"s3_endpoint": schema.StringAttribute{
				MarkdownDescription: "Endpoint URL of an S3-compatible store, with scheme, e.g. `http://minio:9000` " +
					"(Label Studio must reach it under that name). Empty means AWS. Defaults to empty.",
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^$|^https?://[^/\s]+(/.*)?$`),
					"must be a URL with scheme, such as http://minio:9000 (the provider's s3 endpoint setting has no scheme; add one)")},
			},
			"aws_access_key_id":     writeOnlySecret("Access key id."),
			"aws_secret_access_key": writeOnlySecret("Secret access key."),
			"aws_session_token":     writeOnlySecret("Session token for temporary credentials."),
			"credentials_version": schema.Int64Attribute{
				MarkdownDescription: "Any number; change it to send the write-only credentials again (for example after rotating them).",
				Optional:            true,
			},
			"sync_trigger": schema.StringAttribute{
				MarkdownDescription: "Any string; when set on create, and whenever it changes, the provider runs a sync " +
					"(import: scan the bucket for new tasks; export: write annotations to it). Use a date or a content hash.",
				Optional: true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the last sync: `initialized`, `queued`, `in_progress`, `failed`, `completed` or `completed_with_errors`.",
				Computed:            true,
			},
			"last_sync": schema.StringAttribute{
				MarkdownDescription: "When the last sync finished, empty if never.",
				Computed:            true,
			},
			"last_sync_count": schema.Int64Attribute{
				MarkdownDescription: "Objects handled by the last sync.",
				Computed:            true,
			},
		},
	}
}

func (r *storageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *storageResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_labelstudio_storage", providerdata.BlockLabelStudio)
}

// ValidateConfig rejects attributes that do not exist for the chosen
// direction, and credentials split in half.
func (r *storageResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m storageResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Direction.IsUnknown() {
		return
	}
	dir := m.Direction.ValueString()
	if dir == "" {
		dir = labelstudio.DirectionImport
	}
	set := func(v interface{ IsNull() bool }) bool { return !v.IsNull() }
	if dir == labelstudio.DirectionExport {
		for name, v := range map[string]interface{ IsNull() bool }{
			"presign": m.Presign, "presign_ttl": m.PresignTTL, "recursive_scan": m.RecursiveScan,
		} {
			if set(v) {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Attribute not valid for an export storage",
					fmt.Sprintf("%s applies only to import storages (direction = \"import\"); remove it.", name))
			}
		}
	}
	if dir == labelstudio.DirectionImport && set(m.CanDeleteObjects) {
		resp.Diagnostics.AddAttributeError(path.Root("can_delete_objects"), "Attribute not valid for an import storage",
			"can_delete_objects applies only to export storages (direction = \"export\"); remove it.")
	}
	// regex_filter is a Python regular expression, checked by the server:
	// Go's RE2 would refuse valid patterns such as lookaheads.
	if m.AWSAccessKeyID.IsNull() != m.AWSSecretAccessKey.IsNull() && !m.AWSAccessKeyID.IsUnknown() && !m.AWSSecretAccessKey.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("aws_secret_access_key"), "Incomplete credentials",
			"Set aws_access_key_id and aws_secret_access_key together, or neither (Label Studio then uses its own environment).")
	}
}

func (m *storageResourceModel) input(project int64, creds *storageResourceModel) labelstudio.S3StorageInput {
	in := labelstudio.S3StorageInput{
		Project:     project,
		Title:       m.Title.ValueStringPointer(),
		Description: m.Description.ValueStringPointer(),
		Bucket:      m.Bucket.ValueStringPointer(),
		Prefix:      m.Prefix.ValueStringPointer(),
		RegexFilter: m.RegexFilter.ValueStringPointer(),
		UseBlobURLs: m.UseBlobURLs.ValueBoolPointer(),
		RegionName:  m.RegionName.ValueStringPointer(),
		S3Endpoint:  m.S3Endpoint.ValueStringPointer(),
	}
	if m.Direction.ValueString() == labelstudio.DirectionExport {
		in.CanDeleteObjects = known(m.CanDeleteObjects.IsUnknown(), m.CanDeleteObjects.ValueBoolPointer())
	} else {
		in.Presign = known(m.Presign.IsUnknown(), m.Presign.ValueBoolPointer())
		in.PresignTTL = known(m.PresignTTL.IsUnknown(), m.PresignTTL.ValueInt64Pointer())
		in.RecursiveScan = known(m.RecursiveScan.IsUnknown(), m.RecursiveScan.ValueBoolPointer())
	}
	if creds != nil {
		// An absent credential is sent empty, so removing one clears it.
		in.AWSAccessKeyID = ptr(creds.AWSAccessKeyID.ValueString())
		in.AWSSecretAccessKey = ptr(creds.AWSSecretAccessKey.ValueString())
		in.AWSSessionToken = ptr(creds.AWSSessionToken.ValueString())
	}

	return in
}

func known[T any](unknown bool, p *T) *T {
	if unknown {
		return nil
	}

	return p
}

func ptr[T any](v T) *T { return &v }

func (m *storageResourceModel) fromStorage(s *labelstudio.S3Storage, direction string) {
	m.ID = types.StringValue(strconv.FormatInt(s.ID, 10))
	m.ProjectID = types.StringValue(strconv.FormatInt(s.Project, 10))
	m.Direction = types.StringValue(direction)
	m.Title = types.StringValue(s.Title)
	m.Description = types.StringValue(s.Description)
	m.Bucket = types.StringValue(s.Bucket)
	m.Prefix = types.StringValue(s.Prefix)
	m.RegexFilter = types.StringValue(s.RegexFilter)
	m.UseBlobURLs = types.BoolValue(s.UseBlobURLs)
	m.RegionName = types.StringValue(s.RegionName)
	m.S3Endpoint = types.StringValue(s.S3Endpoint)
	if direction == labelstudio.DirectionExport {
		m.CanDeleteObjects = types.BoolValue(s.CanDeleteObjects)
		m.Presign, m.PresignTTL, m.RecursiveScan = types.BoolNull(), types.Int64Null(), types.BoolNull()
	} else {
		m.Presign = types.BoolValue(s.Presign)
		m.PresignTTL = types.Int64Value(s.PresignTTL)
		m.RecursiveScan = types.BoolValue(s.RecursiveScan)
		m.CanDeleteObjects = types.BoolNull()
	}
	m.Status = types.StringValue(s.Status)
	m.LastSync = types.StringValue(s.LastSync)
	m.LastSyncCount = types.Int64Value(s.LastSyncCount)
	// Credentials are write-only and never read back.
	m.AWSAccessKeyID, m.AWSSecretAccessKey, m.AWSSessionToken = types.StringNull(), types.StringNull(), types.StringNull()
}

// storageID splits an import id "import/12", "export/12" or "12" (import).
func storageID(s string) (string, int64, error) {
	dir, num := labelstudio.DirectionImport, s
	if before, after, ok := strings.Cut(s, "/"); ok {
		dir, num = before, after
	}
	if dir != labelstudio.DirectionImport && dir != labelstudio.DirectionExport {
		return "", 0, fmt.Errorf("%q: the direction must be import or export", s)
	}
	id, err := parseID(num)

	return dir, id, err
}

func (r *storageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config storageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics, "creating", storageType, "") {
		return
	}
	project, _ := parseID(plan.ProjectID.ValueString()) // NOTE: the schema validator guarantees a number
	dir := plan.Direction.ValueString()

	s, err := r.client.CreateS3Storage(ctx, dir, plan.input(project, &config))
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", storageType, "",
			fmt.Sprintf("Label Studio refused the %s storage for bucket %q:\n%s", dir, plan.Bucket.ValueString(), serverMessages(err)),
			"Label Studio connects to the bucket itself: check that s3_endpoint is reachable from the Label Studio "+
				"server, that the bucket exists and that the credentials can list it.", err)

		return
	}

	trigger := plan.SyncTrigger
	plan.fromStorage(s, dir)
	plan.SyncTrigger = trigger
	if !trigger.IsNull() {
		r.sync(ctx, &plan, dir, s.ID, types.StringNull(), &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// sync runs a storage sync and maps its answer; on failure it puts the old
// trigger back so the next apply tries again.
func (r *storageResource) sync(ctx context.Context, m *storageResourceModel, dir string, id int64, oldTrigger types.String, d *diag.Diagnostics) {
	tflog.Debug(ctx, "syncing storage", map[string]any{"lakehouse.labelstudio.storage": id, "lakehouse.labelstudio.direction": dir})
	s, err := r.client.SyncS3Storage(ctx, dir, id)
	if err != nil {
		m.SyncTrigger = oldTrigger
		diags.AddError(d, "syncing", storageType, m.ID.ValueString(),
			"The storage was saved, but Label Studio refused to sync it:\n"+serverMessages(err),
			"Fix the cause and apply again; the sync runs again because sync_trigger still differs.", err)

		return
	}
	trigger := m.SyncTrigger
	m.fromStorage(s, dir)
	m.SyncTrigger = trigger
}

func (r *storageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state storageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	dir := state.Direction.ValueString()
	s, ok := readByID(ctx, &r.clientHolder, resp, storageType, state.ID.ValueString(), dir+"/"+state.ID.ValueString(), "", "storage",
		func(ctx context.Context, id int64) (*labelstudio.S3Storage, error) {
			return r.client.GetS3Storage(ctx, dir, id)
		})
	if !ok {
		return
	}

	trigger := state.SyncTrigger
	state.fromStorage(s, dir)
	state.SyncTrigger = trigger
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *storageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config storageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !r.ready(&resp.Diagnostics, "updating", storageType, state.ID.ValueString()) {
		return
	}
	id, err := parseID(state.ID.ValueString())
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", storageType, state.ID.ValueString(), "The id in state is not valid.", "", err)

		return
	}
	project, _ := parseID(plan.ProjectID.ValueString())
	dir := state.Direction.ValueString()
	var creds *storageResourceModel
	if !plan.CredentialsVersion.Equal(state.CredentialsVersion) {
		creds = &config
	}

	s, err := r.client.UpdateS3Storage(ctx, dir, id, plan.input(project, creds))
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", storageType, state.ID.ValueString(),
			"Label Studio refused the change:\n"+serverMessages(err),
			"Label Studio connects to the bucket when a storage is saved: check the endpoint, bucket and credentials.", err)

		return
	}

	trigger := plan.SyncTrigger
	plan.fromStorage(s, dir)
	plan.SyncTrigger = trigger
	if !trigger.IsNull() && !trigger.Equal(state.SyncTrigger) {
		r.sync(ctx, &plan, dir, id, state.SyncTrigger, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *storageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state storageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	dir := state.Direction.ValueString()
	r.deleteByID(ctx, &resp.Diagnostics, storageType, state.ID.ValueString(),
		"Label Studio did not delete the storage (the bucket and its objects are never touched).",
		func(ctx context.Context, id int64) error { return r.client.DeleteS3Storage(ctx, dir, id) })
}

func (r *storageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	dir, id, err := storageID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id for "+storageType,
			fmt.Sprintf("Import a storage as <direction>/<id>, e.g. `import/12` or `export/7`.\n\n%s", err))

		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("direction"), dir)...)
}
