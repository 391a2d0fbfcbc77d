package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
)

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}

	return p
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), args, &out, &errb)

	return code, out.String(), errb.String()
}

const idSuite = `{"name":"ids","expectations":[{"type":"expect_column_to_exist","kwargs":{"column":"id"}}]}`

// C34: BOM, latin-1, UTF-16 and a multibyte character across the read
// buffer boundary.
func TestCheck_Encodings_C34(t *testing.T) {
	dir := t.TempDir()
	suite := writeFile(t, dir, "suite.json", []byte(idSuite))

	bom := writeFile(t, dir, "bom.csv", []byte("\ufeff\"id\",name\n1,Ana\n"))
	if code, out, errs := runCLI(t, "check", "--suite", suite, bom); code != ExitOK {
		t.Errorf("bom.csv: exit %d, %s %s", code, out, errs)
	}

	latin1 := writeFile(t, dir, "latin1.csv", []byte("id,city\n1,M\xfcnchen\n"))
	code, _, errs := runCLI(t, "check", "--suite", suite, latin1)
	if code != ExitRuntime || !strings.Contains(errs, "invalid UTF-8 at line 2, field 2, byte offset 11") {
		t.Errorf("latin1.csv without --encoding: exit %d, %q", code, errs)
	}
	if code, out, errs := runCLI(t, "check", "--suite", suite, "--encoding", "latin1", latin1); code != ExitOK {
		t.Errorf("latin1.csv with --encoding latin1: exit %d, %s %s", code, out, errs)
	}

	u := utf16.Encode([]rune("id\n1\n"))
	b := []byte{0xFF, 0xFE}
	for _, r := range u {
		b = append(b, byte(r), byte(r>>8))
	}
	utf := writeFile(t, dir, "utf16.csv", b)
	if code, out, errs := runCLI(t, "check", "--suite", suite, utf); code != ExitOK {
		t.Errorf("utf16.csv: exit %d, %s %s", code, out, errs)
	}

	split := []byte("id,text\n1,")
	for len(split) < 65535 {
		split = append(split, 'x')
	}
	split = append(split, "\xc3\xa9\n"...)
	sp := writeFile(t, dir, "split.csv", split)
	if code, out, errs := runCLI(t, "check", "--suite", suite, sp); code != ExitOK {
		t.Errorf("split.csv: exit %d, %s %s", code, out, errs)
	}
}

// utf16NoBOM is s as UTF-16LE without a byte-order mark, as iconv -t
// utf-16le and Excel's "Unicode Text" write it.
func utf16NoBOM(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}

	return b
}

// UTF-16 without a byte-order mark is refused with the file and the
// encoding found, not checked as columns named "i\x00d\x00".
func TestCheck_UTF16WithoutBOMRefused(t *testing.T) {
	dir := t.TempDir()
	suite := writeFile(t, dir, "suite.json", []byte(idSuite))
	in := writeFile(t, dir, "ids.csv", utf16NoBOM("id,name\n1,Ana\n"))
	code, out, errs := runCLI(t, "check", "--suite", suite, in)
	if code != ExitRuntime || !strings.Contains(errs, in+": looks like UTF-16LE without a byte-order mark: re-save as UTF-8") {
		t.Fatalf("exit %d (want %d), stderr %q, stdout %q", code, ExitRuntime, errs, out)
	}
	if code, out, errs := runCLI(t, "check", "--suite", suite, "--encoding", "utf-16le", in); code != ExitOK {
		t.Fatalf("with --encoding utf-16le: exit %d, %s %s", code, out, errs)
	}
}

