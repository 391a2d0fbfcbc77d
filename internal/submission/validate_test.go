package submission_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
)

// repoDir is the module root. The runner's tests do not import acctest,
// so they build and run without the provider.
func repoDir() string {
	_, file, _, _ := runtime.Caller(0)

	return filepath.Join(filepath.Dir(file), "..", "..")
}

func ouladDir() string { return filepath.Join(repoDir(), "examples", "quickstart", "data", "oulad") }

func ouladSchema(t testing.TB) *submission.Schema {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoDir(), "examples", "schemas", "oulad.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := submission.ParseSchema(raw)
	if err != nil {
		t.Fatal(err)
	}

	return s
}

// copyOULAD copies the demo's OULAD submission into a temp folder that a
// test may break.
func copyOULAD(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(ouladDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(ouladDir(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, dst, e.Name(), raw)
	}

	return dst
}

func write(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir, rel string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}

	return raw
}

// edit replaces the first occurrence of old in a file, failing when absent
// so a test never passes because its mutation did nothing.
func edit(t *testing.T, dir, rel, old, repl string) {
	t.Helper()
	raw := read(t, dir, rel)
	if !bytes.Contains(raw, []byte(old)) {
		t.Fatalf("%s does not contain %q", rel, old)
	}
	write(t, dir, rel, bytes.Replace(raw, []byte(old), []byte(repl), 1))
}

func run(t *testing.T, dir string, s *submission.Schema, opts submission.Options) *submission.Report {
	t.Helper()
	if opts.MaxRows == 0 {
		opts.MaxRows = -1
	}
	r, err := submission.Validate(t.Context(), submission.Dataset{Store: runnerio.NewStore(nil), Root: runnerio.Location{Key: dir}}, s, opts)
	if err != nil {
		t.Fatal(err)
	}

	return r
}

func find(r *submission.Report, code, location string) *submission.Issue {
	for i := range r.Issues.Issues {
		if is := &r.Issues.Issues[i]; is.Code == code && (location == "" || is.Location == location) {
			return is
		}
	}

	return nil
}

func dump(r *submission.Report) string {
	var b bytes.Buffer
	_ = r.WriteText(&b)

	return b.String()
}

func TestValidate_OULADIsValid(t *testing.T) {
	r := run(t, ouladDir(), ouladSchema(t), submission.Options{})
	if r.HasErrors() || r.Summary.Warnings != 0 || len(r.Issues.Issues) != 0 {
		t.Fatalf("the shipped OULAD copy should be valid without warnings:\n%s", dump(r))
	}
	// studentInfo 12,489 + studentAssessment 36,184 + studentRegistration
	// 12,489 + vle 3,219 + assessments 37 + courses 12 (data README counts).
	if r.Summary.RowsRead != 64430 || r.Summary.DataFiles != 6 {
		t.Fatalf("rows read %d, data files %d; want 64430 and 6", r.Summary.RowsRead, r.Summary.DataFiles)
	}
	for _, table := range []string{"courses", "assessments", "vle", "studentInfo", "studentRegistration", "studentAssessment"} {
		if r.Summary.TableFiles[table] != 1 {
			t.Errorf("table %s matched %d files", table, r.Summary.TableFiles[table])
		}
	}
}

