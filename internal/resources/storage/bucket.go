package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

var (
	_ resource.Resource                   = (*bucketResource)(nil)
	_ resource.ResourceWithConfigure      = (*bucketResource)(nil)
	_ resource.ResourceWithImportState    = (*bucketResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*bucketResource)(nil)
	_ resource.ResourceWithValidateConfig = (*bucketResource)(nil)
)

const (
	bucketType = "lakehouse_bucket"
	// importKey marks the first Read after an import: it reads every
	// sub-configuration, because nothing says yet which ones are managed.
	importKey = "imported"
)

// NewBucketResource is the lakehouse_bucket constructor.
func NewBucketResource() resource.Resource { return &bucketResource{} }

type bucketResource struct {
	data *providerdata.Data
}

type bucketResourceModel struct {
	ID                types.String `tfsdk:"id"`
	Bucket            types.String `tfsdk:"bucket"`
	Versioning        types.String `tfsdk:"versioning"`
	ObjectLockEnabled types.Bool   `tfsdk:"object_lock_enabled"`
	DefaultRetention  types.Object `tfsdk:"default_retention"`
	Tags              types.Map    `tfsdk:"tags"`
	LifecycleRules    types.List   `tfsdk:"lifecycle_rules"`
	ForceDestroy      types.Bool   `tfsdk:"force_destroy"`
}

func (r *bucketResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket"
}

