package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

type providerModel struct {
	S3          []s3Model          `tfsdk:"s3"`
	Catalog     []catalogModel     `tfsdk:"catalog"`
	Dremio      []dremioModel      `tfsdk:"dremio"`
	Superset    []supersetModel    `tfsdk:"superset"`
	LabelStudio []labelStudioModel `tfsdk:"labelstudio"`
	DataCite    []dataCiteModel    `tfsdk:"datacite"`
	Retry       []retryModel       `tfsdk:"retry"`
}

type s3Model struct {
	Endpoint           types.String `tfsdk:"endpoint"`
	Region             types.String `tfsdk:"region"`
	AccessKey          types.String `tfsdk:"access_key"`
	SecretKey          types.String `tfsdk:"secret_key"`
	SessionToken       types.String `tfsdk:"session_token"`
	UseSSL             types.Bool   `tfsdk:"use_ssl"`
	PathStyle          types.Bool   `tfsdk:"path_style"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	CACertificate      types.String `tfsdk:"ca_certificate"`
	CAFile             types.String `tfsdk:"ca_file"`
}

type catalogModel struct {
	Type          types.String `tfsdk:"type"`
	Name          types.String `tfsdk:"name"`
	URI           types.String `tfsdk:"uri"`
	Warehouse     types.String `tfsdk:"warehouse"`
	Token         types.String `tfsdk:"token"`
	Credential    types.String `tfsdk:"credential"`
	OAuthURI      types.String `tfsdk:"oauth2_server_uri"`
	Scope         types.String `tfsdk:"scope"`
	Headers       types.Map    `tfsdk:"headers"`
	Properties    types.Map    `tfsdk:"properties"`
	CACertificate types.String `tfsdk:"ca_certificate"`
	CAFile        types.String `tfsdk:"ca_file"`
}

type dremioModel struct {
	Endpoint           types.String `tfsdk:"endpoint"`
	Username           types.String `tfsdk:"username"`
	Password           types.String `tfsdk:"password"`
	Token              types.String `tfsdk:"token"`
	ProjectID          types.String `tfsdk:"project_id"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	CACertificate      types.String `tfsdk:"ca_certificate"`
	CAFile             types.String `tfsdk:"ca_file"`
}

type supersetModel struct {
	Endpoint           types.String `tfsdk:"endpoint"`
	Username           types.String `tfsdk:"username"`
	Password           types.String `tfsdk:"password"`
	AccessToken        types.String `tfsdk:"access_token"`
	AuthProvider       types.String `tfsdk:"auth_provider"`
	InsecureSkipVerify types.Bool   `tfsdk:"insecure_skip_verify"`
	CACertificate      types.String `tfsdk:"ca_certificate"`
	CAFile             types.String `tfsdk:"ca_file"`
}

type labelStudioModel struct {
	Endpoint            types.String `tfsdk:"endpoint"`
	APIKey              types.String `tfsdk:"api_key"`
	PersonalAccessToken types.String `tfsdk:"personal_access_token"`
	InsecureSkipVerify  types.Bool   `tfsdk:"insecure_skip_verify"`
	CACertificate       types.String `tfsdk:"ca_certificate"`
	CAFile              types.String `tfsdk:"ca_file"`
}

type dataCiteModel struct {
	Endpoint      types.String `tfsdk:"endpoint"`
	RepositoryID  types.String `tfsdk:"repository_id"`
	Password      types.String `tfsdk:"password"`
	Prefix        types.String `tfsdk:"prefix"`
	CACertificate types.String `tfsdk:"ca_certificate"`
	CAFile        types.String `tfsdk:"ca_file"`
}

type retryModel struct {
	MaxAttempts    types.Int64  `tfsdk:"max_attempts"`
	MinBackoff     types.String `tfsdk:"min_backoff"`
	MaxBackoff     types.String `tfsdk:"max_backoff"`
	RequestTimeout types.String `tfsdk:"request_timeout"`
}