func TestValidate_OULADBroken(t *testing.T) {
	cases := []struct {
		name           string
		breakIt        func(t *testing.T, dir string)
		code, location string
		line           int
		example        string
	}{
		{"missing file", func(t *testing.T, dir string) {
			_ = os.Remove(filepath.Join(dir, "studentRegistration.csv"))
		}, "MISSING_REQUIRED_FILE", "/", 0, ""},
		{"bad name", func(t *testing.T, dir string) {
			_ = os.Rename(filepath.Join(dir, "vle.csv"), filepath.Join(dir, "VLE.csv"))
		}, "NOT_INCLUDED", "VLE.csv", 0, ""},
		{"unknown column", func(t *testing.T, dir string) {
			edit(t, dir, "courses.csv", "module_presentation_length\n", "module_presentation_length,tutor\n")
		}, "CSV_ADDITIONAL_COLUMN_NOT_ALLOWED", "courses.csv", 1, ""},
		{"value out of range", func(t *testing.T, dir string) {
			edit(t, dir, "studentAssessment.csv", "1752,28400,22,0,70\n", "1752,28400,22,0,170\n")
		}, "CSV_VALUE_OUT_OF_RANGE", "studentAssessment.csv", 3, "170"},
		{"value not allowed", func(t *testing.T, dir string) {
			edit(t, dir, "studentInfo.csv", "AAA,2013J,28400,F,", "AAA,2013J,28400,X,")
		}, "CSV_VALUE_NOT_ALLOWED", "studentInfo.csv", 3, "X"},
		{"wrong type", func(t *testing.T, dir string) {
			edit(t, dir, "courses.csv", "AAA,2013J,268", "AAA,2013J,long")
		}, "CSV_VALUE_INCORRECT_TYPE", "courses.csv", 2, "long"},
		{"missing required value", func(t *testing.T, dir string) {
			edit(t, dir, "courses.csv", "AAA,2013J,268", "AAA,,268")
		}, "CSV_VALUE_MISSING", "courses.csv", 2, ""},
		{"orphan student key", func(t *testing.T, dir string) {
			edit(t, dir, "studentAssessment.csv", "1752,28400,22,0,70\n", "1752,99999999,22,0,70\n")
		}, "FOREIGN_KEY_ORPHAN", "studentAssessment.csv", 3, "99999999"},
		{"duplicate primary key", func(t *testing.T, dir string) {
			edit(t, dir, "courses.csv", "AAA,2014J,269", "AAA,2013J,269")
		}, "CSV_INDEX_VALUE_NOT_UNIQUE", "courses.csv", 3, "AAA,2013J"},
		{"ragged row", func(t *testing.T, dir string) {
			edit(t, dir, "courses.csv", "AAA,2014J,269", "AAA,2014J,269,extra")
		}, "CSV_RAGGED_ROW", "courses.csv", 3, ""},
		{"no dataset description", func(t *testing.T, dir string) {
			_ = os.Remove(filepath.Join(dir, "dataset_description.json"))
		}, "MISSING_DATASET_DESCRIPTION", "dataset_description.json", 0, ""},
		{"latin-1 bytes", func(t *testing.T, dir string) {
			edit(t, dir, "studentInfo.csv", "East Anglian Region", "East Anglian M\xfcnchen")
		}, "INVALID_ENCODING", "studentInfo.csv", 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyOULAD(t)
			c.breakIt(t, dir)
			r := run(t, dir, ouladSchema(t), submission.Options{})
			is := find(r, c.code, c.location)
			if is == nil {
				t.Fatalf("no %s at %q:\n%s", c.code, c.location, dump(r))
			}
			if is.Severity != submission.SeverityError || !r.HasErrors() {
				t.Errorf("%s has severity %s; the run should fail", c.code, is.Severity)
			}
			if is.Line != c.line {
				t.Errorf("%s at line %d, want %d", c.code, is.Line, c.line)
			}
			if c.example != "" && (len(is.Examples) == 0 || is.Examples[0] != c.example) {
				t.Errorf("%s examples %q, want %q", c.code, is.Examples, c.example)
			}
		})
	}
}

