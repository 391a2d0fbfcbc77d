package datasets

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/governance"
)

type datasetResourceModel struct {
	ID                  types.String         `tfsdk:"id"`
	Bucket              types.String         `tfsdk:"bucket"`
	KeyPrefix           types.String         `tfsdk:"key_prefix"`
	DatasetID           types.String         `tfsdk:"dataset_id"`
	Title               types.String         `tfsdk:"title"`
	Description         types.String         `tfsdk:"description"`
	Creators            types.List           `tfsdk:"creators"`
	Publisher           types.String         `tfsdk:"publisher"`
	PublicationYear     types.Int64          `tfsdk:"publication_year"`
	ResourceTypeGeneral types.String         `tfsdk:"resource_type_general"`
	ResourceType        types.String         `tfsdk:"resource_type"`
	Subjects            types.List           `tfsdk:"subjects"`
	Keywords            types.Set            `tfsdk:"keywords"`
	License             types.String         `tfsdk:"license"`
	Version             types.String         `tfsdk:"version"`
	AccessLevel         types.String         `tfsdk:"access_level"`
	DataUseAgreement    types.String         `tfsdk:"data_use_agreement"`
	ConsentReferences   types.Set            `tfsdk:"consent_references"`
	RelatedTables       types.Set            `tfsdk:"related_tables"`
	RelatedPrefixes     types.Set            `tfsdk:"related_prefixes"`
	LandingURL          types.String         `tfsdk:"landing_url"`
	DOI                 types.Object         `tfsdk:"doi"`
	DataCiteKey         types.String         `tfsdk:"datacite_key"`
	SchemaOrgKey        types.String         `tfsdk:"schema_org_key"`
	DataCiteJSON        jsontypes.Normalized `tfsdk:"datacite_json"`
	SchemaOrgJSON       jsontypes.Normalized `tfsdk:"schema_org_json"`
}

type creatorModel struct {
	Name         types.String `tfsdk:"name"`
	NameType     types.String `tfsdk:"name_type"`
	GivenName    types.String `tfsdk:"given_name"`
	FamilyName   types.String `tfsdk:"family_name"`
	ORCID        types.String `tfsdk:"orcid"`
	Affiliations types.List   `tfsdk:"affiliations"`
}

type affiliationModel struct {
	Name  types.String `tfsdk:"name"`
	RORID types.String `tfsdk:"ror_id"`
}

type subjectModel struct {
	Subject   types.String `tfsdk:"subject"`
	Scheme    types.String `tfsdk:"scheme"`
	SchemeURI types.String `tfsdk:"scheme_uri"`
	ValueURI  types.String `tfsdk:"value_uri"`
}

type doiModel struct {
	State    types.String         `tfsdk:"state"`
	Suffix   types.String         `tfsdk:"suffix"`
	ID       types.String         `tfsdk:"id"`
	URL      types.String         `tfsdk:"url"`
	Metadata jsontypes.Normalized `tfsdk:"metadata"`
}

var (
	affiliationType = types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType, "ror_id": types.StringType}}
	creatorType     = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name": types.StringType, "name_type": types.StringType, "given_name": types.StringType,
		"family_name": types.StringType, "orcid": types.StringType, "affiliations": types.ListType{ElemType: affiliationType},
	}}
	subjectType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"subject": types.StringType, "scheme": types.StringType, "scheme_uri": types.StringType, "value_uri": types.StringType,
	}}
	doiType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"state": types.StringType, "suffix": types.StringType, "id": types.StringType, "url": types.StringType,
		"metadata": jsontypes.NormalizedType{},
	}}
)

// doi returns the doi block, or nil when it is null or unknown.
func (m *datasetResourceModel) doi(ctx context.Context, d *diag.Diagnostics) *doiModel {
	if m.DOI.IsNull() || m.DOI.IsUnknown() {
		return nil
	}
	var out doiModel
	d.Append(m.DOI.As(ctx, &out, objectAsOptions)...)

	return &out
}

