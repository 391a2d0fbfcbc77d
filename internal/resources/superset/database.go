package superset

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

const databaseType = "lakehouse_superset_database"

// dremioFlightPort is Dremio's Arrow Flight port, which sqlalchemy-dremio's
// dremio+flight dialect uses.
const dremioFlightPort = 32010

var (
	_ resource.Resource                     = (*databaseResource)(nil)
	_ resource.ResourceWithConfigure        = (*databaseResource)(nil)
	_ resource.ResourceWithImportState      = (*databaseResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*databaseResource)(nil)
	_ resource.ResourceWithConfigValidators = (*databaseResource)(nil)
)

// NewDatabaseResource is the lakehouse_superset_database resource.
func NewDatabaseResource() resource.Resource { return &databaseResource{} }

type databaseResource struct{ clientHolder }

type databaseResourceModel struct {
	ID              types.Int64      `tfsdk:"id"`
	UUID            types.String     `tfsdk:"uuid"`
	DatabaseName    types.String     `tfsdk:"database_name"`
	SQLAlchemyURI   types.String     `tfsdk:"sqlalchemy_uri"`
	Connection      *connectionModel `tfsdk:"uri_parts"`
	Dremio          *dremioModel     `tfsdk:"dremio"`
	Password        types.String     `tfsdk:"password"`
	PasswordVersion types.String     `tfsdk:"password_version"`
	ExposeInSQLLab  types.Bool       `tfsdk:"expose_in_sqllab"`
	AllowDML        types.Bool       `tfsdk:"allow_dml"`
	AllowRunAsync   types.Bool       `tfsdk:"allow_run_async"`
	Extra           jsonDocValue     `tfsdk:"extra"`
	Backend         types.String     `tfsdk:"backend"`
	Driver          types.String     `tfsdk:"driver"`

	// database_secrets.go
	SSHTunnel               *sshTunnelModel `tfsdk:"ssh_tunnel"`
	SSHTunnelSecretsVersion types.String    `tfsdk:"ssh_tunnel_secrets_version"`
	EncryptedExtra          types.String    `tfsdk:"encrypted_extra"`
	EncryptedExtraVersion   types.String    `tfsdk:"encrypted_extra_version"`
}

type connectionModel struct {
	Driver   types.String `tfsdk:"driver"`
	Host     types.String `tfsdk:"host"`
	Port     types.Int64  `tfsdk:"port"`
	Username types.String `tfsdk:"username"`
	Database types.String `tfsdk:"database"`
	Query    types.Map    `tfsdk:"query"`
}

type dremioModel struct {
	Port          types.Int64 `tfsdk:"port"`
	UseEncryption types.Bool  `tfsdk:"use_encryption"`
}

func (r *databaseResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_superset_database"
}