func str(desc string, env ...string) schema.StringAttribute {
	if len(env) > 0 {
		desc += " Environment variable: `" + strings.Join(env, "` or `") + "`."
	}

	return schema.StringAttribute{Optional: true, MarkdownDescription: desc}
}

func secret(desc string, env ...string) schema.StringAttribute {
	a := str(desc, env...)
	a.Sensitive = true

	return a
}

func flag(desc string, env ...string) schema.BoolAttribute {
	if len(env) > 0 {
		desc += " Environment variable: `" + strings.Join(env, "` or `") + "`."
	}

	return schema.BoolAttribute{Optional: true, MarkdownDescription: desc}
}

func single(desc string, attrs map[string]schema.Attribute) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: desc,
		Validators:          []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject:        schema.NestedBlockObject{Attributes: attrs},
	}
}

// s3CANote tells where the s3 CA reaches: minio-go, the MinIO admin client
// and the AWS SDK configuration the catalog hands iceberg-go's S3 FileIO.
const s3CANote = " Used by the object-store resources, the MinIO admin API, the runner and the Iceberg catalog's " +
	"table metadata and data files."

// caEnv returns the environment variables of a block's ca_certificate and
// ca_file; for s3, ca_file also falls back to the AWS SDK's AWS_CA_BUNDLE.
func caEnv(prefix string) (pemEnv, fileEnv []string) {
	pemEnv = []string{prefix + "_CA_CERTIFICATE"}
	fileEnv = []string{prefix + "_CA_FILE"}
	if prefix == "LAKEHOUSE_S3" {
		fileEnv = append(fileEnv, "AWS_CA_BUNDLE")
	}

	return pemEnv, fileEnv
}

// withCA adds the two ways to trust an internal CA to a backend block's
// attributes; note says which clients of the block use them.
func withCA(prefix, note string, attrs map[string]schema.Attribute) map[string]schema.Attribute {
	pemEnv, fileEnv := caEnv(prefix)
	attrs["ca_certificate"] = str("PEM-encoded CA certificates to trust, in addition to the system roots, when verifying "+
		"the server's TLS certificate: for a service behind an institution's internal CA, e.g. `file(\"internal-ca.pem\")`. "+
		"Combined with `ca_file` when both are set; text that holds no certificate, or a PEM block that is not one, "+
		"is a configuration error."+note, pemEnv...)
	attrs["ca_file"] = str("Path of a PEM file of CA certificates to trust in addition to the system roots, read when the "+
		"provider is configured.", fileEnv...)

	return attrs
}

