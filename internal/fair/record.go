// Package fair holds the FAIR dataset record shared by the lakehouse_dataset
// resource and the lakehouse_datasets data source: one Record, written into
// the governance bucket as two documents.
//
//   - <prefix><id>/datacite.json: the DataCite Metadata Schema 4.x record in
//     DataCite JSON, exactly the attributes sent to DataCite when the dataset
//     has a DOI. It is public-facing metadata, so it never names internal
//     tables or storage locations.
//   - <prefix><id>/dataset.jsonld: a schema.org Dataset in JSON-LD, the
//     platform's discovery record. Besides the public metadata it carries the
//     access level, the data-use agreement and consent references, and the
//     Iceberg tables and storage prefixes that hold the data.
//
// Encoding is deterministic (sorted sets, fixed field order after
// normalisation), so the documents can be rendered at plan time and compared
// semantically with what is stored.
package fair

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

// Object names inside a record's folder.
const (
	DataCiteFile  = "datacite.json"
	SchemaOrgFile = "dataset.jsonld"
	DefaultPrefix = "datasets/"
)

// Access levels and the COAR/eu-repo access-rights URIs DataCite records use
// for them.
var AccessRights = map[string]string{
	"open":       "info:eu-repo/semantics/openAccess",
	"embargoed":  "info:eu-repo/semantics/embargoedAccess",
	"restricted": "info:eu-repo/semantics/restrictedAccess",
	"closed":     "info:eu-repo/semantics/closedAccess",
}

// AccessLevels lists the keys of AccessRights in a stable order.
var AccessLevels = []string{"open", "embargoed", "restricted", "closed"}

var accessText = map[string]string{
	"open":       "Open access: anyone may use the data under the licence.",
	"embargoed":  "Embargoed: the data becomes available after the embargo ends.",
	"restricted": "Restricted access: the data is available to approved researchers under a data-use agreement.",
	"closed":     "Closed: the data is not available; only the metadata is published.",
}

// ResourceTypesGeneral is the DataCite 4.x resourceTypeGeneral vocabulary.
var ResourceTypesGeneral = strings.Fields("Audiovisual Award Book BookChapter Collection ComputationalNotebook " +
	"ConferencePaper ConferenceProceeding DataPaper Dataset Dissertation Event Image Instrument InteractiveResource " +
	"Journal JournalArticle Model OutputManagementPlan PeerReview PhysicalObject Preprint Project Report Service " +
	"Software Sound Standard StudyRegistration Text Workflow Other")

// Record is one dataset's metadata.
type Record struct {
	DatasetID           string
	DOI                 string // lower case, without https://doi.org/; "" when the dataset has none
	Title               string
	Description         string
	Creators            []Creator
	Publisher           string
	PublicationYear     int
	ResourceTypeGeneral string
	ResourceType        string
	Subjects            []Subject
	Keywords            []string
	License             string // SPDX identifier
	Version             string
	AccessLevel         string
	DataUseAgreement    string
	ConsentReferences   []string
	RelatedTables       []string // Iceberg identifiers, dotted
	RelatedPrefixes     []string // s3://bucket/prefix
	LandingURL          string
}

// Creator is a person or organisation credited for the dataset.
type Creator struct {
	Name         string
	NameType     string // Personal or Organizational
	GivenName    string
	FamilyName   string
	ORCID        string
	Affiliations []Affiliation
}

// Affiliation is an organisation, identified by ROR when known.
type Affiliation struct {
	Name string
	ROR  string
}

// Subject is a term from a controlled vocabulary.
type Subject struct {
	Subject   string
	Scheme    string
	SchemeURI string
	ValueURI  string
}

// DOIURL is the resolver URL of a DOI.
func DOIURL(doi string) string { return "https://doi.org/" + doi }

// SPDXURL is the SPDX licence page of an identifier.
func SPDXURL(id string) string { return "https://spdx.org/licenses/" + id + ".html" }

