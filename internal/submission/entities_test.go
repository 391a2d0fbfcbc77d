package submission_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
)

// districtSchema is an education layout with entity-based names:
// inst-<label>_term-<label>_<suffix>.csv, a roster and a fact table.
const districtSchema = `{
  "format": "lakehouse.submission-schema/v1",
  "name": "district",
  "version": "2.0",
  "dataset_description": {"required_fields": ["title", "creators", "license", "data_use"], "licenses": ["CC-BY-4.0", "CC0-1.0"]},
  "entities": [{"name": "inst", "format": "label"}, {"name": "term", "format": "label"}, {"name": "run", "format": "index"}],
  "tables": [
    {"name": "roster", "suffix": "roster", "required_entities": ["inst"], "required": true, "extensions": [".csv", ".tsv"],
     "primary_key": ["student_key"],
     "columns": [
       {"name": "student_key", "type": "string", "required": true, "nullable": false, "pattern": "S[0-9]{4}"},
       {"name": "age", "type": "integer", "minimum": 3, "maximum": 25, "unit": "years"}]},
    {"name": "measures", "suffix": "measures", "required_entities": ["inst", "term"], "optional_entities": ["run"],
     "sidecar_required_fields": ["collection_period"],
     "columns": [
       {"name": "student_key", "type": "string", "required": true, "nullable": false},
       {"name": "unit", "type": "string", "allowed_values": ["µV", "mV"]},
       {"name": "score", "type": "number", "minimum": 0, "maximum": 100}]}
  ],
  "foreign_keys": [{"name": "measured_student", "table": "measures", "columns": ["student_key"], "references_table": "roster", "references_columns": ["student_key"]}]
}`

const goodDescription = `{"title": "Pilot", "creators": [{"name": "Carberry, Josiah", "orcid": "https://orcid.org/0000-0002-1825-0097"}],
  "license": "CC-BY-4.0", "data_use": {"basis": "consent", "reference": "IRB-2024-017"}, "doi": "10.1234/pilot.1", "description": "pilot"}`

// district writes a valid submission under a root whose name has brackets
// and spaces (C27: paths are literals, never glob patterns).
func district(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "study [pilot-2] v1")
	write(t, root, "dataset_description.json", []byte(goodDescription))
	write(t, root, "inst-north_roster.csv", []byte("student_key,age\r\nS0001,14\r\nS0002,15\r\n"))
	write(t, root, "measures.json", []byte(`{"collection_period": "2024-spring", "columns": {"score": {"description": "scaled score", "maximum": 50}}}`))
	// Micro sign U+00B5 on one row, Greek mu U+03BC on the other (C27).
	write(t, root, "north/inst-north_term-fall_measures.csv", []byte("student_key,unit,score\nS0001,\u00b5V,40\nS0002,\u03bcV,41\n"))

	return root
}

func TestValidate_EntityLayoutIsValid(t *testing.T) {
	r := run(t, district(t), mustSchema(t, districtSchema), submission.Options{})
	if len(r.Issues.Issues) != 0 {
		t.Fatalf("want no issues:\n%s", dump(r))
	}
	if r.Summary.DataFiles != 2 || r.Summary.RowsRead != 4 {
		t.Fatalf("summary %+v", r.Summary)
	}
}

func TestValidate_FileNameRules(t *testing.T) {
	cases := []struct{ file, code string }{
		{"term-fall_inst-north_measures.csv", "ENTITY_ORDER_INCORRECT"},
		{"inst-north_term-fall_ses-1_measures.csv", "ENTITY_NOT_IN_RULE"},
		{"inst-north_measures.csv", "MISSING_REQUIRED_ENTITY"},
		{"inst-no_rth_term-fall_measures.csv", "FILENAME_MISMATCH"},
		{"inst-north_term-fall_run-a_measures.csv", "INVALID_ENTITY_LABEL"},
		{"inst-north_term-fall_measures.xlsx", "EXTENSION_MISMATCH"},
		{"inst-north_grades.csv", "NOT_INCLUDED"},
		{"INST-north_roster.csv", "CASE_COLLISION"}, // reported on the later of the two paths
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			root := district(t)
			write(t, root, c.file, []byte("student_key,unit,score\nS0001,mV,1\n"))
			r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
			at := c.file
			if c.code == "CASE_COLLISION" {
				at = "inst-north_roster.csv"
			}
			if is := find(r, c.code, at); is == nil || !r.HasErrors() {
				t.Fatalf("want %s for %s:\n%s", c.code, c.file, dump(r))
			}
		})
	}
}

func TestValidate_TSVByExtension(t *testing.T) {
	root := district(t)
	write(t, root, "inst-south_roster.tsv", []byte("student_key\tage\nS0003\t30\n"))
	r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
	is := find(r, "CSV_VALUE_OUT_OF_RANGE", "inst-south_roster.tsv")
	if is == nil || is.Examples[0] != "30" || !strings.Contains(is.Message, "years") {
		t.Fatalf("want age 30 out of range [3, 25] years:\n%s", dump(r))
	}
}