func (r *bucketResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptyTags := types.MapValueMust(types.StringType, map[string]attr.Value{})
	resp.Schema = schema.Schema{
		MarkdownDescription: "An object storage bucket (MinIO or any S3) for raw, curated and governance data. " +
			"Each optional setting (`versioning`, `object_lock_enabled`, `tags`, `lifecycle_rules`) is managed only when it is set: " +
			"a refresh reads only the settings this resource manages, and leaving one out leaves the bucket's current value alone.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The bucket name.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Bucket name. New buckets must follow the S3 naming rules (3-63 characters; lower-case letters, digits, dots and hyphens; " +
					"starting and ending with a letter or digit; no `..`, `.-` or `-.`; not an IP address; no reserved prefix or suffix), checked at plan time. " +
					"Existing buckets with legacy names can be imported. Changing it creates a new bucket.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"versioning": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Object versioning: `Enabled` or `Suspended` (`Suspended` also describes a bucket that was never versioned). " +
					"Leave unset to not manage versioning.",
				Validators: []validator.String{stringvalidator.OneOf("Enabled", "Suspended")},
			},
			"object_lock_enabled": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Enable S3 Object Lock (WORM retention; at creation it turns versioning on). Set at creation where possible. " +
					"Turning it on for an existing bucket is an in-place change on servers that allow it: AWS S3 does when versioning is enabled, " +
					"so set `versioning = \"Enabled\"` beside it (versioning is never turned on unasked, since it can only be suspended afterwards, never undone). " +
					"Servers that do not (MinIO allows it only at creation) fail the apply with an explanation, leaving the bucket and its versioning as they were; " +
					"the bucket is never replaced. Object Lock can never be turned off again.",
			},
			"default_retention": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Default Object Lock retention applied to every new object version. Needs `object_lock_enabled = true`. " +
					"Leave unset to not manage it.",
				Attributes: map[string]schema.Attribute{
					"mode": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "`GOVERNANCE` (users with the bypass permission may still delete) or `COMPLIANCE` " +
							"(nobody can delete a version before its retention ends).",
						Validators: []validator.String{stringvalidator.OneOf("GOVERNANCE", "COMPLIANCE")},
					},
					"days": schema.Int64Attribute{
						Optional: true, MarkdownDescription: "Retention period in days. Exactly one of `days` and `years`.",
						// Both paths absolute: the error lists the expressions as
						// written, and a relative one reads "default_retention.days.<.years".
						Validators: []validator.Int64{int64validator.AtLeast(1), int64validator.ExactlyOneOf(
							path.MatchRoot("default_retention").AtName("days"), path.MatchRoot("default_retention").AtName("years"))},
					},
					"years": schema.Int64Attribute{
						Optional: true, MarkdownDescription: "Retention period in years.",
						Validators: []validator.Int64{int64validator.AtLeast(1)},
					},
				},
			},
			"tags": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Bucket tags. An empty map removes all tags; leave unset to not manage tags.",
			},
			"lifecycle_rules": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Lifecycle (ILM) rules. An empty list removes the lifecycle configuration; leave unset to not manage it. " +
					"MinIO does not support `abort_incomplete_multipart_upload_days` (it removes stale multipart uploads itself, after 24 hours by default): " +
					"it refuses a rule whose only action that is and drops it from other rules, so the apply fails there with an error at that attribute. " +
					"A bucket being created when a setting is refused is removed again, so nothing is left over and the next apply creates it afresh.",
				Validators: []validator.List{listvalidator.SizeAtMost(1000)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Rule id, unique in the bucket.",
						Validators:          []validator.String{stringvalidator.LengthBetween(1, 255)},
					},
					"enabled": schema.BoolAttribute{
						Optional: true, Computed: true, Default: booldefault.StaticBool(true),
						MarkdownDescription: "Whether the rule is active. Defaults to `true`.",
					},
					"filter": schema.SingleNestedAttribute{
						Optional: true, Computed: true,
						Default: objectdefault.StaticValue(types.ObjectValueMust(filterAttrTypes, map[string]attr.Value{
							"prefix": types.StringValue(""), "tags": emptyTags,
						})),
						MarkdownDescription: "Which objects the rule applies to. No filter, `filter = {}` and `prefix = \"\"` all mean every object and never differ in a plan.",
						Attributes: map[string]schema.Attribute{
							"prefix": schema.StringAttribute{
								Optional: true, Computed: true, Default: stringdefault.StaticString(""),
								MarkdownDescription: "Key prefix, e.g. `tmp/`. Defaults to `\"\"` (every key).",
							},
							"tags": schema.MapAttribute{
								Optional: true, Computed: true, ElementType: types.StringType, Default: mapdefault.StaticValue(emptyTags),
								MarkdownDescription: "Object tags that must all match.",
							},
						},
					},
					"expiration_days": schema.Int64Attribute{
						Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
						MarkdownDescription: "Expire current object versions this many days after creation.",
					},
					"noncurrent_version_expiration_days": schema.Int64Attribute{
						Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
						MarkdownDescription: "Delete noncurrent versions this many days after they became noncurrent.",
					},
					"noncurrent_versions_retained": schema.Int64Attribute{
						Optional: true, Validators: []validator.Int64{int64validator.Between(1, 100)},
						MarkdownDescription: "Keep this many newest noncurrent versions regardless of `noncurrent_version_expiration_days`.",
					},
					"abort_incomplete_multipart_upload_days": schema.Int64Attribute{
						Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
						MarkdownDescription: "Abort multipart uploads not completed this many days after they started (AWS S3; MinIO does not support it, and the apply fails there).",
					},
				}},
			},
			"force_destroy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, first delete every object version, delete marker and incomplete multipart upload. " +
					"Objects under retention or legal hold are never bypassed: destroy then fails with their count and sample keys. Defaults to `false`.",
			},
		},
	}
}

func (r *bucketResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *bucketResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m bucketResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateRules(ctx, m.LifecycleRules, &resp.Diagnostics)
	if !m.DefaultRetention.IsNull() && !m.ObjectLockEnabled.IsUnknown() && !m.ObjectLockEnabled.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("default_retention"), "Default retention needs Object Lock",
			"Set object_lock_enabled = true to use default_retention.")
	}
	if m.ObjectLockEnabled.ValueBool() && m.Versioning.ValueString() == "Suspended" {
		resp.Diagnostics.AddAttributeError(path.Root("versioning"), "Versioning conflicts with object lock",
			"Object Lock needs versioning; set versioning = \"Enabled\" or leave it unset.")
	}
}