func (m *datasetResourceModel) setDOI(ctx context.Context, v *doiModel, d *diag.Diagnostics) {
	if v == nil {
		m.DOI = types.ObjectNull(doiType.AttrTypes)

		return
	}
	obj, dd := types.ObjectValueFrom(ctx, doiType.AttrTypes, v)
	d.Append(dd...)
	m.DOI = obj
}

// record builds the fair.Record from a fully known model.
func (m *datasetResourceModel) record(ctx context.Context, d *diag.Diagnostics) *fair.Record {
	r := &fair.Record{
		DatasetID: m.DatasetID.ValueString(), Title: m.Title.ValueString(), Description: m.Description.ValueString(),
		Publisher: m.Publisher.ValueString(), PublicationYear: int(m.PublicationYear.ValueInt64()),
		ResourceTypeGeneral: m.ResourceTypeGeneral.ValueString(), ResourceType: m.ResourceType.ValueString(),
		License: m.License.ValueString(), Version: m.Version.ValueString(), AccessLevel: m.AccessLevel.ValueString(),
		DataUseAgreement: m.DataUseAgreement.ValueString(), LandingURL: m.LandingURL.ValueString(),
		Keywords: sortedStrings(ctx, m.Keywords, d), ConsentReferences: sortedStrings(ctx, m.ConsentReferences, d),
		RelatedTables: sortedStrings(ctx, m.RelatedTables, d), RelatedPrefixes: sortedStrings(ctx, m.RelatedPrefixes, d),
	}
	var creators []creatorModel
	d.Append(m.Creators.ElementsAs(ctx, &creators, false)...)
	for _, c := range creators {
		fc := fair.Creator{Name: c.Name.ValueString(), NameType: c.NameType.ValueString(), GivenName: c.GivenName.ValueString(),
			FamilyName: c.FamilyName.ValueString(), ORCID: c.ORCID.ValueString()}
		var affs []affiliationModel
		d.Append(c.Affiliations.ElementsAs(ctx, &affs, false)...)
		for _, a := range affs {
			fc.Affiliations = append(fc.Affiliations, fair.Affiliation{Name: a.Name.ValueString(), ROR: a.RORID.ValueString()})
		}
		r.Creators = append(r.Creators, fc)
	}
	var subjects []subjectModel
	d.Append(m.Subjects.ElementsAs(ctx, &subjects, false)...)
	for _, s := range subjects {
		r.Subjects = append(r.Subjects, fair.Subject{Subject: s.Subject.ValueString(), Scheme: s.Scheme.ValueString(),
			SchemeURI: s.SchemeURI.ValueString(), ValueURI: s.ValueURI.ValueString()})
	}
	if doi := m.doi(ctx, d); doi != nil {
		r.DOI = strings.ToLower(doi.ID.ValueString())
	}

	return r
}

// applyRecord maps a decoded record onto the model's configurable
// attributes. Values that mean the same as the prior ones (an ORCID iD as a
// URI or bare, a licence id in another case) keep their prior spelling, so
// the server's normalisation never shows as drift.
func (m *datasetResourceModel) applyRecord(ctx context.Context, r *fair.Record, d *diag.Diagnostics) {
	prior := &fair.Record{}
	if !m.Creators.IsNull() && !m.Creators.IsUnknown() {
		prior = m.record(ctx, d)
	}
	m.Title = types.StringValue(r.Title)
	m.Description = optString(r.Description)
	m.Publisher = types.StringValue(r.Publisher)
	m.PublicationYear = types.Int64Value(int64(r.PublicationYear))
	m.ResourceTypeGeneral = types.StringValue(orDefault(r.ResourceTypeGeneral, "Dataset"))
	m.ResourceType = optString(r.ResourceType)
	m.License = types.StringValue(r.License)
	if strings.EqualFold(prior.License, r.License) && prior.License != "" {
		m.License = types.StringValue(prior.License)
	}
	m.Version = optString(r.Version)
	m.AccessLevel = types.StringValue(orDefault(r.AccessLevel, "restricted"))
	m.DataUseAgreement = optString(r.DataUseAgreement)
	m.LandingURL = optString(r.LandingURL)
	m.Keywords = stringSet(r.Keywords, m.Keywords)
	m.ConsentReferences = stringSet(r.ConsentReferences, m.ConsentReferences)
	m.RelatedTables = stringSet(r.RelatedTables, m.RelatedTables)
	m.RelatedPrefixes = stringSet(r.RelatedPrefixes, m.RelatedPrefixes)
	m.Creators = creatorList(ctx, r.Creators, prior.Creators, d)
	m.Subjects = subjectList(ctx, r.Subjects, m.Subjects, d)
}