func (r *databaseResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	defer func() {
		for name, a := range secretsAttributes() {
			resp.Schema.Attributes[name] = a
		}
	}()
	resp.Schema = schema.Schema{
		MarkdownDescription: "A database connection in Apache Superset. The connection is given as a whole `sqlalchemy_uri`, " +
			"built from `uri_parts`, or built from the provider's `dremio` block (`dremio+flight://`). The password is " +
			"write-only: Superset only ever shows it masked (`XXXXXXXXXX`), so it is never read back, never stored in state, " +
			"and sent only on create, when the URI changes, or when `password_version` changes. The SSH tunnel's secrets " +
			"and `encrypted_extra` are write-only in the same way, each with its own `_version`.",
		Attributes: map[string]schema.Attribute{
			"id":   computedID("Superset's numeric id of the database."),
			"uuid": computedString("Superset's UUID of the database (used by imports and exports)."),
			"database_name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Name shown in Superset; unique per Superset instance (1-250 characters).",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 250)},
			},
			"sqlalchemy_uri": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "SQLAlchemy URI **without the password**, e.g. `postgresql+psycopg2://report_ro@db.internal:5432/wh`. " +
					"Set it, or `uri_parts`, or `dremio`; with the other two it is computed. Put the password in `password`.",
				Validators: []validator.String{uriValidator{}},
			},
			"uri_parts": schema.SingleNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Builds `sqlalchemy_uri` from parts.",
				Attributes: map[string]schema.Attribute{
					"driver":   schema.StringAttribute{Required: true, MarkdownDescription: "SQLAlchemy dialect and driver, e.g. `postgresql+psycopg2`, `trino`, `dremio+flight`."},
					"host":     schema.StringAttribute{Required: true, MarkdownDescription: "Host name or address."},
					"port":     schema.Int64Attribute{Optional: true, MarkdownDescription: "Port; the driver's default when unset."},
					"username": schema.StringAttribute{Optional: true, MarkdownDescription: "User name."},
					"database": schema.StringAttribute{Optional: true, MarkdownDescription: "Database (path) part of the URI."},
					"query": schema.MapAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Query parameters, e.g. `{ sslmode = \"require\" }`.",
					},
				},
			},
			"dremio": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Builds a `dremio+flight://` URI from the provider's `dremio` block: its endpoint's host, its " +
					"`username`, and its `password` (or `token`) as the password unless `password` is set here. Superset needs " +
					"the `sqlalchemy-dremio` package.",
				Attributes: map[string]schema.Attribute{
					"port": schema.Int64Attribute{Optional: true, MarkdownDescription: "Arrow Flight port. Defaults to `32010`."},
					"use_encryption": schema.BoolAttribute{
						Optional: true, MarkdownDescription: "Use TLS on the Flight connection (`UseEncryption`). Defaults to `false`.",
					},
				},
			},
			"password": schema.StringAttribute{
				Optional: true, Sensitive: true, WriteOnly: true,
				MarkdownDescription: "Password of the connection. Write-only: never stored in state. Change `password_version` to send a new one.",
			},
			"password_version": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Any string; changing it sends `password` again (Terraform cannot see a write-only value change).",
			},
			"expose_in_sqllab": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Show the database in SQL Lab. Defaults to `true`.",
			},
			"allow_dml": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Allow INSERT, UPDATE, DELETE and DDL in SQL Lab. Defaults to `false`.",
			},
			"allow_run_async": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Run SQL Lab queries asynchronously (needs Celery workers). Defaults to `false`.",
			},
			"extra": schema.StringAttribute{
				Optional: true, Computed: true, CustomType: jsonDocType{mode: jsonOwnedKeys},
				MarkdownDescription: "The `extra` JSON object (engine_params, metadata_params, schemas_allowed_for_file_upload, ...). " +
					"Compared by meaning; keys Superset adds never diff, and keys it holds that are not set here are kept on update.",
				Validators:    []validator.String{jsonObjectValidator{}},
				PlanModifiers: []planmodifier.String{jsonPlan{mode: jsonOwnedKeys}},
			},
			"backend": computedString("Backend Superset derived from the URI, e.g. `postgresql`."),
			"driver":  computedString("Driver Superset derived from the URI, e.g. `psycopg2`."),
		},
	}
}

func (r *databaseResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("sqlalchemy_uri"), path.MatchRoot("uri_parts"), path.MatchRoot("dremio")),
	}
}

func (r *databaseResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req, resp)
}

// ModifyPlan computes sqlalchemy_uri from uri_parts or dremio, so the plan
// shows the URI that will be sent (without its password).
func (r *databaseResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, "lakehouse_superset_database", providerdata.BlockSuperset) {
		return
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan databaseResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	defer derivedFromURI(ctx, req, resp)
	defer func() {
		var uri types.String
		resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("sqlalchemy_uri"), &uri)...)
		checkTunnelPort(&plan, uri, &resp.Diagnostics)
	}()
	var uri string
	var known bool
	switch {
	case plan.Connection != nil:
		uri, known = connectionURI(plan.Connection)
	case plan.Dremio != nil:
		if r.data == nil {
			return
		}
		if !providerdata.RequireDiag(&resp.Diagnostics, r.data, "lakehouse_superset_database", providerdata.BlockDremio) {
			return
		}
		if r.data.Dremio.Username == "" {
			resp.Diagnostics.AddAttributeError(path.Root("dremio"), "Dremio user name missing",
				"Superset connects to Dremio over Arrow Flight with a user name and a password or personal access token; "+
					"set username in the provider's dremio block (LAKEHOUSE_DREMIO_USERNAME), or use sqlalchemy_uri instead.")

			return
		}
		var err error
		uri, err = dremioURI(r.data.Dremio, plan.Dremio)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("dremio"), "Cannot build the Dremio URI", err.Error())

			return
		}
		known = true
	default:
		return
	}
	value := types.StringUnknown()
	if known {
		value = types.StringValue(uri)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sqlalchemy_uri"), value)...)
}

// derivedFromURI marks backend and driver unknown when the URI's scheme
// changes (Superset derives both from it), so an in-place change of engine
// does not promise the old values.
func derivedFromURI(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var planURI, stateURI types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("sqlalchemy_uri"), &planURI)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("sqlalchemy_uri"), &stateURI)...)
	if !planURI.IsUnknown() && uriScheme(planURI.ValueString()) == uriScheme(stateURI.ValueString()) {
		return
	}
	for _, a := range []string{"backend", "driver"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(a), types.StringUnknown())...)
	}
}

