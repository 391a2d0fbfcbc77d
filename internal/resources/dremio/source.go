package dremio

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const sourceType = "lakehouse_dremio_source"

var (
	_ resource.Resource                     = (*sourceResource)(nil)
	_ resource.ResourceWithConfigure        = (*sourceResource)(nil)
	_ resource.ResourceWithImportState      = (*sourceResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*sourceResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*sourceResource)(nil)
	_ resource.ResourceWithConfigValidators = (*sourceResource)(nil)
)

type sourceResource struct {
	data *providerdata.Data
}

// NewSourceResource is the lakehouse_dremio_source constructor.
func NewSourceResource() resource.Resource { return &sourceResource{} }

func (r *sourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dremio_source"
}

func (r *sourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = sourceSchema()
}

func (r *sourceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *sourceResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("s3"), path.MatchRoot("iceberg_rest"), path.MatchRoot("nessie"), path.MatchRoot("config")),
	}
}

// ValidateConfig checks the rules that span attributes, at plan time and
// with the attribute's path.
func (r *sourceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m sourceResourceModel
	if d := req.Config.Get(ctx, &m); d.HasError() {
		return // unknown nested objects: nothing to check yet
	}
	implied := typeFromBlocks(&m)
	switch {
	case !m.Config.IsNull() && m.Type.IsNull():
		resp.Diagnostics.AddAttributeError(path.Root("type"), "Missing source type",
			"A source given by `config` needs `type`, the Dremio source type such as POSTGRES.")
	case implied != "" && !m.Type.IsNull() && !m.Type.IsUnknown() && m.Type.ValueString() != implied:
		resp.Diagnostics.AddAttributeError(path.Root("type"), "Conflicting source type",
			fmt.Sprintf("The block used makes this a %s source, but type is %q. Remove type or make it match.", implied, m.Type.ValueString()))
	}
	if s := m.S3; s != nil && !s.AccessKey.IsNull() && !s.AccessKey.IsUnknown() &&
		effective(s.CredentialType, "ACCESS_KEY") == "ACCESS_KEY" && s.AccessSecret.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("s3").AtName("access_secret"), "Missing secret",
			"access_key is set, so access_secret is required too (only when both are unset are the provider's s3 keys used).")
	}
	if s := m.S3; s != nil && !s.CredentialType.IsNull() && !s.CredentialType.IsUnknown() && s.CredentialType.ValueString() != "ACCESS_KEY" &&
		(!s.AccessKey.IsNull() || !s.AccessSecret.IsNull()) {
		resp.Diagnostics.AddAttributeError(path.Root("s3").AtName("credential_type"), "Keys with another credential type",
			fmt.Sprintf("access_key and access_secret are only used with credential_type ACCESS_KEY, not %s. Remove them or change credential_type.",
				s.CredentialType.ValueString()))
	}
	// Required inside a block: the framework would also demand them when the
	// block is absent, so the check lives here.
	required := func(p path.Path, v types.String) {
		if v.IsNull() {
			resp.Diagnostics.AddAttributeError(p, "Missing required argument", "The argument \""+p.String()+"\" is required in this block.")
		}
	}
	if m.IcebergREST != nil {
		required(path.Root("iceberg_rest").AtName("endpoint"), m.IcebergREST.Endpoint)
	}
	if n := m.Nessie; n != nil {
		required(path.Root("nessie").AtName("endpoint"), n.Endpoint)
		required(path.Root("nessie").AtName("root_path"), n.RootPath)
		if !n.AccessKey.IsNull() && !n.AccessKey.IsUnknown() && n.AccessSecret.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("nessie").AtName("access_secret"), "Missing secret",
				"access_key is set, so access_secret is required too.")
		}
		if n.AuthType.ValueString() == "BEARER" && n.AccessToken.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("nessie").AtName("access_token"), "Missing token",
				"auth_type is BEARER, so access_token is required.")
		}
	}
	masked := func(p path.Path, v types.String) {
		if v.ValueString() == dremio.MaskedSecret {
			resp.Diagnostics.AddAttributeError(p, "Masked value used as a secret",
				"This is the placeholder Dremio returns instead of a stored secret, not a secret; set the real value.")
		}
	}
	if m.S3 != nil {
		masked(path.Root("s3").AtName("access_secret"), m.S3.AccessSecret)
	}
	if m.Nessie != nil {
		masked(path.Root("nessie").AtName("access_secret"), m.Nessie.AccessSecret)
		masked(path.Root("nessie").AtName("access_token"), m.Nessie.AccessToken)
	}
}