// ModifyPlan checks the name rules for buckets about to be created only, so
// buckets with legacy names can still be imported, and refuses to plan
// turning Object Lock off, which no server can do.
func (r *bucketResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, "lakehouse_bucket", providerdata.BlockS3) {
		return
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan bucketResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if !plan.Bucket.IsUnknown() {
			if p := validators.BucketNameProblems(plan.Bucket.ValueString()); p != nil {
				resp.Diagnostics.AddAttributeError(path.Root("bucket"), "Invalid bucket name",
					validators.BucketNameDetail(plan.Bucket.ValueString(), p))
			}
		}

		return
	}
	var state bucketResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.ObjectLockEnabled.ValueBool() && !plan.ObjectLockEnabled.IsNull() && !plan.ObjectLockEnabled.IsUnknown() &&
		!plan.ObjectLockEnabled.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("object_lock_enabled"), "Object Lock cannot be turned off",
			"S3 and MinIO never turn Object Lock off once it is on. Keep object_lock_enabled = true, or remove the attribute to stop managing it.")
	}
}

// lostAnswerRetries bounds how often a write whose every attempt lost its
// answer is settled again: a bucket create by asking whether the bucket
// exists, an object by writing it again (each request is retried by the
// client as any request is).
const lostAnswerRetries = 3

// makeBucket creates a bucket the caller has just found absent. When the
// create gets no answer (each attempt's connection cut), whether the server
// made the bucket is unknown; asking settles it: the bucket that did not
// exist a moment ago and exists now is this create's, and one still absent
// is created again. Only when the asks get no answer either does the
// transport error come back (see objectstore.OutcomeUnknown).
func makeBucket(ctx context.Context, c *minio.Client, name string, opts minio.MakeBucketOptions) error {
	err := c.MakeBucket(ctx, name, opts)
	for range lostAnswerRetries {
		if minio.ToErrorResponse(err).Code == "BucketAlreadyOwnedByYou" {
			return nil // a retried create whose first answer was lost
		}
		if !objectstore.OutcomeUnknown(err) {
			return err
		}
		tflog.Debug(ctx, "bucket create got no answer; checking whether it was made", map[string]any{"lakehouse.s3.bucket": name, "error": err.Error()})
		exists, checkErr := c.BucketExists(ctx, name)
		switch {
		case checkErr != nil:
			if !objectstore.OutcomeUnknown(checkErr) {
				return checkErr
			}
		case exists:
			return nil
		default:
			err = c.MakeBucket(ctx, name, opts)
		}
	}

	return err
}