// hint is why's advice, or the tunnel's when Superset refused the tunnel.
func hint(err error, fallback string) string {
	if h := tunnelHint(err); h != "" {
		return h
	}

	return why(err, fallback)
}

func uriScheme(uri string) string {
	scheme, _, _ := strings.Cut(uri, "://")

	return strings.ToLower(scheme)
}

func (r *databaseResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan databaseResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.ready(&resp.Diagnostics, "creating", databaseType, plan.DatabaseName.ValueString()) {
		return
	}
	uri, err := r.uriWithPassword(ctx, req.Config, &plan)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", databaseType, plan.DatabaseName.ValueString(),
			"The connection URI could not be built.", "Check sqlalchemy_uri or uri_parts.", err)

		return
	}
	body := map[string]any{
		"database_name": plan.DatabaseName.ValueString(), "sqlalchemy_uri": uri,
		"expose_in_sqllab": plan.ExposeInSQLLab.ValueBool(), "allow_dml": plan.AllowDML.ValueBool(),
		"allow_run_async": plan.AllowRunAsync.ValueBool(),
	}
	if !plan.Extra.IsNull() {
		body["extra"] = plan.Extra.ValueString()
	}
	cfgTunnel, extra, err := configSecrets(ctx, req.Config)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", databaseType, plan.DatabaseName.ValueString(),
			"The configuration could not be read.", "", err)

		return
	}
	addCreateSecrets(body, plan.SSHTunnel, cfgTunnel, extra)
	clearWriteOnly(&plan)
	id, err := r.client.Create(ctx, superset.Databases, body)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "creating", databaseType, plan.DatabaseName.ValueString(),
			"Superset did not create the database.", hint(err, "A database with this database_name may already exist, or the connection test failed."), err)

		return
	}
	plan.ID = types.Int64Value(id)
	db, err := r.client.GetDatabase(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		diags.AddError(&resp.Diagnostics, "reading", databaseType, idString(plan.ID),
			"The database was created but could not be read back.", "Run terraform apply again to refresh it.", err)

		return
	}
	plan.UUID, plan.Backend, plan.Driver = types.StringValue(db.UUID), types.StringValue(db.Backend), types.StringValue(db.Driver)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *databaseResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state databaseResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	db, ok := readByID(ctx, &r.clientHolder, resp, databaseType, state.ID, "database", r.client.GetDatabase)
	if !ok {
		return
	}
	state.DatabaseName = types.StringValue(db.DatabaseName)
	state.SQLAlchemyURI = reconcileURI(state.SQLAlchemyURI, db.SQLAlchemyURI)
	state.ExposeInSQLLab = types.BoolValue(db.ExposeInSQLLab)
	state.AllowDML = types.BoolValue(db.AllowDML)
	state.AllowRunAsync = types.BoolValue(db.AllowRunAsync)
	state.Extra = reconcileJSON(state.Extra, &db.Extra, isImported(ctx, req.Private))
	state.UUID, state.Backend, state.Driver = types.StringValue(db.UUID), types.StringValue(db.Backend), types.StringValue(db.Driver)
	state.SSHTunnel = tunnelFromServer(db.SSHTunnel)
	clearWriteOnly(&state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *databaseResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state databaseResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := idString(state.ID)
	if !r.ready(&resp.Diagnostics, "updating", databaseType, id) {
		return
	}
	body, err := r.updateBody(ctx, req, &plan, &state)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "updating", databaseType, id, "The update could not be prepared.", "", err)

		return
	}
	// C16: only changed fields are sent, so nothing can overwrite a stored
	// secret unless the field it belongs to or its _version changed.
	if len(body) > 0 {
		if err := r.client.Update(ctx, superset.Databases, state.ID.ValueInt64(), body); err != nil {
			diags.AddError(&resp.Diagnostics, "updating", databaseType, id,
				"Superset did not update the database.", hint(err, "Another database may already use this database_name."), err)

			return
		}
	}
	plan.ID, plan.UUID, plan.Backend, plan.Driver = state.ID, state.UUID, state.Backend, state.Driver
	clearWriteOnly(&plan)
	if db, err := r.client.GetDatabase(ctx, state.ID.ValueInt64()); err == nil {
		plan.Backend, plan.Driver = types.StringValue(db.Backend), types.StringValue(db.Driver)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, nil)...)
}

