package submission

import (
	"fmt"
	"slices"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
)

// DefaultRequiredFields are the FAIR fields required when the schema does
// not say: findable (title), attributable (creators), reusable (license)
// and the legal basis for holding student data (data_use).
var DefaultRequiredFields = []string{"title", "creators", "license", "data_use"}

// checkDescription validates dataset_description.json: the FAIR fields the
// schema requires, SPDX licences, ORCID iDs with their check digit, a DOI,
// and the consent or data-use-agreement reference.
func (v *validator) checkDescription(e *runnerio.Entry) error {
	rules := v.schema.DatasetDescription
	name := rules.fileName()
	if e == nil {
		v.out.add(Issue{Code: "MISSING_DATASET_DESCRIPTION", Location: name,
			Message:    "the dataset has no " + name + " at its root",
			Suggestion: "add " + name + ` with at least {"title", "creators", "license", "data_use"}`}, "")

		return nil
	}
	doc, bad, err := v.readJSON(*e)
	if err != nil {
		return err
	}
	if bad != "" {
		v.out.add(Issue{Code: "DATASET_DESCRIPTION_INVALID", Location: e.Rel, Message: bad}, "")

		return nil
	}
	required := DefaultRequiredFields
	if rules != nil && rules.RequiredFields != nil {
		required = rules.RequiredFields
	}
	for _, f := range DescriptionFields {
		if present(doc[f]) {
			continue
		}
		if slices.Contains(required, f) {
			v.out.add(Issue{Code: "DESCRIPTION_FIELD_MISSING", Location: e.Rel, SubCode: f,
				Message: fmt.Sprintf("required field %q is missing or empty", f), Suggestion: fieldHint[f]}, "")
		} else if f == "doi" || f == "description" {
			v.out.add(Issue{Code: "DESCRIPTION_FIELD_RECOMMENDED", Location: e.Rel, SubCode: f,
				Message: fmt.Sprintf("recommended field %q is missing", f), Suggestion: fieldHint[f]}, "")
		}
	}
	v.checkTitle(e.Rel, doc)
	v.checkCreators(e.Rel, doc, rules != nil && rules.RequireORCID)
	v.checkLicense(e.Rel, doc, rules)
	v.checkDataUse(e.Rel, doc)
	v.checkKeywords(e.Rel, doc)
	v.checkAccessLevel(e.Rel, doc)
	v.checkSchemaVersion(e.Rel, doc)
	if s, ok := doc["doi"].(string); ok && s != "" {
		if msg := CheckDOI(s); msg != "" {
			v.out.add(Issue{Code: "INVALID_DOI", Location: e.Rel, SubCode: "doi", Message: fmt.Sprintf("doi %q %s", s, msg)}, "")
		}
	}

	return nil
}

var fieldHint = map[string]string{
	"title":        `"title": "a name people will search for"`,
	"creators":     `"creators": [{"name": "Family, Given", "orcid": "0000-0002-1825-0097", "affiliation": {"name": "...", "ror": "03yrm5c26"}}]`,
	"license":      `"license": an SPDX identifier such as "CC-BY-4.0"`,
	"data_use":     `"data_use": {"basis": "consent" | "data_use_agreement" | "public" | "other", "reference": "protocol or agreement id"}`,
	"doi":          `"doi": "10.xxxx/yyyy" once the dataset has one`,
	"description":  `"description": what the data is and how it was collected`,
	"version":      `"version": "1.0.0"`,
	"keywords":     `"keywords": ["learning analytics", ...]`,
	"affiliation":  `"affiliation": "Org name", {"name": "Org name", "ror": "03yrm5c26"}, or a list of them`,
	"access_level": `"access_level": one of "` + strings.Join(fair.AccessLevels, `", "`) + `", as in lakehouse_dataset`,
}

func present(x any) bool {
	switch t := x.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(t) != ""
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	}

	return true
}

func (v *validator) fieldInvalid(loc, field, msg string) {
	v.out.add(Issue{Code: "DESCRIPTION_FIELD_INVALID", Location: loc, SubCode: field, Message: msg, Suggestion: fieldHint[field]}, "")
}

