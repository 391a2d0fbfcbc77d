package deid

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func mustPolicy(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := ParsePolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}

	return p
}

func runCSV(t *testing.T, p *Policy, input string) (string, *Audit, error) {
	t.Helper()
	var out bytes.Buffer
	a, err := ProcessCSV(context.Background(), p, strings.NewReader(input), &out, tabular.CSVOptions{}, Options{Key: testKey}, nil)

	return out.String(), a, err
}

// The Synthea patients file (Synthea by The MITRE Corporation, Apache-2.0;
// export from mcode/fhir-reasoning-omop-ri-patients commit ff0743c2; all
// records synthetic) through the safe-harbor profile: every value of every
// identifier column is transformed as the policy says, and no original
// identifier value appears anywhere in the output.
const syntheaPolicy = `{
  "format_version": 1,
  "name": "synthea-patients",
  "profile": "safe-harbor",
  "reference_date": "2026-01-01",
  "columns": {
    "PREFIX": {"action": "keep"}, "SUFFIX": {"action": "keep"}, "MARITAL": {"action": "keep"},
    "RACE": {"action": "keep"}, "ETHNICITY": {"action": "keep"}, "GENDER": {"action": "keep"},
    "STATE": {"action": "keep"}, "HEALTHCARE_EXPENSES": {"action": "keep"}, "HEALTHCARE_COVERAGE": {"action": "keep"}
  }
}`

func TestSyntheaPatientsZeroLeaks(t *testing.T) {
	input, err := os.ReadFile("testdata/synthea_patients.csv")
	if err != nil {
		t.Fatal(err)
	}
	out, audit, err := runCSV(t, mustPolicy(t, syntheaPolicy), string(input))
	if err != nil {
		t.Fatal(err)
	}
	inRows, _ := csv.NewReader(bytes.NewReader(input)).ReadAll()
	outRows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(outRows) != len(inRows) || audit.Rows != int64(len(inRows)-1) {
		t.Fatalf("rows: in %d, out %d, audited %d", len(inRows), len(outRows), audit.Rows)
	}
	inCol, outCol := index(inRows[0]), index(outRows[0])
	dropped := []string{"SSN", "DRIVERS", "PASSPORT", "FIRST", "LAST", "MAIDEN", "BIRTHPLACE", "ADDRESS", "CITY", "COUNTY", "LAT", "LON"}
	for _, c := range dropped {
		if _, ok := outCol[c]; ok {
			t.Errorf("identifier column %s is in the output", c)
		}
	}
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	zipSeen, topCoded := 0, 0
	for i, in := range inRows[1:] {
		o := outRows[i+1]
		get := func(c string) string { return o[outCol[c]] }
		if want := Pseudonym(testKey, in[inCol["Id"]], 0); get("Id") != want {
			t.Errorf("row %d: Id not pseudonymised", i+1)
		}
		for _, c := range []string{"BIRTHDATE", "DEATHDATE"} {
			v := in[inCol[c]]
			if v == "" {
				if get(c) != "" {
					t.Errorf("row %d %s: empty became %q", i+1, c, get(c))
				}

				continue
			}
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				t.Fatal(err)
			}
			want := strconv.Itoa(d.Year())
			if c == "BIRTHDATE" && ageAt(d, ref) > 89 {
				want = DefaultAgeLabel
				topCoded++
			}
			if get(c) != want {
				t.Errorf("row %d %s: got %q, want %q", i+1, c, get(c), want)
			}
		}
		zip := in[inCol["ZIP"]]
		switch {
		case zip == "":
			if get("ZIP") != "" {
				t.Errorf("row %d: empty ZIP became %q", i+1, get("ZIP"))
			}
		case RestrictedZIP3[zip[:3]]:
			if get("ZIP") != "000" {
				t.Errorf("row %d: restricted ZIP -> %q", i+1, get("ZIP"))
			}
		default:
			zipSeen++
			if get("ZIP") != zip[:3] {
				t.Errorf("row %d: ZIP -> %q, want %q (leading zeros kept)", i+1, get("ZIP"), zip[:3])
			}
		}
		// Zero leaks: no identifier value survives anywhere in the row.
		line := strings.Join(o, "\x00")
		for _, c := range append(dropped, "Id", "BIRTHDATE", "DEATHDATE", "ZIP") {
			v := in[inCol[c]]
			if len(v) >= 4 && strings.Contains(line, v) {
				t.Errorf("row %d: value of %s leaked into the output", i+1, c)
			}
		}
	}
	if zipSeen == 0 {
		t.Fatal("no ZIPs checked")
	}
	t.Logf("%d rows, %d ZIPs generalised, %d birth dates top-coded", audit.Rows, zipSeen, topCoded)
}