// C35: ragged records are reported with record and physical line and fail
// the check; quoted newlines do not shift line numbers.
func TestCheck_RaggedRows_C35(t *testing.T) {
	dir := t.TempDir()
	suite := writeFile(t, dir, "suite.json", []byte(`{"name":"s","expectations":[{"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1}}]}`))
	data := writeFile(t, dir, "c35.csv", []byte("id,note,amount\n1,\"first line\nsecond line\",10\n2,ok\n3,\"has \"\"quotes\"\"\",7,EXTRA\n4,\"\",5\n5,\"crlf inside\r\nquoted\",6\n"))
	code, out, errs := runCLI(t, "check", "--suite", suite, data)
	if code != ExitFailed {
		t.Fatalf("ragged rows must fail the check: exit %d %s %s", code, out, errs)
	}
	for _, want := range []string{"record 2 (line 4): 2 fields, header has 3", "record 3 (line 5): 4 fields, header has 3; extra value 'EXTRA'"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "check", "--suite", suite, "--ragged", "skip", "-o", "json", data)
	if code != ExitOK {
		t.Fatalf("--ragged skip: exit %d %s", code, out)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	meta := res["meta"].(map[string]any)
	if meta["row_count"] != float64(3) || meta["structural_error_count"] != float64(2) {
		t.Errorf("3 good records and 2 reported ragged ones, got %v", meta)
	}
}

func TestCheck_ExitCodesAndOutputs(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "people.csv", []byte("id,age,grade\n1,34,A\n2,,B\n3,40,Z\n4,29,A\n"))
	good := writeFile(t, dir, "good.json", []byte(`{"name":"good","expectations":[
	  {"type":"expect_column_values_to_be_between","kwargs":{"column":"age","min_value":18,"max_value":99}},
	  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}}]}`))
	bad := writeFile(t, dir, "bad.json", []byte(`{"name":"bad","expectations":[
	  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"grade","value_set":["A","B"]}},
	  {"type":"expect_column_mean_to_be_between","kwargs":{"column":"age","min_value":0,"max_value":30}}]}`))
	unknown := writeFile(t, dir, "unknown.json", []byte(`{"name":"u","expectations":[{"type":"expect_column_values_to_be_purple","kwargs":{"column":"age"}}]}`))
	badKwarg := writeFile(t, dir, "kwarg.json", []byte(`{"name":"k","expectations":[{"type":"expect_column_values_to_be_unique","kwargs":{"column":"id","colour":1}}]}`))
	missingCol := writeFile(t, dir, "missing.json", []byte(`{"name":"m","expectations":[{"type":"expect_column_values_to_be_unique","kwargs":{"column":"nope"}}]}`))

	if code, out, errs := runCLI(t, "check", "--suite", good, data); code != ExitOK || !strings.Contains(out, "PASSED") {
		t.Errorf("good suite: exit %d\n%s%s", code, out, errs)
	}
	result := filepath.Join(dir, "out", "result.json")
	junit := filepath.Join(dir, "junit.xml")
	html := filepath.Join(dir, "report.html")
	if err := os.MkdirAll(filepath.Dir(result), 0o755); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "check", "--suite", bad, "--result", result, "--junit", junit, "--html", html, data)
	if code != ExitFailed || !strings.Contains(out, "FAIL") || !strings.Contains(out, `"Z"`) {
		t.Errorf("bad suite: exit %d\n%s%s", code, out, errs)
	}
	raw, err := os.ReadFile(result)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Success    bool             `json:"success"`
		SuiteName  string           `json:"suite_name"`
		Statistics map[string]any   `json:"statistics"`
		Results    []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if res.Success || res.SuiteName != "bad" || res.Statistics["unsuccessful_expectations"] != float64(2) || len(res.Results) != 2 {
		t.Errorf("result JSON: %s", raw)
	}
	for _, k := range []string{"success", "expectation_config", "result", "meta", "exception_info"} {
		if _, ok := res.Results[0][k]; !ok {
			t.Errorf("expectation result lacks %q", k)
		}
	}
	j, _ := os.ReadFile(junit)
	if !strings.Contains(string(j), `<testsuites tests="2" failures="2" errors="0">`) {
		t.Errorf("junit: %s", j)
	}
	h, _ := os.ReadFile(html)
	if !strings.Contains(string(h), "<svg") {
		t.Error("HTML report has no inline SVG chart")
	}
	// Self-contained: nothing is fetched (no src/href to the network, no scripts).
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|<script|@import|url\(`).FindString(string(h)); m != "" {
		t.Errorf("HTML report fetches external content: %q", m)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "out", "*"))
	if len(matches) != 1 {
		t.Errorf("leftover temp files next to the result: %v", matches)
	}

	for name, suite := range map[string]string{"unknown type": unknown, "bad kwarg": badKwarg} {
		if code, _, errs := runCLI(t, "check", "--suite", suite, data); code != ExitUsage || errs == "" {
			t.Errorf("%s: exit %d (want 2), %s", name, code, errs)
		}
	}
	if code, out, _ := runCLI(t, "check", "--suite", missingCol, data); code != ExitFailed || !strings.Contains(out, `column "nope" not found`) {
		t.Errorf("missing column: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "check", "--suite", good, filepath.Join(dir, "absent.csv")); code != ExitRuntime {
		t.Errorf("absent data: exit %d, want 3", code)
	}
	if code, _, _ := runCLI(t, "check", "--suite", good, "--mostly-of", "most", data); code != ExitUsage {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}

// A folder is one table: its files are read in order, hidden and AppleDouble
// files are left out.
func TestCheck_Folder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "d/part-1.csv", []byte("id\n1\n2\n"))
	writeFile(t, dir, "d/part-2.csv", []byte("id\n3\n1\n"))
	writeFile(t, dir, "d/._part-1.csv", []byte{0, 5, 22, 7, 0xff})
	suite := writeFile(t, dir, "s.json", []byte(`{"name":"f","expectations":[{"type":"expect_table_row_count_to_equal","kwargs":{"value":4}},
	  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id","result_format":"COMPLETE"}}]}`))
	code, out, errs := runCLI(t, "check", "-o", "json", "--suite", suite, filepath.Join(dir, "d"))
	if code != ExitFailed {
		t.Fatalf("exit %d %s %s", code, out, errs)
	}
	var res struct {
		Results []struct {
			Success bool           `json:"success"`
			Result  map[string]any `json:"result"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Results[0].Success {
		t.Errorf("row count over both files: %v", res.Results[0].Result)
	}
	if idx := res.Results[1].Result["unexpected_index_list"]; len(idx.([]any)) != 2 || idx.([]any)[1] != float64(3) {
		t.Errorf("duplicate across files at rows 0 and 3: %v", idx)
	}
}

// --engine sql --print-sql writes the pushed-down query (Dremio dialect here).
func TestCheck_PrintSQL(t *testing.T) {
	dir := t.TempDir()
	suite := writeFile(t, dir, "s.json", []byte(`{"name":"s","expectations":[
	  {"type":"expect_column_values_to_match_regex","kwargs":{"column":"code","regex":"^A"}},
	  {"type":"expect_column_values_to_be_increasing","kwargs":{"column":"id"}}]}`))
	code, out, errs := runCLI(t, "check", "--suite", suite, "--engine", "sql", "--dialect", "dremio", "--print-sql", "lake.s.t")
	if code != ExitOK || !strings.Contains(out, `REGEXP_LIKE("code", '.*(?:^A).*')`) || !strings.Contains(out, `FROM "lake"."s"."t"`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "expect_column_values_to_be_increasing is not compiled to SQL") {
		t.Errorf("expectations left out must be named: %s", errs)
	}
	if !strings.Contains(errs, "maps NaN to NULL in float columns") {
		t.Errorf("the printed SQL must say NaN handling needs the column types: %s", errs)
	}
	if code, _, _ := runCLI(t, "check", "--suite", suite, "--engine", "sql", "--dialect", "postgres", "lake.s.t"); code != ExitUsage {
		t.Errorf("--engine sql without --dsn: exit %d, want 2", code)
	}
}

// C24: with --column-type a CSV column has a logical type, so type checks
// give the Parquet answer; a value that does not parse is reported with its
// record and line and fails the check.
func TestCheck_ColumnTypes_C24(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "people.csv", []byte("age,week\n1,1\n2,\n3,3\ntest,4\n4,5\n"))
	suite := writeFile(t, dir, "s.json", []byte(`{"name":"t","expectations":[
	  {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"week","type_":"int32"}},
	  {"type":"expect_column_values_to_be_in_type_list","kwargs":{"column":"week","type_list":["INTEGER","BIGINT"]}},
	  {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"age","type_":"long"}}]}`))
	code, out, errs := runCLI(t, "check", "-o", "json", "--suite", suite, "--column-type", "week=int", "--column-type", "age=long", data)
	if code != ExitFailed {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	var res struct {
		Results []struct {
			Success bool           `json:"success"`
			Result  map[string]any `json:"result"`
		} `json:"results"`
		Meta map[string]any `json:"meta"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	for i, r := range res.Results {
		if !r.Success {
			t.Errorf("expectation %d: %v", i, r.Result)
		}
	}
	if res.Results[0].Result["missing_count"] != float64(1) || res.Results[0].Result["observed_value"] != "int" {
		t.Errorf("week: %v", res.Results[0].Result)
	}
	se, _ := res.Meta["structural_errors"].([]any)
	if len(se) != 1 || se[0] != `record 4 (line 5): column "age": "test" is not a valid long` {
		t.Errorf("value errors: %v", res.Meta["structural_errors"])
	}
	if code, _, _ := runCLI(t, "check", "--suite", suite, "--column-type", "week=integerish", data); code != ExitUsage {
		t.Errorf("unknown column type: exit %d, want 2", code)
	}
}

// C27: a folder whose name has brackets and spaces is read literally, a CRLF
// TSV header is "age", not "age\r", and AppleDouble and dot-folder files are
// no data.
func TestCheck_OtherPlatforms_C27(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "study [pilot-2] v1")
	writeFile(t, root, "participants.tsv", []byte("participant_id\tage\r\nsub-01\t34\r\nsub-02\t41\r\n"))
	writeFile(t, root, "._participants.tsv", []byte{0, 5, 22, 7, 0, 0, 0xff})
	writeFile(t, root, ".git/old.tsv", []byte("participant_id\tage\r\nsub-09\t1\r\n"))
	suite := writeFile(t, dir, "s.json", []byte(`{"name":"c27","expectations":[
	  {"type":"expect_table_columns_to_match_ordered_list","kwargs":{"column_list":["participant_id","age"]}},
	  {"type":"expect_table_row_count_to_equal","kwargs":{"value":2}},
	  {"type":"expect_column_values_to_match_regex","kwargs":{"column":"age","regex":"^[0-9]+$"}}]}`))
	code, out, errs := runCLI(t, "check", "-o", "json", "--suite", suite, root)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "check", "--suite", suite, filepath.Join(root, "participants.tsv"))
	if code != ExitOK {
		t.Errorf("the file itself, by a path with brackets: exit %d\n%s%s", code, out, errs)
	}
}