func (p *lakehouseProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	duration := []validator.String{validators.Duration()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The lakehouse provider builds and governs an education-research data lakehouse: " +
			"object storage (MinIO or any S3), Apache Iceberg tables, Dremio, Apache Superset, Label Studio, " +
			"expectation suites, de-identification policies, submission schemas, access policies and FAIR dataset records. " +
			"Every backend block is optional; a resource whose backend is not configured fails with a diagnostic " +
			"naming the block and its environment variables.",
		Blocks: map[string]schema.Block{
			"s3": single("Object storage (MinIO or any S3-compatible service).", withCA("LAKEHOUSE_S3", s3CANote, map[string]schema.Attribute{
				"endpoint":             str("Host and optional port of the S3 endpoint, without scheme, e.g. `localhost:9000`. Defaults to `s3.amazonaws.com`.", "LAKEHOUSE_S3_ENDPOINT"),
				"region":               str("Region. Defaults to `us-east-1`.", "LAKEHOUSE_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
				"access_key":           secret("Access key id.", "LAKEHOUSE_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID"),
				"secret_key":           secret("Secret access key.", "LAKEHOUSE_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"),
				"session_token":        secret("Session token for temporary credentials.", "LAKEHOUSE_S3_SESSION_TOKEN", "AWS_SESSION_TOKEN"),
				"use_ssl":              flag("Use HTTPS. Defaults to `true`.", "LAKEHOUSE_S3_USE_SSL"),
				"path_style":           flag("Use path-style addressing (`endpoint/bucket/key`), as MinIO usually needs. Defaults to `false`.", "LAKEHOUSE_S3_PATH_STYLE"),
				"insecure_skip_verify": flag("Skip TLS certificate verification. Only for test servers with self-signed certificates. Defaults to `false`.", "LAKEHOUSE_S3_INSECURE_SKIP_VERIFY"),
			})),
			"catalog": single("Apache Iceberg catalog.", withCA("LAKEHOUSE_CATALOG", " Used by a `rest` catalog; a PostgreSQL catalog takes `sslrootcert` in its DSN.", map[string]schema.Attribute{
				"type": schema.StringAttribute{
					Optional:            true,
					MarkdownDescription: "Catalog type: `sql` (SQLite file or PostgreSQL DSN) or `rest`. Defaults to `sql`. Environment variable: `LAKEHOUSE_CATALOG_TYPE`.",
					Validators:          []validator.String{stringvalidator.OneOf("sql", "rest")},
				},
				"name":              str("Catalog name recorded in the SQL catalog tables. Defaults to `lakehouse`.", "LAKEHOUSE_CATALOG_NAME"),
				"uri":               str("For `sql`: a SQLite file path (`file:catalog.db`) or a PostgreSQL DSN (`postgres://...`). For `rest`: the catalog's base URL.", "LAKEHOUSE_CATALOG_URI"),
				"warehouse":         str("Warehouse location, e.g. `s3://warehouse/prefix`, in the configured object store.", "LAKEHOUSE_CATALOG_WAREHOUSE"),
				"token":             secret("Bearer token for a REST catalog.", "LAKEHOUSE_CATALOG_TOKEN"),
				"credential":        secret("OAuth2 client credentials `client_id:client_secret` for a REST catalog.", "LAKEHOUSE_CATALOG_CREDENTIAL"),
				"oauth2_server_uri": str("OAuth2 token endpoint for a REST catalog; defaults to the catalog's own.", "LAKEHOUSE_CATALOG_OAUTH2_SERVER_URI"),
				"scope":             str("OAuth2 scope for a REST catalog.", "LAKEHOUSE_CATALOG_SCOPE"),
				"headers": schema.MapAttribute{
					Optional: true, Sensitive: true, ElementType: types.StringType,
					MarkdownDescription: "Extra HTTP headers sent to a REST catalog. Environment variable: `LAKEHOUSE_CATALOG_HEADERS`, " +
						"a JSON object of strings such as `{\"X-Iceberg-Access-Delegation\":\"vended-credentials\"}`.",
				},
				"properties": schema.MapAttribute{
					Optional: true, ElementType: types.StringType,
					MarkdownDescription: "Free properties passed to iceberg-go (for example `s3.endpoint` to override the `s3` block for file IO). " +
						"Environment variable: `LAKEHOUSE_CATALOG_PROPERTIES`, a JSON object of strings.",
				},
			})),
			"dremio": single("Dremio query engine (Software v25+ or Cloud).", withCA("LAKEHOUSE_DREMIO", "", map[string]schema.Attribute{
				"endpoint":             str("Base URL, e.g. `http://localhost:9047`.", "LAKEHOUSE_DREMIO_ENDPOINT"),
				"username":             str("User name for `/apiv2/login`.", "LAKEHOUSE_DREMIO_USERNAME"),
				"password":             secret("Password for `/apiv2/login`.", "LAKEHOUSE_DREMIO_PASSWORD"),
				"token":                secret("Personal access token (Software) or Cloud token, sent as a Bearer token. Wins over username and password.", "LAKEHOUSE_DREMIO_TOKEN"),
				"project_id":           str("Dremio Cloud project id.", "LAKEHOUSE_DREMIO_PROJECT_ID"),
				"insecure_skip_verify": flag("Skip TLS certificate verification.", "LAKEHOUSE_DREMIO_INSECURE_SKIP_VERIFY"),
			})),
			"superset": single("Apache Superset.", withCA("LAKEHOUSE_SUPERSET", "", map[string]schema.Attribute{
				"endpoint":             str("Base URL, e.g. `http://localhost:8088`.", "LAKEHOUSE_SUPERSET_ENDPOINT"),
				"username":             str("User name for `/api/v1/security/login`.", "LAKEHOUSE_SUPERSET_USERNAME"),
				"password":             secret("Password for `/api/v1/security/login`.", "LAKEHOUSE_SUPERSET_PASSWORD"),
				"access_token":         secret("A ready JWT access token; wins over username and password.", "LAKEHOUSE_SUPERSET_ACCESS_TOKEN"),
				"auth_provider":        str("Login provider, `db` or `ldap`. Defaults to `db`.", "LAKEHOUSE_SUPERSET_AUTH_PROVIDER"),
				"insecure_skip_verify": flag("Skip TLS certificate verification.", "LAKEHOUSE_SUPERSET_INSECURE_SKIP_VERIFY"),
			})),
			"labelstudio": single("Label Studio.", withCA("LAKEHOUSE_LABELSTUDIO", "", map[string]schema.Attribute{
				"endpoint":              str("Base URL, e.g. `http://localhost:8080`.", "LAKEHOUSE_LABELSTUDIO_ENDPOINT"),
				"api_key":               secret("Legacy API token, sent as `Authorization: Token <key>`.", "LAKEHOUSE_LABELSTUDIO_API_KEY"),
				"personal_access_token": secret("Personal access token, exchanged for short-lived access tokens. Wins over `api_key`.", "LAKEHOUSE_LABELSTUDIO_PERSONAL_ACCESS_TOKEN"),
				"insecure_skip_verify":  flag("Skip TLS certificate verification.", "LAKEHOUSE_LABELSTUDIO_INSECURE_SKIP_VERIFY"),
			})),
			"datacite": single("DataCite REST API, for DOIs of dataset records.", withCA("LAKEHOUSE_DATACITE", "", map[string]schema.Attribute{
				"endpoint":      str("Base URL. Defaults to `https://api.datacite.org`; use `https://api.test.datacite.org` for tests.", "LAKEHOUSE_DATACITE_ENDPOINT"),
				"repository_id": str("Repository (client) id, e.g. `DEMO.UNIVERSITY`.", "LAKEHOUSE_DATACITE_REPOSITORY_ID"),
				"password":      secret("Repository password.", "LAKEHOUSE_DATACITE_PASSWORD"),
				"prefix":        str("DOI prefix, e.g. `10.5072`.", "LAKEHOUSE_DATACITE_PREFIX"),
			})),
			"retry": single("Retry policy shared by every backend.", map[string]schema.Attribute{
				"max_attempts": schema.Int64Attribute{
					Optional: true, Validators: []validator.Int64{int64validator.Between(1, 50)},
					MarkdownDescription: "Attempts per request, the first included. Defaults to `5`. Environment variable: `LAKEHOUSE_RETRY_MAX_ATTEMPTS`.",
				},
				"min_backoff": schema.StringAttribute{
					Optional: true, Validators: duration,
					MarkdownDescription: "Shortest wait between attempts, a Go duration. Defaults to `500ms`. Environment variable: `LAKEHOUSE_RETRY_MIN_BACKOFF`.",
				},
				"max_backoff": schema.StringAttribute{
					Optional: true, Validators: duration,
					MarkdownDescription: "Longest wait between attempts. Defaults to `30s`. Environment variable: `LAKEHOUSE_RETRY_MAX_BACKOFF`.",
				},
				"request_timeout": schema.StringAttribute{
					Optional: true, Validators: duration,
					MarkdownDescription: "Timeout of one attempt of a REST call; for object storage (minio-go and Iceberg table files), how long to wait for the answer to begin, so a large transfer is never cut off. Defaults to `60s`. Environment variable: `LAKEHOUSE_RETRY_REQUEST_TIMEOUT`.",
				},
			}),
		},
	}
}

func (p *lakehouseProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	d := &providerdata.Data{Version: p.version}
	r := resolver{diags: &resp.Diagnostics}
	d.Retry = r.retry(cfg.Retry)
	d.S3 = r.s3(cfg.S3)
	d.Catalog = r.catalog(ctx, cfg.Catalog)
	d.Dremio = r.dremio(cfg.Dremio)
	d.Superset = r.superset(cfg.Superset)
	d.LabelStudio = r.labelStudio(cfg.LabelStudio)
	d.DataCite = r.dataCite(cfg.DataCite)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.ResourceData = d
	resp.DataSourceData = d
}

// Settings resolves the provider configuration from the environment alone,
// as the runner does, so both binaries read the same variables.
func Settings() (*providerdata.Data, error) {
	r := resolver{}
	d := &providerdata.Data{
		Retry:       r.retry(nil),
		S3:          r.s3(nil),
		Catalog:     r.catalog(context.Background(), nil),
		Dremio:      r.dremio(nil),
		Superset:    r.superset(nil),
		LabelStudio: r.labelStudio(nil),
		DataCite:    r.dataCite(nil),
	}
	return d, r.err
}

// resolver applies environment fallbacks: a value set in the configuration
// wins, then the first environment variable that is set, then the default.
type resolver struct {
	diags interface {
		AddAttributeError(path.Path, string, string)
	}
	err error
}

func (r *resolver) fail(p path.Path, summary, detail string) {
	if r.diags != nil {
		r.diags.AddAttributeError(p, summary, detail)

		return
	}
	if r.err == nil {
		r.err = fmt.Errorf("%s: %s", summary, detail)
	}
}

func firstEnv(names ...string) (string, bool) {
	for _, n := range names {
		if v, ok := os.LookupEnv(n); ok && v != "" {
			return v, true
		}
	}

	return "", false
}

func strOr(v types.String, def string, env ...string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	if e, ok := firstEnv(env...); ok {
		return e
	}

	return def
}

func (r *resolver) boolOr(v types.Bool, def bool, p path.Path, env ...string) bool {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool()
	}
	if e, ok := firstEnv(env...); ok {
		b, err := strconv.ParseBool(e)
		if err != nil {
			r.fail(p, "Invalid boolean in environment", fmt.Sprintf("%s=%q is not a boolean; use true or false.", env[0], e))

			return def
		}

		return b
	}

	return def
}