func creatorList(ctx context.Context, cs, prior []fair.Creator, d *diag.Diagnostics) types.List {
	out := make([]creatorModel, len(cs))
	for i, c := range cs {
		orcid := c.ORCID
		var priorAffs []fair.Affiliation
		if i < len(prior) {
			if fair.BareORCID(prior[i].ORCID) == orcid && orcid != "" {
				orcid = prior[i].ORCID
			}
			priorAffs = prior[i].Affiliations
		}
		affs := make([]affiliationModel, len(c.Affiliations))
		for j, a := range c.Affiliations {
			ror := a.ROR
			if j < len(priorAffs) && ror != "" && fair.BareROR(priorAffs[j].ROR) == ror {
				ror = priorAffs[j].ROR
			}
			affs[j] = affiliationModel{Name: types.StringValue(a.Name), RORID: optString(ror)}
		}
		al, dd := types.ListValueFrom(ctx, affiliationType, affs)
		d.Append(dd...)
		if len(affs) == 0 {
			al = types.ListNull(affiliationType)
		}
		out[i] = creatorModel{Name: types.StringValue(c.Name), NameType: types.StringValue(orDefault(c.NameType, "Personal")),
			GivenName: optString(c.GivenName), FamilyName: optString(c.FamilyName), ORCID: optString(orcid), Affiliations: al}
	}
	l, dd := types.ListValueFrom(ctx, creatorType, out)
	d.Append(dd...)

	return l
}

func subjectList(ctx context.Context, ss []fair.Subject, prior types.List, d *diag.Diagnostics) types.List {
	if len(ss) == 0 && prior.IsNull() {
		return types.ListNull(subjectType)
	}
	out := make([]subjectModel, len(ss))
	for i, s := range ss {
		out[i] = subjectModel{Subject: types.StringValue(s.Subject), Scheme: types.StringValue(s.Scheme),
			SchemeURI: optString(s.SchemeURI), ValueURI: optString(s.ValueURI)}
	}
	l, dd := types.ListValueFrom(ctx, subjectType, out)
	d.Append(dd...)

	return l
}

// stringSet keeps null for an empty set that was null before, so an
// omitted attribute does not turn into [] after a refresh.
func stringSet(vals []string, prior types.Set) types.Set {
	if len(vals) == 0 && prior.IsNull() {
		return types.SetNull(types.StringType)
	}
	elems := make([]attr.Value, len(vals))
	for i, v := range vals {
		elems[i] = types.StringValue(v)
	}

	return types.SetValueMust(types.StringType, elems)
}

func sortedStrings(ctx context.Context, s types.Set, d *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	d.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)

	return out
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}

	return types.StringValue(s)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}

	return s
}

// render returns the canonical text of a document: what is written to the
// bucket and held in state.
func render(v map[string]any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", err
	}

	return governance.NormalizeJSON(raw)
}

// doiMetadata is the canonical text of the managed DOI metadata.
func doiMetadata(attrs map[string]any) (string, error) {
	return render(fair.DOIMetadata(attrs))
}

// roundTrip passes attributes through JSON so numbers and nested values
// have the shapes a server answer has.
func roundTrip(v map[string]any) map[string]any {
	raw, _ := json.Marshal(v)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)

	return out
}