// C27: inputs from other platforms. CRLF and a UTF-8 BOM are accepted with
// no false positive; a UTF-16 file is an issue naming the encoding, not a
// crash; AppleDouble files, .DS_Store and dot-folders are listed as
// ignored, not validated.
func TestValidate_OULADFromOtherPlatforms(t *testing.T) {
	dir := copyOULAD(t)
	info := read(t, dir, "studentInfo.csv")
	write(t, dir, "studentInfo.csv", bytes.ReplaceAll(info, []byte("\n"), []byte("\r\n")))
	write(t, dir, "assessments.csv", append([]byte("\xef\xbb\xbf"), read(t, dir, "assessments.csv")...))
	write(t, dir, "courses.csv", utf16LE(string(read(t, dir, "courses.csv"))))
	write(t, dir, "._studentInfo.csv", []byte("\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "))
	write(t, dir, ".DS_Store", []byte("\x00\x00\x00\x01Bud1"))
	write(t, dir, ".git/config", []byte("[core]\n"))

	r := run(t, dir, ouladSchema(t), submission.Options{})
	utf := find(r, "FILE_NOT_UTF8", "courses.csv")
	if utf == nil || utf.Message != "must be UTF-8 (found UTF-16LE BOM)" {
		t.Fatalf("want FILE_NOT_UTF8 for courses.csv:\n%s", dump(r))
	}
	for _, want := range []struct{ code, loc string }{
		{"APPLEDOUBLE_FILE_IGNORED", "._studentInfo.csv"},
		{"HIDDEN_FILE_IGNORED", ".DS_Store"},
		{"HIDDEN_FILE_IGNORED", ".git/config"},
	} {
		if is := find(r, want.code, want.loc); is == nil || is.Severity != submission.SeverityInfo {
			t.Errorf("want %s (info) for %s:\n%s", want.code, want.loc, dump(r))
		}
	}
	// Only the encoding issue is an error: the UTF-16 table was decoded and
	// found otherwise valid, and CRLF/BOM gave no header false positives.
	if r.Summary.Errors != 1 || r.Summary.Warnings != 0 {
		t.Fatalf("want exactly one error:\n%s", dump(r))
	}
	if r.Summary.RowsRead != 64430 || r.Summary.IgnoredFiles != 3 {
		t.Fatalf("rows %d ignored %d:\n%s", r.Summary.RowsRead, r.Summary.IgnoredFiles, dump(r))
	}
}

// A table in UTF-16 without a byte-order mark, or in UTF-32, is one
// FILE_NOT_UTF8 naming the encoding found, not a cascade of unknown
// columns ("c\x00o\x00d\x00e..."), missing columns and ragged records;
// the tables referencing it are not checked against it. A declared
// encoding does not turn it into garbage either.
func TestValidate_WideTextWithoutBOM(t *testing.T) {
	le := func(s string) []byte { return utf16LE(s)[2:] }
	be := func(s string) []byte {
		b := le(s)
		for i := 0; i+1 < len(b); i += 2 {
			b[i], b[i+1] = b[i+1], b[i]
		}
		return b
	}
	utf32 := func(s string) []byte {
		out := []byte{0xFF, 0xFE, 0, 0}
		for _, r := range s {
			out = append(out, byte(r), byte(r>>8), byte(r>>16), 0)
		}
		return out
	}
	for _, c := range []struct {
		name, encoding, want string
		convert              func(string) []byte
	}{
		{"UTF-16LE", "", "looks like UTF-16LE without a byte-order mark: re-save as UTF-8", le},
		{"UTF-16BE", "", "looks like UTF-16BE without a byte-order mark: re-save as UTF-8", be},
		{"UTF-16LE read as latin1", "latin1", "looks like UTF-16LE without a byte-order mark: re-save as UTF-8", le},
		{"UTF-32 with its BOM", "", "is UTF-32LE (it starts with that byte-order mark)", utf32},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyOULAD(t)
			write(t, dir, "courses.csv", c.convert(string(read(t, dir, "courses.csv"))))
			r := run(t, dir, ouladSchema(t), submission.Options{Encoding: c.encoding})
			var onFile []submission.Issue
			for _, is := range r.Issues.Issues {
				if is.Location == "courses.csv" {
					onFile = append(onFile, is)
				}
			}
			if len(onFile) != 1 || onFile[0].Code != "FILE_NOT_UTF8" || onFile[0].Count != 1 || !strings.Contains(onFile[0].Message, c.want) {
				t.Fatalf("want one FILE_NOT_UTF8 saying %q for courses.csv:\n%s", c.want, dump(r))
			}
			for _, loc := range []string{"assessments.csv", "studentInfo.csv", "vle.csv"} {
				if is := find(r, "FOREIGN_KEY_NOT_CHECKED", loc); is == nil || !strings.Contains(is.Message, "courses.csv") {
					t.Errorf("%s: want FOREIGN_KEY_NOT_CHECKED naming courses.csv:\n%s", loc, dump(r))
				}
			}
			if r.Summary.Errors != 1 {
				t.Fatalf("want exactly one error:\n%s", dump(r))
			}
		})
	}
}