// ModifyPlan derives type from the block in use, and replaces the source
// when that changes (Dremio cannot change a source's type).
func (r *sourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, "lakehouse_dremio_source", providerdata.BlockDremio) {
		return
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, config sourceResourceModel
	if d := req.Plan.Get(ctx, &plan); d.HasError() {
		return
	}
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !config.Type.IsNull() {
		return
	}
	implied := typeFromBlocks(&plan)
	if implied == "" {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("type"), types.StringValue(implied))...)
	if req.State.Raw.IsNull() {
		return
	}
	var prior types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("type"), &prior)...)
	if !prior.IsNull() && prior.ValueString() != implied {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("type"))
	}
}

// fillConfig writes the source's config for plan into cfg. config carries
// the write-only secrets; state is nil on create.
func (r *sourceResource) fillConfig(ctx context.Context, cfg map[string]any, plan, config sourceResourceModel, state *sourceResourceModel) diag.Diagnostics {
	def := providerS3(r.data)
	var d diag.Diagnostics
	switch {
	case plan.S3 != nil:
		var prior *sourceS3Model
		if state != nil {
			prior = state.S3
		}
		d = plan.S3.build(ctx, cfg, def, s3SecretChoice(plan.S3, config.S3, prior, def))
	case plan.Nessie != nil:
		var prior *sourceNessieModel
		if state != nil {
			prior = state.Nessie
		}
		token, secret := nessieSecretChoices(plan.Nessie, config.Nessie, prior, def)
		d = plan.Nessie.build(ctx, cfg, def, token, secret)
	case plan.IcebergREST != nil:
		send := state == nil || state.IcebergREST == nil ||
			versionChanged(&state.IcebergREST.SecretPropertiesVersion, plan.IcebergREST.SecretPropertiesVersion)
		secrets, d2 := mapValue(ctx, config.IcebergREST.SecretProperties)
		d.Append(d2...)
		d.Append(plan.IcebergREST.build(ctx, cfg, secrets, send)...)
	default:
		var secrets map[string]any
		priorCfg := jsontypes.NewNormalizedNull()
		if state == nil || versionChanged(&state.SecretConfigVersion, plan.SecretConfigVersion) {
			secrets = jsonObjectOf(config.SecretConfig)
		}
		if state != nil {
			priorCfg = state.Config
		}
		buildGeneric(cfg, plan.Config, priorCfg, secrets)
	}

	return d
}

func s3SecretChoice(plan, config, prior *sourceS3Model, def s3Defaults) secretChoice {
	value := config.AccessSecret.ValueString()
	if config.AccessSecret.IsNull() && plan.AccessKey.IsNull() {
		value = def.secretKey
	}
	if prior == nil || versionChanged(&prior.AccessSecretVersion, plan.AccessSecretVersion) ||
		effective(prior.AccessKey, def.accessKey) != effective(plan.AccessKey, def.accessKey) ||
		prior.CredentialType.ValueString() != plan.CredentialType.ValueString() {
		return secretChoice{send: true, value: value}
	}

	return secretChoice{}
}

func nessieSecretChoices(plan, config, prior *sourceNessieModel, def s3Defaults) (secretChoice, secretChoice) {
	var token, secret secretChoice
	if prior == nil || versionChanged(&prior.AccessTokenVersion, plan.AccessTokenVersion) || prior.AuthType.ValueString() != plan.AuthType.ValueString() {
		token = secretChoice{send: true, value: config.AccessToken.ValueString()}
	}
	value := config.AccessSecret.ValueString()
	if config.AccessSecret.IsNull() && plan.AccessKey.IsNull() {
		value = def.secretKey
	}
	if prior == nil || versionChanged(&prior.AccessSecretVersion, plan.AccessSecretVersion) ||
		effective(prior.AccessKey, def.accessKey) != effective(plan.AccessKey, def.accessKey) {
		secret = secretChoice{send: true, value: value}
	}

	return token, secret
}

