// Package governance holds the resources whose content is a JSON governance
// document stored as an object in a bucket: submission schemas, expectation
// suites and de-identification policies. The runner reads the same object
// (s3://bucket/key), so Terraform declares the rules and the runner enforces
// them.
//
// Every such resource is built on DocumentResource. A concrete resource
// supplies only a DocumentSpec: its own attributes, the mapping between its
// model and the document, and its plan-time validation. The base owns the
// attributes every document has (id, bucket, key, content, etag, version_id),
// the object I/O, drift detection, import and the diagnostics.
package governance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

// Names of the attributes the base owns. Concrete resources must not reuse
// them in DocumentSpec.Attributes.
const (
	AttrID        = "id"
	AttrBucket    = "bucket"
	AttrKey       = "key"
	AttrContent   = "content"
	AttrETag      = "etag"
	AttrVersionID = "version_id"
)

var baseAttributes = []string{AttrID, AttrBucket, AttrKey, AttrContent, AttrETag, AttrVersionID}

// DocumentModel is embedded (untagged) in every concrete resource model:
//
//	type fooResourceModel struct {
//		governance.DocumentModel
//		Name types.String `tfsdk:"name"`
//	}
type DocumentModel struct {
	ID        types.String         `tfsdk:"id"`
	Bucket    types.String         `tfsdk:"bucket"`
	Key       types.String         `tfsdk:"key"`
	Content   jsontypes.Normalized `tfsdk:"content"`
	ETag      types.String         `tfsdk:"etag"`
	VersionID types.String         `tfsdk:"version_id"`
}

// Document returns the embedded base model; the promoted method is what
// lets DocumentResource reach the base fields of any concrete model.
func (m *DocumentModel) Document() *DocumentModel { return m }

// Model is satisfied by a pointer to any struct that embeds DocumentModel.
type Model[T any] interface {
	*T
	Document() *DocumentModel
}

// DocumentSpec is everything a concrete governance resource supplies.
type DocumentSpec[T any] struct {
	// TypeSuffix follows the provider prefix: "submission_schema" makes
	// lakehouse_submission_schema.
	TypeSuffix string
	// Kind names the document in prose: "submission schema".
	Kind string
	// MarkdownDescription of the resource; the base appends a paragraph on
	// storage, drift and import.
	MarkdownDescription string
	// Attributes are the resource's own attributes.
	Attributes map[string]schema.Attribute
	// DefaultKey returns the object key used when the configuration sets
	// none, from the planned model (for example "<prefix>/<name>.json"). It
	// is called only when every attribute it reads is known; return "" to
	// leave the key unknown until apply.
	DefaultKey func(m *T) string
	// Encode builds the document from a fully known model. The value is
	// marshalled with encoding/json and normalised by the base.
	Encode func(ctx context.Context, m *T) (any, diag.Diagnostics)
	// Decode fills the resource's own attributes from a stored document.
	// It runs on import and whenever the object differs semantically from
	// the state, so out-of-band edits show up as a diff on the typed
	// attributes. An error means the object is not a valid document.
	Decode func(ctx context.Context, doc []byte, m *T) error
	// Validate checks the configuration at plan time and attaches every
	// problem to its attribute path. Values may be unknown; skip those.
	Validate func(ctx context.Context, m *T, d *diag.Diagnostics)
	// LiveCheck checks the model against live systems (for example that a
	// bound table has the columns the document names). It is optional and
	// runs when every input is known and the provider is configured: in the
	// plan, and again right before the object is written, since the live
	// system may have changed in between (earlier in the same apply).
	LiveCheck func(ctx context.Context, data *providerdata.Data, m *T, d *diag.Diagnostics)
	// Backends names the provider blocks (providerdata.Block*) the planned
	// model needs besides s3, which every document needs; for example the
	// catalog when a suite is bound to a table. Optional. The plan fails
	// with the block's NotConfiguredError when one of them is missing.
	Backends func(m *T) []string
}

// DocumentResource is the shared implementation. Build one with
// NewDocumentResource.
type DocumentResource[T any, P Model[T]] struct {
	spec DocumentSpec[T]
	data *providerdata.Data
}

