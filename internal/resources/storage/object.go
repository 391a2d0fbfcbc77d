package storage

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // S3 ETags of single-part uploads are MD5 digests; this is not a security use
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var (
	_ resource.Resource                = (*objectResource)(nil)
	_ resource.ResourceWithConfigure   = (*objectResource)(nil)
	_ resource.ResourceWithImportState = (*objectResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*objectResource)(nil)
)

const (
	objectType = "lakehouse_object"
	// maxObjectSize keeps this resource to what it is for: governance
	// documents and seed files held in memory for one PUT.
	maxObjectSize = 64 << 20
)

// NewObjectResource is the lakehouse_object constructor.
func NewObjectResource() resource.Resource { return &objectResource{} }

type objectResource struct {
	data *providerdata.Data
}

type objectResourceModel struct {
	ID          types.String `tfsdk:"id"`
	Bucket      types.String `tfsdk:"bucket"`
	Key         types.String `tfsdk:"key"`
	Content     types.String `tfsdk:"content"`
	Source      types.String `tfsdk:"source"`
	ContentType types.String `tfsdk:"content_type"`
	Tags        types.Map    `tfsdk:"tags"`
	ETag        types.String `tfsdk:"etag"`
	VersionID   types.String `tfsdk:"version_id"`
	Size        types.Int64  `tfsdk:"size"`
}

func (r *objectResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object"
}

func (r *objectResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A small object (up to 64 MiB) such as a governance document, a codebook or a seed file, " +
			"written from `content` or from a local `source` file. A change made to the object outside Terraform " +
			"(a different ETag) shows as an update in the next plan. In a versioned bucket every update keeps the previous " +
			"version and destroy adds a delete marker, as S3 does. Large data belongs to `lakehouse-runner`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "`<bucket>/<key>`.", PlanModifiers: keep,
			},
			"bucket": schema.StringAttribute{
				Required: true, MarkdownDescription: "Bucket name. Changing it writes a new object.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"key": schema.StringAttribute{
				Required: true, MarkdownDescription: "Object key, e.g. `governance/codebook.json`. Changing it writes a new object.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 1024)},
			},
			"content": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Object content as UTF-8 text. Exactly one of `content` and `source` is required.",
				Validators: []validator.String{stringvalidator.ExactlyOneOf(path.MatchRoot("content"), path.MatchRoot("source"))},
			},
			"source": schema.StringAttribute{
				Optional: true, MarkdownDescription: "Path of a local file to upload. A change of the file's bytes is detected at plan time. " +
					"A file that is unreadable, not a regular file or over 64 MiB fails the plan at this attribute; a missing " +
					"one is a warning (another resource may create it during the apply) and fails the apply if still missing.",
			},
			"content_type": schema.StringAttribute{
				Optional: true, Computed: true, PlanModifiers: keep,
				MarkdownDescription: "MIME type, e.g. `application/json`. When unset, the server's value (usually `application/octet-stream`) is kept.",
			},
			"tags": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Object tags. Leave unset to not manage them; an empty map removes them.",
			},
			"etag": schema.StringAttribute{
				Computed: true, PlanModifiers: keep,
				MarkdownDescription: "The object's ETag (the MD5 of its bytes for these single-part uploads).",
			},
			"version_id": schema.StringAttribute{
				Computed: true, PlanModifiers: keep,
				MarkdownDescription: "Version id in a versioned bucket, else empty.",
			},
			"size": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "Size in bytes.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *objectResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// sourceError says why the source file cannot be uploaded. It is found on
// this machine before any request, so nothing was written.
type sourceError struct {
	summary string // at plan time, e.g. "Source file not found"
	what    string
	todo    string
	err     error
}

func (e *sourceError) Error() string {
	if e.err != nil {
		return e.what + " " + e.err.Error()
	}

	return e.what
}

func (e *sourceError) Unwrap() error { return e.err }

const fixSource = "Correct source or put the file in place (a relative path is read from the directory Terraform runs in), then run Terraform again."

func unreadable(p string, err error) *sourceError {
	if errors.Is(err, fs.ErrNotExist) {
		return &sourceError{summary: "Source file not found", what: fmt.Sprintf("The source file %q does not exist.", p), todo: fixSource, err: err}
	}

	return &sourceError{summary: "Source file cannot be read", what: fmt.Sprintf("The source file %q cannot be read.", p),
		todo: "Make the file readable by the user running Terraform, or correct source, then run Terraform again.", err: err}
}

func tooLarge(p string, size int64) *sourceError {
	return &sourceError{
		summary: "Source file too large",
		what:    fmt.Sprintf("The source file %q has %d bytes; lakehouse_object takes objects of at most 64 MiB (%d bytes).", p, size, maxObjectSize),
		todo:    "Upload large data with lakehouse-runner, or point source at a smaller file.",
	}
}

