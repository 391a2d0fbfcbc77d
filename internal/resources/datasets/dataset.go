// Package datasets holds lakehouse_dataset: a FAIR dataset record with rich
// metadata, written into the governance bucket as DataCite 4.x JSON and as
// schema.org Dataset JSON-LD, linked to the Iceberg tables and storage
// prefixes that hold the data, and optionally given a DataCite DOI.
package datasets

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

const typeName = "lakehouse_dataset"

var (
	_ resource.Resource                   = (*datasetResource)(nil)
	_ resource.ResourceWithConfigure      = (*datasetResource)(nil)
	_ resource.ResourceWithImportState    = (*datasetResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*datasetResource)(nil)
	_ resource.ResourceWithValidateConfig = (*datasetResource)(nil)
)

var objectAsOptions = basetypes.ObjectAsOptions{}

// NewDatasetResource is the constructor registered with the provider.
func NewDatasetResource() resource.Resource { return &datasetResource{} }

type datasetResource struct {
	data *providerdata.Data
}

var (
	datasetIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)
	keyPrefixRE = regexp.MustCompile(`^([A-Za-z0-9_.-]+/)*$`)
	suffixRE    = regexp.MustCompile(`^[-._;()/:a-zA-Z0-9*~$=]+$`)
	s3LocRE     = regexp.MustCompile(`^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/.*)?$`)
	urlRE       = regexp.MustCompile(`^https?://\S+$`)
)

func (r *datasetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_dataset"
}

func (r *datasetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func optStr(desc string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v}
}

func notBlank() validator.String {
	return stringvalidator.RegexMatches(regexp.MustCompile(`\S`), "must not be blank")
}