var (
	_ resource.Resource                   = (*DocumentResource[DocumentModel, *DocumentModel])(nil)
	_ resource.ResourceWithConfigure      = (*DocumentResource[DocumentModel, *DocumentModel])(nil)
	_ resource.ResourceWithImportState    = (*DocumentResource[DocumentModel, *DocumentModel])(nil)
	_ resource.ResourceWithModifyPlan     = (*DocumentResource[DocumentModel, *DocumentModel])(nil)
	_ resource.ResourceWithValidateConfig = (*DocumentResource[DocumentModel, *DocumentModel])(nil)
)

// NewDocumentResource returns a resource built on spec. Call it from the
// concrete resource's exported constructor:
//
//	func NewFooResource() resource.Resource {
//		return governance.NewDocumentResource[fooResourceModel](fooSpec())
//	}
func NewDocumentResource[T any, P Model[T]](spec DocumentSpec[T]) *DocumentResource[T, P] {
	for _, name := range baseAttributes {
		if _, clash := spec.Attributes[name]; clash {
			panic(fmt.Sprintf("governance: %s declares base attribute %q", spec.TypeSuffix, name))
		}
	}

	return &DocumentResource[T, P]{spec: spec}
}

func (r *DocumentResource[T, P]) typeName() string { return "lakehouse_" + r.spec.TypeSuffix }

func (r *DocumentResource[T, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.spec.TypeSuffix
}

func (r *DocumentResource[T, P]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		AttrID: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`bucket/key` of the stored document; also the import ID.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		AttrBucket: schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Bucket that holds the document. Changing it moves the document (delete, then create).",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			Validators:          []validator.String{stringvalidator.LengthBetween(3, 63)},
		},
		AttrKey: schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: fmt.Sprintf("Object key of the %s. Defaults to a key derived from the resource "+
				"(see the description above), shown in the plan. Changing it moves the document.", r.spec.Kind),
			Validators: []validator.String{validators.ObjectKey()},
		},
		AttrContent: schema.StringAttribute{
			CustomType: jsontypes.NormalizedType{},
			Computed:   true,
			MarkdownDescription: fmt.Sprintf("The %s exactly as written to the object: JSON with sorted keys and "+
				"two-space indentation. Compared semantically, so a reformatted object is not drift. "+
				"The runner reads the same document from `s3://<bucket>/<key>`.", r.spec.Kind),
		},
		AttrETag: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "ETag of the stored object; changes whenever the object is rewritten.",
		},
		AttrVersionID: schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "Object version written by the last apply when the bucket is versioned; empty otherwise.",
		},
	}
	maps.Copy(attrs, r.spec.Attributes)
	resp.Schema = schema.Schema{
		MarkdownDescription: r.spec.MarkdownDescription + "\n\n" + fmt.Sprintf("The %s is stored as one JSON "+
			"object in `bucket` under `key`. `terraform plan` reads the object back: an edit made outside "+
			"Terraform shows as a diff on the attributes it changed; an edit the runner would refuse (an unknown "+
			"key, text that is no JSON) shows as a change of `content`, with a warning, and the document is "+
			"rewritten in place; only a deleted object is planned for re-creation. Import with the ID `bucket/key`.", r.spec.Kind),
		Attributes: attrs,
	}
}

func (r *DocumentResource[T, P]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *DocumentResource[T, P]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r.spec.Validate == nil {
		return
	}
	var m T
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var found diag.Diagnostics
	r.spec.Validate(ctx, &m, &found)
	for _, d := range found {
		if dp, ok := d.(diag.DiagnosticWithPath); ok && d.Severity() == diag.SeverityError && schemaRefuses(ctx, req.Config, dp.Path()) {
			continue
		}
		resp.Diagnostics.Append(d)
	}
}

// schemaRefuses reports whether the schema's validators refuse the value
// at p, the path of a problem the spec found. The spec's checks are the
// runner's and repeat some validators; the framework reports the
// validator's error anyway, so the spec's is dropped and each problem is
// reported once. An element of a collection is checked by its attribute's
// validators, and a problem the spec puts on a set (whose elements it
// cannot address) is the one a validator puts on an element of it.
func schemaRefuses(ctx context.Context, config tfsdk.Config, p path.Path) bool {
	at := p
	a, d := config.Schema.AttributeAtPath(ctx, at)
	for d.HasError() && len(at.Steps()) > 1 {
		at = at.ParentPath()
		a, d = config.Schema.AttributeAtPath(ctx, at)
	}
	if d.HasError() {
		return false
	}
	var v attr.Value
	if config.GetAttribute(ctx, at, &v).HasError() || v == nil {
		return false
	}
	for _, e := range validateAttribute(ctx, config, a, at, v).Errors() {
		if ep, ok := e.(diag.DiagnosticWithPath); ok && within(ep.Path(), p) {
			return true
		}
	}

	return false
}