func (r *databaseResource) updateBody(ctx context.Context, req resource.UpdateRequest, plan, state *databaseResourceModel) (map[string]any, error) {
	body := map[string]any{}
	if !plan.DatabaseName.Equal(state.DatabaseName) {
		body["database_name"] = plan.DatabaseName.ValueString()
	}
	if !plan.ExposeInSQLLab.Equal(state.ExposeInSQLLab) {
		body["expose_in_sqllab"] = plan.ExposeInSQLLab.ValueBool()
	}
	if !plan.AllowDML.Equal(state.AllowDML) {
		body["allow_dml"] = plan.AllowDML.ValueBool()
	}
	if !plan.AllowRunAsync.Equal(state.AllowRunAsync) {
		body["allow_run_async"] = plan.AllowRunAsync.ValueBool()
	}
	if !plan.SQLAlchemyURI.Equal(state.SQLAlchemyURI) || !plan.PasswordVersion.Equal(state.PasswordVersion) {
		uri, err := r.uriWithPassword(ctx, req.Config, plan)
		if err != nil {
			return nil, err
		}
		body["sqlalchemy_uri"] = uri
	}
	cfgTunnel, extra, err := configSecrets(ctx, req.Config)
	if err != nil {
		return nil, err
	}
	addUpdateSecrets(body, plan, state, cfgTunnel, extra)
	if !plan.Extra.IsNull() && !jsonCovers(plan.Extra.ValueString(), state.Extra.ValueString(), jsonExact) {
		db, err := r.client.GetDatabase(ctx, state.ID.ValueInt64())
		if err != nil {
			return nil, fmt.Errorf("reading the current extra: %w", err)
		}
		prev := state.Extra.ValueString()
		merged, err := mergeJSON(&db.Extra, plan.Extra.ValueString(), prev)
		if err != nil {
			return nil, fmt.Errorf("extra: %w", err)
		}
		body["extra"] = merged
		if err := r.withPasswordForEngineParams(ctx, req.Config, plan, body, &db.Extra, merged); err != nil {
			return nil, err
		}
	}

	return body, nil
}

// withPasswordForEngineParams sends the URI with its password beside an
// extra whose engine_params change: engine_params can redirect the
// connection, and newer Superset refuses such a change unless the password
// comes with it. Without a configured password the URI is not sent, since a
// URI without one would clear the stored password on older Superset.
func (r *databaseResource) withPasswordForEngineParams(ctx context.Context, cfg tfsdk.Config, plan *databaseResourceModel,
	body map[string]any, server *string, merged string,
) error {
	if _, sent := body["sqlalchemy_uri"]; sent || !engineParamsChanged(server, merged) {
		return nil
	}
	uri, hasPassword, err := r.uriAndPassword(ctx, cfg, plan)
	if err != nil {
		return err
	}
	if hasPassword {
		body["sqlalchemy_uri"] = uri
	}

	return nil
}

// engineParamsChanged compares extra's engine_params by meaning.
func engineParamsChanged(server *string, next string) bool {
	params := func(doc string) any {
		v, _ := parseJSON(doc)
		if m, ok := v.(map[string]any); ok {
			return m["engine_params"]
		}

		return nil
	}
	prev := ""
	if server != nil {
		prev = *server
	}

	return !reflect.DeepEqual(params(prev), params(next))
}

func (r *databaseResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state databaseResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.remove(ctx, &resp.Diagnostics, databaseType, superset.Databases, state.ID, "database",
		func(err error) string {
			return why(err, "Datasets still using the database must be deleted first.")
		})
}

func (r *databaseResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, databaseType, req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importedKey, importedMark)...)
}

// uriWithPassword is the URI to send: the planned one plus the password
// from the configuration (write-only values exist only there) or, for
// dremio, from the provider's dremio block.
func (r *databaseResource) uriWithPassword(ctx context.Context, cfg tfsdk.Config, plan *databaseResourceModel) (string, error) {
	uri, _, err := r.uriAndPassword(ctx, cfg, plan)

	return uri, err
}

// uriAndPassword is uriWithPassword, and whether it carries a password.
func (r *databaseResource) uriAndPassword(ctx context.Context, cfg tfsdk.Config, plan *databaseResourceModel) (string, bool, error) {
	var password types.String
	if d := cfg.GetAttribute(ctx, path.Root("password"), &password); d.HasError() {
		return "", false, fmt.Errorf("reading password from the configuration")
	}
	pw := password.ValueString()
	if pw == "" && plan.Dremio != nil && r.data != nil {
		pw = r.data.Dremio.Password
		if r.data.Dremio.Token != "" {
			pw = r.data.Dremio.Token
		}
	}
	u, err := url.Parse(plan.SQLAlchemyURI.ValueString())
	if err != nil {
		return "", false, fmt.Errorf("parsing sqlalchemy_uri: %w", err)
	}
	if pw == superset.PasswordMask {
		return "", false, fmt.Errorf("the password is Superset's mask %q, not a real password", superset.PasswordMask)
	}
	if pw != "" {
		user := ""
		if u.User != nil {
			user = u.User.Username()
		}
		u.User = url.UserPassword(user, pw)
	}

	return u.String(), pw != "", nil
}

