package dremio

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Source types the typed blocks manage.
const (
	typeS3     = "S3"
	typeREST   = "RESTCATALOG"
	typeNessie = "NESSIE"
)

// Properties the typed blocks derive from attributes; users cannot set them
// through `properties`, and they are left out when reading it back.
var (
	s3Managed     = []string{"fs.s3a.endpoint", "fs.s3a.path.style.access"}
	nessieManaged = []string{"fs.s3a.endpoint", "fs.s3a.path.style.access", "dremio.s3.compat"}
)

// s3Defaults is what the provider's s3 block offers a source that leaves
// endpoint or keys unset.
type s3Defaults struct {
	endpoint  string // with scheme; "" when the provider has none
	accessKey string
	secretKey string
}

func providerS3(d *providerdata.Data) s3Defaults {
	if d == nil || !d.S3.Configured {
		return s3Defaults{}
	}
	out := s3Defaults{accessKey: d.S3.AccessKey, secretKey: d.S3.SecretKey}
	if d.S3.Endpoint != "" {
		out.endpoint = joinEndpoint(d.S3.Endpoint, d.S3.UseSSL)
	}

	return out
}

// typeFromBlocks names the source type the configured block implies.
func typeFromBlocks(m *sourceResourceModel) string {
	switch {
	case m.S3 != nil:
		return typeS3
	case m.IcebergREST != nil:
		return typeREST
	case m.Nessie != nil:
		return typeNessie
	}

	return ""
}

// ---- endpoint and property helpers ----

// splitEndpoint turns "http://h:9000" into ("h:9000", false); no scheme
// means https.
func splitEndpoint(u string) (string, bool) {
	switch {
	case strings.HasPrefix(u, "http://"):
		return strings.TrimRight(strings.TrimPrefix(u, "http://"), "/"), false
	case strings.HasPrefix(u, "https://"):
		return strings.TrimRight(strings.TrimPrefix(u, "https://"), "/"), true
	}

	return strings.TrimRight(u, "/"), true
}

func joinEndpoint(host string, secure bool) string {
	if host == "" {
		return ""
	}
	if secure {
		return "https://" + host
	}

	return "http://" + host
}

func sameEndpoint(a, b string) bool {
	ha, sa := splitEndpoint(a)
	hb, sb := splitEndpoint(b)

	return strings.EqualFold(ha, hb) && (sa == sb || ha == "")
}

func effective(v types.String, def string) string {
	if v.IsNull() || v.IsUnknown() {
		return def
	}

	return v.ValueString()
}

func boolOr(v types.Bool, def bool) bool {
	if v.IsNull() || v.IsUnknown() {
		return def
	}

	return v.ValueBool()
}

func propsFrom(v any) map[string]string {
	out := map[string]string{}
	list, _ := v.([]any)
	for _, it := range list {
		m, _ := it.(map[string]any)
		if m == nil {
			continue
		}
		out[fmt.Sprint(m["name"])] = fmt.Sprint(m["value"])
	}

	return out
}

func propList(m map[string]string) []any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]any{"name": k, "value": m[k]})
	}

	return out
}

func mapValue(ctx context.Context, v types.Map) (map[string]string, diag.Diagnostics) {
	out := map[string]string{}
	if v.IsNull() || v.IsUnknown() {
		return out, nil
	}
	d := v.ElementsAs(ctx, &out, false)

	return out, d
}

func cfgString(cfg map[string]any, k, def string) string {
	if s, ok := cfg[k].(string); ok && s != "" {
		return s
	}

	return def
}

func cfgBool(cfg map[string]any, k string, def bool) bool {
	if b, ok := cfg[k].(bool); ok {
		return b
	}

	return def
}

func cfgStrings(cfg map[string]any, k string) []string {
	list, _ := cfg[k].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, fmt.Sprint(v))
	}

	return out
}

// ---- read helpers: keep "unset" when the server holds the default ----

func readEndpoint(prior types.String, server, def string) types.String {
	if !prior.IsNull() && !prior.IsUnknown() {
		if sameEndpoint(prior.ValueString(), server) {
			return prior
		}

		return types.StringValue(server)
	}
	if sameEndpoint(server, def) {
		return types.StringNull()
	}

	return types.StringValue(server)
}

func readBool(prior types.Bool, server, def bool) types.Bool {
	if prior.IsNull() && server == def {
		return types.BoolNull()
	}

	return types.BoolValue(server)
}

func readString(prior types.String, server, def string) types.String {
	if prior.IsNull() && server == def {
		return types.StringNull()
	}

	return types.StringValue(server)
}

func readList(prior types.List, server []string) types.List {
	if len(server) == 0 && (prior.IsNull() || len(prior.Elements()) == 0) {
		if prior.IsNull() {
			return types.ListNull(types.StringType)
		}

		return prior
	}

	return listOf(server)
}