// DataCite returns the DataCite JSON attributes of r.
func (r *Record) DataCite() map[string]any {
	a := map[string]any{
		"creators":        r.dataCiteCreators(),
		"titles":          []any{map[string]any{"title": r.Title}},
		"publisher":       r.Publisher,
		"publicationYear": r.PublicationYear,
		"types":           omitEmpty(map[string]any{"resourceTypeGeneral": r.ResourceTypeGeneral, "resourceType": r.ResourceType}),
		"schemaVersion":   "http://datacite.org/schema/kernel-4",
	}
	if r.DOI != "" {
		a["doi"] = r.DOI
	}
	if r.Description != "" {
		a["descriptions"] = []any{map[string]any{"description": r.Description, "descriptionType": "Abstract"}}
	}
	var subjects []any
	for _, s := range r.Subjects {
		subjects = append(subjects, omitEmpty(map[string]any{"subject": s.Subject, "subjectScheme": s.Scheme,
			"schemeUri": s.SchemeURI, "valueUri": s.ValueURI}))
	}
	for _, k := range r.Keywords {
		subjects = append(subjects, map[string]any{"subject": k})
	}
	if len(subjects) > 0 {
		a["subjects"] = subjects
	}
	var rights []any
	if r.License != "" {
		rights = append(rights, map[string]any{"rights": r.License, "rightsUri": SPDXURL(r.License),
			"rightsIdentifier": strings.ToLower(r.License), "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"})
	}
	if uri, ok := AccessRights[r.AccessLevel]; ok {
		rights = append(rights, map[string]any{"rights": accessText[r.AccessLevel], "rightsUri": uri})
	}
	if len(rights) > 0 {
		a["rightsList"] = rights
	}
	if r.Version != "" {
		a["version"] = r.Version
	}
	if r.LandingURL != "" {
		a["url"] = r.LandingURL
	}

	return a
}

func (r *Record) dataCiteCreators() []any {
	out := make([]any, 0, len(r.Creators))
	for _, c := range r.Creators {
		m := omitEmpty(map[string]any{"name": c.Name, "nameType": c.NameType, "givenName": c.GivenName, "familyName": c.FamilyName})
		if c.ORCID != "" {
			m["nameIdentifiers"] = []any{map[string]any{"nameIdentifier": validators.ORCIDURI(c.ORCID),
				"nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}}
		}
		var affs []any
		for _, af := range c.Affiliations {
			am := map[string]any{"name": af.Name}
			if af.ROR != "" {
				am["affiliationIdentifier"] = validators.RORURI(af.ROR)
				am["affiliationIdentifierScheme"] = "ROR"
				am["schemeUri"] = "https://ror.org"
			}
			affs = append(affs, am)
		}
		if len(affs) > 0 {
			m["affiliation"] = affs
		}
		out = append(out, m)
	}

	return out
}

// SchemaOrg returns the schema.org Dataset JSON-LD of r.
func (r *Record) SchemaOrg() map[string]any {
	ids := []any{map[string]any{"@type": "PropertyValue", "propertyID": "lakehouse:dataset-id", "value": r.DatasetID}}
	d := map[string]any{
		"@context":    "https://schema.org/",
		"@type":       "Dataset",
		"name":        r.Title,
		"description": r.Description,
		"creator":     r.schemaOrgCreators(),
		"publisher":   map[string]any{"@type": "Organization", "name": r.Publisher},
	}
	if r.PublicationYear > 0 {
		d["datePublished"] = strconv.Itoa(r.PublicationYear)
	}
	if r.DOI != "" {
		d["@id"] = DOIURL(r.DOI)
		ids = append([]any{DOIURL(r.DOI)}, ids...)
	}
	d["identifier"] = ids
	if r.LandingURL != "" {
		d["url"] = r.LandingURL
	}
	if r.License != "" {
		d["license"] = SPDXURL(r.License)
	}
	if r.Version != "" {
		d["version"] = r.Version
	}
	if r.ResourceType != "" {
		d["additionalType"] = r.ResourceType
	}
	if len(r.Keywords) > 0 {
		d["keywords"] = toAny(r.Keywords)
	}
	var about []any
	for _, s := range r.Subjects {
		set := omitEmpty(map[string]any{"@type": "DefinedTermSet", "name": s.Scheme, "url": s.SchemeURI})
		about = append(about, omitEmpty(map[string]any{"@type": "DefinedTerm", "name": s.Subject, "url": s.ValueURI, "inDefinedTermSet": set}))
	}
	if len(about) > 0 {
		d["about"] = about
	}
	if r.AccessLevel != "" {
		d["isAccessibleForFree"] = r.AccessLevel == "open"
		d["conditionsOfAccess"] = accessText[r.AccessLevel]
	}
	props := []any{prop("lakehouse:access-level", r.AccessLevel), prop("lakehouse:resource-type-general", r.ResourceTypeGeneral)}
	if r.DataUseAgreement != "" {
		props = append(props, prop("lakehouse:data-use-agreement", r.DataUseAgreement))
	}
	for _, c := range r.ConsentReferences {
		props = append(props, prop("lakehouse:consent", c))
	}
	d["additionalProperty"] = props
	var parts []any
	for _, t := range r.RelatedTables {
		parts = append(parts, map[string]any{"@type": "Dataset", "name": t, "identifier": "iceberg:" + t})
	}
	if len(parts) > 0 {
		d["hasPart"] = parts
	}
	var dist []any
	for _, p := range r.RelatedPrefixes {
		dist = append(dist, map[string]any{"@type": "DataDownload", "contentUrl": p})
	}
	if len(dist) > 0 {
		d["distribution"] = dist
	}

	return d
}

func (r *Record) schemaOrgCreators() []any {
	out := make([]any, 0, len(r.Creators))
	for _, c := range r.Creators {
		typ := "Person"
		if c.NameType == "Organizational" {
			typ = "Organization"
		}
		m := omitEmpty(map[string]any{"@type": typ, "name": c.Name, "givenName": c.GivenName, "familyName": c.FamilyName})
		if c.ORCID != "" {
			m["@id"] = validators.ORCIDURI(c.ORCID)
			m["identifier"] = validators.ORCIDURI(c.ORCID)
		}
		var affs []any
		for _, af := range c.Affiliations {
			affs = append(affs, omitEmpty(map[string]any{"@type": "Organization", "name": af.Name, "identifier": rorOrEmpty(af.ROR)}))
		}
		if len(affs) > 0 {
			m["affiliation"] = affs
		}
		out = append(out, m)
	}

	return out
}

func rorOrEmpty(s string) string {
	if s == "" {
		return ""
	}

	return validators.RORURI(s)
}

func prop(id, v string) map[string]any {
	return map[string]any{"@type": "PropertyValue", "propertyID": id, "value": v}
}

func omitEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		if s, ok := v.(string); ok && s == "" {
			delete(m, k)
		}
		if mm, ok := v.(map[string]any); ok && len(mm) <= 1 && mm["@type"] != nil {
			delete(m, k)
		}
	}

	return m
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}

	return out
}