func (r *datasetResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A FAIR dataset record: rich metadata, a licence and terms of use, links to the Iceberg " +
			"tables and storage prefixes that hold the data, and optionally a persistent identifier (a DataCite DOI).\n\n" +
			"The record is written into the governance `bucket` as two documents under `<key_prefix><dataset_id>/`: " +
			"`datacite.json` (DataCite Metadata Schema 4.x, DataCite JSON; exactly what is sent to DataCite, so it never " +
			"names internal tables or locations) and `dataset.jsonld` (a schema.org `Dataset`, the platform's discovery " +
			"record read by the `lakehouse_datasets` data source). Each related Iceberg table gets the table property " +
			"`lakehouse.dataset.<dataset_id>` and each bucket of a related prefix the bucket tag of the same name, both " +
			"holding the record's location; other properties and tags are kept (read-modify-write), and a table shared by " +
			"two datasets carries both keys.\n\n" +
			"**DOIs.** With a `doi` block the dataset gets a DataCite DOI, created as a draft. `doi.state` moves it: " +
			"`registered` (resolvable, not in search) or `findable` (published; requires `landing_url`). Metadata changes " +
			"update the DOI. DataCite never deletes a registered or findable DOI, so: a registered or findable DOI cannot go " +
			"back to `draft` or be removed from the configuration (a plan-time error); destroying the resource deletes a " +
			"draft DOI, **hides** a findable one (`findable` -> `registered`: it still resolves to its landing page but leaves " +
			"DataCite search) and leaves a registered one as it is, with a warning in each case. Keep the landing page (or a " +
			"tombstone page) online for as long as the DOI exists.\n\n" +
			"**Drift.** `terraform plan` reads both documents, the DOI, the table properties and bucket tags. An edited " +
			"document shows as a diff on the attributes it changed; a changed DOI as a diff on `doi.metadata` or `doi.state`; " +
			"a removed table property or bucket tag as the table or prefix being added back. Deleted documents plan a " +
			"re-creation; while the DOI still exists the record is re-written in place and keeps its DOI. Import with " +
			"`<bucket>/<key_prefix><dataset_id>`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<bucket>/<key_prefix><dataset_id>`; also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"bucket": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Governance bucket that holds the record. Changing it moves the record in place (see `dataset_id`).",
				Validators:          []validator.String{validators.BucketName()},
			},
			"key_prefix": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(fair.DefaultPrefix),
				MarkdownDescription: "Folder of all dataset records in the bucket, ending in `/`. Defaults to `datasets/`. Changing it moves the record in place (see `dataset_id`).",
				Validators: []validator.String{stringvalidator.RegexMatches(keyPrefixRE,
					"must be empty or folder names of letters, digits, `_`, `.` and `-`, each followed by `/`")},
			},
			"dataset_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Stable identifier of the dataset on the platform, e.g. `oulad-2025`: 1 to 63 lower-case letters, digits, `.`, `_` or `-`. " +
					"Changing it (or `bucket` or `key_prefix`) is an in-place update that moves the record: the table properties and bucket tags " +
					"are re-keyed, the documents are written at the new place and removed from the old one, and the DOI is kept " +
					"(re-creating the record would hide a findable DOI and mint another).",
				Validators: []validator.String{stringvalidator.RegexMatches(datasetIDRE, "must be 1 to 63 lower-case letters, digits, `.`, `_` or `-`, starting with a letter or digit")},
			},
			"title": schema.StringAttribute{Required: true, MarkdownDescription: "Title (DataCite `titles`, schema.org `name`). Required by DataCite.",
				Validators: []validator.String{notBlank()}},
			"description": schema.StringAttribute{Required: true, MarkdownDescription: "Abstract (DataCite `descriptions` of type `Abstract`, schema.org `description`). Dataset search engines require it.",
				Validators: []validator.String{notBlank()}},
			"creators": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "People and organisations credited, in citation order. At least one is required by DataCite.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Required: true, MarkdownDescription: "Full name, `Family, Given` for people.", Validators: []validator.String{notBlank()}},
					"name_type": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("Personal"),
						MarkdownDescription: "`Personal` (default) or `Organizational`.",
						Validators:          []validator.String{stringvalidator.OneOf("Personal", "Organizational")}},
					"given_name":  optStr("Given name."),
					"family_name": optStr("Family name."),
					"orcid": optStr("ORCID iD, `0000-0002-1825-0097` or `https://orcid.org/0000-0002-1825-0097`; the check digit is verified at plan time.",
						validators.ORCID()),
					"affiliations": schema.ListNestedAttribute{
						Optional:            true,
						MarkdownDescription: "Organisations the creator belongs to.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"name": schema.StringAttribute{Required: true, MarkdownDescription: "Organisation name.", Validators: []validator.String{notBlank()}},
							"ror_id": optStr("ROR id of the organisation, `03yrm5c26` or `https://ror.org/03yrm5c26`; the check digits are verified at plan time.",
								validators.ROR()),
						}},
					},
				}},
			},
			"publisher": schema.StringAttribute{Required: true, MarkdownDescription: "Publisher, usually the repository or institution. Required by DataCite.",
				Validators: []validator.String{notBlank()}},
			"publication_year": schema.Int64Attribute{Required: true, MarkdownDescription: "Year of first publication. Required by DataCite.",
				Validators: []validator.Int64{int64validator.Between(1000, 9999)}},
			"resource_type_general": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("Dataset"),
				MarkdownDescription: "DataCite `resourceTypeGeneral`. Defaults to `Dataset`. One of " + backticks(fair.ResourceTypesGeneral) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(fair.ResourceTypesGeneral...)}},
			"resource_type": optStr("Free-text resource type, e.g. `Survey responses`."),
			"subjects": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Subjects from controlled vocabularies (for example the OECD Fields of Science). Free-text terms go in `keywords`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"subject":    schema.StringAttribute{Required: true, MarkdownDescription: "The term.", Validators: []validator.String{notBlank()}},
					"scheme":     schema.StringAttribute{Required: true, MarkdownDescription: "Name of the vocabulary.", Validators: []validator.String{notBlank()}},
					"scheme_uri": optStr("URI of the vocabulary.", stringvalidator.RegexMatches(urlRE, "must be an http(s) URL")),
					"value_uri":  optStr("URI of the term.", stringvalidator.RegexMatches(urlRE, "must be an http(s) URL")),
				}},
			},
			"keywords": schema.SetAttribute{ElementType: stringType, Optional: true, MarkdownDescription: "Free-text keywords.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(notBlank())}},
			"license": schema.StringAttribute{Required: true, MarkdownDescription: "Licence as one SPDX identifier, e.g. `CC-BY-4.0` or `CC0-1.0`.",
				Validators: []validator.String{validators.SPDXID()}},
			"version": optStr("Version of the dataset, e.g. `1.0`."),
			"access_level": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("restricted"),
				MarkdownDescription: "Who may access the data: `open`, `embargoed`, `restricted` (default) or `closed`. Published as an " +
					"`info:eu-repo/semantics/...Access` right in DataCite and as `isAccessibleForFree`/`conditionsOfAccess` in schema.org.",
				Validators: []validator.String{stringvalidator.OneOf(fair.AccessLevels...)}},
			"data_use_agreement": optStr("Reference to the data-use agreement users must sign (URL or document id). Kept in the discovery record only."),
			"consent_references": schema.SetAttribute{ElementType: stringType, Optional: true,
				MarkdownDescription: "References to the consent basis (IRB protocols, consent form versions). Kept in the discovery record only.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(notBlank())}},
			"related_tables": schema.SetAttribute{ElementType: stringType, Optional: true,
				MarkdownDescription: "Iceberg tables that hold the dataset, as `namespace.table`. Each gets the table property " +
					"`lakehouse.dataset.<dataset_id>`; needs the provider's catalog block.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(tableIdentValidator{})}},
			"related_prefixes": schema.SetAttribute{ElementType: stringType, Optional: true,
				MarkdownDescription: "Storage locations that hold the dataset, as `s3://bucket/prefix/`. Each bucket gets the bucket tag `lakehouse.dataset.<dataset_id>`.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(s3LocRE,
					"must be s3://<bucket>/<prefix>, with a valid bucket name"))}},
			"landing_url": optStr("Landing page of the dataset; the DOI resolves to it. Required when `doi.state` is `registered` or `findable`.",
				stringvalidator.RegexMatches(urlRE, "must be an http(s) URL")),
			"doi": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Register a DataCite DOI for the dataset, through the provider's `datacite` block (repository " +
					"id and password are provider settings and sensitive; they are never stored in state).",
				Attributes: map[string]schema.Attribute{
					"state": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(datacite.StateDraft),
						MarkdownDescription: "`draft` (default; deletable), `registered` (resolvable, hidden from search) or `findable` " +
							"(published). A registered or findable DOI can never return to `draft`.",
						Validators: []validator.String{stringvalidator.OneOf(datacite.StateDraft, datacite.StateRegistered, datacite.StateFindable)}},
					"suffix": schema.StringAttribute{Optional: true, Computed: true,
						MarkdownDescription: "DOI suffix after the provider's prefix. When unset, a random suffix in DataCite's style (`abcd-1234`) is chosen at create time and kept.",
						Validators:          []validator.String{stringvalidator.RegexMatches(suffixRE, "may contain only letters, digits and -._;()/:*~$=")}},
					"id":       schema.StringAttribute{Computed: true, MarkdownDescription: "The DOI, e.g. `10.5072/abcd-1234`."},
					"url":      schema.StringAttribute{Computed: true, MarkdownDescription: "Resolver URL, `https://doi.org/<id>`."},
					"metadata": schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: "The managed DOI metadata as DataCite holds it (a normalised subset), to show out-of-band edits as a diff."},
				},
			},
			"datacite_key":    schema.StringAttribute{Computed: true, MarkdownDescription: "Object key of the DataCite JSON document."},
			"schema_org_key":  schema.StringAttribute{Computed: true, MarkdownDescription: "Object key of the schema.org JSON-LD document."},
			"datacite_json":   schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: "The DataCite JSON document as written (sorted keys)."},
			"schema_org_json": schema.StringAttribute{Computed: true, CustomType: jsontypes.NormalizedType{}, MarkdownDescription: "The schema.org JSON-LD document as written (sorted keys)."},
		},
	}
}

func backticks(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}

	return strings.Join(out, ", ")
}

func (r *datasetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m datasetResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	doi := m.doi(ctx, &resp.Diagnostics)
	if doi == nil || doi.State.IsUnknown() {
		return
	}
	st := doi.State.ValueString()
	if (st == datacite.StateRegistered || st == datacite.StateFindable) && m.LandingURL.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("landing_url"), "Missing landing URL",
			fmt.Sprintf("A %s DOI must resolve to a landing page: DataCite requires a URL for registered and findable DOIs. "+
				"Set landing_url, or keep doi.state = %q until the page exists.", st, datacite.StateDraft))
	}
}

// tableIdentValidator checks a dotted Iceberg identifier with a namespace.
type tableIdentValidator struct{}

func (tableIdentValidator) Description(context.Context) string {
	return "value must be an Iceberg table identifier namespace.table"
}

func (v tableIdentValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (tableIdentValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := tableIdentProblem(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid table identifier", msg)
	}
}