func readMap(prior types.Map, server map[string]string) types.Map {
	if len(server) == 0 && (prior.IsNull() || len(prior.Elements()) == 0) {
		if prior.IsNull() {
			return types.MapNull(types.StringType)
		}

		return prior
	}
	vals := map[string]attr.Value{}
	for k, v := range server {
		vals[k] = types.StringValue(v)
	}

	return types.MapValueMust(types.StringType, vals)
}

// ---- secrets ----

// secretChoice says which secret to send: a value, or nothing (keep what
// Dremio stores; the masked marker from the read-modify-write body stays,
// which Dremio documents as "keep").
type secretChoice struct {
	send  bool
	value string
}

// versionChanged is true on create and when the user bumped a _version.
func versionChanged(state *types.Int64, plan types.Int64) bool {
	return state == nil || !state.Equal(plan)
}

// ---- S3 ----

func (m *sourceS3Model) build(ctx context.Context, cfg map[string]any, def s3Defaults, secret secretChoice) diag.Diagnostics {
	user, d := mapValue(ctx, m.Properties)
	for _, k := range s3Managed {
		delete(user, k)
	}
	host, secure := splitEndpoint(effective(m.Endpoint, def.endpoint))
	if host != "" {
		user["fs.s3a.endpoint"] = host
	}
	if boolOr(m.PathStyle, host != "") {
		user["fs.s3a.path.style.access"] = "true"
	}
	cfg["secure"] = secure
	cfg["compatibilityMode"] = boolOr(m.CompatibilityMode, host != "")
	ct := effective(m.CredentialType, "ACCESS_KEY")
	cfg["credentialType"] = ct
	if ct == "ACCESS_KEY" {
		cfg["accessKey"] = effective(m.AccessKey, def.accessKey)
		if secret.send {
			cfg["accessSecret"] = secret.value
		}
	} else {
		delete(cfg, "accessKey")
		delete(cfg, "accessSecret")
	}
	cfg["rootPath"] = effective(m.RootPath, "/")
	cfg["defaultCtasFormat"] = effective(m.DefaultCTASFormat, "ICEBERG")
	buckets, d2 := stringList(ctx, m.Buckets)
	d.Append(d2...)
	if buckets == nil {
		buckets = []string{}
	}
	cfg["whitelistedBuckets"] = buckets
	cfg["propertyList"] = propList(user)

	return d
}

func readS3(cfg map[string]any, prior *sourceS3Model, def s3Defaults) *sourceS3Model {
	if prior == nil {
		prior = &sourceS3Model{
			Buckets: types.ListNull(types.StringType), Endpoint: types.StringNull(), PathStyle: types.BoolNull(),
			CompatibilityMode: types.BoolNull(), AccessKey: types.StringNull(), AccessSecretVersion: types.Int64Null(),
			Properties: types.MapNull(types.StringType),
		}
	}
	props := propsFrom(cfg["propertyList"])
	host := props["fs.s3a.endpoint"]
	pathStyle := props["fs.s3a.path.style.access"] == "true"
	for _, k := range s3Managed {
		delete(props, k)
	}
	ct := cfgString(cfg, "credentialType", "ACCESS_KEY")
	ak := types.StringNull()
	if ct == "ACCESS_KEY" {
		ak = readString(prior.AccessKey, cfgString(cfg, "accessKey", ""), def.accessKey)
	}

	return &sourceS3Model{
		Buckets:             readList(prior.Buckets, cfgStrings(cfg, "whitelistedBuckets")),
		RootPath:            types.StringValue(cfgString(cfg, "rootPath", "/")),
		Endpoint:            readEndpoint(prior.Endpoint, joinEndpoint(host, cfgBool(cfg, "secure", true)), def.endpoint),
		PathStyle:           readBool(prior.PathStyle, pathStyle, host != ""),
		CompatibilityMode:   readBool(prior.CompatibilityMode, cfgBool(cfg, "compatibilityMode", false), host != ""),
		CredentialType:      types.StringValue(ct),
		AccessKey:           ak,
		AccessSecret:        types.StringNull(),
		AccessSecretVersion: prior.AccessSecretVersion,
		DefaultCTASFormat:   types.StringValue(cfgString(cfg, "defaultCtasFormat", "ICEBERG")),
		Properties:          readMap(prior.Properties, props),
	}
}

// ---- Nessie ----

