package dremio

import (
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	credentialTypes = []string{"ACCESS_KEY", "NONE", "EC2_METADATA", "AWS_PROFILE"}
	ctasFormats     = []string{"ICEBERG", "PARQUET"}
	nessieAuthTypes = []string{"NONE", "BEARER", "OAUTH2"}
	updateModes     = []string{"PREFETCH_QUERIED", "PREFETCH"}
)

type sourceResourceModel struct {
	ID                  types.String         `tfsdk:"id"`
	Name                types.String         `tfsdk:"name"`
	Type                types.String         `tfsdk:"type"`
	S3                  *sourceS3Model       `tfsdk:"s3"`
	IcebergREST         *sourceRESTModel     `tfsdk:"iceberg_rest"`
	Nessie              *sourceNessieModel   `tfsdk:"nessie"`
	Config              jsontypes.Normalized `tfsdk:"config"`
	SecretConfig        jsontypes.Normalized `tfsdk:"secret_config"`
	SecretConfigVersion types.Int64          `tfsdk:"secret_config_version"`
	MetadataPolicy      types.Object         `tfsdk:"metadata_policy"`
	Status              types.String         `tfsdk:"status"`
	Tag                 types.String         `tfsdk:"tag"`
}

type sourceS3Model struct {
	Buckets             types.List   `tfsdk:"buckets"`
	RootPath            types.String `tfsdk:"root_path"`
	Endpoint            types.String `tfsdk:"endpoint"`
	PathStyle           types.Bool   `tfsdk:"path_style"`
	CompatibilityMode   types.Bool   `tfsdk:"compatibility_mode"`
	CredentialType      types.String `tfsdk:"credential_type"`
	AccessKey           types.String `tfsdk:"access_key"`
	AccessSecret        types.String `tfsdk:"access_secret"`
	AccessSecretVersion types.Int64  `tfsdk:"access_secret_version"`
	DefaultCTASFormat   types.String `tfsdk:"default_ctas_format"`
	Properties          types.Map    `tfsdk:"properties"`
}

type sourceRESTModel struct {
	Endpoint                   types.String `tfsdk:"endpoint"`
	AllowedNamespaces          types.List   `tfsdk:"allowed_namespaces"`
	RecursiveAllowedNamespaces types.Bool   `tfsdk:"recursive_allowed_namespaces"`
	Properties                 types.Map    `tfsdk:"properties"`
	SecretProperties           types.Map    `tfsdk:"secret_properties"`
	SecretPropertiesVersion    types.Int64  `tfsdk:"secret_properties_version"`
}

type sourceNessieModel struct {
	Endpoint            types.String `tfsdk:"endpoint"`
	AuthType            types.String `tfsdk:"auth_type"`
	AccessToken         types.String `tfsdk:"access_token"`
	AccessTokenVersion  types.Int64  `tfsdk:"access_token_version"`
	RootPath            types.String `tfsdk:"root_path"`
	StorageEndpoint     types.String `tfsdk:"storage_endpoint"`
	PathStyle           types.Bool   `tfsdk:"path_style"`
	AccessKey           types.String `tfsdk:"access_key"`
	AccessSecret        types.String `tfsdk:"access_secret"`
	AccessSecretVersion types.Int64  `tfsdk:"access_secret_version"`
	Properties          types.Map    `tfsdk:"properties"`
}

type metadataPolicyModel struct {
	AuthTTL                   types.String `tfsdk:"auth_ttl"`
	NamesRefresh              types.String `tfsdk:"names_refresh"`
	DatasetRefreshAfter       types.String `tfsdk:"dataset_refresh_after"`
	DatasetExpireAfter        types.String `tfsdk:"dataset_expire_after"`
	DatasetUpdateMode         types.String `tfsdk:"dataset_update_mode"`
	DeleteUnavailableDatasets types.Bool   `tfsdk:"delete_unavailable_datasets"`
	AutoPromoteDatasets       types.Bool   `tfsdk:"auto_promote_datasets"`
}

var metadataPolicyAttrTypes = map[string]attr.Type{
	"auth_ttl": types.StringType, "names_refresh": types.StringType, "dataset_refresh_after": types.StringType,
	"dataset_expire_after": types.StringType, "dataset_update_mode": types.StringType,
	"delete_unavailable_datasets": types.BoolType, "auto_promote_datasets": types.BoolType,
}

func quoted(vals []string) string { return "`" + strings.Join(vals, "`, `") + "`" }

func sensitiveWO(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: desc + " Write-only: sent to Dremio, never stored in state or plan; Dremio only " +
			"ever returns it masked. Bump the matching `_version` attribute to send a new value.",
		Optional: true, Sensitive: true, WriteOnly: true,
	}
}

func versionAttr(what string) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Any number; change it to send `" + what + "` again (for a rotated secret). " +
			"Terraform cannot see a change of a write-only value by itself.",
		Optional:   true,
		Validators: []validator.Int64{int64validator.AtLeast(0)},
	}
}