// within reports whether p is q or inside it.
func within(p, q path.Path) bool {
	ps, qs := p.Steps(), q.Steps()

	return len(ps) >= len(qs) && ps[:len(qs)].Equal(qs)
}

// validateAttribute runs the validators of attribute a, at p with value v,
// as the framework does for the kinds of attribute the documents validate.
func validateAttribute(ctx context.Context, config tfsdk.Config, a any, p path.Path, v attr.Value) diag.Diagnostics {
	var out diag.Diagnostics
	expr := p.Expression()
	switch a := a.(type) {
	case interface{ StringValidators() []validator.String }:
		if x, ok := v.(basetypes.StringValuable); ok {
			cv, dd := x.ToStringValue(ctx)
			out.Append(dd...)
			for _, vd := range a.StringValidators() {
				r := &validator.StringResponse{}
				vd.ValidateString(ctx, validator.StringRequest{Config: config, ConfigValue: cv, Path: p, PathExpression: expr}, r)
				out.Append(r.Diagnostics...)
			}
		}
	case interface{ Int64Validators() []validator.Int64 }:
		if x, ok := v.(basetypes.Int64Valuable); ok {
			cv, dd := x.ToInt64Value(ctx)
			out.Append(dd...)
			for _, vd := range a.Int64Validators() {
				r := &validator.Int64Response{}
				vd.ValidateInt64(ctx, validator.Int64Request{Config: config, ConfigValue: cv, Path: p, PathExpression: expr}, r)
				out.Append(r.Diagnostics...)
			}
		}
	case interface{ Float64Validators() []validator.Float64 }:
		if x, ok := v.(basetypes.Float64Valuable); ok {
			cv, dd := x.ToFloat64Value(ctx)
			out.Append(dd...)
			for _, vd := range a.Float64Validators() {
				r := &validator.Float64Response{}
				vd.ValidateFloat64(ctx, validator.Float64Request{Config: config, ConfigValue: cv, Path: p, PathExpression: expr}, r)
				out.Append(r.Diagnostics...)
			}
		}
	case interface{ ListValidators() []validator.List }:
		if x, ok := v.(basetypes.ListValuable); ok {
			cv, dd := x.ToListValue(ctx)
			out.Append(dd...)
			for _, vd := range a.ListValidators() {
				r := &validator.ListResponse{}
				vd.ValidateList(ctx, validator.ListRequest{Config: config, ConfigValue: cv, Path: p, PathExpression: expr}, r)
				out.Append(r.Diagnostics...)
			}
		}
	case interface{ SetValidators() []validator.Set }:
		if x, ok := v.(basetypes.SetValuable); ok {
			cv, dd := x.ToSetValue(ctx)
			out.Append(dd...)
			for _, vd := range a.SetValidators() {
				r := &validator.SetResponse{}
				vd.ValidateSet(ctx, validator.SetRequest{Config: config, ConfigValue: cv, Path: p, PathExpression: expr}, r)
				out.Append(r.Diagnostics...)
			}
		}
	case interface{ MapValidators() []validator.Map }:
		if x, ok := v.(basetypes.MapValuable); ok {
			cv, dd := x.ToMapValue(ctx)
			out.Append(dd...)
			for _, vd := range a.MapValidators() {
				r := &validator.MapResponse{}
				vd.ValidateMap(ctx, validator.MapRequest{Config: config, ConfigValue: cv, Path: p, PathExpression: expr}, r)
				out.Append(r.Diagnostics...)
			}
		}
	}

	return out
}