// A NUL byte inside an otherwise UTF-8 table is an encoding issue at its
// record, never a value.
func TestValidate_NULByteIsInvalidEncoding(t *testing.T) {
	dir := copyOULAD(t)
	edit(t, dir, "studentInfo.csv", "East Anglian Region", "East Anglian\x00Region")
	r := run(t, dir, ouladSchema(t), submission.Options{})
	is := find(r, "INVALID_ENCODING", "studentInfo.csv")
	if is == nil || is.Line != 2 || !strings.HasPrefix(is.Message, "NUL byte at line 2, field 5") {
		t.Fatalf("want INVALID_ENCODING for the NUL at line 2:\n%s", dump(r))
	}
	if find(r, "CSV_VALUE_NOT_ALLOWED", "studentInfo.csv") != nil {
		t.Fatalf("the record with a NUL was checked as values:\n%s", dump(r))
	}
}

// The text report escapes control characters in all it echoes from the
// data (file names, column names, the extra values of ragged records), as
// the JSON output does: it stays text, one line per field, and cannot
// drive the terminal.
func TestValidate_TextReportEscapesControlCharacters(t *testing.T) {
	dir := copyOULAD(t)
	lines := strings.SplitAfter(string(read(t, dir, "courses.csv")), "\n")
	for i, l := range lines {
		switch {
		case l == "":
		case i == 0:
			lines[i] = strings.TrimSuffix(l, "\n") + ",\x1b[31mnote\u202e\n"
		case i == 2:
			lines[i] = strings.TrimSuffix(l, "\n") + ",x,\abell\x7f\u0085\n"
		default:
			lines[i] = strings.TrimSuffix(l, "\n") + ",x\n"
		}
	}
	write(t, dir, "courses.csv", []byte(strings.Join(lines, "")))
	write(t, dir, "bad\x1b[2Jname.csv", []byte("a\n"))
	text := dump(run(t, dir, ouladSchema(t), submission.Options{}))
	for _, want := range []string{
		`CSV_ADDITIONAL_COLUMN_NOT_ALLOWED courses.csv:1 [\x1b[31mnote\u202e]`,
		`extra value '\abell\x7f\u0085'`,
		`NOT_INCLUDED bad\x1b[2Jname.csv`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %s:\n%s", want, text)
		}
	}
	for _, r := range text {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) || r == '\u202e' {
			t.Fatalf("raw control character %U in the text report:\n%s", r, text)
		}
	}
}

func TestValidate_IncludeHidden(t *testing.T) {
	dir := copyOULAD(t)
	write(t, dir, "._studentInfo.csv", []byte("junk"))
	r := run(t, dir, ouladSchema(t), submission.Options{IncludeHidden: true})
	if find(r, "NOT_INCLUDED", "._studentInfo.csv") == nil {
		t.Fatalf("with IncludeHidden the AppleDouble file is data and matches no table:\n%s", dump(r))
	}
}

func TestValidate_Latin1Declared(t *testing.T) {
	dir := copyOULAD(t)
	// Latin-1 "Région" is not an allowed region, but with the encoding
	// declared the value decodes instead of raising an encoding error.
	edit(t, dir, "studentInfo.csv", "East Anglian Region", "East Anglian R\xe9gion")
	r := run(t, dir, ouladSchema(t), submission.Options{Encoding: "latin1"})
	if find(r, "INVALID_ENCODING", "") != nil {
		t.Fatalf("latin1 declared but still an encoding error:\n%s", dump(r))
	}
	is := find(r, "CSV_VALUE_NOT_ALLOWED", "studentInfo.csv")
	if is == nil || is.Examples[0] != "East Anglian Région" {
		t.Fatalf("want the decoded value reported:\n%s", dump(r))
	}
}