func (r *bucketResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bucketResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "creating", bucketType, name)
	if c == nil {
		return
	}

	// Ask first: AWS us-east-1 answers a create of a bucket one already owns
	// with 200, and a retried create whose first answer was lost gets
	// BucketAlreadyOwnedByYou. Only the check tells the two apart, so an
	// existing bucket is never silently adopted and a lost answer never
	// fails the apply.
	exists, err := c.BucketExists(ctx, name)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", bucketType, name, "Checking whether the bucket already exists failed.",
			"Check the s3 endpoint, that the server is up, the credentials, and use_ssl (false for a plain-HTTP MinIO). On AWS S3 an Access Denied here "+
				"usually means another account owns the name: choose another.", err)

		return
	}
	if exists {
		diags.AddError(&resp.Diagnostics, "creating", bucketType, name, "The bucket already exists.",
			"Import it (terraform import or an import block) to manage it, or choose another name.", nil)

		return
	}
	tflog.Debug(ctx, "creating bucket", map[string]any{"lakehouse.s3.bucket": name})
	err = makeBucket(ctx, c, name, minio.MakeBucketOptions{
		Region: r.data.S3.Region, ObjectLocking: plan.ObjectLockEnabled.ValueBool(),
	})
	if objectstore.OutcomeUnknown(err) {
		// Neither the create nor the checks after it got an answer: the
		// request may have created the bucket. Record it (Terraform taints
		// it) so it is never orphaned; the next apply drops it from the
		// state if absent, else replaces it.
		diags.AddError(&resp.Diagnostics, "creating", bucketType, name, "The server did not answer the create request; the bucket may exist.",
			"It is recorded in the state as tainted: run apply again once the server is reachable, and it is checked and created afresh.", err)
		plan.ID = types.StringValue(name)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

		return
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", bucketType, name, "The server refused to create the bucket.",
			"Bucket names are global on AWS S3: if it is taken, choose another name. Check the credentials' permissions.", err)

		return
	}
	if err := objectstore.WaitBucketVisible(ctx, c, name); err != nil {
		diags.AddError(&resp.Diagnostics, "creating", bucketType, name, "The bucket was created but did not become readable in time.",
			"Run apply again; the bucket is recorded in the state.", err)
	}
	plan.ID = types.StringValue(name)
	if resp.Diagnostics.HasError() {
		// The bucket exists: keep it in the state (Terraform taints it)
		// so it is never orphaned.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

		return
	}
	failed := r.apply(ctx, c, name, bucketResourceModel{}, plan)
	if len(failed) == 0 {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

		return
	}
	// A setting the server refused: the bucket this create made is still
	// empty (dependants wait for it), so removing it leaves nothing behind,
	// where a tainted entry would make the next plan replace it.
	err = c.RemoveBucket(ctx, name)
	if err == nil || objectstore.IsNoSuchBucket(err) {
		failed.report(&resp.Diagnostics, "creating", name,
			"The bucket this apply created was removed again, so nothing is left over and nothing is recorded in the state.")

		return
	}
	failed.report(&resp.Diagnostics, "creating", name, fmt.Sprintf("The bucket this apply created could not be removed again (%v); "+
		"it is recorded in the state as tainted, and the next apply replaces it.", err))
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bucketResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "reading", bucketType, name)
	if c == nil {
		return
	}
	imported, d := req.Private.GetKey(ctx, importKey)
	resp.Diagnostics.Append(d...)

	exists, err := c.BucketExists(ctx, name)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", bucketType, name, "Checking whether the bucket exists failed.", "", err)

		return
	}
	if !exists {
		diags.NotFoundWarning(&resp.Diagnostics, bucketType, name)
		resp.State.RemoveResource(ctx)

		return
	}
	if err := r.read(ctx, c, &state, len(imported) > 0); err != nil {
		if objectstore.IsNoSuchBucket(err) {
			diags.NotFoundWarning(&resp.Diagnostics, bucketType, name)
			resp.State.RemoveResource(ctx)

			return
		}
		diags.AddError(&resp.Diagnostics, "reading", bucketType, name, "Reading the bucket's configuration failed.", "", err)

		return
	}
	if len(imported) > 0 {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importKey, nil)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// read refreshes the sub-configurations the state manages (all of them