func index(h []string) map[string]int {
	m := map[string]int{}
	for i, c := range h {
		m[c] = i
	}

	return m
}

// C32: columns named with spaces, hyphens and a leading digit work; a
// duplicate header is an error before any output, naming the column, unless
// the rule selects positions.
func TestOddColumnNames_C32(t *testing.T) {
	input := "Full Name,e-mail,1st visit,class,Full Name\nDana Whitfield,dw@example.org,2021-03-04,A,D. Whitfield\n"
	p := mustPolicy(t, `{"format_version":1,"columns":{
		"Full Name":{"action":"redact"},"e-mail":{"action":"drop"},"1st visit":{"action":"date_year"},"class":{"action":"keep"}}}`)
	out, _, err := runCSV(t, p, input)
	var ce *ColumnError
	if !errors.As(err, &ce) || ce.Column != "Full Name" || !strings.Contains(err.Error(), "appears 2 times") {
		t.Fatalf("want a duplicate-column error naming Full Name, got %v", err)
	}
	if out != "" {
		t.Fatalf("output written before the error: %q", out)
	}
	p.Columns["Full Name"].Positions = []int{1, 5}
	out, _, err = runCSV(t, p, input)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Full Name,1st visit,class,Full Name\n,2021,A,\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

// C35: a ragged row stops the run with its record and line; nothing is
// silently padded.
func TestRaggedRowFails_C35(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"default_action":"keep","columns":{"note":{"action":"scrub"}}}`)
	_, _, err := runCSV(t, p, "id,note,amount\n1,\"first line\nsecond line\",10\n2,ok\n")
	var se *tabular.StructureError
	if !errors.As(err, &se) || se.Record != 2 || se.Line != 4 {
		t.Fatalf("want a structure error at record 2 line 4, got %v", err)
	}
	// The error names the place, never a cell value.
	_, _, err = runCSV(t, p, "id,note,amount\n1,a,10\n2,b,7,Dana Whitfield\n")
	if !errors.As(err, &se) || se.Got != 4 || strings.Contains(err.Error(), "Whitfield") {
		t.Fatalf("got %v", err)
	}
}

// C34: a BOM before the header does not hide the first column.
func TestBOMHeader_C34(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"columns":{"id":{"action":"pseudonymise"},"name":{"action":"drop"}}}`)
	out, _, err := runCSV(t, p, "\ufeff\"id\",name\n1,Ana\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "id\n" + Pseudonym(testKey, "1", 0) + "\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func TestUnknownColumnsFailByDefault(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"profile":"safe-harbor"}`)
	_, _, err := runCSV(t, p, "student_id,favourite_colour\n1,red\n")
	if err == nil || !strings.Contains(err.Error(), `"favourite_colour"`) {
		t.Fatalf("want an error naming the unclassified column, got %v", err)
	}
	p.DefaultAction = "drop"
	out, _, err := runCSV(t, p, "student_id,favourite_colour\n1,red\n")
	if err != nil || out != "student_id\n"+Pseudonym(testKey, "1", 0)+"\n" {
		t.Fatalf("got %q, %v", out, err)
	}
}

func TestOperators(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"subject_column":"sid","columns":{
		"sid":{"action":"keep"},
		"zip":{"action":"zip3"},
		"age":{"action":"age"},
		"visit":{"action":"date_shift","max_shift_days":30},
		"phone":{"action":"mask","masking_char":"#","chars_to_mask":4,"from_end":true},
		"card":{"action":"replace","new_value":"<CARD>"},
		"note":{"action":"scrub"}}}`)
	out, a, err := runCSV(t, p, "sid,zip,age,visit,phone,card,note\n"+
		"s1,03601,94,2021-03-04,617-555-0134,4111,Seen 3/4/21 by Dr. Okafor\n"+
		"s1,2451,35-55,2021-03-10,x,y,\n"+
		"s2,99999-1234,12,not a date,x,y,ok\n")
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
	if rows[1][1] != "000" || rows[2][1] != "024" || rows[3][1] != "999" {
		t.Errorf("zip3: %v %v %v", rows[1][1], rows[2][1], rows[3][1])
	}
	if rows[1][2] != DefaultAgeLabel || rows[2][2] != "35-55" || rows[3][2] != "12" {
		t.Errorf("age: %q %q %q", rows[1][2], rows[2][2], rows[3][2])
	}
	d1, _ := time.Parse(time.DateOnly, rows[1][3])
	d2, _ := time.Parse(time.DateOnly, rows[2][3])
	if d2.Sub(d1) != 6*24*time.Hour || rows[1][3] == "2021-03-04" {
		t.Errorf("date_shift must move a subject's dates by one offset: %q %q", rows[1][3], rows[2][3])
	}
	if rows[3][3] != "" {
		t.Errorf("an unparseable date must be suppressed, got %q", rows[3][3])
	}
	if rows[1][4] != "617-555-####" || rows[1][5] != "<CARD>" || rows[1][6] != "Seen [DATE 2021] by Dr. [NAME]" {
		t.Errorf("mask/replace/scrub: %q", rows[1])
	}
	var visit ColumnAudit
	for _, c := range a.Columns {
		if c.Column == "visit" {
			visit = c
		}
	}
	if visit.Suppressed != 1 || visit.Transformed != 2 {
		t.Errorf("audit for visit: %+v", visit)
	}
}