func propertiesAttr(desc string) schema.MapAttribute {
	return schema.MapAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.StringType}
}

func sourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Dremio source: an S3 bucket (AWS or MinIO), an Iceberg REST catalog, a Nessie catalog, " +
			"or any other source type through a JSON `config`. Exactly one of `s3`, `iceberg_rest`, `nessie` and " +
			"`config` is set. Secrets are write-only: Dremio returns them masked, and the provider never stores the " +
			"mask or sends it as a value; change the `_version` attribute next to a secret to rotate it.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("source"),
			"name": schema.StringAttribute{
				MarkdownDescription: "Source name, unique among sources and spaces (compared case-insensitively); no `.`, `\"` or `@`. " +
					"Dremio cannot rename a source, so a change replaces it.",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{nameValidator()},
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Dremio source type (`S3`, `RESTCATALOG`, `NESSIE`, `POSTGRES`, ...). Set by the block used; " +
					"required with `config`. A change replaces the source.",
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(upperType, "must be an upper-case Dremio source type such as POSTGRES")},
			},
			"config": schema.StringAttribute{
				MarkdownDescription: "For other source types: the source's `config` object as JSON (use `jsonencode`). " +
					"Compared as JSON, so key order and spacing never show as changes. Only keys you set are compared " +
					"and updated; Dremio's defaults for the others are left alone. Put secrets in `secret_config`.",
				Optional: true, CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{jsonObject{}},
			},
			"secret_config": schema.StringAttribute{
				MarkdownDescription: "Secret keys of `config` (for example `{\"password\" = var.pg_password}`) as JSON, merged into it " +
					"when sent. Write-only: never stored; bump `secret_config_version` to send new values.",
				Optional: true, Sensitive: true, WriteOnly: true, CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{jsonObject{}, stringvalidator.AlsoRequires(path.MatchRoot("config"))},
			},
			"secret_config_version": versionAttr("secret_config"),
			"status": schema.StringAttribute{
				MarkdownDescription: "Health Dremio reports for the source: `good`, `warn` or `bad`.",
				Computed:            true,
			},
			"tag": tagAttribute(),
		},
		Blocks: map[string]schema.Block{
			"s3":              s3Schema(),
			"iceberg_rest":    restSchema(),
			"nessie":          nessieSchema(),
			"metadata_policy": metadataPolicySchema(),
		},
	}
}

func s3Schema() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "An S3 source (type `S3`), for AWS S3 or an S3-compatible store such as MinIO. Without `endpoint`, " +
			"`access_key` and `access_secret`, the provider's `s3` block supplies them, so a bucket made with " +
			"`lakehouse_bucket` is reachable with no repetition.",
		Attributes: map[string]schema.Attribute{
			"buckets": schema.ListAttribute{
				MarkdownDescription: "Buckets the source shows (Dremio's `whitelistedBuckets`), e.g. `[lakehouse_bucket.curated.bucket]`. " +
					"Empty or unset: every bucket the credentials can list.",
				Optional: true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(3))},
			},
			"root_path": schema.StringAttribute{
				MarkdownDescription: "Path inside the store the source starts at, e.g. `/curated/warehouse`. Defaults to `/`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString("/"),
				Validators: []validator.String{stringvalidator.RegexMatches(leadingSlash, "must start with /")},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "S3 endpoint as Dremio must reach it, e.g. `http://minio:9000` (the scheme decides TLS; " +
					"no scheme means https). Unset: the provider's `s3` endpoint, or AWS when that is unset too. Set it when " +
					"Dremio reaches the store under another name than Terraform does (containers).",
				Optional: true,
			},
			"path_style": schema.BoolAttribute{
				MarkdownDescription: "Path-style requests (`fs.s3a.path.style.access`). Unset: on when an endpoint is in use (MinIO needs it), else off.",
				Optional:            true,
			},
			"compatibility_mode": schema.BoolAttribute{
				MarkdownDescription: "Dremio's S3 compatibility mode for non-AWS stores. Unset: on when an endpoint is in use, else off.",
				Optional:            true,
			},
			"credential_type": schema.StringAttribute{
				MarkdownDescription: "How Dremio authenticates: " + quoted(credentialTypes) + ". Defaults to `ACCESS_KEY`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString("ACCESS_KEY"),
				Validators: []validator.String{stringvalidator.OneOf(credentialTypes...)},
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "Access key id. Unset: the provider's `s3` access key (and then its secret key too).",
				Optional:            true,
			},
			"access_secret":         sensitiveWO("Secret access key; required when `access_key` is set."),
			"access_secret_version": versionAttr("access_secret"),
			"default_ctas_format": schema.StringAttribute{
				MarkdownDescription: "Table format of `CREATE TABLE AS`: " + quoted(ctasFormats) + ". Defaults to `ICEBERG`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString("ICEBERG"),
				Validators: []validator.String{stringvalidator.OneOf(ctasFormats...)},
			},
			"properties": propertiesAttr("Extra connection properties (`propertyList`), e.g. `{\"fs.s3a.connection.maximum\" = \"100\"}`. " +
				"The endpoint and path-style properties come from the attributes above."),
		},
	}
}