// after an import) and nothing else, to keep a refresh to the calls it needs.
func (r *bucketResource) read(ctx context.Context, c *minio.Client, m *bucketResourceModel, all bool) error {
	name := m.Bucket.ValueString()
	m.ID = types.StringValue(name)
	if m.ForceDestroy.IsNull() {
		m.ForceDestroy = types.BoolValue(false)
	}
	if all || !m.Versioning.IsNull() {
		v, err := c.GetBucketVersioning(ctx, name)
		if err != nil {
			return err
		}
		m.Versioning = versioningState(v.Status, all)
	}
	if all || !m.ObjectLockEnabled.IsNull() || !m.DefaultRetention.IsNull() {
		enabled, mode, validity, unit, err := c.GetObjectLockConfig(ctx, name)
		if err != nil && !objectstore.IsAbsentConfig(err) {
			return err
		}
		if all || !m.ObjectLockEnabled.IsNull() {
			m.ObjectLockEnabled = types.BoolValue(enabled == "Enabled")
			if all && enabled != "Enabled" {
				m.ObjectLockEnabled = types.BoolNull()
			}
		}
		if all || !m.DefaultRetention.IsNull() {
			m.DefaultRetention = retentionState(mode, validity, unit, all)
		}
	}
	if all || !m.Tags.IsNull() {
		t, err := c.GetBucketTagging(ctx, name)
		if err != nil && !objectstore.IsAbsentConfig(err) {
			return err
		}
		got := map[string]string{}
		if t != nil {
			got = t.ToMap()
		}
		if !all || len(got) > 0 {
			tv, d := types.MapValueFrom(ctx, types.StringType, got)
			if d.HasError() {
				return errors.New("converting tags")
			}
			m.Tags = tv
		}
	}
	if all || !m.LifecycleRules.IsNull() {
		cfg, err := c.GetBucketLifecycle(ctx, name)
		if err != nil && !objectstore.IsAbsentConfig(err) {
			return err
		}
		got := canonicalFromServer(cfg)
		prior, d := canonicalFromModel(ctx, m.LifecycleRules)
		if d.HasError() {
			return errors.New("reading lifecycle rules from the state")
		}
		// Keep the configured form while the server's rules mean the same.
		if (!all || len(got) > 0) && (m.LifecycleRules.IsNull() || !rulesEqual(prior, got)) {
			l, d := toModel(got)
			if d.HasError() {
				return errors.New("converting lifecycle rules")
			}
			m.LifecycleRules = l
		}
	}

	return nil
}

var retentionAttrTypes = map[string]attr.Type{"mode": types.StringType, "days": types.Int64Type, "years": types.Int64Type}

// retentionState maps the server's default retention to the attribute. No
// default rule reads as an object with an empty mode, so a configured rule
// that was removed by hand shows a diff; after an import it stays null.
func retentionState(mode *minio.RetentionMode, validity *uint, unit *minio.ValidityUnit, imported bool) types.Object {
	if mode == nil || validity == nil || unit == nil {
		if imported {
			return types.ObjectNull(retentionAttrTypes)
		}

		return types.ObjectValueMust(retentionAttrTypes, map[string]attr.Value{
			"mode": types.StringValue(""), "days": types.Int64Null(), "years": types.Int64Null(),
		})
	}
	days, years := types.Int64Null(), types.Int64Null()
	if *unit == minio.Years {
		years = types.Int64Value(int64(*validity))
	} else {
		days = types.Int64Value(int64(*validity))
	}

	return types.ObjectValueMust(retentionAttrTypes, map[string]attr.Value{
		"mode": types.StringValue(string(*mode)), "days": days, "years": years,
	})
}

// versioningState maps the server's status to the attribute: a bucket that
// was never versioned ("") counts as Suspended, so the configured value
// stays when it means the same.
func versioningState(status string, imported bool) types.String {
	switch status {
	case "Enabled":
		return types.StringValue("Enabled")
	case "":
		if imported {
			return types.StringNull()
		}
	}

	return types.StringValue("Suspended")
}