func TestPresidioCompatibleOperators(t *testing.T) {
	// Presidio hash: hex(sha256(UTF-8 text followed by the salt bytes)).
	salt := []byte("0123456789abcdef")
	got, err := PresidioHash("Dana Ñ", salt, "sha256")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(append([]byte("Dana Ñ"), salt...))
	if got != hex.EncodeToString(sum[:]) {
		t.Fatalf("hash = %s, want sha256(text||salt)", got)
	}
	got512, _ := PresidioHash("Dana Ñ", salt, "sha512")
	if sum := sha512.Sum512(append([]byte("Dana Ñ"), salt...)); got512 != hex.EncodeToString(sum[:]) {
		t.Fatal("sha512 differs")
	}
	if _, err := PresidioHash("Dana", []byte("short"), "sha256"); err == nil {
		t.Fatal("a salt under 16 bytes must be refused, as in Presidio")
	}
	a, _ := PresidioHash("Dana", nil, "sha512")
	b, _ := PresidioHash("Dana", nil, "sha512")
	if a == b || len(a) != 128 {
		t.Fatal("without a salt every call draws a random salt")
	}
	tok, err := PresidioEncrypt([]byte("WmZq4t7w!z%C&F)J"), "text")
	if err != nil {
		t.Fatal(err)
	}
	// URL-safe base64 of a 16-byte IV and one AES block; a fresh IV each time.
	raw, err := base64.URLEncoding.DecodeString(tok)
	if err != nil || len(raw) != 32 || strings.ContainsAny(tok, "+/") {
		t.Fatalf("token %q: %v", tok, err)
	}
	if tok2, _ := PresidioEncrypt([]byte("WmZq4t7w!z%C&F)J"), "text"); tok2 == tok {
		t.Fatal("the IV must be random")
	}
	if back, err := PresidioDecrypt([]byte("WmZq4t7w!z%C&F)J"), tok); err != nil || back != "text" {
		t.Fatalf("round trip: %q %v", back, err)
	}
	if Mask("4111111111111111", '*', 12, false) != "************1111" {
		t.Fatal("mask")
	}
}

