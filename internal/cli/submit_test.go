package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
)

const (
	submitSuite = `{"name":"student_info","expectations":[
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"id_student"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"final_result","value_set":["Pass","Fail","Withdrawn","Distinction"]}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"studied_credits","min_value":0,"max_value":%s}}]}`
	submitPolicy = `{"format_version":1,"default_action":"keep","key":{"env":"LAKEHOUSE_DEID_KEY"},
 "columns":{"id_student":{"action":"pseudonymise","length":24},"imd_band":{"action":"drop"}}}`
)

type submitFixture struct {
	dataset, schema, suite, policy, out, dir string
}

// newSubmitFixture copies the shipped OULAD submission into a temp folder so
// tests may break it, and writes a suite and a policy beside it.
func newSubmitFixture(t *testing.T, maxCredits string) submitFixture {
	t.Helper()
	root := acctest.RepoRoot()
	dir := t.TempDir()
	f := submitFixture{dir: dir, dataset: filepath.Join(dir, "oulad"), out: filepath.Join(dir, "out"),
		schema: filepath.Join(root, "examples", "schemas", "oulad.json")}
	src := filepath.Join(root, "examples", "quickstart", "data", "oulad")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, f.dataset, e.Name(), b)
	}
	f.suite = writeFile(t, dir, "suite.json", []byte(strings.Replace(submitSuite, "%s", maxCredits, 1)))
	f.policy = writeFile(t, dir, "policy.json", []byte(submitPolicy))
	t.Setenv("LAKEHOUSE_DEID_KEY", "submit-test-key-0123456789abcdef")

	return f
}

func (f submitFixture) args(extra ...string) []string {
	return append([]string{"submit", "--schema", f.schema,
		"--suite", "studentInfo.csv=" + f.suite, "--policy", "studentInfo.csv=" + f.policy,
		"--out", f.out, "--result", filepath.Join(f.dir, "report.json"), "--report", filepath.Join(f.dir, "report.html")}, extra...)
}

func readSubmitReport(t *testing.T, path string) SubmissionReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep SubmissionReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}

	return rep
}

func stageStatuses(rep SubmissionReport) string {
	var s []string
	for _, st := range rep.Stages {
		s = append(s, st.Name+"="+st.Status)
	}

	return strings.Join(s, " ")
}

// The real OULAD submission goes through all four gates; what lands in the
// table is the de-identified copy, and the input is untouched.
func TestSubmit_AllStagesOnOULAD(t *testing.T) {
	f := newSubmitFixture(t, "700")
	cat := loadTestCatalog(t)
	if err := cat.CreateNamespace(context.Background(), []string{"oulad"}, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(f.dataset, "studentInfo.csv"))
	code, stdout, stderr := runCLI(t, f.args("--table", "studentInfo.csv=oulad.student_info", "--create", f.dataset)...)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	rep := readSubmitReport(t, filepath.Join(f.dir, "report.json"))
	if got := stageStatuses(rep); got != "validate=passed check=passed deid=passed load=passed" || !rep.Success {
		t.Fatalf("stages: %s", got)
	}
	if l := rep.Stages[3].Loads[0]; l.Rows != 12489 || l.Table != "oulad.student_info" || !l.Created {
		t.Fatalf("load: %+v", l)
	}
	after, _ := os.ReadFile(filepath.Join(f.dataset, "studentInfo.csv"))
	if string(before) != string(after) {
		t.Fatal("the input changed")
	}
	deidentified, err := os.ReadFile(filepath.Join(f.out, "studentInfo.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(deidentified), ",11391,") || strings.Contains(string(deidentified), "imd_band") {
		t.Fatalf("raw identifier or dropped column in the loaded copy: %.300s", deidentified)
	}
	if !strings.Contains(stdout, "The submission passed") {
		t.Fatalf("stdout: %s", stdout)
	}
}

// A failed expectation stops the run: nothing is de-identified or loaded,
// the report says why, and the exit code is 1.
func TestSubmit_StopsAtFirstFailingStage(t *testing.T) {
	f := newSubmitFixture(t, "10")
	code, stdout, _ := runCLI(t, f.args(f.dataset)...)
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	rep := readSubmitReport(t, filepath.Join(f.dir, "report.json"))
	if got := stageStatuses(rep); got != "validate=passed check=failed deid=skipped load=skipped" {
		t.Fatalf("stages: %s", got)
	}
	if _, err := os.Stat(f.out); !os.IsNotExist(err) {
		t.Fatalf("de-identified output exists after a failed check: %v", err)
	}
	if !regexp.MustCompile(`studentInfo.csv: column_values_to_be_between\(.*max_value=10`).MatchString(stdout) {
		t.Fatalf("the failing expectation is not named:\n%s", stdout)
	}
}

// A submission that breaks its schema fails at validation, before any check.
func TestSubmit_ValidationFailure(t *testing.T) {
	f := newSubmitFixture(t, "700")
	if err := os.Remove(filepath.Join(f.dataset, "dataset_description.json")); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, f.args(f.dataset)...)
	rep := readSubmitReport(t, filepath.Join(f.dir, "report.json"))
	if code != ExitFailed || stageStatuses(rep) != "validate=failed check=skipped deid=skipped load=skipped" {
		t.Fatalf("exit %d, stages %s\n%s", code, stageStatuses(rep), stdout)
	}
	if !strings.Contains(stdout, "MISSING_DATASET_DESCRIPTION") {
		t.Fatalf("the validation error is not named:\n%s", stdout)
	}
}

