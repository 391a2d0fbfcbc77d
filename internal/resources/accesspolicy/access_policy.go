// Package accesspolicy holds the lakehouse_access_policy resource: one
// attribute-based policy in Terraform, compiled at plan time to S3
// bucket-policy statements, MinIO IAM policies and Dremio grants.
package accesspolicy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var (
	_ resource.Resource                   = (*accessPolicyResource)(nil)
	_ resource.ResourceWithConfigure      = (*accessPolicyResource)(nil)
	_ resource.ResourceWithImportState    = (*accessPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*accessPolicyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*accessPolicyResource)(nil)
)

const typeName = "lakehouse_access_policy"

// DocumentKey is where a policy's document is stored in document_bucket.
func DocumentKey(name string) string { return "access-policies/" + name + ".json" }

// NewAccessPolicyResource is the lakehouse_access_policy constructor.
func NewAccessPolicyResource() resource.Resource { return &accessPolicyResource{} }

type accessPolicyResource struct {
	data *providerdata.Data
}

func (r *accessPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_policy"
}

func (r *accessPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// ValidateConfig checks what the schema validators cannot (exactly one
// target per resource, CIDRs, times, duplicates) and points at the
// attribute.
func (r *accessPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if !req.Config.Raw.IsFullyKnown() {
		return
	}
	var m accessPolicyResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := m.policy()
	if err := p.Validate(); err != nil {
		var pe *ap.PathError
		if errors.As(err, &pe) {
			// The detail repeats the path: Terraform's source snippet cannot
			// point inside a list of objects, and a policy has many rules.
			resp.Diagnostics.AddAttributeError(attrPath(pe.Path), "Invalid access policy", pe.Error()+".")

			return
		}
		resp.Diagnostics.AddError("Invalid access policy", err.Error())
	}
}

// compiled is everything a plan shows for one configuration.
type compiled struct {
	document string
	s3       map[string]string
	minio    []ap.MinIOBinding
	dremio   []string
	warnings []string
	// idpWarnings name rules left out of the identity-provider policy.
	idpWarnings []string
}

func compile(m *accessPolicyResourceModel) (*compiled, error) {
	p := m.policy()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	doc, err := p.Document()
	if err != nil {
		return nil, err
	}
	c := &compiled{document: doc, s3: map[string]string{}, minio: ap.CompileMinIO(p)}
	if p.IdentityProvider != nil {
		b, warnings := ap.CompileIdentityProvider(p, *p.IdentityProvider)
		if b != nil {
			c.minio = append(c.minio, *b)
		}
		c.idpWarnings = warnings
	}
	for bucket, d := range ap.CompileS3(p) {
		c.s3[bucket] = d.JSON()
	}
	if p.Dremio != nil {
		grants, warnings := ap.CompileDremio(p, p.Dremio.IcebergSource)
		c.warnings = warnings
		c.dremio = []string{}
		for _, g := range grants {
			c.dremio = append(c.dremio, g.GrantSQL())
		}
	}

	return c, nil
}

// ModifyPlan compiles the policy so the plan shows what each enforcement
// point will receive. A compiled document that means the same as the one
// in state keeps the state's text (C01), so equivalent output never diffs.
func (r *accessPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.Config.Raw.IsFullyKnown() {
		return
	}
	var plan, state accessPolicyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	hasState := !req.State.Raw.IsNull()
	if hasState {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	c, err := compile(&plan)
	if err != nil {
		return // ValidateConfig reported it
	}
	if !providerdata.RequireDiag(&resp.Diagnostics, r.data, typeName, c.backends(&plan, &state)...) {
		return
	}
	for _, w := range c.warnings {
		resp.Diagnostics.AddWarning("Access policy rule not fully enforceable in Dremio", w)
	}
	for _, w := range c.idpWarnings {
		resp.Diagnostics.AddWarning("Access policy rule not enforceable for identity-provider users", w)
	}
	plan.ID = plan.Name
	plan.Document = types.StringValue(c.document)
	if hasState && state.Document.ValueString() != "" && policydoc.Equal(state.Document.ValueString(), c.document) {
		plan.Document = state.Document
	}
	plan.DocumentKey = types.StringNull()
	if !plan.DocumentBucket.IsNull() {
		plan.DocumentKey = types.StringValue(DocumentKey(plan.Name.ValueString()))
	}
	plan.S3Statements = s3Map(c.s3, stateStrings(state.S3Statements))
	plan.MinIOPolicies, err = minioMap(c.minio, stateMinIO(ctx, state.MinIOPolicies), true)
	if err != nil {
		resp.Diagnostics.AddError("Error planning "+typeName, err.Error())

		return
	}
	plan.DremioGrants = types.ListNull(types.StringType)
	if c.dremio != nil {
		plan.DremioGrants = listOf(c.dremio)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// backends lists the provider blocks the apply will use: s3 for bucket
// policies, MinIO policies and the stored document, dremio for grants. What
// the state holds counts too, since the apply revokes it.
func (c *compiled) backends(plan, state *accessPolicyResourceModel) []string {
	var blocks []string
	if len(c.s3) > 0 || len(c.minio) > 0 || !plan.DocumentBucket.IsNull() ||
		len(state.S3Statements.Elements()) > 0 || len(state.MinIOPolicies.Elements()) > 0 || !state.DocumentBucket.IsNull() {
		blocks = append(blocks, providerdata.BlockS3)
	}
	if len(c.dremio) > 0 || len(state.DremioGrants.Elements()) > 0 {
		blocks = append(blocks, providerdata.BlockDremio)
	}

	return blocks
}

func listOf(vals []string) types.List {
	elems := make([]attr.Value, len(vals))
	for i, v := range vals {
		elems[i] = types.StringValue(v)
	}

	return types.ListValueMust(types.StringType, elems)
}

// s3Map builds s3_statements, keeping prior text that means the same.
func s3Map(docs, prior map[string]string) types.Map {
	elems := map[string]attr.Value{}
	for bucket, d := range docs {
		if old, ok := prior[bucket]; ok && policydoc.Equal(old, d) {
			d = old
		}
		elems[bucket] = types.StringValue(d)
	}

	return types.MapValueMust(types.StringType, elems)
}

type minioEntry struct {
	Principal     string `tfsdk:"principal"`
	PrincipalType string `tfsdk:"principal_type"`
	Policy        string `tfsdk:"policy"`
	Attached      bool   `tfsdk:"attached"`
}

// minioMap builds minio_policies, keeping prior policy text that means the
// same.
func minioMap(bindings []ap.MinIOBinding, prior map[string]minioEntry, attached bool) (types.Map, error) {
	elems := map[string]attr.Value{}
	for _, b := range bindings {
		doc := b.Document
		if old, ok := prior[b.PolicyName]; ok && policydoc.Equal(old.Policy, doc) {
			doc = old.Policy
		}
		obj, d := types.ObjectValue(minioPolicyAttrTypes, map[string]attr.Value{
			"principal": types.StringValue(b.Principal), "principal_type": types.StringValue(b.PrincipalType),
			"policy": types.StringValue(doc), "attached": types.BoolValue(attached),
		})
		if d.HasError() {
			return types.MapNull(types.ObjectType{AttrTypes: minioPolicyAttrTypes}), fmt.Errorf("building minio_policies: %v", d)
		}
		elems[b.PolicyName] = obj
	}

	m, d := types.MapValue(types.ObjectType{AttrTypes: minioPolicyAttrTypes}, elems)
	if d.HasError() {
		return m, fmt.Errorf("building minio_policies: %v", d)
	}

	return m, nil
}

func mustMap(m types.Map, err error) types.Map {
	if err != nil {
		panic(err) // only reachable with a schema/type mismatch, a provider bug
	}

	return m
}

func stateStrings(m types.Map) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}

	return out
}

func stateMinIO(ctx context.Context, m types.Map) map[string]minioEntry {
	out := map[string]minioEntry{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	_ = m.ElementsAs(ctx, &out, false) // the schema fixes the element type

	return out
}

func fromMinIOEntries(entries map[string]minioEntry) types.Map {
	elems := map[string]attr.Value{}
	for name, e := range entries {
		elems[name] = types.ObjectValueMust(minioPolicyAttrTypes, map[string]attr.Value{
			"principal": types.StringValue(e.Principal), "principal_type": types.StringValue(e.PrincipalType),
			"policy": types.StringValue(e.Policy), "attached": types.BoolValue(e.Attached),
		})
	}

	return types.MapValueMust(types.ObjectType{AttrTypes: minioPolicyAttrTypes}, elems)
}

func stateList(ctx context.Context, l types.List) []string {
	var out []string
	if l.IsNull() || l.IsUnknown() {
		return out
	}
	_ = l.ElementsAs(ctx, &out, false)

	return out
}

func (r *accessPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan accessPolicyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e := r.enforcer(&resp.Diagnostics, "creating", plan.Name.ValueString())
	if e == nil {
		return
	}

	if err := e.apply(ctx, nil, &plan); err != nil {
		e.fail(&resp.Diagnostics, err)

		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *accessPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state accessPolicyResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e := r.enforcer(&resp.Diagnostics, "updating", plan.Name.ValueString())
	if e == nil {
		return
	}

	if err := e.apply(ctx, &state, &plan); err != nil {
		e.fail(&resp.Diagnostics, err)

		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *accessPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state accessPolicyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e := r.enforcer(&resp.Diagnostics, "deleting", state.Name.ValueString())
	if e == nil {
		return
	}

	if err := e.apply(ctx, &state, nil); err != nil {
		e.fail(&resp.Diagnostics, err)
	}
}

func (r *accessPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state accessPolicyResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	e := r.enforcer(&resp.Diagnostics, "reading", name)
	if e == nil {
		return
	}

	gone, err := e.read(ctx, &state)
	for _, w := range e.warnings {
		resp.Diagnostics.AddWarning(w.summary, w.detail)
	}
	if err != nil {
		e.fail(&resp.Diagnostics, err)

		return
	}
	if gone {
		resp.Diagnostics.Append(notFound(name)...)
		resp.State.RemoveResource(ctx)

		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// ImportState takes "<document_bucket>/<name>": the stored document is the
// only place the rules can be read back from.
func (r *accessPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, name, ok := strings.Cut(req.ID, "/")
	if !ok || bucket == "" || !ap.NamePattern.MatchString(name) {
		resp.Diagnostics.AddError("Error importing "+typeName,
			fmt.Sprintf("The import id %q is not of the form <document_bucket>/<policy name>. Only a policy whose document "+
				"is stored in a bucket (document_bucket) can be imported, because its rules are read back from there.", req.ID))

		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("document_bucket"), bucket)...)
}

func notFound(name string) diag.Diagnostics {
	var d diag.Diagnostics
	d.AddWarning(fmt.Sprintf("%s (%s) not found", typeName, name),
		fmt.Sprintf("None of what %s %q compiles to exists any more (MinIO policies, bucket statements, stored document); "+
			"it was removed from the state and the next plan will create it again.", typeName, name))

	return d
}