func TestPolicyValidation(t *testing.T) {
	_, err := ParsePolicy([]byte(`{"format_version":1,"columns":{"ssn":{"action":"shred"},
		"zip":{"action":"zip3","masking_char":"##"},"d":{"action":"date_shift"}},"colums":{}}`))
	if err == nil || !strings.Contains(err.Error(), "colums") {
		t.Fatalf("unknown keys must be refused: %v", err)
	}
	_, err = ParsePolicy([]byte(`{"format_version":1,"columns":{"ssn":{"action":"shred"},
		"zip":{"action":"zip3","masking_char":"##"},"d":{"action":"date_shift"}}}`))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v", err)
	}
	want := []string{`columns["ssn"].action`, `columns["zip"].masking_char`, `columns["zip"].masking_char`, `subject_column`}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Path)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("problem paths %v, want %v (%v)", got, want, ve)
	}
}

func TestSafeHarborClassification(t *testing.T) {
	cases := map[string]Identifier{
		"Full Name": IDName, "e-mail": IDEmail, "SSN": IDSSN, "ZIP": IDZip, "zip_code": IDZip,
		"BIRTHDATE": IDDate, "DOB": IDDate, "admission_date": IDDate, "age": IDAge, "phone_home": IDPhone,
		"fax": IDFax, "MRN": IDMRN, "member_id": IDHealthPlan, "account_number": IDAccount,
		"DRIVERS": IDLicense, "PASSPORT": IDLicense, "license_plate": IDVehicle, "LicensePlate": IDVehicle, "vin": IDVehicle, "vehicle_plate_no": IDVehicle,
		"device_serial": IDDevice, "website": IDURL, "ip_address": IDIP, "fingerprint": IDBiometric,
		"photo": IDPhoto, "student_id": IDOther, "id_student": IDOther, "Id": IDOther, "LAT": IDGeo,
		"COUNTY": IDGeo, "ADDRESS": IDGeo, "notes": IDFreeText, "mother_name": IDName,
	}
	for col, want := range cases {
		got, _, ok := ClassifyColumn(col)
		if !ok || got != want {
			t.Errorf("ClassifyColumn(%q) = %q, %v; want %q", col, got, ok, want)
		}
	}
	for _, col := range []string{"GENDER", "RACE", "ETHNICITY", "STATE", "HEALTHCARE_EXPENSES", "imd_band", "final_result"} {
		if id, _, ok := ClassifyColumn(col); ok {
			t.Errorf("ClassifyColumn(%q) = %q, want unclassified", col, id)
		}
	}
}

// Column names from K-12 and university exports are matched by tokens
// (split on "_", "-", spaces and camelCase, any case): "home_tel" and
// "Counselor Comments" are identifiers although no documented pattern is
// the whole name.
func TestSafeHarborClassificationSchoolColumns(t *testing.T) {
	cases := []struct {
		col    string
		id     Identifier
		action string
	}{
		{"home_tel", IDPhone, "drop"},
		{"HomePhone", IDPhone, "drop"},
		{"parent_cell", IDPhone, "drop"},
		{"Guardian Mobile", IDPhone, "drop"},
		{"emergency_contact_phone", IDPhone, "drop"},
		{"work-tel", IDPhone, "drop"},
		{"Counselor Comments", IDFreeText, "scrub"},
		{"teacher_notes", IDFreeText, "scrub"},
		{"IEP_Notes", IDFreeText, "scrub"},
		{"advisorRemarks", IDFreeText, "scrub"},
		{"guardian_email", IDEmail, "drop"},
		{"StudentEmailAddress", IDEmail, "drop"},
		{"student_ssn", IDSSN, "drop"},
		{"mailing_address", IDGeo, "drop"},
		{"Home Address Line 2", IDGeo, "drop"},
		{"home_city", IDGeo, "drop"},
		{"dob", IDDate, "date_year"},
		{"Student DOB", IDDate, "date_year"},
		{"date_of_birth", IDDate, "date_year"},
		{"BirthDate", IDDate, "date_year"},
		{"enrollment_date", IDDate, "date_year"},
		{"withdrawal_dt", IDDate, "date_year"},
		{"zip_code", IDZip, "zip3"},
		{"postal_code", IDZip, "zip3"},
		{"home_zip", IDZip, "zip3"},
		{"ZIP5", IDZip, "zip3"},
		{"student_first_name", IDName, "drop"},
		{"LastName", IDName, "drop"},
		{"Student Name", IDName, "drop"},
		{"parent_guardian_name", IDName, "drop"},
		{"student_id", IDOther, "pseudonymise"},
		{"StudentID", IDOther, "pseudonymise"},
		{"Student ID", IDOther, "pseudonymise"},
		{"client_ip", IDIP, "drop"},
		{"IPAddress", IDIP, "drop"},
		{"Age", IDAge, "age"},
	}
	for _, c := range cases {
		id, rule, ok := ClassifyColumn(c.col)
		if !ok || id != c.id || rule.Action != c.action {
			t.Errorf("ClassifyColumn(%q) = %q %q %v; want %q %q", c.col, id, rule.Action, ok, c.id, c.action)
		}
	}
	for _, col := range []string{"gpa", "GPA", "imd_band", "grade_level", "final_result", "course_code", "studied_credits",
		"num_of_prev_attempts", "Ethnicity", "Gender", "school_state", "telemetry_score", "cellular_biology_grade", "platelet_count"} {
		if id, _, ok := ClassifyColumn(col); ok {
			t.Errorf("ClassifyColumn(%q) = %q, want unclassified", col, id)
		}
	}
}