// openSource opens the source file and checks that it is a regular file
// within the size limit; the caller closes it.
func openSource(p string) (*os.File, error) {
	f, err := os.Open(p) //nolint:gosec // reading the file the configuration names is what source is for
	if err != nil {
		return nil, unreadable(p, err)
	}
	st, err := f.Stat()
	switch {
	case err != nil:
		err = unreadable(p, err)
	case !st.Mode().IsRegular():
		err = &sourceError{summary: "Source is not a file", what: fmt.Sprintf("The source %q is a %s, not a regular file.", p, kindOf(st.Mode())), todo: fixSource}
	case st.Size() > maxObjectSize:
		err = tooLarge(p, st.Size())
	}
	if err != nil {
		_ = f.Close() // only read from

		return nil, err
	}

	return f, nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}

	return "special file"
}

// readSource reads the whole source file, within the size limit.
func readSource(p string) ([]byte, error) {
	f, err := openSource(p)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // only read from
	b, err := io.ReadAll(io.LimitReader(f, maxObjectSize+1))
	if err != nil {
		return nil, unreadable(p, err)
	}
	if len(b) > maxObjectSize {
		return nil, tooLarge(p, int64(len(b))) // it grew since the check
	}

	return b, nil
}

// body returns the bytes the configuration asks for; a source that cannot be
// read is a *sourceError.
func (m *objectResourceModel) body() ([]byte, error) {
	if !m.Source.IsNull() {
		return readSource(m.Source.ValueString())
	}

	return []byte(m.Content.ValueString()), nil
}

// addSourceError reports, at the source attribute, a source that cannot be
// read at apply time: a local failure that wrote nothing, so the resource is
// not recorded (and not tainted).
func addSourceError(ds *diag.Diagnostics, action, id string, err error) {
	var se *sourceError
	if !errors.As(err, &se) {
		diags.AddError(ds, action, objectType, id, "Reading the object's content failed; nothing was written.", "", err)

		return
	}
	ds.AddAttributeError(path.Root("source"), diags.Summary(action, objectType, id),
		diags.Detail(se.what+" Nothing was written to the bucket.", se.todo, se.err))
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b) //nolint:gosec // see the import comment

	return hex.EncodeToString(sum[:])
}

// ModifyPlan checks that a known source file can be uploaded (it exists, is
// readable and within the size limit), so the plan fails rather than the
// apply, and compares the wanted bytes with the stored ETag, so a changed
// source file or an object changed out of band plans an update.
func (r *objectResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, "lakehouse_object", providerdata.BlockS3) {
		return
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan objectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A missing file is only a warning: another resource of the same
	// configuration (local_file, a build step) may create it during the
	// apply, which reads it then and fails plainly if it is still missing.
	// Everything else about the file is known now and fails the plan.
	planSourceError := func(err error) (missing bool) {
		var se *sourceError
		if errors.Is(err, fs.ErrNotExist) && errors.As(err, &se) {
			resp.Diagnostics.AddAttributeWarning(path.Root("source"), se.summary, diags.Detail(se.what,
				"If another resource of this configuration creates the file, the apply reads it then; otherwise "+
					"the apply fails. "+se.todo, se.err))

			return true
		}
		if errors.As(err, &se) {
			resp.Diagnostics.AddAttributeError(path.Root("source"), se.summary, diags.Detail(se.what, se.todo, se.err))
		} else {
			resp.Diagnostics.AddAttributeError(path.Root("source"), "Cannot read source", err.Error())
		}

		return false
	}
	if req.State.Raw.IsNull() {
		if !plan.Source.IsNull() && !plan.Source.IsUnknown() {
			f, err := openSource(plan.Source.ValueString())
			if err != nil {
				planSourceError(err)

				return
			}
			_ = f.Close() // only opened to check
		}

		return
	}
	var state objectResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	size := types.Int64Unknown()
	changed := plan.Content.IsUnknown() || plan.Source.IsUnknown() ||
		(!plan.ContentType.IsUnknown() && !plan.ContentType.Equal(state.ContentType))
	if !plan.Content.IsUnknown() && !plan.Source.IsUnknown() {
		b, err := plan.body()
		switch {
		case err == nil:
			size = types.Int64Value(int64(len(b)))
			changed = changed || strings.Trim(state.ETag.ValueString(), `"`) != md5Hex(b)
		case planSourceError(err):
			changed = true // its bytes are known only at apply
		default:
			return
		}
	}
	if changed {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("etag"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("version_id"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("size"), size)...)
	}
}

