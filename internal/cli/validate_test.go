package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func validateRepo() string {
	_, file, _, _ := runtime.Caller(0)

	return filepath.Join(filepath.Dir(file), "..", "..")
}

var (
	validateSchema  = filepath.Join(validateRepo(), "examples", "schemas", "oulad.json")
	validateDataset = filepath.Join(validateRepo(), "examples", "quickstart", "data", "oulad")
)

func validateCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(t.Context(), append([]string{"validate"}, args...), &out, &errb)

	return code, out.String(), errb.String()
}

// validateBrokenCopy copies the OULAD demo input and adds an orphan
// assessment result.
func validateBrokenCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(validateDataset)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(validateDataset, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "studentAssessment.csv" {
			raw = append(raw, []byte("1752,99999999,22,0,70\n")...)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	return dir
}

func TestValidate_ExitCodes(t *testing.T) {
	broken := validateBrokenCopy(t)
	dir := t.TempDir()
	badSchema := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badSchema, []byte(`{"format": "lakehouse.submission-schema/v1", "name": "x", "tables": [{"name": "a", "file_name": "a.csv", "columns": [{"name": "id", "type": "text"}]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	badConfig := filepath.Join(dir, "config.json")
	if err := os.WriteFile(badConfig, []byte(`{"warning": [{"code": "NOPE"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"valid", []string{"--schema", validateSchema, validateDataset}, ExitOK, "VALID: 0 errors, 0 warnings."},
		{"invalid", []string{"--schema", validateSchema, broken}, ExitFailed, "FOREIGN_KEY_ORPHAN studentAssessment.csv:36186"},
		{"schema error", []string{"--schema", badSchema, validateDataset}, ExitUsage, `tables[0].columns[0].type: must be one of`},
		{"config error", []string{"--schema", validateSchema, "--config", badConfig, validateDataset}, ExitUsage, `unknown issue code "NOPE"`},
		{"no schema flag", []string{validateDataset}, ExitUsage, `required flag(s) "schema" not set`},
		{"bad encoding", []string{"--schema", validateSchema, "--encoding", "ebcdic", validateDataset}, ExitUsage, "--encoding must be one of"},
		{"missing schema file", []string{"--schema", filepath.Join(dir, "nope.json"), validateDataset}, ExitUsage, "the schema " + filepath.Join(dir, "nope.json") + " does not exist"},
		{"missing dataset", []string{"--schema", validateSchema, filepath.Join(dir, "nope")}, ExitRuntime, "listing"},
		{"s3 without settings", []string{"--schema", "s3://b/schema.json", validateDataset}, ExitUsage, `the s3 backend is not configured: set LAKEHOUSE_S3_ENDPOINT`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "s3 without settings" {
				t.Setenv("LAKEHOUSE_S3_ENDPOINT", "")
				t.Setenv("LAKEHOUSE_S3_ACCESS_KEY", "")
				t.Setenv("AWS_ACCESS_KEY_ID", "")
			}
			code, out, errs := validateCLI(t, c.args...)
			if code != c.code || !strings.Contains(out+errs, c.out) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s\n%s", code, c.code, c.out, out, errs)
			}
		})
	}
}

func TestValidate_JSONOutput(t *testing.T) {
	code, out, errs := validateCLI(t, "-o", "json", "--schema", validateSchema, validateBrokenCopy(t))
	if code != ExitFailed {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Issues struct {
			Issues []struct {
				Code, Severity, Location string
				Line                     int
				Examples                 []string
			} `json:"issues"`
		} `json:"issues"`
		Summary struct{ Errors int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	is := rep.Issues.Issues[0]
	if rep.Summary.Errors != 1 || is.Code != "FOREIGN_KEY_ORPHAN" || is.Line != 36186 || is.Examples[0] != "99999999" {
		t.Fatalf("unexpected report: %s", out)
	}
}

// C27 through the command: a UTF-16 table is an issue naming the encoding
// and the file, the exit code is the validation-failed one, and nothing
// like a panic or stack trace reaches the user.
func TestValidate_UTF16FileIsAnIssue(t *testing.T) {
	dir := validateBrokenCopy(t)
	// The original results (without the copy's orphan row), as UTF-16LE
	// with a BOM; the file is ASCII, so each byte becomes two.
	raw, err := os.ReadFile(filepath.Join(validateDataset, "studentAssessment.csv"))
	if err != nil {
		t.Fatal(err)
	}
	u := []byte{0xff, 0xfe}
	for _, r := range string(raw) {
		u = append(u, byte(r), byte(r>>8))
	}
	if err := os.WriteFile(filepath.Join(dir, "studentAssessment.csv"), u, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := validateCLI(t, "--schema", validateSchema, dir)
	if code != ExitFailed || !strings.Contains(out, "FILE_NOT_UTF8") || !strings.Contains(out, "studentAssessment.csv") ||
		!strings.Contains(out, "must be UTF-8 (found UTF-16LE BOM)") {
		t.Fatalf("exit %d (want %d):\n%s\n%s", code, ExitFailed, out, errs)
	}
	if strings.Contains(out+errs, "panic") || strings.Contains(out+errs, "goroutine") {
		t.Fatalf("a crash reached the user:\n%s", errs)
	}
}

// Through the command, UTF-16 without a byte-order mark is one finding
// naming the file and the encoding found: exit 1, not a cascade of column
// and row findings.
func TestValidate_UTF16WithoutBOMIsOneIssue(t *testing.T) {
	dir := validateBrokenCopy(t)
	raw, err := os.ReadFile(filepath.Join(validateDataset, "courses.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "courses.csv"), utf16NoBOM(string(raw)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := validateCLI(t, "--schema", validateSchema, dir)
	if code != ExitFailed || !strings.Contains(out, "FILE_NOT_UTF8 courses.csv\n") ||
		!strings.Contains(out, "looks like UTF-16LE without a byte-order mark: re-save as UTF-8") {
		t.Fatalf("exit %d (want %d):\n%s\n%s", code, ExitFailed, out, errs)
	}
	for _, cascade := range []string{"CSV_ADDITIONAL_COLUMN", "CSV_COLUMN_MISSING", "CSV_RAGGED_ROW"} {
		if strings.Contains(out, cascade) {
			t.Errorf("%s reported for a file that is not UTF-8:\n%s", cascade, out)
		}
	}
}