func (v *validator) checkTitle(loc string, doc map[string]any) {
	if x, ok := doc["title"]; ok && x != nil {
		if _, isStr := x.(string); !isStr {
			v.fieldInvalid(loc, "title", `"title" must be a string`)
		}
	}
}

func (v *validator) checkCreators(loc string, doc map[string]any, requireORCID bool) {
	raw, ok := doc["creators"]
	if !ok || raw == nil {
		return
	}
	list, ok := raw.([]any)
	if !ok {
		v.fieldInvalid(loc, "creators", `"creators" must be a list of people or organisations`)

		return
	}
	for i, c := range list {
		at := fmt.Sprintf("creators[%d]", i)
		if s, isStr := c.(string); isStr {
			if strings.TrimSpace(s) == "" {
				v.fieldInvalid(loc, at, at+" is empty")
			}
			if requireORCID {
				v.out.add(Issue{Code: "MISSING_ORCID", Location: loc, SubCode: at,
					Message: fmt.Sprintf("%s (%q) has no ORCID iD", at, s), Suggestion: fieldHint["creators"]}, "")
			}

			continue
		}
		m, isObj := c.(map[string]any)
		if !isObj {
			v.fieldInvalid(loc, at, at+" must be a name or an object with name and orcid")

			continue
		}
		if n, _ := m["name"].(string); strings.TrimSpace(n) == "" {
			v.fieldInvalid(loc, at+".name", at+" has no name")
		}
		v.checkAffiliations(loc, at, m["affiliation"])
		orcid, _ := m["orcid"].(string)
		switch {
		case orcid != "":
			if msg := CheckORCID(orcid); msg != "" {
				v.out.add(Issue{Code: "INVALID_ORCID", Location: loc, SubCode: at + ".orcid",
					Message: fmt.Sprintf("%s.orcid %q %s", at, orcid, msg)}, "")
			}
		case requireORCID:
			v.out.add(Issue{Code: "MISSING_ORCID", Location: loc, SubCode: at + ".orcid",
				Message: at + " has no ORCID iD", Suggestion: fieldHint["creators"]}, "")
		}
	}
}

// checkAffiliations accepts what lakehouse_dataset records: an
// organisation name, an object with its name and ROR id, or a list of
// either. A ROR id must carry valid check digits, as at plan time.
func (v *validator) checkAffiliations(loc, creator string, raw any) {
	if raw == nil {
		return
	}
	list, isList := raw.([]any)
	if !isList {
		list = []any{raw}
	}
	for j, a := range list {
		at := fmt.Sprintf("%s.affiliation", creator)
		if isList {
			at = fmt.Sprintf("%s[%d]", at, j)
		}
		switch x := a.(type) {
		case string:
			if strings.TrimSpace(x) == "" {
				v.fieldInvalid(loc, at, at+" is empty")
			}
		case map[string]any:
			if n, _ := x["name"].(string); strings.TrimSpace(n) == "" {
				v.fieldInvalid(loc, at+".name", at+" has no name")
			}
			for _, k := range []string{"ror", "ror_id"} {
				ror, isStr := x[k].(string)
				if x[k] != nil && !isStr {
					v.fieldInvalid(loc, at+"."+k, at+"."+k+" must be a string")

					continue
				}
				if msg := CheckROR(ror); ror != "" && msg != "" {
					v.out.add(Issue{Code: "INVALID_ROR", Location: loc, SubCode: at + "." + k,
						Message: fmt.Sprintf("%s.%s %q %s", at, k, ror, msg), Suggestion: fieldHint["affiliation"]}, "")
				}
			}
		default:
			v.out.add(Issue{Code: "DESCRIPTION_FIELD_INVALID", Location: loc, SubCode: at,
				Message: at + " must be an organisation name or an object with name and ror", Suggestion: fieldHint["affiliation"]}, "")
		}
	}
}