func (m *sourceNessieModel) build(ctx context.Context, cfg map[string]any, def s3Defaults, token, secret secretChoice) diag.Diagnostics {
	user, d := mapValue(ctx, m.Properties)
	for _, k := range nessieManaged {
		delete(user, k)
	}
	host, secure := splitEndpoint(effective(m.StorageEndpoint, def.endpoint))
	if host != "" {
		user["fs.s3a.endpoint"] = host
		user["dremio.s3.compat"] = "true"
	}
	if boolOr(m.PathStyle, host != "") {
		user["fs.s3a.path.style.access"] = "true"
	}
	cfg["nessieEndpoint"] = m.Endpoint.ValueString()
	auth := effective(m.AuthType, "NONE")
	cfg["nessieAuthType"] = auth
	switch {
	case auth != "BEARER":
		delete(cfg, "nessieAccessToken")
	case token.send:
		cfg["nessieAccessToken"] = token.value
	}
	cfg["storageProvider"] = "AWS"
	cfg["awsRootPath"] = m.RootPath.ValueString()
	cfg["credentialType"] = "ACCESS_KEY"
	cfg["awsAccessKey"] = effective(m.AccessKey, def.accessKey)
	if secret.send {
		cfg["awsAccessSecret"] = secret.value
	}
	cfg["secure"] = secure
	cfg["propertyList"] = propList(user)

	return d
}

func readNessie(cfg map[string]any, prior *sourceNessieModel, def s3Defaults) *sourceNessieModel {
	if prior == nil {
		prior = &sourceNessieModel{
			AccessTokenVersion: types.Int64Null(), StorageEndpoint: types.StringNull(), PathStyle: types.BoolNull(),
			AccessKey: types.StringNull(), AccessSecretVersion: types.Int64Null(), Properties: types.MapNull(types.StringType),
		}
	}
	props := propsFrom(cfg["propertyList"])
	host := props["fs.s3a.endpoint"]
	pathStyle := props["fs.s3a.path.style.access"] == "true"
	for _, k := range nessieManaged {
		delete(props, k)
	}

	return &sourceNessieModel{
		Endpoint:            types.StringValue(cfgString(cfg, "nessieEndpoint", "")),
		AuthType:            types.StringValue(cfgString(cfg, "nessieAuthType", "BEARER")),
		AccessToken:         types.StringNull(),
		AccessTokenVersion:  prior.AccessTokenVersion,
		RootPath:            types.StringValue(cfgString(cfg, "awsRootPath", "")),
		StorageEndpoint:     readEndpoint(prior.StorageEndpoint, joinEndpoint(host, cfgBool(cfg, "secure", true)), def.endpoint),
		PathStyle:           readBool(prior.PathStyle, pathStyle, host != ""),
		AccessKey:           readString(prior.AccessKey, cfgString(cfg, "awsAccessKey", ""), def.accessKey),
		AccessSecret:        types.StringNull(),
		AccessSecretVersion: prior.AccessSecretVersion,
		Properties:          readMap(prior.Properties, props),
	}
}

// ---- Iceberg REST ----

func (m *sourceRESTModel) build(ctx context.Context, cfg map[string]any, secrets map[string]string, send bool) diag.Diagnostics {
	user, d := mapValue(ctx, m.Properties)
	cfg["restEndpointUri"] = m.Endpoint.ValueString()
	ns, d2 := stringList(ctx, m.AllowedNamespaces)
	d.Append(d2...)
	if ns == nil {
		cfg["allowedNamespaces"] = nil
	} else {
		cfg["allowedNamespaces"] = ns
	}
	cfg["isRecursiveAllowedNamespaces"] = boolOr(m.RecursiveAllowedNamespaces, true)
	cfg["propertyList"] = propList(user)
	if send {
		cfg["secretPropertyList"] = propList(secrets)
	}

	return d
}

func readREST(cfg map[string]any, prior *sourceRESTModel) *sourceRESTModel {
	if prior == nil {
		prior = &sourceRESTModel{
			AllowedNamespaces: types.ListNull(types.StringType), Properties: types.MapNull(types.StringType),
			SecretPropertiesVersion: types.Int64Null(),
		}
	}

	return &sourceRESTModel{
		Endpoint:                   types.StringValue(cfgString(cfg, "restEndpointUri", "")),
		AllowedNamespaces:          readList(prior.AllowedNamespaces, cfgStrings(cfg, "allowedNamespaces")),
		RecursiveAllowedNamespaces: types.BoolValue(cfgBool(cfg, "isRecursiveAllowedNamespaces", true)),
		Properties:                 readMap(prior.Properties, propsFrom(cfg["propertyList"])),
		SecretProperties:           types.MapNull(types.StringType),
		SecretPropertiesVersion:    prior.SecretPropertiesVersion,
	}
}

// ---- generic config ----

func jsonObjectOf(v jsontypes.Normalized) map[string]any {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(v.ValueString()), &m)

	return m
}

// buildGeneric merges the user's config into cfg (the server's current
// config on update): keys the user dropped since the last apply are
// removed, secrets are added when they must be sent.
func buildGeneric(cfg map[string]any, plan, prior jsontypes.Normalized, secrets map[string]any) {
	want := jsonObjectOf(plan)
	for k := range jsonObjectOf(prior) {
		if _, ok := want[k]; !ok {
			delete(cfg, k)
		}
	}
	for k, v := range want {
		cfg[k] = v
	}
	for k, v := range secrets {
		cfg[k] = v
	}
}