// Sidecars are inherited from parent folders and validated on the merged
// result: the root sidecar narrows score to at most 50, a nearer one
// overrides a field (a warning), and a sidecar may not widen the range.
func TestValidate_SidecarInheritance(t *testing.T) {
	root := district(t)
	write(t, root, "north/inst-north_term-fall_measures.csv", []byte("student_key,unit,score\nS0001,mV,60\n"))
	r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if is := find(r, "CSV_VALUE_OUT_OF_RANGE", "north/inst-north_term-fall_measures.csv"); is == nil || is.Examples[0] != "60" {
		t.Fatalf("the inherited maximum 50 should reject 60:\n%s", dump(r))
	}

	write(t, root, "north/inst-north_measures.json", []byte(`{"collection_period": "2024-fall", "columns": {"score": {"maximum": 200}}}`))
	r = run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if find(r, "SIDECAR_FIELD_OVERRIDE", "north/inst-north_measures.json") == nil {
		t.Errorf("want SIDECAR_FIELD_OVERRIDE:\n%s", dump(r))
	}
	if is := find(r, "SIDECAR_VALUES_NOT_SUBSET", "north/inst-north_term-fall_measures.csv"); is == nil || is.SubCode != "score.maximum" {
		t.Errorf("want SIDECAR_VALUES_NOT_SUBSET for score.maximum:\n%s", dump(r))
	}
	// A sidecar for another institution does not apply (entity subset).
	write(t, root, "inst-south_measures.json", []byte(`{"collection_period": "x"}`))
	r = run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if find(r, "SIDECAR_WITHOUT_DATAFILE", "inst-south_measures.json") == nil {
		t.Errorf("want SIDECAR_WITHOUT_DATAFILE:\n%s", dump(r))
	}
}

func TestValidate_SidecarRequiredField(t *testing.T) {
	root := district(t)
	write(t, root, "measures.json", []byte(`{"columns": {"unknown_col": {"description": "x"}}}`))
	r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if is := find(r, "SIDECAR_FIELD_MISSING", "north/inst-north_term-fall_measures.csv"); is == nil || is.SubCode != "collection_period" {
		t.Errorf("want SIDECAR_FIELD_MISSING collection_period:\n%s", dump(r))
	}
	if find(r, "SIDECAR_UNKNOWN_COLUMN", "") == nil {
		t.Errorf("want SIDECAR_UNKNOWN_COLUMN:\n%s", dump(r))
	}
}