// Decode rebuilds a Record from its two stored documents. Either may be
// nil; the fields it carries are then left empty.
func Decode(dataCite, schemaOrg []byte) (*Record, error) {
	r := &Record{}
	if dataCite != nil {
		if err := r.decodeDataCite(dataCite); err != nil {
			return nil, fmt.Errorf("%s: %w", DataCiteFile, err)
		}
	}
	if schemaOrg != nil {
		if err := r.decodeSchemaOrg(schemaOrg); err != nil {
			return nil, fmt.Errorf("%s: %w", SchemaOrgFile, err)
		}
	}

	return r, nil
}

type dcCreator struct {
	Name            string `json:"name"`
	NameType        string `json:"nameType"`
	GivenName       string `json:"givenName"`
	FamilyName      string `json:"familyName"`
	NameIdentifiers []struct {
		NameIdentifier       string `json:"nameIdentifier"`
		NameIdentifierScheme string `json:"nameIdentifierScheme"`
	} `json:"nameIdentifiers"`
	Affiliation []json.RawMessage `json:"affiliation"`
}

type dcDoc struct {
	DOI             string                   `json:"doi"`
	Creators        []dcCreator              `json:"creators"`
	Titles          []struct{ Title string } `json:"titles"`
	Publisher       json.RawMessage          `json:"publisher"`
	PublicationYear json.RawMessage          `json:"publicationYear"`
	Types           struct {
		ResourceTypeGeneral string `json:"resourceTypeGeneral"`
		ResourceType        string `json:"resourceType"`
	} `json:"types"`
	Subjects []struct {
		Subject       string `json:"subject"`
		SubjectScheme string `json:"subjectScheme"`
		SchemeURI     string `json:"schemeUri"`
		ValueURI      string `json:"valueUri"`
	} `json:"subjects"`
	Descriptions []struct {
		Description     string `json:"description"`
		DescriptionType string `json:"descriptionType"`
	} `json:"descriptions"`
	RightsList []struct {
		Rights                 string `json:"rights"`
		RightsURI              string `json:"rightsUri"`
		RightsIdentifier       string `json:"rightsIdentifier"`
		RightsIdentifierScheme string `json:"rightsIdentifierScheme"`
	} `json:"rightsList"`
	Version string `json:"version"`
	URL     string `json:"url"`
}