// Raw files never reach a table: a --table without a --policy is refused
// before anything runs.
func TestSubmit_UsageErrors(t *testing.T) {
	f := newSubmitFixture(t, "700")
	badSuite := writeFile(t, f.dir, "bad-suite.json", []byte(`{"name":"x","expectations":[{"type":"expect_the_best","kwargs":{}}]}`))
	for name, args := range map[string][]string{
		"table without policy": {"submit", "--schema", f.schema, "--table", "vle.csv=oulad.vle", f.dataset},
		"malformed mapping":    {"submit", "--schema", f.schema, "--suite", "studentInfo.csv", f.dataset},
		"duplicate file":       {"submit", "--schema", f.schema, "--suite", "a.csv=x", "--suite", "a.csv=y", f.dataset},
		"bad suite document":   {"submit", "--schema", f.schema, "--suite", "studentInfo.csv=" + badSuite, f.dataset},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want 2 (%s)", name, code, stderr)
		}
	}
}

// The HTML report is self-contained and carries no identifier value.
func TestSubmit_HTMLReport(t *testing.T) {
	f := newSubmitFixture(t, "700")
	if code, stdout, stderr := runCLI(t, f.args(f.dataset)...); code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(f.dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if regexp.MustCompile(`(?i)<(script|link|img)[^>]+(src|href)=`).MatchString(page) {
		t.Fatal("the report loads something from outside the page")
	}
	for _, want := range []string{"The submission passed every stage", "id_student", "pseudonymise", "12489"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "11391") {
		t.Error("an identifier value leaked into the report")
	}
}

// The raw input is never overwritten, whatever spelling names it.
func TestDeidAndSubmit_refuseToOverwriteInput(t *testing.T) {
	f := newSubmitFixture(t, "700")
	in := filepath.Join(f.dataset, "studentInfo.csv")
	before, _ := os.ReadFile(in)
	rel, err := filepath.Rel(mustGetwd(t), in)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{in, "./" + rel, rel} {
		if code, _, stderr := runCLI(t, "deid", "--policy", f.policy, in, "--out", out); code != ExitUsage {
			t.Errorf("deid --out %s: exit %d, want 2 (%s)", out, code, stderr)
		}
	}
	code, _, stderr := runCLI(t, "submit", "--schema", f.schema, "--policy", "studentInfo.csv="+f.policy, "--out", f.dataset, f.dataset)
	if code != ExitUsage || !strings.Contains(stderr, "inside the dataset") {
		t.Errorf("submit --out DATASET: exit %d, want 2 (%s)", code, stderr)
	}
	after, _ := os.ReadFile(in)
	if string(before) != string(after) {
		t.Fatal("the input changed")
	}
}

// submit checks the raw submission, so its reports withhold data values:
// a failing check shows counts and line numbers, never the values.
func TestSubmit_reportsWithholdValues(t *testing.T) {
	f := newSubmitFixture(t, "700")
	suite := writeFile(t, f.dir, "len-suite.json", []byte(`{"name":"len","expectations":[
	  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"region","value_set":["Scotland"]}},
	  {"type":"expect_column_max_to_be_between","kwargs":{"column":"region","max_value":"A"}}]}`))
	code, stdout, _ := runCLI(t, "submit", "--schema", f.schema, "--suite", "studentInfo.csv="+suite,
		"--result", filepath.Join(f.dir, "r.json"), "--report", filepath.Join(f.dir, "r.html"), f.dataset)
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	for _, out := range []string{stdout, readText(t, filepath.Join(f.dir, "r.json")), readText(t, filepath.Join(f.dir, "r.html"))} {
		for _, leak := range []string{"East Anglian Region", "Yorkshire Region", "South East Region"} {
			if strings.Contains(out, leak) {
				t.Errorf("a data value (%q) reached a report:\n%.400s", leak, out)
			}
		}
	}
	if !strings.Contains(stdout, "unexpected of 12489 rows") {
		t.Errorf("counts missing:\n%s", stdout)
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}

	return wd
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	return string(b)
}

// submit's text report escapes control characters in what it echoes from
// the data (paths, issue messages, check failures), like validate's.
func TestSubmit_textReportEscapesControlCharacters(t *testing.T) {
	rep := &SubmissionReport{Dataset: "in\x1b[2J", Stages: []*StageReport{
		{Name: "validate", Status: StageFailed, Summary: "1 error", Error: "read \x07bell",
			Validation: &submission.Report{Issues: submission.IssueList{Issues: []submission.Issue{
				{Code: "CSV_RAGGED_ROW", Severity: "error", Location: "a\x1b.csv", Message: "extra value '\x1b[31m\u202e'"}}}}},
	}}
	var b strings.Builder
	if err := writeSubmitText(&b, rep, submitFlags{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`Submission in\x1b[2J`, `read \abell`, `CSV_RAGGED_ROW a\x1b.csv: extra value '\x1b[31m\u202e'`} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %s:\n%s", want, out)
		}
	}
	for _, r := range out {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) || r == '\u202e' {
			t.Fatalf("raw control character %U in the report:\n%s", r, out)
		}
	}
}