func restSchema() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "An Iceberg REST catalog source (type `RESTCATALOG`; marked experimental in Dremio 25).",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Catalog URI, e.g. `http://catalog:8181`. Required.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(httpURL, "must be an http(s) URL")},
			},
			"allowed_namespaces": schema.ListAttribute{
				MarkdownDescription: "Namespaces Dremio shows; unset shows all.",
				Optional:            true, ElementType: types.StringType,
			},
			"recursive_allowed_namespaces": schema.BoolAttribute{
				MarkdownDescription: "Whether `allowed_namespaces` include their child namespaces. Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"properties": propertiesAttr("Catalog and file-system properties, e.g. `warehouse`, `fs.s3a.endpoint`, `fs.s3a.path.style.access`."),
			"secret_properties": schema.MapAttribute{
				MarkdownDescription: "Secret properties (Dremio's `secretPropertyList`), e.g. `fs.s3a.secret.key` or `credential`. " +
					"Write-only: never stored; bump `secret_properties_version` to send new values.",
				Optional: true, Sensitive: true, WriteOnly: true, ElementType: types.StringType,
			},
			"secret_properties_version": versionAttr("secret_properties"),
		},
	}
}

func nessieSchema() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "A Nessie catalog source (type `NESSIE`) with its data in S3 or MinIO. Storage endpoint and keys " +
			"default to the provider's `s3` block, as for `s3`.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Nessie API v2 URL, e.g. `http://nessie:19120/api/v2`. Required.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(httpURL, "must be an http(s) URL")},
			},
			"auth_type": schema.StringAttribute{
				MarkdownDescription: "Nessie authentication: " + quoted(nessieAuthTypes) + ". Defaults to `NONE`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString("NONE"),
				Validators: []validator.String{stringvalidator.OneOf(nessieAuthTypes...)},
			},
			"access_token":         sensitiveWO("Bearer token for Nessie (with `auth_type = \"BEARER\"`)."),
			"access_token_version": versionAttr("access_token"),
			"root_path": schema.StringAttribute{
				MarkdownDescription: "Where table data lives: `bucket` or `bucket/prefix`. Required.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(3)},
			},
			"storage_endpoint": schema.StringAttribute{
				MarkdownDescription: "S3 endpoint for the data, e.g. `http://minio:9000`. Unset: the provider's `s3` endpoint, or AWS.",
				Optional:            true,
			},
			"path_style": schema.BoolAttribute{
				MarkdownDescription: "Path-style S3 requests. Unset: on when a storage endpoint is in use.",
				Optional:            true,
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "S3 access key id. Unset: the provider's `s3` access key (and then its secret key too).",
				Optional:            true,
			},
			"access_secret":         sensitiveWO("S3 secret access key; required when `access_key` is set."),
			"access_secret_version": versionAttr("access_secret"),
			"properties":            propertiesAttr("Extra properties (`propertyList`)."),
		},
	}
}

func metadataPolicySchema() schema.SingleNestedBlock {
	dur := func(desc, def string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " A duration of at least `1m`, e.g. `" + def + "` (the default).",
			Optional:            true, Computed: true, Default: stringdefault.StaticString(def),
			Validators: []validator.String{minDuration{min: time.Minute}},
		}
	}

	return schema.SingleNestedBlock{
		MarkdownDescription: "How Dremio refreshes the source's metadata. Without the block the source keeps Dremio's defaults " +
			"(shown in each attribute), and a console change away from them shows as drift.",
		Attributes: map[string]schema.Attribute{
			"auth_ttl":              dur("How long Dremio caches a user's permissions on the source.", "24h"),
			"names_refresh":         dur("How often dataset names are refreshed.", "1h"),
			"dataset_refresh_after": dur("How often dataset details are refreshed.", "1h"),
			"dataset_expire_after":  dur("After how long unrefreshed dataset details expire.", "3h"),
			"dataset_update_mode": schema.StringAttribute{
				MarkdownDescription: "Which datasets are refreshed: " + quoted(updateModes) + ". Defaults to `PREFETCH_QUERIED`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString("PREFETCH_QUERIED"),
				Validators: []validator.String{stringvalidator.OneOf(updateModes...)},
			},
			"delete_unavailable_datasets": schema.BoolAttribute{
				MarkdownDescription: "Remove datasets whose files are gone. Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"auto_promote_datasets": schema.BoolAttribute{
				MarkdownDescription: "Promote files and folders to datasets on first query. Defaults to `false`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(false),
			},
		},
	}
}
