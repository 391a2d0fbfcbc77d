package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// With --output json a failure that left no result on stdout is written
// there as a JSON document too, so a pipeline parsing stdout reads why;
// the text on stderr stays, and text output gets none.
func TestJSONOutputCarriesErrors(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "d.csv", []byte("id\n1\n"))
	suite := writeFile(t, dir, "s.json", []byte(idSuite))
	for name, c := range map[string]struct {
		args []string
		code int
		kind string
	}{
		"missing suite":   {[]string{"check", "-o", "json", "--suite", filepath.Join(dir, "none.json"), data}, ExitUsage, "usage"},
		"missing data":    {[]string{"check", "-o", "json", "--suite", suite, filepath.Join(dir, "none.csv")}, ExitRuntime, "runtime"},
		"missing policy":  {[]string{"deid", "-o", "json", "--policy", filepath.Join(dir, "none.json"), data, "--out", filepath.Join(dir, "o.csv")}, ExitUsage, "usage"},
		"validate schema": {[]string{"validate", "-o", "json", "--schema", filepath.Join(dir, "none.json"), dir}, ExitUsage, "usage"},
		"unknown flag":    {[]string{"check", "--suite", suite, data, "--sutie", "x", "-o", "json"}, ExitUsage, "usage"},
	} {
		code, stdout, stderr := runCLI(t, c.args...)
		var doc struct {
			Success *bool
			Error   struct {
				ExitCode int `json:"exit_code"`
				Kind     string
				Message  string
			}
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Errorf("%s: stdout is not one JSON document (%v): %q", name, err, stdout)
			continue
		}
		if code != c.code || doc.Success == nil || *doc.Success || doc.Error.ExitCode != c.code || doc.Error.Kind != c.kind ||
			!strings.Contains(stderr, doc.Error.Message) || doc.Error.Message == "" {
			t.Errorf("%s: exit %d, document %+v, stderr %q", name, code, doc, stderr)
		}
	}
	code, stdout, _ := runCLI(t, "check", "--suite", filepath.Join(dir, "none.json"), data)
	if code != ExitUsage || stdout != "" {
		t.Errorf("text output: exit %d, stdout %q", code, stdout)
	}
	// A result already written is not followed by a second document.
	code, stdout, _ = runCLI(t, "check", "-o", "json", "--suite", suite, data)
	var res map[string]any
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != ExitOK {
		t.Errorf("a passing run: exit %d, %v: %q", code, err, stdout)
	}
}

// A check that would check nothing, or check something other than what
// its flags ask, is a usage error rather than a pass.
func TestCheckRefusesWhatWouldNotBeChecked(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "d.csv", []byte("id\n1\n"))
	empty := writeFile(t, dir, "empty.json", []byte(`{"name":"e","expectations":[]}`))
	suite := writeFile(t, dir, "s.json", []byte(idSuite))
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"empty suite": {[]string{"check", "--suite", empty, data}, "has no expectations"},
		"print-sql":   {[]string{"check", "--suite", suite, "--print-sql", data}, "--print-sql needs --engine sql"},
		"dialect":     {[]string{"check", "--suite", suite, "--dialect", "dremio", data}, "--dialect needs --engine sql"},
	} {
		if code, _, stderr := runCLI(t, c.args...); code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want exit 2 and %q", name, code, stderr, c.want)
		}
	}
}

// A wrong number of inputs says what the input is, and a suite given as an
// argument is pointed to --suite.
func TestOneInputMessages(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"suite as argument": {[]string{"check", "suite.json", "data.csv"}, "suite.json looks like the document for --suite: check --suite suite.json"},
		"no data":           {[]string{"check", "--suite", "suite.json"}, "check needs its input: a CSV, TSV or Parquet file"},
		"two folders":       {[]string{"validate", "--schema", "s.json", "a", "b"}, "validate takes one input, the submission's folder or s3:// prefix, but got 2: a b"},
		"policy first":      {[]string{"deid", "policy.json", "in.csv", "--out", "o.csv"}, "--policy policy.json"},
	} {
		if code, _, stderr := runCLI(t, c.args...); code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want %q", name, code, stderr, c.want)
		}
	}
}

// Mistakes in what the command was given are usage errors (exit 2) that
// say what is wrong; a file that is not what its name says is named so.
func TestInputMistakesAreNamed(t *testing.T) {
	dir := t.TempDir()
	data := writeFile(t, dir, "d.csv", []byte("id\n1\n"))
	suite := writeFile(t, dir, "s.json", []byte(idSuite))
	policy := writeFile(t, dir, "p.json", []byte(`{"format_version":1,"columns":{"id":{"action":"keep"}}}`))
	for name, c := range map[string]struct {
		args []string
		code int
		want string
	}{
		"suite is a folder":   {[]string{"check", "--suite", dir, data}, ExitUsage, "is a folder"},
		"type for no column":  {[]string{"check", "--suite", suite, "--column-type", "nosuch=int", data}, ExitUsage, `column "nosuch", which the header does not have`},
		"csv read as parquet": {[]string{"check", "--suite", suite, "--format", "parquet", data}, ExitRuntime, "not a Parquet file"},
		"deid out extension":  {[]string{"deid", "--policy", policy, data, "--out", filepath.Join(dir, "o.parquet")}, ExitUsage, "names a parquet file, but the output is written as csv"},
	} {
		if code, _, stderr := runCLI(t, c.args...); code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want exit %d and %q", name, code, stderr, c.code, c.want)
		}
	}
	if code, _, stderr := runCLI(t, "check", "--suite", suite, "--encoding", "latin-1", data); code != ExitOK {
		t.Errorf("latin-1 is a spelling of latin1: exit %d, %q", code, stderr)
	}
}