// checkKeywords: a list of non-empty strings, as the dataset record holds.
func (v *validator) checkKeywords(loc string, doc map[string]any) {
	raw, ok := doc["keywords"]
	if !ok || raw == nil {
		return
	}
	list, isList := raw.([]any)
	if !isList {
		v.fieldInvalid(loc, "keywords", `"keywords" must be a list of strings`)

		return
	}
	for i, k := range list {
		if s, isStr := k.(string); !isStr || strings.TrimSpace(s) == "" {
			v.fieldInvalid(loc, fmt.Sprintf("keywords[%d]", i), fmt.Sprintf("keywords[%d] must be a non-empty string", i))
		}
	}
}

// checkAccessLevel: the access levels of lakehouse_dataset.
func (v *validator) checkAccessLevel(loc string, doc map[string]any) {
	raw, ok := doc["access_level"]
	if !ok || raw == nil {
		return
	}
	if s, _ := raw.(string); !slices.Contains(fair.AccessLevels, s) {
		v.fieldInvalid(loc, "access_level", fmt.Sprintf("access_level must be one of %s, got %v", strings.Join(fair.AccessLevels, ", "), raw))
	}
}

func (v *validator) checkLicense(loc string, doc map[string]any, rules *DescriptionRules) {
	raw, ok := doc["license"]
	if !ok || raw == nil {
		return
	}
	s, isStr := raw.(string)
	if !isStr {
		v.fieldInvalid(loc, "license", `"license" must be an SPDX identifier string`)

		return
	}
	if s == "" {
		return
	}
	if msg := CheckLicense(s); msg != "" {
		v.out.add(Issue{Code: "INVALID_LICENSE", Location: loc, SubCode: "license", Message: fmt.Sprintf("license %s", msg),
			Suggestion: "write the SPDX identifier, e.g. CC-BY-4.0 rather than \"CC BY 4.0\""}, s)

		return
	}
	if rules == nil || len(rules.Licenses) == 0 {
		return
	}
	if ok, err := spdxexp.Satisfies(s, rules.Licenses); err != nil || !ok {
		v.out.add(Issue{Code: "LICENSE_NOT_ALLOWED", Location: loc, SubCode: "license",
			Message: fmt.Sprintf("license %q is not one of the licences the schema allows (%s)", s, strings.Join(rules.Licenses, ", "))}, s)
	}
}

func (v *validator) checkDataUse(loc string, doc map[string]any) {
	raw, ok := doc["data_use"]
	if !ok || raw == nil {
		return
	}
	m, isObj := raw.(map[string]any)
	if !isObj {
		v.fieldInvalid(loc, "data_use", `"data_use" must be an object with basis and reference`)

		return
	}
	basis, _ := m["basis"].(string)
	if !slices.Contains(DataUseBases, basis) {
		v.fieldInvalid(loc, "data_use.basis", fmt.Sprintf("data_use.basis must be one of %s, got %q", strings.Join(DataUseBases, ", "), basis))

		return
	}
	if ref, _ := m["reference"].(string); basis != "public" && strings.TrimSpace(ref) == "" {
		v.fieldInvalid(loc, "data_use.reference", fmt.Sprintf("data_use.reference must name the %s (protocol, agreement or approval id) when basis is %q", strings.ReplaceAll(basis, "_", " "), basis))
	}
}

// checkSchemaVersion compares the schema version a submission declares
// (like BIDSVersion) with the schema's; a mismatch is a warning, because
// the submission may follow rules that have since changed.
func (v *validator) checkSchemaVersion(loc string, doc map[string]any) {
	declared, _ := doc["schema_version"].(string)
	if declared == "" || v.schema.Version == "" || declared == v.schema.Version {
		return
	}
	v.out.add(Issue{Code: "SCHEMA_VERSION_MISMATCH", Location: loc, SubCode: "schema_version",
		Message:    fmt.Sprintf("the submission declares schema version %q; it is being validated against %s %s", declared, v.schema.Name, v.schema.Version),
		Suggestion: "check the submission against the schema version it was prepared for, or update schema_version"}, declared)
}