func (r *objectResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan objectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.Bucket.ValueString() + "/" + plan.Key.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "creating", objectType, id)
	if c == nil {
		return
	}

	// The source is read once, before any request: a file that cannot be
	// read is a local failure that wrote nothing, never a lost answer.
	b, err := plan.body()
	if err != nil {
		addSourceError(&resp.Diagnostics, "creating", id, err)

		return
	}
	err = objectstore.RetryNoSuchBucket(ctx, func(ctx context.Context) error { return r.put(ctx, c, &plan, b) })
	if objectstore.OutcomeUnknown(err) {
		// The object may have been written: keep it in the state (tainted)
		// so the next apply replaces it instead of leaving it orphaned.
		diags.AddError(&resp.Diagnostics, "creating", objectType, id, "The server did not answer; the object may have been written.",
			"It is recorded in the state as tainted: run apply again once the server is reachable, and it is written afresh.", err)
		plan.ID = types.StringValue(id)
		plan.unknownToNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)

		return
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", objectType, id, "Writing the object failed.", "Check that the bucket exists and that the credentials may write to it.", err)

		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// put writes the object as putOnce does. A write whose answer was lost is
// written again: the same body and tags give the same object (in a
// versioned bucket, one more version of it).
func (r *objectResource) put(ctx context.Context, c *minio.Client, m *objectResourceModel, b []byte) error {
	var err error
	for range lostAnswerRetries {
		if err = r.putOnce(ctx, c, m, b); !objectstore.OutcomeUnknown(err) {
			return err
		}
		tflog.Debug(ctx, "object write got no answer; writing it again", map[string]any{
			"lakehouse.s3.bucket": m.Bucket.ValueString(), "lakehouse.s3.key": m.Key.ValueString(), "error": err.Error()})
	}

	return err
}

// putOnce uploads b in one request and records what the server returned;
// tags go with the object when they are managed.
func (r *objectResource) putOnce(ctx context.Context, c *minio.Client, m *objectResourceModel, b []byte) error {
	opts := minio.PutObjectOptions{DisableMultipart: true, ContentType: m.ContentType.ValueString()}
	if !m.Tags.IsNull() {
		want, d := stringMap(ctx, m.Tags)
		if d.HasError() {
			return fmt.Errorf("reading tags from the plan")
		}
		opts.UserTags = want
	}
	tflog.Debug(ctx, "writing object", map[string]any{"lakehouse.s3.bucket": m.Bucket.ValueString(), "lakehouse.s3.key": m.Key.ValueString(), "lakehouse.s3.size": len(b)})
	info, err := c.PutObject(ctx, m.Bucket.ValueString(), m.Key.ValueString(), bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		return err
	}
	if !m.Tags.IsNull() && len(opts.UserTags) == 0 {
		// PUT keeps no tags already; this clears tags left by an earlier version of the key.
		if err := c.RemoveObjectTagging(ctx, m.Bucket.ValueString(), m.Key.ValueString(), minio.RemoveObjectTaggingOptions{VersionID: info.VersionID}); err != nil {
			return err
		}
	}
	st, err := c.StatObject(ctx, m.Bucket.ValueString(), m.Key.ValueString(), minio.StatObjectOptions{VersionID: info.VersionID})
	if err != nil {
		return err
	}
	m.ID = types.StringValue(m.Bucket.ValueString() + "/" + m.Key.ValueString())
	m.fromStat(st)

	return nil
}

// unknownToNull clears the computed values no server answer filled in, so
// the model can be stored after a write whose outcome is unknown.
func (m *objectResourceModel) unknownToNull() {
	for _, v := range []*types.String{&m.ETag, &m.VersionID, &m.ContentType} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
	if m.Size.IsUnknown() {
		m.Size = types.Int64Null()
	}
}

func (m *objectResourceModel) fromStat(st minio.ObjectInfo) {
	m.ETag = types.StringValue(strings.Trim(st.ETag, `"`))
	m.VersionID = types.StringValue(st.VersionID)
	m.ContentType = types.StringValue(st.ContentType)
	m.Size = types.Int64Value(st.Size)
}