// connectionURI builds a URI from parts; known is false while a part is
// still unknown at plan time.
func connectionURI(c *connectionModel) (string, bool) {
	for _, v := range []attr.Value{c.Driver, c.Host, c.Port, c.Username, c.Database, c.Query} {
		if v.IsUnknown() {
			return "", false
		}
	}
	u := url.URL{Scheme: c.Driver.ValueString(), Host: c.Host.ValueString()}
	if !c.Port.IsNull() {
		u.Host += ":" + strconv.FormatInt(c.Port.ValueInt64(), 10)
	}
	if c.Username.ValueString() != "" {
		u.User = url.User(c.Username.ValueString())
	}
	if c.Database.ValueString() != "" {
		u.Path = "/" + c.Database.ValueString()
	}
	if !c.Query.IsNull() {
		q := url.Values{}
		for k, v := range c.Query.Elements() {
			if s, ok := v.(types.String); ok {
				q.Set(k, s.ValueString())
			}
		}
		u.RawQuery = q.Encode()
	}

	return u.String(), true
}

// dremioURI builds the dremio+flight URI from the provider's dremio block.
func dremioURI(s providerdata.DremioSettings, m *dremioModel) (string, error) {
	ep, err := url.Parse(s.Endpoint)
	if err != nil || ep.Hostname() == "" {
		return "", fmt.Errorf("the provider's dremio endpoint %q has no host", s.Endpoint)
	}
	port := int64(dremioFlightPort)
	if !m.Port.IsNull() && !m.Port.IsUnknown() {
		port = m.Port.ValueInt64()
	}
	u := url.URL{Scheme: "dremio+flight", Host: ep.Hostname() + ":" + strconv.FormatInt(port, 10), Path: "/dremio"}
	if s.Username != "" {
		u.User = url.User(s.Username)
	}
	u.RawQuery = "UseEncryption=" + strconv.FormatBool(m.UseEncryption.ValueBool())

	return u.String(), nil
}

// stripPassword removes the (masked) password from a URI.
func stripPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); !has {
		return raw
	}
	u.User = url.User(u.User.Username())

	return u.String()
}

// sameURI compares URIs by parts, so query order and escaping never diff.
func sameURI(a, b string) bool {
	if a == b {
		return true
	}
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	qa, qb := ua.Query(), ub.Query()
	ua.RawQuery, ub.RawQuery = "", ""
	if ua.String() != ub.String() || len(qa) != len(qb) {
		return false
	}
	for k, v := range qa {
		w := qb[k]
		sort.Strings(v)
		sort.Strings(w)
		if strings.Join(v, "\x00") != strings.Join(w, "\x00") {
			return false
		}
	}

	return true
}

// reconcileURI keeps the prior URI unless the server's, with its mask
// removed, means something else (C16: the mask is never compared or stored).
func reconcileURI(prior types.String, server string) types.String {
	stripped := stripPassword(server)
	if !prior.IsNull() && sameURI(prior.ValueString(), stripped) {
		return prior
	}

	return types.StringValue(stripped)
}

// uriValidator checks sqlalchemy_uri at plan time: a scheme, and no
// password (the password belongs in the write-only password attribute).
type uriValidator struct{}

func (uriValidator) Description(context.Context) string {
	return "a SQLAlchemy URI with a scheme and without a password"
}

func (v uriValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (uriValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil || u.Scheme == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid SQLAlchemy URI",
			"Expected backend+driver://user@host:port/database, e.g. postgresql+psycopg2://report_ro@db.internal:5432/wh.")

		return
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			resp.Diagnostics.AddAttributeError(req.Path, "Password in sqlalchemy_uri",
				"Remove the password from sqlalchemy_uri and set it in the write-only password attribute, "+
					"so it is never stored in the Terraform state.")
		}
	}
	if len(req.ConfigValue.ValueString()) > 1024 {
		resp.Diagnostics.AddAttributeError(req.Path, "SQLAlchemy URI too long", "Superset accepts at most 1024 characters.")
	}
}