func (r *sourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config sourceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()
	c := client(r.data, &resp.Diagnostics, "creating", sourceType, name)
	if c == nil {
		return
	}
	cfg := map[string]any{}
	resp.Diagnostics.Append(r.fillConfig(ctx, cfg, plan, config, nil)...)
	mp, d := buildMetadataPolicy(ctx, plan.MetadataPolicy)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}

	body := map[string]any{"entityType": dremio.EntitySource, "name": name, "type": plan.Type.ValueString(), "config": cfg}
	if mp != nil {
		body["metadataPolicy"] = mp
	}
	tflog.Debug(ctx, "creating dremio source", map[string]any{"dremio.source": name, "dremio.type": plan.Type.ValueString()})
	e, err := c.Create(ctx, body)
	if err != nil {
		apiError(&resp.Diagnostics, "creating", sourceType, name, err)

		return
	}

	plan.ID, plan.Tag, plan.Status = types.StringValue(e.ID), types.StringValue(e.Tag), sourceStatus(e)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func sourceStatus(e *dremio.Entity) types.String {
	if e.State == nil || e.State.Status == "" {
		return types.StringValue("unknown")
	}

	return types.StringValue(e.State.Status)
}

func (r *sourceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state sourceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	e := readEntity(ctx, r.data, resp, sourceType, state.ID.ValueString())
	if e == nil {
		return
	}
	if e.EntityType != dremio.EntitySource {
		diags.AddError(&resp.Diagnostics, "reading", sourceType, state.ID.ValueString(),
			"The Dremio object is a "+e.EntityType+", not a source.", "Import a source's id or name.", nil)

		return
	}

	r.mapEntity(ctx, e, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// mapEntity copies what Dremio returned into the model, keeping the
// user's spelling wherever the server's value means the same.
func (r *sourceResource) mapEntity(ctx context.Context, e *dremio.Entity, m *sourceResourceModel) {
	def := providerS3(r.data)
	m.ID, m.Tag, m.Status = types.StringValue(e.ID), types.StringValue(e.Tag), sourceStatus(e)
	if m.Name.IsNull() || !equalFold(m.Name.ValueString(), e.Name) {
		m.Name = types.StringValue(e.Name)
	}
	m.Type = types.StringValue(e.Type)
	cfg := e.Config
	if cfg == nil {
		cfg = map[string]any{}
	}
	generic := !m.Config.IsNull()
	switch {
	case e.Type == typeS3 && !generic:
		m.S3 = readS3(cfg, m.S3, def)
	case e.Type == typeNessie && !generic:
		m.Nessie = readNessie(cfg, m.Nessie, def)
	case e.Type == typeREST && !generic:
		m.IcebergREST = readREST(cfg, m.IcebergREST)
	default:
		m.Config = readGeneric(cfg, m.Config)
	}
	m.SecretConfig.StringValue = types.StringNull()
	m.MetadataPolicy = readMetadataPolicy(ctx, e.MetadataPolicy, m.MetadataPolicy)
}

func (r *sourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, config, state sourceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	c := client(r.data, &resp.Diagnostics, "updating", sourceType, id)
	if c == nil {
		return
	}

	// Read-modify-write: fields the provider does not model (acceleration
	// settings, other config keys) keep their values, and stored secrets
	// come back masked, which Dremio reads as "keep".
	raw, err := c.GetRaw(ctx, id)
	if err != nil {
		apiError(&resp.Diagnostics, "updating", sourceType, id, err)

		return
	}
	cfg, _ := raw["config"].(map[string]any)
	if cfg == nil {
		cfg = map[string]any{}
	}
	resp.Diagnostics.Append(r.fillConfig(ctx, cfg, plan, config, &state)...)
	mp, d := buildMetadataPolicy(ctx, plan.MetadataPolicy)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	raw["config"] = cfg
	if mp != nil {
		raw["metadataPolicy"] = mp
	}
	raw["tag"] = state.Tag.ValueString()
	delete(raw, "state")
	e, err := c.Update(ctx, id, raw)
	if err != nil {
		apiError(&resp.Diagnostics, "updating", sourceType, id, err)

		return
	}

	plan.ID, plan.Tag, plan.Status = state.ID, types.StringValue(e.Tag), sourceStatus(e)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sourceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state sourceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteEntity(ctx, r.data, &resp.Diagnostics, sourceType, state.ID.ValueString())
}

func (r *sourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