// The headers of the real data the runner is tried on: the OULAD tables
// (CC BY 4.0) of examples/quickstart/data/oulad and every file of the
// Synthea CSV export (Apache-2.0) that testdata/synthea_patients.csv comes
// from. Their classification is pinned, so that a pattern added for one
// export cannot quietly take a column of another.
var realDataHeaders = map[string]string{
	"synthea/allergies.csv":         "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION",
	"oulad/assessments.csv":         "code_module,code_presentation,id_assessment,assessment_type,date,weight",
	"synthea/careplans.csv":         "Id,START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION,REASONCODE,REASONDESCRIPTION",
	"synthea/conditions.csv":        "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION",
	"oulad/courses.csv":             "code_module,code_presentation,module_presentation_length",
	"synthea/devices.csv":           "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION,UDI",
	"synthea/encounters.csv":        "Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,PAYER,ENCOUNTERCLASS,CODE,DESCRIPTION,BASE_ENCOUNTER_COST,TOTAL_CLAIM_COST,PAYER_COVERAGE,REASONCODE,REASONDESCRIPTION",
	"synthea/imaging_studies.csv":   "Id,DATE,PATIENT,ENCOUNTER,SERIES_UID,BODYSITE_CODE,BODYSITE_DESCRIPTION,MODALITY_CODE,MODALITY_DESCRIPTION,INSTANCE_UID,SOP_CODE,SOP_DESCRIPTION,PROCEDURE_CODE",
	"synthea/immunizations.csv":     "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST",
	"synthea/medications.csv":       "START,STOP,PATIENT,PAYER,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,PAYER_COVERAGE,DISPENSES,TOTALCOST,REASONCODE,REASONDESCRIPTION",
	"synthea/organizations.csv":     "Id,NAME,ADDRESS,CITY,STATE,ZIP,LAT,LON,PHONE,REVENUE,UTILIZATION",
	"synthea/patients.csv":          "Id,BIRTHDATE,DEATHDATE,SSN,DRIVERS,PASSPORT,PREFIX,FIRST,LAST,SUFFIX,MAIDEN,MARITAL,RACE,ETHNICITY,GENDER,BIRTHPLACE,ADDRESS,CITY,STATE,COUNTY,ZIP,LAT,LON,HEALTHCARE_EXPENSES,HEALTHCARE_COVERAGE",
	"synthea/payer_transitions.csv": "PATIENT,START_YEAR,END_YEAR,PAYER,OWNERSHIP",
	"synthea/payers.csv":            "Id,NAME,ADDRESS,CITY,STATE_HEADQUARTERED,ZIP,PHONE,AMOUNT_COVERED,AMOUNT_UNCOVERED,REVENUE,COVERED_ENCOUNTERS,UNCOVERED_ENCOUNTERS,COVERED_MEDICATIONS,UNCOVERED_MEDICATIONS,COVERED_PROCEDURES,UNCOVERED_PROCEDURES,COVERED_IMMUNIZATIONS,UNCOVERED_IMMUNIZATIONS,UNIQUE_CUSTOMERS,QOLS_AVG,MEMBER_MONTHS",
	"synthea/procedures.csv":        "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,REASONCODE,REASONDESCRIPTION",
	"synthea/providers.csv":         "Id,ORGANIZATION,NAME,GENDER,SPECIALITY,ADDRESS,CITY,STATE,ZIP,LAT,LON,UTILIZATION",
	"oulad/studentAssessment.csv":   "id_assessment,id_student,date_submitted,is_banked,score",
	"oulad/studentInfo.csv":         "code_module,code_presentation,id_student,gender,region,highest_education,imd_band,age_band,num_of_prev_attempts,studied_credits,disability,final_result",
	"oulad/studentRegistration.csv": "code_module,code_presentation,id_student,date_registration,date_unregistration",
	"synthea/supplies.csv":          "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,QUANTITY",
	"oulad/vle.csv":                 "id_site,code_module,code_presentation,activity_type,week_from,week_to",
}