// readGeneric returns the server config restricted to the keys the prior
// config owns (all keys on import), never a masked secret.
func readGeneric(cfg map[string]any, prior jsontypes.Normalized) jsontypes.Normalized {
	owned := jsonObjectOf(prior)
	out := map[string]any{}
	for k, v := range cfg {
		if v == nil || v == dremio.MaskedSecret {
			continue
		}
		if owned != nil {
			if _, ok := owned[k]; !ok {
				continue
			}
		}
		out[k] = v
	}
	b, _ := json.Marshal(out)

	return jsontypes.NewNormalizedValue(string(b))
}

// ---- metadata policy ----

// buildMetadataPolicy returns the policy to send. Without the block it is
// Dremio's default policy, sent explicitly so that an update also undoes a
// console change the plan showed as drift.
func buildMetadataPolicy(ctx context.Context, obj types.Object) (*dremio.MetadataPolicy, diag.Diagnostics) {
	if obj.IsNull() || obj.IsUnknown() {
		return &dremio.MetadataPolicy{
			AuthTTLMs: 86_400_000, NamesRefreshMs: 3_600_000, DatasetRefreshAfterMs: 3_600_000, DatasetExpireAfterMs: 10_800_000,
			DatasetUpdateMode: "PREFETCH_QUERIED", DeleteUnavailableDatasets: true,
		}, nil
	}
	var m metadataPolicyModel
	d := obj.As(ctx, &m, basetypes.ObjectAsOptions{})
	ms := func(v types.String) int64 {
		dur, _ := time.ParseDuration(v.ValueString())

		return dur.Milliseconds()
	}

	return &dremio.MetadataPolicy{
		AuthTTLMs: ms(m.AuthTTL), NamesRefreshMs: ms(m.NamesRefresh),
		DatasetRefreshAfterMs: ms(m.DatasetRefreshAfter), DatasetExpireAfterMs: ms(m.DatasetExpireAfter),
		DatasetUpdateMode:         effective(m.DatasetUpdateMode, "PREFETCH_QUERIED"),
		DeleteUnavailableDatasets: boolOr(m.DeleteUnavailableDatasets, true),
		AutoPromoteDatasets:       boolOr(m.AutoPromoteDatasets, false),
	}, d
}

// readMetadataPolicy maps the server's policy; without a prior block it
// stays null while the server holds Dremio's defaults.
func readMetadataPolicy(ctx context.Context, mp *dremio.MetadataPolicy, prior types.Object) types.Object {
	var pm metadataPolicyModel
	if !prior.IsNull() && !prior.IsUnknown() {
		_ = prior.As(ctx, &pm, basetypes.ObjectAsOptions{})
	}
	out := metadataPolicyObject(mp, pm)
	if prior.IsNull() && out.Equal(metadataPolicyObject(nil, metadataPolicyModel{})) {
		return types.ObjectNull(metadataPolicyAttrTypes)
	}

	return out
}

func metadataPolicyObject(mp *dremio.MetadataPolicy, pm metadataPolicyModel) types.Object {
	if mp == nil {
		mp = &dremio.MetadataPolicy{DatasetUpdateMode: "PREFETCH_QUERIED", DeleteUnavailableDatasets: true}
	}
	dur := func(priorV types.String, ms, def int64) types.String {
		if ms == 0 {
			ms = def
		}
		if d, err := time.ParseDuration(priorV.ValueString()); err == nil && d.Milliseconds() == ms {
			return priorV
		}

		return types.StringValue(formatDuration(time.Duration(ms) * time.Millisecond))
	}
	mode := mp.DatasetUpdateMode
	if mode == "" {
		mode = "PREFETCH_QUERIED"
	}

	return types.ObjectValueMust(metadataPolicyAttrTypes, map[string]attr.Value{
		"auth_ttl":                    dur(pm.AuthTTL, mp.AuthTTLMs, 86_400_000),
		"names_refresh":               dur(pm.NamesRefresh, mp.NamesRefreshMs, 3_600_000),
		"dataset_refresh_after":       dur(pm.DatasetRefreshAfter, mp.DatasetRefreshAfterMs, 3_600_000),
		"dataset_expire_after":        dur(pm.DatasetExpireAfter, mp.DatasetExpireAfterMs, 10_800_000),
		"dataset_update_mode":         types.StringValue(mode),
		"delete_unavailable_datasets": types.BoolValue(mp.DeleteUnavailableDatasets),
		"auto_promote_datasets":       types.BoolValue(mp.AutoPromoteDatasets),
	})
}