// A terminal gets a progress bar counting rows; a pipe gets none.
func TestCheck_ProgressBar(t *testing.T) {
	var tty bytes.Buffer
	progress, finish := checkProgress(&tty, true)
	for _, rows := range []int64{65536, 131072, 150000} {
		progress(rows)
	}
	finish()
	if !strings.Contains(tty.String(), "checking") || !strings.Contains(tty.String(), "rows") {
		t.Errorf("no progress bar on a terminal: %q", tty.String())
	}
	var pipe bytes.Buffer
	progress, finish = checkProgress(&pipe, false)
	finish()
	if progress != nil || pipe.Len() != 0 {
		t.Errorf("a pipe gets a progress bar: %q", pipe.String())
	}
}

// An output flag that names a folder is a usage error before any work, and
// leaves no hidden partial file (a check result can hold the data's values).
func TestOutputFolderRefused(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "d.csv")
	suite := filepath.Join(dir, "s.json")
	pol := filepath.Join(dir, "p.json")
	folder := filepath.Join(dir, "outdir")
	for path, body := range map[string]string{data: "id\n1\n", suite: idSuite,
		pol: `{"format_version":1,"columns":{"id":{"action":"keep"}}}`} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LAKEHOUSE_DEID_KEY", "0123456789abcdef0123")
	for _, args := range [][]string{
		{"check", "--suite", suite, data, "--result", folder},
		{"check", "--suite", suite, data, "--junit", folder},
		{"check", "--suite", suite, data, "--html", folder},
		{"deid", "--policy", pol, data, "--out", folder},
		{"deid", "--policy", pol, data, "--out", filepath.Join(dir, "o.csv"), "--audit", folder},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != ExitUsage || !strings.Contains(stderr, "is a folder") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
	for _, d := range []string{dir, folder} {
		es, _ := os.ReadDir(d)
		for _, e := range es {
			if strings.HasPrefix(e.Name(), ".") || e.Name() == "o.csv" {
				t.Errorf("left behind: %s", filepath.Join(d, e.Name()))
			}
		}
	}
}