func anyEnv(names ...string) bool {
	_, ok := firstEnv(names...)

	return ok
}

func (r *resolver) retry(blocks []retryModel) httpx.RetrySettings {
	s := httpx.DefaultRetrySettings()
	var m retryModel
	if len(blocks) > 0 {
		m = blocks[0]
	}
	p := path.Root("retry").AtListIndex(0)
	if !m.MaxAttempts.IsNull() && !m.MaxAttempts.IsUnknown() {
		s.MaxAttempts = int(m.MaxAttempts.ValueInt64())
	} else if e, ok := firstEnv("LAKEHOUSE_RETRY_MAX_ATTEMPTS"); ok {
		n, err := strconv.Atoi(e)
		if err != nil || n < 1 {
			r.fail(p.AtName("max_attempts"), "Invalid retry setting", fmt.Sprintf("LAKEHOUSE_RETRY_MAX_ATTEMPTS=%q must be a whole number of at least 1.", e))
		} else {
			s.MaxAttempts = n
		}
	}
	s.MinBackoff = r.duration(m.MinBackoff, s.MinBackoff, p.AtName("min_backoff"), "LAKEHOUSE_RETRY_MIN_BACKOFF")
	s.MaxBackoff = r.duration(m.MaxBackoff, s.MaxBackoff, p.AtName("max_backoff"), "LAKEHOUSE_RETRY_MAX_BACKOFF")
	s.RequestTimeout = r.duration(m.RequestTimeout, s.RequestTimeout, p.AtName("request_timeout"), "LAKEHOUSE_RETRY_REQUEST_TIMEOUT")
	if s.MaxBackoff < s.MinBackoff {
		r.fail(p.AtName("max_backoff"), "Invalid retry setting", fmt.Sprintf("max_backoff (%s) is shorter than min_backoff (%s).", s.MaxBackoff, s.MinBackoff))
	}

	return s
}