func (r *objectResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state objectResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.Bucket.ValueString() + "/" + state.Key.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "reading", objectType, id)
	if c == nil {
		return
	}

	st, err := c.StatObject(ctx, state.Bucket.ValueString(), state.Key.ValueString(), minio.StatObjectOptions{})
	if objectstore.IsNotFound(err) {
		diags.NotFoundWarning(&resp.Diagnostics, objectType, id)
		resp.State.RemoveResource(ctx)

		return
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", objectType, id, "Reading the object's metadata failed.", "", err)

		return
	}
	state.ID = types.StringValue(id)
	state.fromStat(st)
	imported, d := req.Private.GetKey(ctx, importKey)
	resp.Diagnostics.Append(d...)
	if len(imported) > 0 {
		r.readImported(ctx, c, &state, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importKey, nil)...)
	}
	if !state.Tags.IsNull() {
		t, err := c.GetObjectTagging(ctx, state.Bucket.ValueString(), state.Key.ValueString(), minio.GetObjectTaggingOptions{})
		if err != nil && !objectstore.IsAbsentConfig(err) {
			diags.AddError(&resp.Diagnostics, "reading", objectType, id, "Reading the object's tags failed.", "", err)

			return
		}
		got := map[string]string{}
		if t != nil {
			got = t.ToMap()
		}
		tv, d := types.MapValueFrom(ctx, types.StringType, got)
		resp.Diagnostics.Append(d...)
		state.Tags = tv
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readImported fills what an import cannot know from the id: the content,
// when it is text, and the tags, when there are any.
func (r *objectResource) readImported(ctx context.Context, c *minio.Client, m *objectResourceModel, ds *diag.Diagnostics) {
	id := m.ID.ValueString()
	if m.Size.ValueInt64() <= maxObjectSize {
		o, err := c.GetObject(ctx, m.Bucket.ValueString(), m.Key.ValueString(), minio.GetObjectOptions{})
		if err != nil {
			diags.AddError(ds, "importing", objectType, id, "Reading the object failed.", "", err)

			return
		}
		defer func() { _ = o.Close() }()
		b, err := io.ReadAll(o)
		if err != nil {
			diags.AddError(ds, "importing", objectType, id, "Reading the object failed.", "", err)

			return
		}
		if utf8.Valid(b) {
			m.Content = types.StringValue(string(b))
		}
	}
	t, err := c.GetObjectTagging(ctx, m.Bucket.ValueString(), m.Key.ValueString(), minio.GetObjectTaggingOptions{})
	if err != nil && !objectstore.IsAbsentConfig(err) {
		diags.AddError(ds, "importing", objectType, id, "Reading the object's tags failed.", "", err)

		return
	}
	if t != nil && len(t.ToMap()) > 0 {
		tv, d := types.MapValueFrom(ctx, types.StringType, t.ToMap())
		ds.Append(d...)
		m.Tags = tv
	}
}

func (r *objectResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state objectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := plan.Bucket.ValueString() + "/" + plan.Key.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "updating", objectType, id)
	if c == nil {
		return
	}

	if plan.ETag.IsUnknown() {
		b, err := plan.body()
		if err != nil {
			addSourceError(&resp.Diagnostics, "updating", id, err)

			return
		}
		if err := r.put(ctx, c, &plan, b); err != nil {
			diags.AddError(&resp.Diagnostics, "updating", objectType, id, "Writing the object failed.", "", err)

			return
		}
	} else {
		plan.ETag, plan.VersionID, plan.ContentType, plan.Size = state.ETag, state.VersionID, state.ContentType, state.Size
		if !plan.Tags.IsNull() && !plan.Tags.Equal(state.Tags) {
			if err := setObjectTags(ctx, c, &plan); err != nil {
				diags.AddError(&resp.Diagnostics, "updating", objectType, id, "Setting the object tags failed.", "", err)

				return
			}
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func setObjectTags(ctx context.Context, c *minio.Client, m *objectResourceModel) error {
	want, d := stringMap(ctx, m.Tags)
	if d.HasError() {
		return fmt.Errorf("reading tags from the plan")
	}
	if len(want) == 0 {
		return c.RemoveObjectTagging(ctx, m.Bucket.ValueString(), m.Key.ValueString(), minio.RemoveObjectTaggingOptions{})
	}
	t, err := tags.MapToObjectTags(want)
	if err != nil {
		return err
	}

	return c.PutObjectTagging(ctx, m.Bucket.ValueString(), m.Key.ValueString(), t, minio.PutObjectTaggingOptions{})
}

func (r *objectResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state objectResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.Bucket.ValueString() + "/" + state.Key.ValueString()
	c := clientFor(r.data, &resp.Diagnostics, "deleting", objectType, id)
	if c == nil {
		return
	}

	err := c.RemoveObject(ctx, state.Bucket.ValueString(), state.Key.ValueString(), minio.RemoveObjectOptions{})
	if err != nil && !objectstore.IsNotFound(err) {
		diags.AddError(&resp.Diagnostics, "deleting", objectType, id, "Deleting the object failed.", "", err)
	}
}

func (r *objectResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, key, ok := strings.Cut(req.ID, "/")
	if !ok || bucket == "" || key == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("%q is not <bucket>/<key>, e.g. governance/suites/enrolment.json.", req.ID))

		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket"), bucket)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), key)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importKey, []byte(`true`))...)
}
