package superset

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

// The secrets of a database besides the URI password: the SSH tunnel's
// password, private key and key passphrase, and encrypted_extra. Superset
// shows each only masked (XXXXXXXXXX) and keeps the stored value when the
// mask comes back (C16), so they are write-only here: never read, never in
// state, and sent only on create, when their _version changes, or (the
// tunnel's) when the tunnel is added or moved to another address or port,
// since Superset refuses to carry stored credentials to a new endpoint.

type sshTunnelModel struct {
	ServerAddress      types.String `tfsdk:"server_address"`
	ServerPort         types.Int64  `tfsdk:"server_port"`
	Username           types.String `tfsdk:"username"`
	Password           types.String `tfsdk:"password"`
	PrivateKey         types.String `tfsdk:"private_key"`
	PrivateKeyPassword types.String `tfsdk:"private_key_password"`
}

// defaultSSHPort is the port of ssh_tunnel when it is not set.
const defaultSSHPort = 22

func secretsAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"ssh_tunnel": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "Connect through an SSH tunnel (Superset's `SSH_TUNNELING` feature flag must be on, and " +
				"the URI must name the database port). Give `password` or `private_key` (with `private_key_password` " +
				"for an encrypted key). The secrets are write-only: change `ssh_tunnel_secrets_version` to send new " +
				"ones; they are also sent when the tunnel is added or moved to another address or port. Removing " +
				"the block removes the tunnel.",
			Attributes: map[string]schema.Attribute{
				"server_address": schema.StringAttribute{
					Required: true, MarkdownDescription: "Host name or address of the SSH server.",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				},
				"server_port": schema.Int64Attribute{
					Optional: true, Computed: true, Default: int64default.StaticInt64(defaultSSHPort),
					MarkdownDescription: "Port of the SSH server (1-65535). Defaults to `22`.",
					Validators:          []validator.Int64{int64validator.Between(1, 65535)},
				},
				"username": schema.StringAttribute{
					Required: true, MarkdownDescription: "User name on the SSH server.",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				},
				"password": schema.StringAttribute{
					Optional: true, Sensitive: true, WriteOnly: true,
					MarkdownDescription: "Password of the SSH user. Write-only. Exactly one of `password` and `private_key`.",
				},
				"private_key": schema.StringAttribute{
					Optional: true, Sensitive: true, WriteOnly: true,
					MarkdownDescription: "Private key (PEM) of the SSH user. Write-only. Exactly one of `password` and `private_key`.",
				},
				"private_key_password": schema.StringAttribute{
					Optional: true, Sensitive: true, WriteOnly: true,
					MarkdownDescription: "Passphrase of an encrypted `private_key`. Write-only.",
				},
			},
		},
		"ssh_tunnel_secrets_version": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Any string; changing it sends the `ssh_tunnel` secrets again.",
		},
		"encrypted_extra": schema.StringAttribute{
			Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: "Superset's secure extra (`encrypted_extra`), a JSON object such as a BigQuery service " +
				"account `{\"credentials_info\": {...}}`. Write-only: Superset shows it only masked, so it is never read back. " +
				"Sent on create and when `encrypted_extra_version` changes; to clear it, remove it and change or remove " +
				"`encrypted_extra_version`. Newer Superset refuses to point the connection elsewhere (another URI or " +
				"`extra.engine_params`) while it would keep the stored value: change both in one apply.",
			Validators: []validator.String{jsonObjectValidator{}},
		},
		"encrypted_extra_version": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Any string; changing it sends `encrypted_extra` again.",
		},
	}
}