func TestValidate_DatasetDescription(t *testing.T) {
	cases := []struct {
		name, doc, code, subCode string
	}{
		{"orcid check digit", `{"title": "t", "creators": [{"name": "A", "orcid": "0000-0002-1825-0098"}], "license": "CC-BY-4.0", "data_use": {"basis": "public"}}`, "INVALID_ORCID", "creators[0].orcid"},
		{"orcid shape", `{"title": "t", "creators": [{"name": "A", "orcid": "1825-0097"}], "license": "CC-BY-4.0", "data_use": {"basis": "public"}}`, "INVALID_ORCID", "creators[0].orcid"},
		{"licence spelling", `{"title": "t", "creators": ["A"], "license": "CC BY 4.0", "data_use": {"basis": "public"}}`, "INVALID_LICENSE", "license"},
		{"licence not allowed", `{"title": "t", "creators": ["A"], "license": "MIT", "data_use": {"basis": "public"}}`, "LICENSE_NOT_ALLOWED", "license"},
		{"no title", `{"creators": ["A"], "license": "CC0-1.0", "data_use": {"basis": "public"}}`, "DESCRIPTION_FIELD_MISSING", "title"},
		{"empty creators", `{"title": "t", "creators": [], "license": "CC0-1.0", "data_use": {"basis": "public"}}`, "DESCRIPTION_FIELD_MISSING", "creators"},
		{"consent without reference", `{"title": "t", "creators": ["A"], "license": "CC0-1.0", "data_use": {"basis": "consent"}}`, "DESCRIPTION_FIELD_INVALID", "data_use.reference"},
		{"unknown basis", `{"title": "t", "creators": ["A"], "license": "CC0-1.0", "data_use": {"basis": "verbal"}}`, "DESCRIPTION_FIELD_INVALID", "data_use.basis"},
		{"doi", `{"title": "t", "creators": ["A"], "license": "CC0-1.0", "data_use": {"basis": "public"}, "doi": "doi.org/xyz"}`, "INVALID_DOI", "doi"},
		{"not json", `{"title": `, "DATASET_DESCRIPTION_INVALID", ""},
		{"ror check digits", `{"title": "t", "creators": [{"name": "A", "affiliation": {"name": "CDL", "ror": "03yrm5c27"}}], "license": "CC0-1.0", "data_use": {"basis": "public"}}`, "INVALID_ROR", "creators[0].affiliation.ror"},
		{"ror in a list", `{"title": "t", "creators": [{"name": "A", "affiliation": ["OU", {"name": "CDL", "ror_id": "https://ror.org/13yrm5c26"}]}], "license": "CC0-1.0", "data_use": {"basis": "public"}}`, "INVALID_ROR", "creators[0].affiliation[1].ror_id"},
		{"affiliation shape", `{"title": "t", "creators": [{"name": "A", "affiliation": 7}], "license": "CC0-1.0", "data_use": {"basis": "public"}}`, "DESCRIPTION_FIELD_INVALID", "creators[0].affiliation"},
		{"access level", `{"title": "t", "creators": ["A"], "license": "CC0-1.0", "data_use": {"basis": "public"}, "access_level": "public"}`, "DESCRIPTION_FIELD_INVALID", "access_level"},
		{"keywords", `{"title": "t", "creators": ["A"], "license": "CC0-1.0", "data_use": {"basis": "public"}, "keywords": "moocs"}`, "DESCRIPTION_FIELD_INVALID", "keywords"},
		{"blank keyword", `{"title": "t", "creators": ["A"], "license": "CC0-1.0", "data_use": {"basis": "public"}, "keywords": ["moocs", " "]}`, "DESCRIPTION_FIELD_INVALID", "keywords[1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := district(t)
			write(t, root, "dataset_description.json", []byte(c.doc))
			r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
			is := find(r, c.code, "dataset_description.json")
			if is == nil || is.SubCode != c.subCode || !r.HasErrors() {
				t.Fatalf("want %s [%s]:\n%s", c.code, c.subCode, dump(r))
			}
		})
	}
	// A valid expression of allowed licences passes, and the missing DOI
	// and description are only recommendations.
	root := district(t)
	write(t, root, "dataset_description.json", []byte(`{"title": "t", "creators": ["A", {"name": "B", "orcid": "0000-0002-1825-0097", `+
		`"affiliation": [{"name": "CDL", "ror": "https://ror.org/03yrm5c26"}, "OU"]}], "license": "CC-BY-4.0 OR CC0-1.0", `+
		`"data_use": {"basis": "public"}, "access_level": "restricted", "keywords": ["moocs"]}`))
	r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if r.HasErrors() || find(r, "DESCRIPTION_FIELD_RECOMMENDED", "") == nil {
		t.Fatalf("want valid with recommendations:\n%s", dump(r))
	}
}

func TestCheckORCID(t *testing.T) {
	for _, ok := range []string{"0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700", "0000-0002-1694-233X"} {
		if msg := submission.CheckORCID(ok); msg != "" {
			t.Errorf("%s: %s", ok, msg)
		}
	}
	for _, bad := range []string{"0000-0002-1825-0096", "0000000218250097", "0000-0002-1694-2330"} {
		if submission.CheckORCID(bad) == "" {
			t.Errorf("%s accepted", bad)
		}
	}
}

// C27 (legacy-validator#433): bare CR line endings are read as lines, with
// a warning, instead of one giant header row.
func TestValidate_BareCR(t *testing.T) {
	root := district(t)
	write(t, root, "inst-north_roster.csv", []byte("student_key,age\rS0001,14\rS0002,15\r"))
	r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if find(r, "CSV_BARE_CR_LINE_ENDINGS", "inst-north_roster.csv") == nil || r.HasErrors() || r.Summary.RowsRead != 4 {
		t.Fatalf("want only a bare-CR warning and 4 rows:\n%s", dump(r))
	}
}

// A primary key is unique across all files of a table, not per file.
func TestValidate_PrimaryKeyAcrossFiles(t *testing.T) {
	root := district(t)
	write(t, root, "inst-south_roster.csv", []byte("student_key,age\nS0002,15\n"))
	r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if is := find(r, "CSV_INDEX_VALUE_NOT_UNIQUE", "inst-south_roster.csv"); is == nil || is.Examples[0] != "S0002" {
		t.Fatalf("want a duplicate key across roster files:\n%s", dump(r))
	}
}

func TestValidate_SchemaVersionMismatch(t *testing.T) {
	root := district(t)
	write(t, root, "dataset_description.json", []byte(strings.Replace(goodDescription, `"title"`, `"schema_version": "1.0", "title"`, 1)))
	r := run(t, root, mustSchema(t, districtSchema), submission.Options{})
	if is := find(r, "SCHEMA_VERSION_MISMATCH", "dataset_description.json"); is == nil || is.Severity != submission.SeverityWarning || r.HasErrors() {
		t.Fatalf("want a version warning only:\n%s", dump(r))
	}
}