func TestValidate_RowCapKeepsKeyChecks(t *testing.T) {
	dir := copyOULAD(t)
	raw := read(t, dir, "studentAssessment.csv")
	write(t, dir, "studentAssessment.csv", append(raw, []byte("1752,99999999,22,0,170\n")...))
	r := run(t, dir, ouladSchema(t), submission.Options{MaxRows: 10})
	if find(r, "CSV_VALUE_OUT_OF_RANGE", "") != nil {
		t.Errorf("a value past the row cap was checked:\n%s", dump(r))
	}
	if find(r, "FOREIGN_KEY_ORPHAN", "studentAssessment.csv") == nil {
		t.Errorf("keys past the row cap must still be checked:\n%s", dump(r))
	}
	if is := find(r, "ROW_CAP_REACHED", "studentAssessment.csv"); is == nil || is.Record != 11 {
		t.Errorf("want ROW_CAP_REACHED at record 11:\n%s", dump(r))
	}
	if r.Summary.RowsChecked >= r.Summary.RowsRead {
		t.Errorf("rows checked %d, read %d", r.Summary.RowsChecked, r.Summary.RowsRead)
	}
}

func TestValidate_ConfigReclassifies(t *testing.T) {
	dir := copyOULAD(t)
	write(t, dir, "extras/notes.txt", []byte("hello"))
	cfg, err := submission.ParseConfig([]byte(`{"warning": [{"code": "NOT_INCLUDED", "location": "extras/*"}],
		"ignore": [{"code": "DESCRIPTION_FIELD_RECOMMENDED"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, ouladSchema(t), submission.Options{Config: cfg})
	is := find(r, "NOT_INCLUDED", "extras/notes.txt")
	if is == nil || is.Severity != submission.SeverityWarning || r.HasErrors() {
		t.Fatalf("NOT_INCLUDED should be a warning and the run valid:\n%s", dump(r))
	}
	if _, err := submission.ParseConfig([]byte(`{"warning": [{"code": "NO_SUCH_CODE"}]}`)); err == nil {
		t.Error("an unknown code in the config must be rejected")
	}
	if _, err := submission.ParseConfig([]byte(`{"warnings": []}`)); err == nil {
		t.Error("an unknown key in the config must be rejected")
	}
}

func TestValidate_JSONReportShape(t *testing.T) {
	dir := copyOULAD(t)
	edit(t, dir, "studentInfo.csv", "AAA,2013J,28400,F,", "AAA,2013J,28400,X,")
	r := run(t, dir, ouladSchema(t), submission.Options{})
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Issues struct {
			Issues       []map[string]any  `json:"issues"`
			CodeMessages map[string]string `json:"codeMessages"`
		} `json:"issues"`
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	is := doc.Issues.Issues[0]
	for _, k := range []string{"code", "subCode", "severity", "location", "issueMessage", "rule", "line", "record"} {
		if _, ok := is[k]; !ok {
			t.Errorf("issue lacks %q: %v", k, is)
		}
	}
	if doc.Issues.CodeMessages["CSV_VALUE_NOT_ALLOWED"] == "" || doc.Summary["errors"] != float64(1) {
		t.Errorf("codeMessages or summary wrong: %s", b.String())
	}
}

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}

	return out
}

func mustSchema(t *testing.T, doc string) *submission.Schema {
	t.Helper()
	s, err := submission.ParseSchema([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}

	return s
}

func TestParseSchema_Problems(t *testing.T) {
	cases := map[string]string{
		`{"format": "lakehouse.submission-schema/v1", "name": "x", "tables": [], "extra": 1}`: `extra: unknown field`,
		// An unknown key says where it is, with the key it is a slip for.
		`{"format": "lakehouse.submission-schema/v1", "name": "x", "tables": [{"name": "a", "file_name": "a.csv", "columns": [{"name": "id", "type": "string", "unti": "cm"}]}]}`: `tables[0].columns[0].unti: unknown field (did you mean "unit"?)`,
		`{"format": "v0", "name": "x", "tables": [{"name": "a", "file_name": "a.csv", "columns": [{"name": "id", "type": "string"}]}]}`:                                           `format: must be`,
		`{"format": "lakehouse.submission-schema/v1", "name": "x", "tables": [
			{"name": "a", "file_name": "a.csv", "columns": [{"name": "id", "type": "string"}]},
			{"name": "b", "file_name": "b.csv", "columns": [{"name": "id", "type": "string"}]}],
		  "foreign_keys": [{"table": "a", "columns": ["id"], "references_table": "b", "references_columns": ["id"]},
		                   {"table": "b", "columns": ["id"], "references_table": "a", "references_columns": ["id"]}]}`: `cycle (a -> b -> a)`,
		`{"format": "lakehouse.submission-schema/v1", "name": "x", "tables": [{"name": "a", "file_name": "a.csv", "columns": [{"name": "n", "type": "integer", "minimum": 3, "maximum": 1}]}]}`: `tables[0].columns[0].maximum: maximum 1 is less than minimum 3`,
	}
	for doc, want := range cases {
		_, err := submission.ParseSchema([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want error containing %q, got %v", want, err)
		}
	}
}

// A table that cannot be read to its end (here a quote left open in the
// roster) leaves its keys unknown: the tables that reference it get one
// warning per foreign key instead of an orphan for every record, and the
// references it makes itself, and those to other tables, are still checked.
func TestValidate_UnreadableTableDoesNotCascadeOrphans(t *testing.T) {
	dir := copyOULAD(t)
	lines := strings.SplitAfter(string(read(t, dir, "studentInfo.csv")), "\n")
	lines[2] = `AAA,2013J,"28400,F,Scotland` + "\n"
	write(t, dir, "studentInfo.csv", []byte(strings.Join(lines, "")))
	raw := read(t, dir, "studentAssessment.csv")
	write(t, dir, "studentAssessment.csv", append(raw, []byte("99999,11391,22,0,70\n")...)) // an unknown assessment
	r := run(t, dir, ouladSchema(t), submission.Options{})
	if find(r, "CSV_PARSE_ERROR", "studentInfo.csv") == nil {
		t.Fatalf("want the parse error:\n%s", dump(r))
	}
	for _, loc := range []string{"studentRegistration.csv", "studentAssessment.csv"} {
		if is := find(r, "FOREIGN_KEY_NOT_CHECKED", loc); is == nil || is.Severity != "warning" || !strings.Contains(is.Message, "studentInfo.csv") {
			t.Errorf("%s: want a warning naming studentInfo.csv:\n%s", loc, dump(r))
		}
	}
	for _, is := range r.Issues.Issues {
		if is.Code == "FOREIGN_KEY_ORPHAN" && is.SubCode != "result_assessment" {
			t.Errorf("orphan reported against an unread table: %+v", is)
		}
	}
	if is := find(r, "FOREIGN_KEY_ORPHAN", "studentAssessment.csv"); is == nil || is.SubCode != "result_assessment" {
		t.Errorf("the reference to assessments must still be checked:\n%s", dump(r))
	}
}

// A table with a record that could not be decoded, or a ragged record
// (whose fields may be shifted), was not read in full for its keys: the
// tables referencing it get one FOREIGN_KEY_NOT_CHECKED per foreign key,
// not an orphan for each reference to the key that was not read, and the
// references to other tables are still checked.
func TestValidate_RecordsNotReadDoNotCascadeOrphans(t *testing.T) {
	const line3 = "AAA,2013J,28400,F,Scotland,HE Qualification,20-30%,35-55,0,60,N,Pass\n"
	for _, c := range []struct {
		name, repl, code string
	}{
		{"undecodable record", "AAA,2013J,28400,F,Sc\xf6tland,HE Qualification,20-30%,35-55,0,60,N,Pass\n", "INVALID_ENCODING"},
		{"short ragged record", "AAA,2013J\n", "CSV_RAGGED_ROW"},
		{"long ragged record", "AAA,2013J,28400,F,Scot,land,HE Qualification,20-30%,35-55,0,60,N,Pass\n", "CSV_RAGGED_ROW"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := copyOULAD(t)
			edit(t, dir, "studentInfo.csv", line3, c.repl)
			raw := read(t, dir, "studentAssessment.csv")
			write(t, dir, "studentAssessment.csv", append(raw, []byte("99999,11391,22,0,70\n")...)) // an unknown assessment
			r := run(t, dir, ouladSchema(t), submission.Options{})
			if is := find(r, c.code, "studentInfo.csv"); is == nil || is.Line != 3 {
				t.Fatalf("want %s at studentInfo.csv:3:\n%s", c.code, dump(r))
			}
			for _, loc := range []string{"studentRegistration.csv", "studentAssessment.csv"} {
				if is := find(r, "FOREIGN_KEY_NOT_CHECKED", loc); is == nil || !strings.Contains(is.Message, "studentInfo.csv") {
					t.Errorf("%s: want FOREIGN_KEY_NOT_CHECKED naming studentInfo.csv:\n%s", loc, dump(r))
				}
			}
			for _, is := range r.Issues.Issues {
				if is.Code == "FOREIGN_KEY_ORPHAN" && is.SubCode != "result_assessment" {
					t.Errorf("orphan reported against a table not read in full: %+v", is)
				}
			}
			if is := find(r, "FOREIGN_KEY_ORPHAN", "studentAssessment.csv"); is == nil || is.SubCode != "result_assessment" {
				t.Errorf("the reference to assessments must still be checked:\n%s", dump(r))
			}
		})
	}
}

// notesSchema has a free-text column before the key, where an unquoted
// comma shifts the key of a record.
const notesSchema = `{"format": "lakehouse.submission-schema/v1", "name": "notes",
  "tables": [
    {"name": "roster", "file_name": "roster.csv", "required": true, "primary_key": ["id"],
     "columns": [{"name": "note", "type": "string"}, {"name": "id", "type": "string", "required": true}]},
    {"name": "scores", "file_name": "scores.csv",
     "columns": [{"name": "note", "type": "string"}, {"name": "id", "type": "string", "required": true}]}],
  "foreign_keys": [{"name": "scored", "table": "scores", "columns": ["id"], "references_table": "roster", "references_columns": ["id"]}]}`

// A ragged record's key may be another column's value, so it is judged
// neither as a duplicate nor as an orphan: the record is reported as
// ragged, once. Records that were not read can hide a duplicate but never
// make one, so a duplicate among the records read is still reported.
func TestValidate_KeysOfRecordsNotReadAreNotJudged(t *testing.T) {
	notes := func(t *testing.T, roster, scores string) *submission.Report {
		t.Helper()
		dir := t.TempDir()
		write(t, dir, "dataset_description.json", []byte(goodDescription))
		write(t, dir, "roster.csv", []byte(roster))
		write(t, dir, "scores.csv", []byte(scores))

		return run(t, dir, mustSchema(t, notesSchema), submission.Options{})
	}
	r := notes(t, "note,id\nfirst,A\nsecond,B\nsee also,B,C\n", "note,id\nok,A\n")
	if find(r, "CSV_RAGGED_ROW", "roster.csv") == nil || find(r, "CSV_INDEX_VALUE_NOT_UNIQUE", "") != nil {
		t.Errorf("a shifted key was judged a duplicate:\n%s", dump(r))
	}
	r = notes(t, "note,id\nfirst,A\nsecond,B\n", "note,id\nok,A\nlate, see,B\n")
	if find(r, "CSV_RAGGED_ROW", "scores.csv") == nil || find(r, "FOREIGN_KEY_ORPHAN", "") != nil {
		t.Errorf("a shifted key was judged an orphan:\n%s", dump(r))
	}
	r = notes(t, "note,id\nfirst,A\nM\xfcnchen,B\nthird,A\n", "note,id\nok,A\n")
	if find(r, "INVALID_ENCODING", "roster.csv") == nil {
		t.Fatalf("want the encoding issue:\n%s", dump(r))
	}
	if is := find(r, "CSV_INDEX_VALUE_NOT_UNIQUE", "roster.csv"); is == nil || is.Line != 4 {
		t.Errorf("the duplicate among records read must be reported:\n%s", dump(r))
	}
}