// The HTML report shows what the de-identification audit warns of: columns
// a safe-harbor policy kept without recognising them, and identifier
// columns a policy keeps in clear.
func TestSubmit_HTMLReportShowsDeidWarnings(t *testing.T) {
	f := newSubmitFixture(t, "700")
	pol := writeFile(t, f.dir, "profile-policy.json", []byte(`{"format_version":1,"profile":"safe-harbor","default_action":"keep",
	  "columns":{"age_band":{"action":"keep"}}}`))
	code, stdout, stderr := runCLI(t, "submit", "--schema", f.schema, "--policy", "studentInfo.csv="+pol, "--out", f.out,
		"--report", filepath.Join(f.dir, "r.html"), "--result", filepath.Join(f.dir, "r.json"), f.dataset)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	page := readText(t, filepath.Join(f.dir, "r.html"))
	for _, want := range []string{
		"the safe-harbor profile does not recognise 10 columns",
		"<code>code_module</code>", "<code>final_result</code>",
		"<code>age_band</code>: kept by policy: the column is AGE, Safe Harbor C",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	rep := readSubmitReport(t, filepath.Join(f.dir, "r.json"))
	if kept := rep.Stages[2].Deid[0].UnclassifiedKept; len(kept) != 10 {
		t.Errorf("unclassified_kept = %q", kept)
	}
}

// With several files in a stage, an error names the file it is about, so a
// steward knows which --policy, --suite or --table to fix: on stderr and in
// the report.
func TestSubmit_perFileErrorsNameTheFile(t *testing.T) {
	f := newSubmitFixture(t, "700")
	loadTestCatalog(t) // a SQLite catalog with the namespace "sales"
	keep := writeFile(t, f.dir, "keep.json", []byte(`{"format_version":1,"default_action":"keep","columns":{"imd_band":{"action":"drop"}}}`))
	regKeep := writeFile(t, f.dir, "reg-keep.json", []byte(`{"format_version":1,"default_action":"keep","columns":{"id_student":{"action":"pseudonymise"}}}`))
	ageBand := writeFile(t, f.dir, "p2.json", []byte(`{"format_version":1,"default_action":"keep","columns":{"age_band":{"action":"age"}}}`))
	misspelt := writeFile(t, f.dir, "p3.json", []byte(`{"format_version":1,"default_action":"keep","columns":{"id_student":{"action":"pseudonymise","lentgh":24}}}`))
	keyed := writeFile(t, f.dir, "p4.json", []byte(`{"format_version":1,"default_action":"keep","columns":{"id_student":{"action":"pseudonymise"}}}`))
	badSuite := writeFile(t, f.dir, "s2.json", []byte(`{"name":"x","expectations":[{"type":"expect_the_best","kwargs":{}}]}`))
	const second = "studentRegistration.csv"
	deid := func(pol string, extra ...string) []string {
		return append([]string{"--policy", "studentInfo.csv=" + keep, "--policy", second + "=" + pol}, extra...)
	}
	for name, c := range map[string]struct {
		args []string
		code int
		want string
	}{
		"deid: policy column missing from the file": {deid(ageBand), ExitUsage, `column "age_band": named in the policy but not in the input header`},
		"deid: policy document missing":             {deid(filepath.Join(f.dir, "none.json")), ExitUsage, "does not exist"},
		"deid: policy document invalid":             {deid(misspelt), ExitUsage, `columns["id_student"].lentgh: unknown field`},
		"deid: key missing": {deid(keyed, "--key-env", "LAKEHOUSE_TEST_NO_SUCH_KEY"), ExitUsage,
			"LAKEHOUSE_TEST_NO_SUCH_KEY is empty or unset"},
		"check: suite document invalid": {[]string{"--suite", "studentInfo.csv=" + f.suite, "--suite", second + "=" + badSuite},
			ExitUsage, "expect_the_best"},
		"check: suite document missing": {[]string{"--suite", "studentInfo.csv=" + f.suite, "--suite", second + "=" + filepath.Join(f.dir, "none.json")},
			ExitUsage, "does not exist"},
		"load: namespace missing": {append(deid(regKeep), "--create", "--table", "studentInfo.csv=sales.student_info",
			"--table", second+"=nowhere.registration"), ExitRuntime, "nowhere"},
		"load: not a table name": {append(deid(regKeep), "--table", "studentInfo.csv=sales.student_info", "--create",
			"--table", second+"=registration"), ExitUsage, "not namespace.table"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			result := filepath.Join(t.TempDir(), "r.json")
			args := append([]string{"submit", "--schema", f.schema, "--out", out, "--result", result}, c.args...)
			code, _, stderr := runCLI(t, append(args, f.dataset)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, stderr)
			}
			if !strings.HasPrefix(stderr, "error: "+second+": ") || !strings.Contains(stderr, c.want) {
				t.Errorf("stderr does not start with the file and say %q:\n%s", c.want, stderr)
			}
			rep := readSubmitReport(t, result)
			for _, st := range rep.Stages {
				if st.Status == StageError && !strings.HasPrefix(st.Error, second+": ") {
					t.Errorf("stage %s: the report's error does not name the file: %s", st.Name, st.Error)
				}
			}
		})
	}
}