// realDataClasses is what the profile makes of each column above, as
// "IDENTIFIER action [birth_date]"; a column not listed is unclassified.
var realDataClasses = map[string]string{
	"age_band": "AGE age", "DATE": "DATE date_year", "DEATHDATE": "DATE date_year", "date": "DATE date_year", "date_registration": "DATE date_year",
	"date_submitted": "DATE date_year", "date_unregistration": "DATE date_year", "BIRTHDATE": "DATE date_year birth_date",
	"DESCRIPTION": "FREE_TEXT scrub", "INSTANCE_UID": "ID_NUMBER pseudonymise", "Id": "ID_NUMBER pseudonymise", "PATIENT": "ID_NUMBER pseudonymise",
	"SERIES_UID": "ID_NUMBER pseudonymise", "id_student": "ID_NUMBER pseudonymise", "DRIVERS": "LICENSE drop", "PASSPORT": "LICENSE drop",
	"ADDRESS": "LOCATION drop", "BIRTHPLACE": "LOCATION drop", "CITY": "LOCATION drop", "COUNTY": "LOCATION drop",
	"LAT": "LOCATION drop", "LON": "LOCATION drop", "FIRST": "NAME drop", "LAST": "NAME drop", "MAIDEN": "NAME drop",
	"NAME": "NAME drop", "PHONE": "PHONE drop", "SSN": "SSN drop", "ZIP": "ZIP zip3",
	// Synthea's devices.csv UDI is the FDA Unique Device Identifier, which
	// carries the device's serial number: identifier M.
	"UDI": "DEVICE drop",
}

func TestSafeHarborClassificationRealData(t *testing.T) {
	for file, header := range realDataHeaders {
		for _, col := range strings.Split(header, ",") {
			got := ""
			if id, rule, ok := ClassifyColumn(col); ok {
				got = string(id) + " " + rule.Action
				if rule.BirthDate {
					got += " birth_date"
				}
			}
			if want := realDataClasses[col]; got != want {
				t.Errorf("%s: ClassifyColumn(%q) = %q, want %q", file, col, got, want)
			}
		}
	}
}

