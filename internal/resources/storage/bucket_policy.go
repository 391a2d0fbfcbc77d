package storage

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var (
	_ resource.Resource                = (*bucketPolicyResource)(nil)
	_ resource.ResourceWithConfigure   = (*bucketPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*bucketPolicyResource)(nil)
	_ resource.ResourceWithImportState = (*bucketPolicyResource)(nil)
)

const bucketPolicyType = "lakehouse_bucket_policy"

// NewBucketPolicyResource is the lakehouse_bucket_policy constructor.
func NewBucketPolicyResource() resource.Resource { return &bucketPolicyResource{} }

type bucketPolicyResource struct {
	data *providerdata.Data
}

type bucketPolicyResourceModel struct {
	ID     types.String    `tfsdk:"id"`
	Bucket types.String    `tfsdk:"bucket"`
	Policy policydoc.Value `tfsdk:"policy"`
}

func (r *bucketPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_policy"
}

func (r *bucketPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The access policy document of a bucket (S3 bucket policy). The policy is compared by meaning: " +
			"reordered arrays, a single value written as a one-element list, an empty `Sid` or `Condition`, and `\"*\"` " +
			"written as `{\"AWS\": \"*\"}` never show a diff, and the state keeps the text you wrote.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The bucket name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket": schema.StringAttribute{
				Required: true, MarkdownDescription: "Bucket the policy belongs to. Changing it moves the policy to another bucket.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"policy": schema.StringAttribute{
				Required: true, CustomType: policydoc.Type{},
				PlanModifiers: []planmodifier.String{policydoc.KeepEquivalentState()},
				Validators:    []validator.String{policydoc.NoManagedSids()},
				MarkdownDescription: "Policy document as JSON, usually built with `jsonencode()` or the `aws_iam_policy_document` data source. " +
					"Statements whose Sid starts with `lakehouse:` belong to `lakehouse_access_policy` resources: this resource " +
					"keeps them in the bucket policy, never shows them as drift, and refuses such Sids in its own document.",
			},
		},
	}
}

func (r *bucketPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs.
func (r *bucketPolicyResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	providerdata.RequireInPlan(req, resp, r.data, "lakehouse_bucket_policy", providerdata.BlockS3)
}

func (r *bucketPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan bucketPolicyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "creating", bucketPolicyType, name)
	if c == nil {
		return
	}

	// The bucket may have been created in this same apply and not be
	// visible yet; retry NoSuchBucket here, never on refresh.
	err := objectstore.RetryNoSuchBucket(ctx, func(ctx context.Context) error {
		return r.put(ctx, c, name, plan.Policy.ValueString())
	})
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", bucketPolicyType, name, "The server refused the bucket policy.",
			"Check that the bucket exists and that the policy's Resource entries name this bucket.", err)

		return
	}
	plan.ID = types.StringValue(name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// put writes the configured policy, keeping the statements that access
// policies own (Sid "lakehouse:..."): this resource manages every other
// statement of the bucket policy, never theirs.
func (r *bucketPolicyResource) put(ctx context.Context, c *minio.Client, name, policy string) error {
	defer objectstore.LockBucketPolicy(c, name)()
	managed, err := managedStatements(ctx, c, name)
	if err != nil {
		return err
	}
	merged, err := policydoc.WithManaged(policy, managed)
	if err != nil {
		return err
	}
	tflog.Debug(ctx, "setting bucket policy", map[string]any{"lakehouse.s3.bucket": name, "lakehouse.s3.kept_statements": len(managed)})

	return c.SetBucketPolicy(ctx, name, merged)
}

// managedStatements reads the statements access policies own in a bucket's
// current policy.
func managedStatements(ctx context.Context, c *minio.Client, name string) ([]any, error) {
	current, err := c.GetBucketPolicy(ctx, name)
	if err != nil && !objectstore.IsAbsentConfig(err) {
		return nil, err
	}
	_, managed, err := policydoc.SplitManaged(current)

	return managed, err
}

func (r *bucketPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketPolicyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "reading", bucketPolicyType, name)
	if c == nil {
		return
	}

	got, err := c.GetBucketPolicy(ctx, name)
	if err != nil && !objectstore.IsNoSuchBucket(err) && !objectstore.IsAbsentConfig(err) {
		diags.AddError(&resp.Diagnostics, "reading", bucketPolicyType, name, "Reading the bucket policy failed.", "", err)

		return
	}
	// Statements owned by access policies are theirs; only the rest is this
	// resource's policy.
	got, _, err = policydoc.SplitManaged(got)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", bucketPolicyType, name, "The bucket policy is not valid JSON.", "", err)

		return
	}
	if got == "" {
		diags.NotFoundWarning(&resp.Diagnostics, bucketPolicyType, name)
		resp.State.RemoveResource(ctx)

		return
	}
	// Semantic equality in the type keeps the configured text when the
	// server's form means the same.
	state.ID = types.StringValue(name)
	state.Policy = policydoc.NewValue(got)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bucketPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan bucketPolicyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "updating", bucketPolicyType, name)
	if c == nil {
		return
	}

	if err := r.put(ctx, c, name, plan.Policy.ValueString()); err != nil {
		diags.AddError(&resp.Diagnostics, "updating", bucketPolicyType, name, "The server refused the bucket policy.", "", err)

		return
	}
	plan.ID = types.StringValue(name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *bucketPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketPolicyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Bucket.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "deleting", bucketPolicyType, name)
	if c == nil {
		return
	}

	// An empty policy deletes it in minio-go; statements that access
	// policies own stay.
	err := r.put(ctx, c, name, "")
	if err != nil && !objectstore.IsNoSuchBucket(err) && !objectstore.IsAbsentConfig(err) {
		diags.AddError(&resp.Diagnostics, "deleting", bucketPolicyType, name, "Removing the bucket policy failed.", "", err)
	}
}

func (r *bucketPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket"), req.ID)...)
}