func (r *resolver) duration(v types.String, def time.Duration, p path.Path, env string) time.Duration {
	raw := strOr(v, "", env)
	if raw == "" {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 {
		r.fail(p, "Invalid duration", fmt.Sprintf("%q is not a duration such as 500ms, 10s or 2m.", raw))

		return def
	}

	return d
}

func (r *resolver) s3(blocks []s3Model) providerdata.S3Settings {
	var m s3Model
	s := providerdata.S3Settings{Configured: len(blocks) > 0 ||
		anyEnv("LAKEHOUSE_S3_ENDPOINT", "LAKEHOUSE_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID")}
	if len(blocks) > 0 {
		m = blocks[0]
	}
	p := path.Root("s3").AtListIndex(0)
	s.Endpoint = strOr(m.Endpoint, "s3.amazonaws.com", "LAKEHOUSE_S3_ENDPOINT")
	if strings.Contains(s.Endpoint, "://") {
		r.fail(p.AtName("endpoint"), "Invalid S3 endpoint",
			fmt.Sprintf("%q has a scheme; give host[:port] only and set use_ssl for https.", s.Endpoint))
	}
	s.Region = strOr(m.Region, "us-east-1", "LAKEHOUSE_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
	s.AccessKey = strOr(m.AccessKey, "", "LAKEHOUSE_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID")
	s.SecretKey = strOr(m.SecretKey, "", "LAKEHOUSE_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY")
	s.SessionToken = strOr(m.SessionToken, "", "LAKEHOUSE_S3_SESSION_TOKEN", "AWS_SESSION_TOKEN")
	s.UseSSL = r.boolOr(m.UseSSL, true, p.AtName("use_ssl"), "LAKEHOUSE_S3_USE_SSL")
	s.PathStyle = r.boolOr(m.PathStyle, false, p.AtName("path_style"), "LAKEHOUSE_S3_PATH_STYLE")
	s.InsecureSkipVerify = r.boolOr(m.InsecureSkipVerify, false, p.AtName("insecure_skip_verify"), "LAKEHOUSE_S3_INSECURE_SKIP_VERIFY")
	s.CAPEM = r.caPEM(m.CACertificate, m.CAFile, p, "LAKEHOUSE_S3")

	return s
}

// mapOr is strOr for map settings: the block's map wins, then env holding a
// JSON object of strings (a map has no other unambiguous spelling in one
// variable), then an empty map.
func (r *resolver) mapOr(ctx context.Context, m types.Map, p path.Path, env string) map[string]string {
	out := map[string]string{}
	if !m.IsNull() && !m.IsUnknown() {
		_ = m.ElementsAs(ctx, &out, false)

		return out
	}
	raw, ok := firstEnv(env)
	if !ok {
		return out
	}
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		// The value may hold credentials (headers), so it is not quoted.
		r.fail(p, "Invalid map in environment",
			fmt.Sprintf("%s must be a JSON object of strings, such as {\"key\":\"value\"}: %v", env, err))

		return map[string]string{}
	}

	return out
}

func (r *resolver) catalog(ctx context.Context, blocks []catalogModel) providerdata.CatalogSettings {
	var m catalogModel
	s := providerdata.CatalogSettings{Configured: len(blocks) > 0 || anyEnv("LAKEHOUSE_CATALOG_URI", "LAKEHOUSE_CATALOG_TYPE")}
	if len(blocks) > 0 {
		m = blocks[0]
	}
	p := path.Root("catalog").AtListIndex(0)
	s.Type = strOr(m.Type, "sql", "LAKEHOUSE_CATALOG_TYPE")
	if s.Type != "sql" && s.Type != "rest" {
		r.fail(p.AtName("type"), "Invalid catalog type", fmt.Sprintf("%q is not a catalog type; use sql or rest.", s.Type))
	}
	s.Name = strOr(m.Name, "lakehouse", "LAKEHOUSE_CATALOG_NAME")
	s.URI = strOr(m.URI, "", "LAKEHOUSE_CATALOG_URI")
	s.Warehouse = strOr(m.Warehouse, "", "LAKEHOUSE_CATALOG_WAREHOUSE")
	s.Token = strOr(m.Token, "", "LAKEHOUSE_CATALOG_TOKEN")
	s.Credential = strOr(m.Credential, "", "LAKEHOUSE_CATALOG_CREDENTIAL")
	s.OAuthURI = strOr(m.OAuthURI, "", "LAKEHOUSE_CATALOG_OAUTH2_SERVER_URI")
	s.Scope = strOr(m.Scope, "", "LAKEHOUSE_CATALOG_SCOPE")
	s.Headers = r.mapOr(ctx, m.Headers, p.AtName("headers"), "LAKEHOUSE_CATALOG_HEADERS")
	s.Properties = r.mapOr(ctx, m.Properties, p.AtName("properties"), "LAKEHOUSE_CATALOG_PROPERTIES")
	s.CAPEM = r.caPEM(m.CACertificate, m.CAFile, p, "LAKEHOUSE_CATALOG")

	return s
}

func (r *resolver) dremio(blocks []dremioModel) providerdata.DremioSettings {
	var m dremioModel
	s := providerdata.DremioSettings{Configured: len(blocks) > 0 || anyEnv("LAKEHOUSE_DREMIO_ENDPOINT")}
	if len(blocks) > 0 {
		m = blocks[0]
	}
	s.Endpoint = strings.TrimRight(strOr(m.Endpoint, "", "LAKEHOUSE_DREMIO_ENDPOINT"), "/")
	s.Username = strOr(m.Username, "", "LAKEHOUSE_DREMIO_USERNAME")
	s.Password = strOr(m.Password, "", "LAKEHOUSE_DREMIO_PASSWORD")
	s.Token = strOr(m.Token, "", "LAKEHOUSE_DREMIO_TOKEN")
	s.ProjectID = strOr(m.ProjectID, "", "LAKEHOUSE_DREMIO_PROJECT_ID")
	s.InsecureSkipVerify = r.boolOr(m.InsecureSkipVerify, false, path.Root("dremio").AtListIndex(0).AtName("insecure_skip_verify"), "LAKEHOUSE_DREMIO_INSECURE_SKIP_VERIFY")
	s.CAPEM = r.caPEM(m.CACertificate, m.CAFile, path.Root("dremio").AtListIndex(0), "LAKEHOUSE_DREMIO")

	return s
}

func (r *resolver) superset(blocks []supersetModel) providerdata.SupersetSettings {
	var m supersetModel
	s := providerdata.SupersetSettings{Configured: len(blocks) > 0 || anyEnv("LAKEHOUSE_SUPERSET_ENDPOINT")}
	if len(blocks) > 0 {
		m = blocks[0]
	}
	s.Endpoint = strings.TrimRight(strOr(m.Endpoint, "", "LAKEHOUSE_SUPERSET_ENDPOINT"), "/")
	s.Username = strOr(m.Username, "", "LAKEHOUSE_SUPERSET_USERNAME")
	s.Password = strOr(m.Password, "", "LAKEHOUSE_SUPERSET_PASSWORD")
	s.AccessToken = strOr(m.AccessToken, "", "LAKEHOUSE_SUPERSET_ACCESS_TOKEN")
	s.AuthProvider = strOr(m.AuthProvider, "db", "LAKEHOUSE_SUPERSET_AUTH_PROVIDER")
	s.InsecureSkipVerify = r.boolOr(m.InsecureSkipVerify, false, path.Root("superset").AtListIndex(0).AtName("insecure_skip_verify"), "LAKEHOUSE_SUPERSET_INSECURE_SKIP_VERIFY")
	s.CAPEM = r.caPEM(m.CACertificate, m.CAFile, path.Root("superset").AtListIndex(0), "LAKEHOUSE_SUPERSET")

	return s
}

func (r *resolver) labelStudio(blocks []labelStudioModel) providerdata.LabelStudioSettings {
	var m labelStudioModel
	s := providerdata.LabelStudioSettings{Configured: len(blocks) > 0 || anyEnv("LAKEHOUSE_LABELSTUDIO_ENDPOINT")}
	if len(blocks) > 0 {
		m = blocks[0]
	}
	s.Endpoint = strings.TrimRight(strOr(m.Endpoint, "", "LAKEHOUSE_LABELSTUDIO_ENDPOINT"), "/")
	s.APIKey = strOr(m.APIKey, "", "LAKEHOUSE_LABELSTUDIO_API_KEY")
	s.PersonalAccessToken = strOr(m.PersonalAccessToken, "", "LAKEHOUSE_LABELSTUDIO_PERSONAL_ACCESS_TOKEN")
	s.InsecureSkipVerify = r.boolOr(m.InsecureSkipVerify, false, path.Root("labelstudio").AtListIndex(0).AtName("insecure_skip_verify"), "LAKEHOUSE_LABELSTUDIO_INSECURE_SKIP_VERIFY")
	s.CAPEM = r.caPEM(m.CACertificate, m.CAFile, path.Root("labelstudio").AtListIndex(0), "LAKEHOUSE_LABELSTUDIO")

	return s
}

func (r *resolver) dataCite(blocks []dataCiteModel) providerdata.DataCiteSettings {
	var m dataCiteModel
	s := providerdata.DataCiteSettings{Configured: len(blocks) > 0 || anyEnv("LAKEHOUSE_DATACITE_REPOSITORY_ID", "LAKEHOUSE_DATACITE_ENDPOINT")}
	if len(blocks) > 0 {
		m = blocks[0]
	}
	s.Endpoint = strings.TrimRight(strOr(m.Endpoint, "https://api.datacite.org", "LAKEHOUSE_DATACITE_ENDPOINT"), "/")
	s.RepositoryID = strOr(m.RepositoryID, "", "LAKEHOUSE_DATACITE_REPOSITORY_ID")
	s.Password = strOr(m.Password, "", "LAKEHOUSE_DATACITE_PASSWORD")
	s.Prefix = strOr(m.Prefix, "", "LAKEHOUSE_DATACITE_PREFIX")
	s.CAPEM = r.caPEM(m.CACertificate, m.CAFile, path.Root("datacite").AtListIndex(0), "LAKEHOUSE_DATACITE")

	return s
}

// caPEM resolves a block's ca_certificate and ca_file into one PEM text,
// checked now so that a bad certificate fails the plan at its attribute
// rather than the first request. Errors never quote the text: a private
// key pasted by mistake must not reach the logs.
func (r *resolver) caPEM(inline, file types.String, block path.Path, prefix string) string {
	pemEnv, fileEnv := caEnv(prefix)
	text := strOr(inline, "", pemEnv...)
	if text != "" {
		if _, err := httpx.CertPool(text); err != nil {
			r.fail(block.AtName("ca_certificate"), "Invalid CA certificate",
				fmt.Sprintf("%s must hold PEM certificates: %v", origin(inline, "ca_certificate", pemEnv), err))

			return ""
		}
	}
	name := strOr(file, "", fileEnv...)
	if name == "" {
		return text
	}
	from := origin(file, "ca_file", fileEnv)
	raw, err := os.ReadFile(name)
	if err != nil {
		r.fail(block.AtName("ca_file"), "Cannot read CA file",
			fmt.Sprintf("%s names %q, which cannot be read; give the path of a PEM file: %v", from, name, err))

		return ""
	}
	if _, err := httpx.CertPool(string(raw)); err != nil {
		r.fail(block.AtName("ca_file"), "Invalid CA file",
			fmt.Sprintf("%s names %q, which must hold PEM certificates: %v", from, name, err))

		return ""
	}
	if text == "" {
		return string(raw)
	}

	return text + "\n" + string(raw)
}

// origin names where a setting's value came from, the attribute or the
// first environment variable that is set, for diagnostics.
func origin(v types.String, attr string, env []string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return attr
	}
	for _, n := range env {
		if e, ok := os.LookupEnv(n); ok && e != "" {
			return n
		}
	}

	return attr
}