// Abbreviated and split names, census geography, address parts, device
// identifiers and years of birth are identifiers however an export spells
// them; column names that merely contain such a word are not.
func TestSafeHarborClassificationAbbreviations(t *testing.T) {
	cases := []struct {
		col    string
		id     Identifier
		action string
	}{
		// A: names.
		{"first_nm", IDName, "drop"},
		{"last_nm", IDName, "drop"},
		{"FirstNm", IDName, "drop"},
		{"STUDENT_NM", IDName, "drop"},
		{"nm", IDName, "drop"},
		{"fname", IDName, "drop"},
		{"lname", IDName, "drop"},
		{"mname", IDName, "drop"},
		{"given", IDName, "drop"},
		{"given_names", IDName, "drop"},
		{"surname", IDName, "drop"},
		{"middle_initial", IDName, "drop"},
		{"middle", IDName, "drop"},
		{"student_mi", IDName, "drop"},
		{"first_initial", IDName, "drop"},
		{"teacher_name", IDName, "drop"},
		{"username", IDName, "drop"},
		// B: census geography (a state code is not below a state).
		{"census_tract", IDGeo, "drop"},
		{"tract", IDGeo, "drop"},
		{"TRACTCE10", IDGeo, "drop"},
		{"block_group", IDGeo, "drop"},
		{"BLKGRPCE", IDGeo, "drop"},
		{"census_block", IDGeo, "drop"},
		{"GEOID", IDGeo, "drop"},
		{"geoid10", IDGeo, "drop"},
		{"fips", IDGeo, "drop"},
		{"county_fips", IDGeo, "drop"},
		{"COUNTYFP", IDGeo, "drop"},
		{"fips_code", IDGeo, "drop"},
		{"tract_fips", IDGeo, "drop"},
		{"zcta", IDZip, "zip3"},
		{"ZCTA5CE10", IDZip, "zip3"},
		// B: address parts.
		{"apt", IDGeo, "drop"},
		{"apt_no", IDGeo, "drop"},
		{"apartment", IDGeo, "drop"},
		{"AptNumber", IDGeo, "drop"},
		{"address_line_2", IDGeo, "drop"},
		{"addr2", IDGeo, "drop"},
		{"street", IDGeo, "drop"},
		{"street_suite", IDGeo, "drop"},
		{"mailing_unit", IDGeo, "drop"},
		{"residence_suite", IDGeo, "drop"},
		{"house_number", IDGeo, "drop"},
		{"po_box", IDGeo, "drop"},
		{"neighborhood", IDGeo, "drop"},
		// M: devices, before the address rule ("mac_address" is no place).
		{"mac", IDDevice, "drop"},
		{"mac_address", IDDevice, "drop"},
		{"MACAddress", IDDevice, "drop"},
		{"wifi_mac", IDDevice, "drop"},
		{"imei", IDDevice, "drop"},
		{"serial_number", IDDevice, "drop"},
		{"device_id", IDDevice, "drop"},
		{"udid", IDDevice, "drop"},
		{"UDI", IDDevice, "drop"},
		{"imsi", IDDevice, "drop"},
		// N: a web address is a URL, not a place.
		{"web_address", IDURL, "drop"},
		// C: years of birth keep the year, top-coded; the month of birth is removed.
		{"birth_year", IDDate, "date_year"},
		{"BirthYear", IDDate, "date_year"},
		{"yob", IDDate, "date_year"},
		{"YOB", IDDate, "date_year"},
		{"year_of_birth", IDDate, "date_year"},
		{"student_yob", IDDate, "date_year"},
		{"birth_yr", IDDate, "date_year"},
		{"birth_month", IDDate, "drop"},
		{"month_of_birth", IDDate, "drop"},
	}
	for _, c := range cases {
		id, rule, ok := ClassifyColumn(c.col)
		if !ok || id != c.id || rule.Action != c.action {
			t.Errorf("ClassifyColumn(%q) = %q %q %v; want %q %q", c.col, id, rule.Action, ok, c.id, c.action)
		}
		if c.action == "date_year" && !rule.BirthDate {
			t.Errorf("ClassifyColumn(%q): a year of birth needs birth_date, so ages over 89 are top-coded", c.col)
		}
	}
	for _, col := range []string{
		// Names of things, not of people.
		"course_name", "school_name", "module_name", "assessment_name", "CourseName", "COURSENAME", "name_of_course",
		"class_nm", "district_name", "program_name", "file_name", "test_name", "activity_name",
		// Words that hold a listed word.
		"is_paid", "term", "middle_school", "given_dose", "contract_type", "extract_type", "aptitude_score",
		"unit", "unit_number", "suite", "test_suite", "block_period", "is_mac", "macro_score", "state_fips", "STATEFP",
		"state_fips_code", "START_YEAR", "END_YEAR", "graduation_year", "school_year", "valid", "financial_aid",
		"mi", "semester", "stomach_pain",
	} {
		if id, rule, ok := ClassifyColumn(col); ok {
			t.Errorf("ClassifyColumn(%q) = %q %q, want unclassified", col, id, rule.Action)
		}
	}
}