// ModifyPlan fills the default key, plans the exact document when every
// input is known (so the plan shows the JSON that will be written) and
// keeps etag and version_id when the document does not change.
func (r *DocumentResource[T, P]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if !providerdata.RequireInPlan(req, resp, r.data, r.typeName(), providerdata.BlockS3) {
		return
	}
	var plan T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.spec.Backends != nil && !providerdata.RequireDiag(&resp.Diagnostics, r.data, r.typeName(), r.spec.Backends(&plan)...) {
		return
	}
	pd := P(&plan).Document()
	known := r.inputsKnown(req.Plan.Raw)
	if pd.Key.IsUnknown() && known && r.spec.DefaultKey != nil {
		if k := r.spec.DefaultKey(&plan); k != "" {
			pd.Key = types.StringValue(k)
		}
	}
	if !pd.Bucket.IsUnknown() && !pd.Key.IsUnknown() {
		pd.ID = types.StringValue(pd.Bucket.ValueString() + "/" + pd.Key.ValueString())
	}
	if known && r.spec.LiveCheck != nil && r.data != nil {
		var live diag.Diagnostics
		r.spec.LiveCheck(ctx, r.data, &plan, &live)
		resp.Diagnostics.Append(withDestroyNote(live)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	content := jsontypes.NewNormalizedUnknown()
	if known {
		doc, d := r.render(ctx, &plan)
		resp.Diagnostics.Append(d...)
		if resp.Diagnostics.HasError() {
			return
		}
		content = jsontypes.NewNormalizedValue(doc)
	}
	pd.Content = content
	pd.ETag, pd.VersionID = types.StringUnknown(), types.StringUnknown()
	if !req.State.Raw.IsNull() {
		var state T
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		sd := P(&state).Document()
		if !pd.Key.IsUnknown() && !pd.Key.Equal(sd.Key) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(AttrKey))
		}
		// Typed attributes equal to the state also mean the stored document
		// already says the same thing, even when it was written by hand with
		// defaults left out; it is not rewritten. That holds only while the
		// stored document is readable: the typed attributes of one that is
		// not are the last ones known.
		same := SameDocument(sd.Content, content) ||
			(sameInputs(req.Plan.Raw, req.State.Raw) && r.readable(ctx, sd.Content))
		if same && pd.Key.Equal(sd.Key) && pd.Bucket.Equal(sd.Bucket) {
			pd.Content, pd.ETag, pd.VersionID = sd.Content, sd.ETag, sd.VersionID
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// withDestroyNote adds to each error of a live check how to destroy
// regardless: Terraform plans the whole configuration before a destroy, in
// a plan the provider cannot tell apart from others, so the error stops
// `terraform destroy` too unless that plan is skipped.
func withDestroyNote(live diag.Diagnostics) diag.Diagnostics {
	const note = "\n\nTo destroy the configuration without fixing this, run `terraform destroy -refresh=false`: " +
		"Terraform plans the whole configuration before a destroy, and this check is part of that plan."
	out := make(diag.Diagnostics, 0, len(live))
	for _, d := range live {
		if d.Severity() != diag.SeverityError {
			out = append(out, d)

			continue
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			out = append(out, diag.NewAttributeErrorDiagnostic(dp.Path(), d.Summary(), d.Detail()+note))
		} else {
			out = append(out, diag.NewErrorDiagnostic(d.Summary(), d.Detail()+note))
		}
	}

	return out
}

// inputsKnown reports whether every attribute the resource owns (all but
// the computed base ones) is known, that is whether the document can be
// rendered at plan time.
func (r *DocumentResource[T, P]) inputsKnown(raw tftypes.Value) bool {
	var obj map[string]tftypes.Value
	if err := raw.As(&obj); err != nil {
		return false
	}
	for name, v := range obj {
		switch name {
		case AttrID, AttrContent, AttrETag, AttrVersionID, AttrKey:
			continue
		}
		if !v.IsFullyKnown() {
			return false
		}
	}

	return true
}

// sameInputs reports whether every attribute the resource owns is equal in
// the plan and the state.
func sameInputs(plan, state tftypes.Value) bool {
	var p, s map[string]tftypes.Value
	if plan.As(&p) != nil || state.As(&s) != nil {
		return false
	}
	for name, v := range p {
		switch name {
		case AttrID, AttrContent, AttrETag, AttrVersionID, AttrKey, AttrBucket:
			continue
		}
		if !v.Equal(s[name]) {
			return false
		}
	}

	return true
}

// render encodes the model into the canonical document text.
func (r *DocumentResource[T, P]) render(ctx context.Context, m *T) (string, diag.Diagnostics) {
	v, d := r.spec.Encode(ctx, m)
	if d.HasError() {
		return "", d
	}
	raw, err := json.Marshal(v)
	if err != nil {
		d.AddError(diags.Summary("encoding", r.typeName(), ""), diags.Detail(
			"The "+r.spec.Kind+" could not be encoded as JSON. This is a bug in the provider; please report it.", "", err))

		return "", d
	}
	doc, err := NormalizeJSON(raw)
	if err != nil {
		d.AddError(diags.Summary("encoding", r.typeName(), ""), diags.Detail(
			"The "+r.spec.Kind+" could not be normalised. This is a bug in the provider; please report it.", "", err))
	}

	return doc, d
}

// NormalizeJSON returns the canonical text of a JSON document: object keys
// sorted, two-space indentation, numbers kept digit for digit, a final
// newline. The stored object and the content attribute both use it.
// SameDocument reports whether two documents mean the same: key order,
// whitespace and the spelling of numbers (100, 100.0, 1e2) do not count, as
// tools in other languages rewrite them freely.
func SameDocument(a, b jsontypes.Normalized) bool {
	if a.IsNull() || a.IsUnknown() || b.IsNull() || b.IsUnknown() {
		return false
	}
	ca, errA := canonicalJSON(a.ValueString())
	cb, errB := canonicalJSON(b.ValueString())

	return errA == nil && errB == nil && ca == cb
}

func canonicalJSON(s string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	out, err := json.Marshal(canonicalNumbers(v))

	return string(out), err
}

// canonicalNumbers rewrites every number as its exact rational value, so
// equal numbers compare equal whatever their spelling and however large.
func canonicalNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		r, ok := new(big.Rat).SetString(string(x))
		if !ok {
			return string(x)
		}

		// A rational such as 99/100 is no JSON number, so it is compared
		// as a string carrying a marker no real document holds.
		return "\x00num:" + r.RatString()
	case []any:
		for i := range x {
			x[i] = canonicalNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = canonicalNumbers(x[k])
		}
	}

	return v
}

func NormalizeJSON(raw []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("parsing JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", errors.New("parsing JSON: unexpected data after the document")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encoding JSON: %w", err)
	}

	return buf.String(), nil
}

func (r *DocumentResource[T, P]) client(d *diag.Diagnostics, action, id string) *minio.Client {
	if r.data == nil {
		diags.AddError(d, action, r.typeName(), id, "The provider was not configured before the resource was used.",
			"This is a bug in the provider; please report it.", nil)

		return nil
	}
	c, err := objectstore.FromData(r.data)
	if err != nil {
		diags.AddError(d, action, r.typeName(), id, "The object store client could not be created.",
			"Configure the provider's s3 block or its environment variables.", err)

		return nil
	}

	return c
}

func (r *DocumentResource[T, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	r.write(ctx, &plan, "creating", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *DocumentResource[T, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state T
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	r.write(ctx, &plan, "updating", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	r.removeMoved(ctx, P(&state).Document(), P(&plan).Document(), &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// removeMoved deletes the previous object when the key changed during an
// update. ModifyPlan replaces the resource when it sees the key change; this
// covers a default key that was unknown at plan time (a name computed by
// another resource), so no stale copy is left for the runner to find.
func (r *DocumentResource[T, P]) removeMoved(ctx context.Context, old, cur *DocumentModel, d *diag.Diagnostics) {
	if old.Bucket.Equal(cur.Bucket) && old.Key.Equal(cur.Key) {
		return
	}
	id := old.Bucket.ValueString() + "/" + old.Key.ValueString()
	c := r.client(d, "updating", id)
	if c == nil {
		return
	}
	err := c.RemoveObject(ctx, old.Bucket.ValueString(), old.Key.ValueString(), minio.RemoveObjectOptions{})
	if err != nil && !isNotFound(err) {
		d.AddWarning(fmt.Sprintf("%s (%s): previous object not removed", r.typeName(), id),
			fmt.Sprintf("The document moved to %s/%s but the old object could not be deleted; delete it by hand so the runner "+
				"cannot read a stale copy.\n\nOriginal error: %s", cur.Bucket.ValueString(), cur.Key.ValueString(), err))
	}
}

// write renders the document, puts the object and records what was written.
func (r *DocumentResource[T, P]) write(ctx context.Context, m *T, action string, d *diag.Diagnostics) {
	md := P(m).Document()
	if md.Key.IsUnknown() || md.Key.IsNull() {
		md.Key = types.StringValue(r.spec.DefaultKey(m))
	}
	id := md.Bucket.ValueString() + "/" + md.Key.ValueString()
	doc, dd := r.render(ctx, m)
	d.Append(dd...)
	if d.HasError() {
		return
	}
	if r.spec.LiveCheck != nil && r.data != nil {
		r.spec.LiveCheck(ctx, r.data, m, d)
		if d.HasError() {
			return
		}
	}
	c := r.client(d, action, id)
	if c == nil {
		return
	}
	tflog.Debug(ctx, "writing governance document", map[string]any{"type": r.typeName(), "bucket": md.Bucket.ValueString(), "key": md.Key.ValueString(), "bytes": len(doc)})
	info, err := c.PutObject(ctx, md.Bucket.ValueString(), md.Key.ValueString(), strings.NewReader(doc), int64(len(doc)),
		minio.PutObjectOptions{ContentType: "application/json"})
	if err != nil {
		diags.AddError(d, action, r.typeName(), id, "The "+r.spec.Kind+" could not be written to the bucket.",
			"Check that the bucket exists and that the credentials may write to it.", err)

		return
	}
	md.ID = types.StringValue(id)
	md.Content = jsontypes.NewNormalizedValue(doc)
	md.ETag = types.StringValue(info.ETag)
	md.VersionID = types.StringValue(info.VersionID)
}

func (r *DocumentResource[T, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state T
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	sd := P(&state).Document()
	id := sd.Bucket.ValueString() + "/" + sd.Key.ValueString()
	c := r.client(&resp.Diagnostics, "reading", id)
	if c == nil {
		return
	}
	raw, info, err := fetch(ctx, c, sd.Bucket.ValueString(), sd.Key.ValueString())
	if isNotFound(err) {
		diags.NotFoundWarning(&resp.Diagnostics, r.typeName(), id)
		resp.State.RemoveResource(ctx)

		return
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", r.typeName(), id, "The "+r.spec.Kind+" could not be read from the bucket.",
			"Check that the credentials may read the object, then run the plan again.", err)

		return
	}

	resp.Diagnostics.Append(r.refresh(ctx, &state, raw, info, id, &resp.State)...)
}

// refresh maps a fetched object onto the state. A document that is only
// reformatted keeps the state as it was; one that changes in meaning is
// decoded into the typed attributes so the plan shows the drift. One that
// can no longer be read (a key or expectation type the runner refuses, or
// no JSON at all) still exists, so it stays in the state: the typed
// attributes keep their last known values and content shows what the
// object holds (null when it is no JSON), and the plan rewrites it in
// place. Only a missing object is dropped for re-creation.
func (r *DocumentResource[T, P]) refresh(ctx context.Context, state *T, raw []byte, info minio.ObjectInfo, id string, st stateSetter) diag.Diagnostics {
	var d diag.Diagnostics
	sd := P(state).Document()
	sd.ID = types.StringValue(id)
	sd.ETag = types.StringValue(info.ETag)
	if info.VersionID != "" || sd.VersionID.IsNull() || sd.VersionID.IsUnknown() {
		sd.VersionID = types.StringValue(info.VersionID)
	}
	doc, err := NormalizeJSON(raw)
	if err == nil {
		same := SameDocument(sd.Content, jsontypes.NewNormalizedValue(doc))
		if same && !sd.Content.IsNull() && !sd.Content.IsUnknown() {
			d.Append(st.Set(ctx, state)...)

			return d
		}
		decoded := *state
		if err = r.spec.Decode(ctx, []byte(doc), &decoded); err == nil {
			*state = decoded
		}
	}
	tflog.Debug(ctx, "governance document changed outside Terraform", map[string]any{"type": r.typeName(), "id": id})
	sd = P(state).Document()
	sd.Content = jsontypes.NewNormalizedNull()
	if doc != "" {
		sd.Content = jsontypes.NewNormalizedValue(doc)
	}
	if err != nil {
		d.AddWarning(fmt.Sprintf("Reading %s (%s): the object is no valid %s", r.typeName(), id, r.spec.Kind),
			diags.Detail("The object was changed outside Terraform into a document the runner refuses; the original error "+
				"below names the part it cannot read.",
				"The plan shows an update that writes the configured document again; its content shows what the "+
					"object holds now. Apply it, or correct the object and plan again.", err))
	}
	d.Append(st.Set(ctx, state)...)

	return d
}

// readable reports whether content is a document the spec can decode, that
// is one the runner accepts.
func (r *DocumentResource[T, P]) readable(ctx context.Context, content jsontypes.Normalized) bool {
	if content.IsNull() || content.IsUnknown() {
		return false
	}
	var scratch T

	return r.spec.Decode(ctx, []byte(content.ValueString()), &scratch) == nil
}

// stateSetter is the part of tfsdk.State that refresh needs.
type stateSetter interface {
	Set(ctx context.Context, v any) diag.Diagnostics
	RemoveResource(ctx context.Context)
}

func (r *DocumentResource[T, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state T
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	sd := P(&state).Document()
	id := sd.Bucket.ValueString() + "/" + sd.Key.ValueString()
	c := r.client(&resp.Diagnostics, "deleting", id)
	if c == nil {
		return
	}
	err := c.RemoveObject(ctx, sd.Bucket.ValueString(), sd.Key.ValueString(), minio.RemoveObjectOptions{})
	if err != nil && !isNotFound(err) {
		diags.AddError(&resp.Diagnostics, "deleting", r.typeName(), id, "The "+r.spec.Kind+" could not be deleted.",
			"Check that the credentials may delete objects in the bucket.", err)
	}
}

// ImportState accepts "bucket/key"; the key may itself contain slashes.
func (r *DocumentResource[T, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, key, ok := strings.Cut(req.ID, "/")
	if !ok || bucket == "" || key == "" {
		resp.Diagnostics.AddError(diags.Summary("importing", r.typeName(), req.ID),
			fmt.Sprintf("The import ID must be bucket/key, for example my-bucket/governance/%s.json; got %q.",
				strings.ReplaceAll(r.spec.TypeSuffix, "_", "-"), req.ID))

		return
	}
	var m T
	md := P(&m).Document()
	c := r.client(&resp.Diagnostics, "importing", req.ID)
	if c == nil {
		return
	}
	raw, info, err := fetch(ctx, c, bucket, key)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "importing", r.typeName(), req.ID, "The object could not be read.",
			"Check the bucket and key in the import ID.", err)

		return
	}
	doc, err := NormalizeJSON(raw)
	if err == nil {
		err = r.spec.Decode(ctx, []byte(doc), &m)
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "importing", r.typeName(), req.ID, "The object is not a valid "+r.spec.Kind+".",
			"Import an object written by this resource or by the runner's schema format.", err)

		return
	}
	md.ID, md.Bucket, md.Key = types.StringValue(req.ID), types.StringValue(bucket), types.StringValue(key)
	md.Content = jsontypes.NewNormalizedValue(doc)
	md.ETag, md.VersionID = types.StringValue(info.ETag), types.StringValue(info.VersionID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func fetch(ctx context.Context, c *minio.Client, bucket, key string) ([]byte, minio.ObjectInfo, error) {
	obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, minio.ObjectInfo{}, err
	}
	defer func() { _ = obj.Close() }() // read-only
	info, err := obj.Stat()
	if err != nil {
		return nil, info, err
	}
	raw, err := io.ReadAll(obj)

	return raw, info, err
}

func isNotFound(err error) bool { return objectstore.IsNotFound(err) }

// keyFromName is a document's default key: prefix, its name, ".json"; empty
// while the name is not known yet.
func keyFromName(prefix string, name types.String) string {
	if name.IsUnknown() || name.IsNull() {
		return ""
	}

	return prefix + name.ValueString() + ".json"
}

// namePattern is what a document's name may be: it becomes part of the
// default key.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// nameValidators check a document's name attribute.
func nameValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(namePattern,
		"must start with a letter or digit and hold only letters, digits, '.', '_' and '-'")}
}
