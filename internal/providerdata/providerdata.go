// Package providerdata holds what the provider's Configure resolved: one
// settings struct per backend block, the shared retry policy, and lazily
// built clients. Resources receive a *Data as their ProviderData and ask it
// for the client they need; a backend nobody uses is never contacted, and an
// unconfigured one fails only the resources that need it.
package providerdata

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
)

// S3Settings is the provider's s3 block after environment fallbacks.
type S3Settings struct {
	Configured   bool
	Endpoint     string // host[:port], no scheme
	Region       string
	AccessKey    string
	SecretKey    string
	SessionToken string
	UseSSL       bool
	PathStyle    bool
	// TLS holds insecure_skip_verify and the extra trusted CA certificates.
	httpx.TLS
}

// CatalogSettings is the provider's catalog block after environment fallbacks.
type CatalogSettings struct {
	Configured bool
	Type       string // "sql" or "rest"
	Name       string
	URI        string
	Warehouse  string
	Token      string
	Credential string // OAuth2 client credentials, "client_id:client_secret"
	OAuthURI   string
	Scope      string
	Headers    map[string]string
	Properties map[string]string
	// TLS holds the extra trusted CA certificates of a REST catalog.
	httpx.TLS
}

// DremioSettings is the provider's dremio block after environment fallbacks.
type DremioSettings struct {
	Configured bool
	Endpoint   string // base URL with scheme
	Username   string
	Password   string
	Token      string // personal access token (Software) or Cloud token
	ProjectID  string // Dremio Cloud only
	// TLS holds insecure_skip_verify and the extra trusted CA certificates.
	httpx.TLS
}

// SupersetSettings is the provider's superset block after environment fallbacks.
type SupersetSettings struct {
	Configured   bool
	Endpoint     string
	Username     string
	Password     string
	AccessToken  string
	AuthProvider string // "db" or "ldap"
	// TLS holds insecure_skip_verify and the extra trusted CA certificates.
	httpx.TLS
}

// LabelStudioSettings is the provider's labelstudio block after environment fallbacks.
type LabelStudioSettings struct {
	Configured          bool
	Endpoint            string
	APIKey              string // legacy "Token <key>"
	PersonalAccessToken string // refresh token exchanged for short-lived access tokens
	// TLS holds insecure_skip_verify and the extra trusted CA certificates.
	httpx.TLS
}

// DataCiteSettings is the provider's datacite block after environment fallbacks.
type DataCiteSettings struct {
	Configured   bool
	Endpoint     string
	RepositoryID string
	Password     string
	Prefix       string
	// TLS holds the extra trusted CA certificates.
	httpx.TLS
}

// Data is the value resources and data sources receive from Configure.
type Data struct {
	Version     string
	Retry       httpx.RetrySettings
	S3          S3Settings
	Catalog     CatalogSettings
	Dremio      DremioSettings
	Superset    SupersetSettings
	LabelStudio LabelStudioSettings
	DataCite    DataCiteSettings

	mu      sync.Mutex
	clients map[string]any
}

// Client returns the client cached under key, building it with build on
// first use. Backend packages wrap this in a typed accessor.
func Client[T any](d *Data, key string, build func(*Data) (T, error)) (T, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.clients == nil {
		d.clients = map[string]any{}
	}
	if c, ok := d.clients[key]; ok {
		return c.(T), nil //nolint:forcetypeassert // key is private to one builder
	}
	c, err := build(d)
	if err != nil {
		var zero T

		return zero, err
	}
	d.clients[key] = c

	return c, nil
}

// HTTPClient returns a client on the shared retrying transport. The
// catalog block's extra headers are sensitive, so their values are kept
// out of the logs whatever their names.
func (d *Data) HTTPClient(backend string, t httpx.TLS) *http.Client {
	return httpx.NewClient(httpx.Options{Retry: d.Retry, TLS: t, Backend: backend,
		RedactHeaders: slices.Collect(maps.Keys(d.Catalog.Headers))})
}

// NotConfiguredError says which provider block and environment variables a
// resource needs.
type NotConfiguredError struct {
	Block string
	Env   []string
}

// The wording fits both places it is shown: the provider and
// lakehouse-runner, which reads the same environment variables but has no
// provider block.
func (e *NotConfiguredError) Error() string {
	return fmt.Sprintf("the %s backend is not configured: set %s (in Terraform you may write a %s { ... } block "+
		"in the provider configuration instead)", e.Block, strings.Join(e.Env, ", "), e.Block)
}

// Environment variables per block, used in docs and in NotConfiguredError.
var (
	S3Env          = []string{"LAKEHOUSE_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"}
	CatalogEnv     = []string{"LAKEHOUSE_CATALOG_TYPE", "LAKEHOUSE_CATALOG_URI", "LAKEHOUSE_CATALOG_WAREHOUSE"}
	DremioEnv      = []string{"LAKEHOUSE_DREMIO_ENDPOINT", "LAKEHOUSE_DREMIO_USERNAME", "LAKEHOUSE_DREMIO_PASSWORD", "LAKEHOUSE_DREMIO_TOKEN"}
	SupersetEnv    = []string{"LAKEHOUSE_SUPERSET_ENDPOINT", "LAKEHOUSE_SUPERSET_USERNAME", "LAKEHOUSE_SUPERSET_PASSWORD", "LAKEHOUSE_SUPERSET_ACCESS_TOKEN"}
	LabelStudioEnv = []string{"LAKEHOUSE_LABELSTUDIO_ENDPOINT", "LAKEHOUSE_LABELSTUDIO_API_KEY", "LAKEHOUSE_LABELSTUDIO_PERSONAL_ACCESS_TOKEN"}
	DataCiteEnv    = []string{"LAKEHOUSE_DATACITE_ENDPOINT", "LAKEHOUSE_DATACITE_REPOSITORY_ID", "LAKEHOUSE_DATACITE_PASSWORD"}
)

// FromResource extracts *Data in a resource's Configure. It returns nil
// (without error) before the provider is configured, which the framework
// does during validation.
func FromResource(req resource.ConfigureRequest, resp *resource.ConfigureResponse) *Data {
	if req.ProviderData == nil {
		return nil
	}
	d, ok := req.ProviderData.(*Data)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerdata.Data, got %T. This is a bug in the provider; please report it.", req.ProviderData))

		return nil
	}

	return d
}

// FromDataSource is FromResource for data sources.
func FromDataSource(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *Data {
	if req.ProviderData == nil {
		return nil
	}
	d, ok := req.ProviderData.(*Data)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerdata.Data, got %T. This is a bug in the provider; please report it.", req.ProviderData))

		return nil
	}

	return d
}