// validateSecrets checks the configured secrets at plan time, each error
// on its attribute: one tunnel credential, a passphrase only with a key,
// and never Superset's mask as a secret.
func validateSecrets(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) {
	var tunnel types.Object
	diags.Append(cfg.GetAttribute(ctx, path.Root("ssh_tunnel"), &tunnel)...)
	var extra types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root("encrypted_extra"), &extra)...)
	if diags.HasError() {
		return
	}
	if !extra.IsNull() && !extra.IsUnknown() && strings.Contains(extra.ValueString(), superset.PasswordMask) {
		diags.AddAttributeError(path.Root("encrypted_extra"), "Superset's mask in encrypted_extra",
			fmt.Sprintf("encrypted_extra holds %q, the mask Superset shows instead of a secret. Put the real values in it: "+
				"the provider never reads encrypted_extra back, so it has no stored value to keep.", superset.PasswordMask))
	}
	if tunnel.IsNull() || tunnel.IsUnknown() {
		return
	}
	at := func(name string) (types.String, path.Path) {
		p := path.Root("ssh_tunnel").AtName(name)
		v, _ := tunnel.Attributes()[name].(types.String)

		return v, p
	}
	pw, pwPath := at("password")
	key, keyPath := at("private_key")
	pass, passPath := at("private_key_password")
	for _, v := range []attr.Value{pw, key, pass} {
		if v.IsUnknown() {
			return
		}
	}
	for _, s := range []struct {
		v types.String
		p path.Path
	}{{pw, pwPath}, {key, keyPath}, {pass, passPath}} {
		if s.v.ValueString() == superset.PasswordMask {
			diags.AddAttributeError(s.p, "Superset's mask as an SSH tunnel secret",
				fmt.Sprintf("%s is %q, the mask Superset shows instead of a secret; set the real value.", s.p, superset.PasswordMask))
		}
	}
	switch {
	case !pw.IsNull() && !key.IsNull():
		diags.AddAttributeError(keyPath, "Conflicting SSH tunnel credentials",
			"Set either ssh_tunnel.password or ssh_tunnel.private_key, not both: Superset keeps only one of them.")
	case pw.IsNull() && key.IsNull():
		diags.AddAttributeError(path.Root("ssh_tunnel"), "Missing SSH tunnel credentials",
			"Set ssh_tunnel.password or ssh_tunnel.private_key: Superset refuses a tunnel without one.")
	}
	if !pass.IsNull() && key.IsNull() {
		diags.AddAttributeError(passPath, "SSH key passphrase without a key",
			"ssh_tunnel.private_key_password is the passphrase of ssh_tunnel.private_key; set the key, or remove the passphrase.")
	}
}

// checkTunnelPort fails the plan when a tunnel is set on a URI without a
// port: Superset forwards the tunnel to the database port and refuses an
// update without one.
func checkTunnelPort(plan *databaseResourceModel, uri types.String, diags *diag.Diagnostics) {
	if plan.SSHTunnel == nil || uri.IsNull() || uri.IsUnknown() {
		return
	}
	u, err := url.Parse(uri.ValueString())
	if err != nil || u.Port() != "" {
		return
	}
	at := path.Root("sqlalchemy_uri")
	if plan.Connection != nil {
		at = path.Root("uri_parts").AtName("port")
	}
	diags.AddAttributeError(at, "Database port needed for the SSH tunnel",
		"Superset connects through an SSH tunnel to the database port named in the URI; add the port "+
			"(for example db.internal:5432).")
}

// configSecrets reads the write-only values, which exist only in the
// configuration.
func configSecrets(ctx context.Context, cfg tfsdk.Config) (*sshTunnelModel, types.String, error) {
	var tunnel *sshTunnelModel
	var extra types.String
	if d := cfg.GetAttribute(ctx, path.Root("ssh_tunnel"), &tunnel); d.HasError() {
		return nil, extra, fmt.Errorf("reading ssh_tunnel from the configuration")
	}
	if d := cfg.GetAttribute(ctx, path.Root("encrypted_extra"), &extra); d.HasError() {
		return nil, extra, fmt.Errorf("reading encrypted_extra from the configuration")
	}

	return tunnel, extra, nil
}

// tunnelBody is the ssh_tunnel object to send: its endpoint and user, and
// with secrets the configured credential. On update, a key without a
// passphrase sends an empty one, so a stored passphrase of an earlier key
// does not stay attached to the new key.
func tunnelBody(plan, cfg *sshTunnelModel, secrets, update bool) map[string]any {
	b := map[string]any{
		"server_address": plan.ServerAddress.ValueString(),
		"server_port":    plan.ServerPort.ValueInt64(),
		"username":       plan.Username.ValueString(),
	}
	if !secrets || cfg == nil {
		return b
	}
	switch {
	case !cfg.Password.IsNull():
		b["password"] = cfg.Password.ValueString()
	case !cfg.PrivateKey.IsNull():
		b["private_key"] = cfg.PrivateKey.ValueString()
		if !cfg.PrivateKeyPassword.IsNull() {
			b["private_key_password"] = cfg.PrivateKeyPassword.ValueString()
		} else if update {
			b["private_key_password"] = ""
		}
	}

	return b
}