func (r *Record) decodeDataCite(raw []byte) error {
	var d dcDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return err
	}
	r.DOI = strings.ToLower(d.DOI)
	if len(d.Titles) > 0 {
		r.Title = d.Titles[0].Title
	}
	for _, c := range d.Creators {
		r.Creators = append(r.Creators, decodeCreator(c))
	}
	r.Publisher = publisherName(d.Publisher)
	r.PublicationYear = yearOf(d.PublicationYear)
	r.ResourceTypeGeneral, r.ResourceType = d.Types.ResourceTypeGeneral, d.Types.ResourceType
	for _, s := range d.Subjects {
		if s.SubjectScheme == "" && s.SchemeURI == "" && s.ValueURI == "" {
			r.Keywords = append(r.Keywords, s.Subject)

			continue
		}
		r.Subjects = append(r.Subjects, Subject{Subject: s.Subject, Scheme: s.SubjectScheme, SchemeURI: s.SchemeURI, ValueURI: s.ValueURI})
	}
	for _, de := range d.Descriptions {
		if de.DescriptionType == "Abstract" || r.Description == "" {
			r.Description = de.Description
		}
	}
	for _, rt := range d.RightsList {
		if strings.EqualFold(rt.RightsIdentifierScheme, "SPDX") {
			r.License = spdxCase(rt.RightsIdentifier, rt.Rights)

			continue
		}
		for level, uri := range AccessRights {
			if rt.RightsURI == uri {
				r.AccessLevel = level
			}
		}
	}
	r.Version, r.LandingURL = d.Version, d.URL

	return nil
}

// spdxCase recovers the SPDX spelling (CC-BY-4.0) of an identifier that
// DataCite stores lower-cased, from the rights name when it matches.
func spdxCase(id, name string) string {
	if strings.EqualFold(id, name) {
		return name
	}

	return id
}

func decodeCreator(c dcCreator) Creator {
	out := Creator{Name: c.Name, NameType: c.NameType, GivenName: c.GivenName, FamilyName: c.FamilyName}
	for _, ni := range c.NameIdentifiers {
		if strings.EqualFold(ni.NameIdentifierScheme, "ORCID") {
			out.ORCID = BareORCID(ni.NameIdentifier)
		}
	}
	for _, raw := range c.Affiliation {
		var name string
		if json.Unmarshal(raw, &name) == nil {
			out.Affiliations = append(out.Affiliations, Affiliation{Name: name})

			continue
		}
		var a struct {
			Name                        string `json:"name"`
			AffiliationIdentifier       string `json:"affiliationIdentifier"`
			AffiliationIdentifierScheme string `json:"affiliationIdentifierScheme"`
		}
		if json.Unmarshal(raw, &a) == nil {
			af := Affiliation{Name: a.Name}
			if strings.EqualFold(a.AffiliationIdentifierScheme, "ROR") {
				af.ROR = BareROR(a.AffiliationIdentifier)
			}
			out.Affiliations = append(out.Affiliations, af)
		}
	}

	return out
}

func publisherName(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(raw, &o)

	return o.Name
}

func yearOf(raw json.RawMessage) int {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		n, _ = strconv.Atoi(s)
	}

	return n
}