// The steward's repro: a safe-harbor profile that keeps what it does not
// classify must still remove every identifier of this header.
func TestSafeHarborProfileCoversAbbreviatedHeader(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"profile":"safe-harbor","default_action":"keep","reference_date":"2026-01-01"}`)
	out, _, err := runCSV(t, p, "student_id,first_nm,last_nm,birth_year,census_tract,apt,mac\n"+
		"1001,Maria,Garcia,1931,25017353101,Apt 4B,00:1A:2B:3C:4D:5E\n"+
		"1002,Ana,Li,1990,25017353102,,\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "student_id,birth_year\n" + Pseudonym(testKey, "1001", 0) + "," + DefaultAgeLabel + "\n" +
		Pseudonym(testKey, "1002", 0) + ",1990\n"
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}

// Every problem in decoding a policy is reported at its JSON path, as the
// problems Validate finds are, all of them at once; none repeats a value.
func TestPolicyDecodingProblemsNameTheirPath(t *testing.T) {
	for doc, want := range map[string][]string{
		`{"format_version":1,"columns":{"Id":{"action":"pseudonymise","lentgh":32}}}`: {
			`columns["Id"].lentgh: unknown field (did you mean "length"?)`},
		`{"format_version":1,"colums":{"Id":{"action":"drop"}},"profile":"safe-harbor"}`: {
			`colums: unknown field (did you mean "columns"?)`},
		`{"format_version":1,"key":{"env":"K","fiel":"/k"},"default_action":"drop","profile":"safe-harbor"}`: {
			`key.fiel: unknown field (did you mean "file"?)`},
		`{"format_version":"1","columns":{"Id":{"action":"keep","positions":[1,"2"]},"n":{"action":"mask","chars_to_mask":2.5}}}`: {
			`format_version: must be a whole number, not a string`,
			`columns["Id"].positions[1]: must be a whole number, not a string`,
			`columns["n"].chars_to_mask: must be a whole number written without a fraction or exponent, got 2.5`},
		`{"format_version":1,"columns":{"t":{"action":"scrub","scrub":{"min_confidence":"high","skip":"NAME"}}}}`: {
			`columns["t"].scrub.min_confidence: must be a number, not a string`,
			`columns["t"].scrub.skip: must be an array, not a string`},
		`{"format_version":1,"columns":{"Id":{"action":"drop","from_end":"yes"},"x":"keep"}}`: {
			`columns["Id"].from_end: must be true or false, not a string`,
			`columns["x"]: must be an object, not a string`},
		`{"format_version":1,"columns":[]}`: {`columns: must be an object, not an array`},
		`[{"format_version":1}]`:            {`(document): must be an object, not an array`},
		`{"format_version":1,"columns":{"SSN":{"action":"drop"},"SSN":{"action":"keep"}}}`: {
			`columns["SSN"]: given more than once in the same object; JSON readers keep only the last, so the others would be silently ignored`},
		"{\"format_version\":1,\n\"columns\":{\"Id\":{\"action\":\"drop\",}}}": {
			`columns["Id"]: not valid JSON at line 2, column 34: invalid character '}' looking for beginning of object key string`},
		`{"format_version":1,"columns":{"Id":{"action":"drop"}}`: {
			`(document): not valid JSON: the document ends before this value is complete`},
		`{"format_version":1,"default_action":"drop","profile":"safe-harbor"} {}`: {`(document): trailing data after the JSON object`},
		``: {`(document): empty: the document is a JSON object`},
	} {
		_, err := ParsePolicy([]byte(doc))
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: got %v, want problems", doc, err)

			continue
		}
		var got []string
		for _, p := range ve.Problems {
			got = append(got, p.String())
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", doc, got, want)
		}
	}
	// Field names match as encoding/json matches them, case aside.
	if _, err := ParsePolicy([]byte(`{"Format_Version":1,"columns":{"Id":{"Action":"drop"},"x":{"action":"keep"}}}`)); err != nil {
		t.Errorf("a field name in another case is the field: %v", err)
	}
}