// addCreateSecrets puts the configured secrets into a create body.
func addCreateSecrets(body map[string]any, plan, cfgTunnel *sshTunnelModel, extra types.String) {
	if plan != nil {
		body["ssh_tunnel"] = tunnelBody(plan, cfgTunnel, true, false)
	}
	if !extra.IsNull() {
		body["masked_encrypted_extra"] = extra.ValueString()
	}
}

// addUpdateSecrets puts into an update body only what changed: the tunnel
// (null removes it on the server), with its secrets when their version
// changed or the tunnel is new or moved; encrypted_extra when its version
// changed (null clears it).
func addUpdateSecrets(body map[string]any, plan, state *databaseResourceModel, cfgTunnel *sshTunnelModel, extra types.String) {
	if !plan.EncryptedExtraVersion.Equal(state.EncryptedExtraVersion) {
		body["masked_encrypted_extra"] = nil
		if !extra.IsNull() {
			body["masked_encrypted_extra"] = extra.ValueString()
		}
	}
	p, s := plan.SSHTunnel, state.SSHTunnel
	switch {
	case p == nil && s == nil:
		return
	case p == nil:
		body["ssh_tunnel"] = nil

		return
	}
	moved := s == nil || !p.ServerAddress.Equal(s.ServerAddress) || !p.ServerPort.Equal(s.ServerPort)
	secrets := moved || !plan.SSHTunnelSecretsVersion.Equal(state.SSHTunnelSecretsVersion)
	if secrets || !p.Username.Equal(s.Username) {
		body["ssh_tunnel"] = tunnelBody(p, cfgTunnel, secrets, s != nil)
	}
}

// tunnelFromServer is the state's ssh_tunnel after a read: the server's
// endpoint and user, no secrets (write-only values are always null in
// state). A tunnel removed on the server reads as none, so the plan adds
// it again.
func tunnelFromServer(t *superset.SSHTunnel) *sshTunnelModel {
	if t == nil {
		return nil
	}

	return &sshTunnelModel{
		ServerAddress: types.StringValue(t.ServerAddress), ServerPort: types.Int64Value(t.ServerPort),
		Username: types.StringValue(t.Username), Password: types.StringNull(),
		PrivateKey: types.StringNull(), PrivateKeyPassword: types.StringNull(),
	}
}

// clearWriteOnly nulls every write-only value before the state is saved.
func clearWriteOnly(m *databaseResourceModel) {
	m.Password, m.EncryptedExtra = types.StringNull(), types.StringNull()
	if m.SSHTunnel != nil {
		t := *m.SSHTunnel
		t.Password, t.PrivateKey, t.PrivateKeyPassword = types.StringNull(), types.StringNull(), types.StringNull()
		m.SSHTunnel = &t
	}
}

// tunnelHint explains a Superset refusal that concerns the tunnel.
func tunnelHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "SSH Tunneling is not enabled"):
		return "Turn on Superset's SSH_TUNNELING feature flag (FEATURE_FLAGS in superset_config.py), or remove ssh_tunnel."
	case strings.Contains(msg, "port is required"):
		return "Add the database port to the URI: Superset forwards the tunnel to it."
	case strings.Contains(msg, "_schema") && superset.IsUnprocessable(err):
		return "Superset refuses to point the connection at another host or engine_params while it would reuse a " +
			"stored secret: set password in the configuration, and give a new encrypted_extra with a new " +
			"encrypted_extra_version, in the same apply."
	case strings.Contains(msg, "ssh_tunnel"), strings.Contains(msg, "SSH Tunnel"):
		return "Check ssh_tunnel; after moving the tunnel, Superset needs its credentials again (change ssh_tunnel_secrets_version)."
	}

	return ""
}

var _ resource.ResourceWithValidateConfig = (*databaseResource)(nil)

func (r *databaseResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateSecrets(ctx, req.Config, &resp.Diagnostics)
}