func (r *Record) decodeSchemaOrg(raw []byte) error {
	var d struct {
		Name               string `json:"name"`
		Identifier         []json.RawMessage
		AdditionalProperty []struct {
			PropertyID string `json:"propertyID"`
			Value      string `json:"value"`
		} `json:"additionalProperty"`
		HasPart []struct {
			Identifier string `json:"identifier"`
		} `json:"hasPart"`
		Distribution []struct {
			ContentURL string `json:"contentUrl"`
		} `json:"distribution"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return err
	}
	if r.Title == "" {
		r.Title = d.Name
	}
	for _, p := range d.AdditionalProperty {
		switch p.PropertyID {
		case "lakehouse:access-level":
			if r.AccessLevel == "" {
				r.AccessLevel = p.Value
			}
		case "lakehouse:resource-type-general":
			if r.ResourceTypeGeneral == "" {
				r.ResourceTypeGeneral = p.Value
			}
		case "lakehouse:data-use-agreement":
			r.DataUseAgreement = p.Value
		case "lakehouse:consent":
			r.ConsentReferences = append(r.ConsentReferences, p.Value)
		}
	}
	for _, raw := range d.Identifier {
		var pv struct {
			PropertyID string `json:"propertyID"`
			Value      string `json:"value"`
		}
		if json.Unmarshal(raw, &pv) == nil && pv.PropertyID == "lakehouse:dataset-id" {
			r.DatasetID = pv.Value
		}
	}
	for _, p := range d.HasPart {
		if t, ok := strings.CutPrefix(p.Identifier, "iceberg:"); ok {
			r.RelatedTables = append(r.RelatedTables, t)
		}
	}
	for _, p := range d.Distribution {
		if p.ContentURL != "" {
			r.RelatedPrefixes = append(r.RelatedPrefixes, p.ContentURL)
		}
	}

	return nil
}

// DOIMetadata reduces DataCite attributes, as sent or as the server returns
// them, to the properties this provider manages, in a form where the
// server's normalisation does not count: affiliations as objects or names,
// the publisher as a string or an object, the year as a number or a string,
// SPDX identifiers in any case, and empty lists absent. Two DOIs with equal
// DOIMetadata carry the same managed metadata.
func DOIMetadata(attrs map[string]any) map[string]any {
	raw, _ := json.Marshal(attrs)
	var d dcDoc
	_ = json.Unmarshal(raw, &d)
	out := map[string]any{}
	var creators []any
	for _, c := range d.Creators {
		dc := decodeCreator(c)
		m := omitEmpty(map[string]any{"name": dc.Name, "nameType": dc.NameType, "givenName": dc.GivenName,
			"familyName": dc.FamilyName, "orcid": orcidKey(dc.ORCID)})
		var affs []any
		for _, a := range dc.Affiliations {
			affs = append(affs, omitEmpty(map[string]any{"name": a.Name, "ror": rorKey(a.ROR)}))
		}
		if len(affs) > 0 {
			m["affiliation"] = affs
		}
		creators = append(creators, m)
	}
	setList(out, "creators", creators)
	var titles []any
	for _, t := range d.Titles {
		titles = append(titles, t.Title)
	}
	setList(out, "titles", titles)
	setStr(out, "publisher", publisherName(d.Publisher))
	if y := yearOf(d.PublicationYear); y != 0 {
		out["publicationYear"] = y
	}
	setStr(out, "resourceTypeGeneral", d.Types.ResourceTypeGeneral)
	setStr(out, "resourceType", d.Types.ResourceType)
	var subjects []any
	for _, s := range d.Subjects {
		subjects = append(subjects, omitEmpty(map[string]any{"subject": s.Subject, "subjectScheme": s.SubjectScheme,
			"schemeUri": s.SchemeURI, "valueUri": s.ValueURI}))
	}
	setList(out, "subjects", subjects)
	var descs []any
	for _, de := range d.Descriptions {
		descs = append(descs, omitEmpty(map[string]any{"description": de.Description, "descriptionType": de.DescriptionType}))
	}
	setList(out, "descriptions", descs)
	var rights []any
	for _, rt := range d.RightsList {
		if strings.EqualFold(rt.RightsIdentifierScheme, "SPDX") {
			// The server fills in the licence name and URL itself.
			rights = append(rights, map[string]any{"spdx": strings.ToLower(rt.RightsIdentifier)})

			continue
		}
		rights = append(rights, omitEmpty(map[string]any{"rightsUri": rt.RightsURI}))
	}
	sort.SliceStable(rights, func(i, j int) bool { return fmt.Sprint(rights[i]) < fmt.Sprint(rights[j]) })
	setList(out, "rightsList", rights)
	setStr(out, "version", d.Version)
	setStr(out, "url", d.URL)

	return out
}

// BareORCID returns the 16-character form of an ORCID iD given as a URI or
// bare; the stored documents use the URI, the configuration either.
func BareORCID(s string) string {
	return strings.TrimPrefix(validators.ORCIDURI(strings.TrimSpace(s)), "https://orcid.org/")
}

// BareROR returns the 9-character form of a ROR id given as a URI or bare.
func BareROR(s string) string {
	return strings.TrimPrefix(validators.RORURI(strings.TrimSpace(s)), "https://ror.org/")
}

func orcidKey(s string) string {
	if s == "" {
		return ""
	}

	return validators.ORCIDURI(strings.TrimPrefix(strings.TrimPrefix(s, "https://orcid.org/"), "http://orcid.org/"))
}

func rorKey(s string) string {
	if s == "" {
		return ""
	}

	return validators.RORURI(s)
}

func setList(m map[string]any, k string, v []any) {
	if len(v) > 0 {
		m[k] = v
	}
}

func setStr(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}