func (r *bucketResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state bucketResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "updating", bucketType, name)
	if c == nil {
		return
	}

	if failed := r.apply(ctx, c, name, state, plan); len(failed) > 0 {
		failed.report(&resp.Diagnostics, "updating", name, "")

		return
	}
	plan.ID = types.StringValue(name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// failure is one setting a server refused, reported by the caller once it
// knows what became of the bucket.
type failure struct {
	at         path.Path // the attribute at fault, or empty
	what, todo string
	err        error
}

type failures []failure

func (f *failures) add(at path.Path, what, todo string, err error) {
	*f = append(*f, failure{at: at, what: what, todo: todo, err: err})
}

// report adds one error per failure; fate, when set, says what became of
// the bucket, after what happened.
func (f failures) report(ds *diag.Diagnostics, action, name, fate string) {
	for _, x := range f {
		what := x.what
		if fate != "" {
			what += " " + fate
		}
		if x.at.Equal(path.Empty()) {
			diags.AddError(ds, action, bucketType, name, what, x.todo, x.err)

			continue
		}
		ds.AddAttributeError(x.at, diags.Summary(action, bucketType, name), diags.Detail(what, x.todo, x.err))
	}
}

// apply sends each managed sub-configuration that differs between prior and
// plan, stopping at the first the server refuses. On an existing bucket
// Object Lock goes first, before versioning: a bucket that was ever
// versioned can never be unversioned again, so versioning is changed only
// once the server has taken the lock or said it needs versioning for it.
func (r *bucketResource) apply(ctx context.Context, c *minio.Client, name string, prior, plan bucketResourceModel) failures {
	var failed failures
	versioningSet := false
	if plan.ObjectLockEnabled.ValueBool() && !prior.ObjectLockEnabled.ValueBool() && !prior.Bucket.IsNull() {
		var ok bool
		if ok, versioningSet = enableObjectLock(ctx, c, name, plan.Versioning.ValueString() == "Enabled", &failed); !ok {
			return failed
		}
	}
	if !versioningSet && !plan.Versioning.IsNull() && !plan.Versioning.Equal(prior.Versioning) {
		var err error
		if plan.Versioning.ValueString() == "Enabled" {
			err = c.EnableVersioning(ctx, name)
		} else if !prior.Bucket.IsNull() || plan.ObjectLockEnabled.ValueBool() {
			err = c.SuspendVersioning(ctx, name)
		}
		if err != nil {
			failed.add(path.Root("versioning"), "Setting versioning to "+plan.Versioning.ValueString()+" failed.", "", err)

			return failed
		}
	}
	if !plan.DefaultRetention.IsNull() && !plan.DefaultRetention.Equal(prior.DefaultRetention) {
		if err := setDefaultRetention(ctx, c, name, plan.DefaultRetention); err != nil {
			failed.add(path.Root("default_retention"), "Setting the default retention failed.", "Default retention needs a bucket with Object Lock on.", err)

			return failed
		}
	}
	if !plan.Tags.IsNull() && !plan.Tags.Equal(prior.Tags) {
		if err := setBucketTags(ctx, c, name, plan.Tags); err != nil {
			failed.add(path.Root("tags"), "Setting the bucket tags failed.", "Tag keys and values must follow the S3 tag rules (at most 50 tags).", err)

			return failed
		}
	}
	if !plan.LifecycleRules.IsNull() && !plan.LifecycleRules.Equal(prior.LifecycleRules) {
		setLifecycle(ctx, c, name, plan.LifecycleRules, &failed)
	}

	return failed
}

// needsVersioning reports whether the server refused Object Lock only because
// the bucket's versioning is not enabled (AWS S3), as opposed to refusing it
// on any existing bucket (MinIO answers the same code with "cannot be
// enabled on existing buckets").
func needsVersioning(err error) bool {
	return objectstore.Code(err) == "InvalidBucketState" &&
		strings.Contains(strings.ToLower(minio.ToErrorResponse(err).Message), "versioning")
}

// refusesObjectLock reports whether the server refuses Object Lock on this
// existing bucket whatever its versioning.
func refusesObjectLock(err error) bool {
	switch objectstore.Code(err) {
	case "InvalidBucketState", "ObjectLockConfigurationNotAllowed", "NotImplemented":
		return true
	}

	return false
}

// enableObjectLock turns Object Lock on for an existing bucket. It asks for
// the lock before touching versioning, and enables versioning (then asks
// again) only when the server says the lock needs it and the configuration
// asks for versioning = "Enabled" anyway. It reports whether the lock is on
// and whether it enabled versioning.
func enableObjectLock(ctx context.Context, c *minio.Client, name string, versioningWanted bool, failed *failures) (locked, versioningSet bool) {
	fail := func(what, todo string, err error) { failed.add(path.Root("object_lock_enabled"), what, todo, err) }
	const never = "Create a new bucket with object_lock_enabled = true and copy the data, or remove object_lock_enabled from the configuration. " +
		"This provider never replaces a bucket to change this, because that would delete its data."
	err := c.SetObjectLockConfig(ctx, name, nil, nil, nil)
	switch {
	case err == nil:
		return true, false
	case needsVersioning(err) && !versioningWanted:
		fail("This server turns Object Lock on for an existing bucket only when the bucket's versioning is enabled. "+
			"Object Lock and versioning were left as they were: once enabled, versioning can only be suspended, never turned off, "+
			"so this provider enables it only when the configuration asks for it.",
			"Set versioning = \"Enabled\" beside object_lock_enabled = true to turn both on, or remove object_lock_enabled from the configuration.", err)

		return false, false
	case needsVersioning(err):
		// The configuration asks for versioning anyway.
	case refusesObjectLock(err):
		fail("This server does not allow turning Object Lock on for an existing bucket (MinIO allows it only when the bucket is created). "+
			"The bucket was left as it was, its versioning included.", never, err)

		return false, false
	default:
		fail("Turning Object Lock on failed; the bucket's versioning was left as it was.", "", err)

		return false, false
	}
	if err := c.EnableVersioning(ctx, name); err != nil {
		fail("Enabling versioning, which this server needs before it turns Object Lock on, failed; Object Lock is still off.", "", err)

		return false, false
	}
	if err := c.SetObjectLockConfig(ctx, name, nil, nil, nil); err != nil {
		what := "Turning Object Lock on failed after versioning was enabled."
		if refusesObjectLock(err) {
			what = "This server refused Object Lock for this existing bucket even with versioning enabled."
		}
		fail(what+" Versioning is now enabled, as the configuration asks; Object Lock is still off.", never, err)

		return false, true
	}

	return true, true
}

func setDefaultRetention(ctx context.Context, c *minio.Client, name string, o types.Object) error {
	var r struct {
		Mode  types.String `tfsdk:"mode"`
		Days  types.Int64  `tfsdk:"days"`
		Years types.Int64  `tfsdk:"years"`
	}
	if d := o.As(ctx, &r, struct{ UnhandledNullAsEmpty, UnhandledUnknownAsEmpty bool }{}); d.HasError() {
		return errors.New("reading default_retention from the plan")
	}
	mode := minio.RetentionMode(r.Mode.ValueString())
	unit, validity := minio.Days, uint(r.Days.ValueInt64())
	if !r.Years.IsNull() {
		unit, validity = minio.Years, uint(r.Years.ValueInt64())
	}

	return c.SetObjectLockConfig(ctx, name, &mode, &validity, &unit)
}

func setBucketTags(ctx context.Context, c *minio.Client, name string, m types.Map) error {
	want, d := stringMap(ctx, m)
	if d.HasError() {
		return errors.New("reading tags from the plan")
	}
	if len(want) == 0 {
		return c.RemoveBucketTagging(ctx, name)
	}
	t, err := tags.MapToBucketTags(want)
	if err != nil {
		return err
	}

	return c.SetBucketTagging(ctx, name, t)
}

// abortNote says why MinIO has no use for abort_incomplete_multipart_upload_days.
const abortNote = "MinIO, which does not support it, removes incomplete multipart uploads by itself once they are older than " +
	"its api stale_uploads_expiry setting (24 hours by default)."

// abortPath is the attribute of rule i that MinIO does not support.
func abortPath(i int) path.Path {
	return path.Root("lifecycle_rules").AtListIndex(i).AtName("abort_incomplete_multipart_upload_days")
}

// abortTodo says how to change rule i of want so MinIO takes it.
func abortTodo(want []canonicalRule, i int) string {
	todo := fmt.Sprintf("Remove abort_incomplete_multipart_upload_days from rule %q", want[i].ID)
	if want[i].ExpirationDays == 0 && want[i].NoncurrentDays == 0 {
		todo += " and give the rule another action (expiration_days or noncurrent_version_expiration_days), or remove the rule"
	}

	return todo + ", then apply again."
}

// setLifecycle writes the rules and reads them back: a server that drops
// part of a rule must fail the apply rather than leave a permanent diff.
// MinIO does not support AbortIncompleteMultipartUpload: it refuses a rule
// whose only action that is and drops it from other rules, so either way the
// error names each rule's abort_incomplete_multipart_upload_days.
func setLifecycle(ctx context.Context, c *minio.Client, name string, l types.List, failed *failures) {
	rules := path.Root("lifecycle_rules")
	want, d := canonicalFromModel(ctx, l)
	if d.HasError() {
		failed.add(rules, "Reading the lifecycle rules from the plan failed.", "This is a bug in the provider; please report it.", nil)

		return
	}
	if len(want) == 0 {
		if err := c.SetBucketLifecycle(ctx, name, toServer(nil)); err != nil && !objectstore.IsAbsentConfig(err) {
			failed.add(rules, "Removing the lifecycle configuration failed.", "", err)
		}

		return
	}
	if err := c.SetBucketLifecycle(ctx, name, toServer(want)); err != nil {
		aborts := 0
		if minio.ToErrorResponse(err).Server == "MinIO" {
			for i := range want {
				if want[i].AbortUploadsAfter != 0 {
					aborts++
					failed.add(abortPath(i), fmt.Sprintf("This server (MinIO) does not support lifecycle_rules[%d].abort_incomplete_multipart_upload_days "+
						"(rule %q) and refused the lifecycle rules, which were left as they were. %s", i, want[i].ID, abortNote), abortTodo(want, i), err)
				}
			}
		}
		if aborts == 0 {
			failed.add(rules, "The server refused the lifecycle rules, which were left as they were.",
				"Check the rules against the server's lifecycle support.", err)
		}

		return
	}
	cfg, err := c.GetBucketLifecycle(ctx, name)
	if err != nil {
		failed.add(rules, "Reading back the lifecycle rules failed.", "", err)

		return
	}
	got := canonicalFromServer(cfg)
	if rulesEqual(want, got) {
		return
	}
	aborts := 0
	for i := range want {
		if i < len(got) && got[i].ID == want[i].ID && want[i].AbortUploadsAfter != 0 && got[i].AbortUploadsAfter == 0 {
			aborts++
			failed.add(abortPath(i), fmt.Sprintf("This server does not support lifecycle_rules[%d].abort_incomplete_multipart_upload_days (rule %q): "+
				"it stored the rules, but without it. %s", i, want[i].ID, abortNote), abortTodo(want, i), nil)
		}
	}
	if aborts == 0 {
		failed.add(rules, "The server stored different lifecycle rules than were sent.",
			"Remove the settings this server does not support from the rules, then apply again.", nil)
	}
}

func (r *bucketResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "deleting", bucketType, name)
	if c == nil {
		return
	}

	if state.ForceDestroy.ValueBool() {
		err := objectstore.EmptyBucket(ctx, c, name)
		if err != nil && !objectstore.IsNoSuchBucket(err) {
			what := "Objects under retention or legal hold are never bypassed; remove the hold or wait for retention to end, then destroy again " +
				"(the next run continues with what is left)."
			if objectstore.Transient(err) {
				what = "The connection to the S3 endpoint kept failing although every request was repeated up to the retry block's max_attempts; " +
					"check the network to the endpoint, or raise max_attempts, then destroy again (the next run continues with what is left)."
			}
			diags.AddError(&resp.Diagnostics, "deleting", bucketType, name, "Emptying the bucket before deleting it failed.", what, err)

			return
		}
	}
	err := c.RemoveBucket(ctx, name)
	if err == nil || objectstore.IsNoSuchBucket(err) {
		return
	}
	if objectstore.Code(err) == "BucketNotEmpty" {
		diags.AddError(&resp.Diagnostics, "deleting", bucketType, name, "The bucket is not empty.",
			"Set force_destroy = true and apply before destroying, or empty the bucket yourself.", err)

		return
	}
	diags.AddError(&resp.Diagnostics, "deleting", bucketType, name, "The server refused to delete the bucket.", "", err)
}

func (r *bucketResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket"), req.ID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importKey, []byte(`true`))...)
}
