package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
)

func sampleResult(t *testing.T) *expectations.Result {
	t.Helper()
	s, err := expectations.ParseSuite([]byte(`{"name":"r<s>","expectations":[
	  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"v","value_set":["ok"]}},
	  {"type":"expect_column_mean_to_be_between","kwargs":{"column":"n","min_value":0,"max_value":10}},
	  {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"missing_col"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	v := expectations.InferColumn([]any{"ok", "<script>alert(1)</script>", "<script>alert(1)</script>", "x&y"})
	n := expectations.InferColumn([]any{int64(1), int64(2), int64(3), int64(4)})
	res, err := expectations.Run(context.Background(), s, &expectations.MemorySource{Names: []string{"v", "n"}, Cols: []expectations.Column{v, n}}, expectations.Options{Profile: true})
	if err != nil {
		t.Fatal(err)
	}

	return res
}

// Data values end up in the HTML page and its SVG charts escaped.
func TestHTMLEscapesData(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, []Table{{Name: "t.csv", Result: sampleResult(t)}}); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if strings.Contains(h, "<script") {
		t.Error("a data value was written into the page unescaped")
	}
	if !strings.Contains(h, "&lt;script&gt;") || strings.Count(h, "<svg") < 2 {
		t.Errorf("want the escaped value and at least two inline SVG charts; svg count %d", strings.Count(h, "<svg"))
	}
}

// JUnit XML parses, counts failures and errors apart.
func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, []Table{{Name: "t.csv", Result: sampleResult(t)}}); err != nil {
		t.Fatal(err)
	}
	var parsed junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &parsed); err != nil {
		t.Fatalf("invalid XML: %v\n%s", err, buf.String())
	}
	if parsed.Tests != 3 || parsed.Failures != 1 || parsed.Errors != 1 {
		t.Errorf("tests=%d failures=%d errors=%d", parsed.Tests, parsed.Failures, parsed.Errors)
	}
	var text bytes.Buffer
	if err := WriteText(&text, []Table{{Name: "t.csv", Result: sampleResult(t)}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), `3 unexpected of 4 rows (75.00%)`) {
		t.Errorf("text report:\n%s", text.String())
	}
}

// Value distributions: a profile with bars is a chart with its note, one
// without (every value distinct) still shows its note, and the page never
// invents bars for it.
func TestHTMLProfiles(t *testing.T) {
	res := sampleResult(t)
	res.Meta["column_profiles"] = []expectations.ColumnProfile{
		{Column: "term", Rows: 3, Exact: true, Note: "all 3 values", Histogram: []expectations.HistogramBin{{Label: "2024J", Count: 2}, {Label: "2023J", Count: 1}}},
		{Column: "email", Rows: 9000, Note: "more than 4096 distinct values, none frequent: each occurs at most 3 times"},
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, []Table{{Name: "t.csv", Result: res}}); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if !strings.Contains(h, `<figcaption class="note">term: all 3 values</figcaption>`) {
		t.Error("the term chart lacks its caption")
	}
	if !strings.Contains(h, `<p class="note">email: more than 4096 distinct values, none frequent: each occurs at most 3 times</p>`) {
		t.Error("a profile without bars must still show its note")
	}
	if n := strings.Count(h, "email"); n != 1 {
		t.Errorf("email appears %d times; want once, in its note (no chart)", n)
	}
}

// With missing rows the text names the non-missing rows the percentage is
// a share of, and the missing ones apart; a result read back from JSON
// reads the same.
func TestObservationNamesMissingRows(t *testing.T) {
	r := expectations.ExpectationResult{Result: map[string]any{
		"element_count": int64(4), "missing_count": int64(1), "unexpected_count": int64(1),
		"unexpected_percent": 100.0 / 3, "partial_unexpected_list": []any{120},
	}}
	want := `1 unexpected of 3 non-missing rows (33.33%); 1 of 4 rows missing; e.g. [120]`
	if got := Observation(r); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	r.Result["element_count"], r.Result["missing_count"] = json.Number("4"), 1.0
	if got := Observation(r); got != want {
		t.Errorf("from JSON numbers: got %s\nwant %s", got, want)
	}
	r.Result["missing_count"] = int64(0)
	if got := Observation(r); !strings.HasPrefix(got, "1 unexpected of 4 rows (33.33%)") {
		t.Errorf("no missing rows: got %s", got)
	}
	// A type expectation names the column's type beside the rows.
	r.Result["observed_value"] = "long"
	if got := Observation(r); !strings.Contains(got, `(33.33%); observed "long"; e.g. [120]`) {
		t.Errorf("type: got %s", got)
	}
}

// Records that did not read cleanly are a failure or, under --ragged skip,
// a warning, in the text, JUnit and HTML reports alike, each kind named
// with what became of it.
func TestMalformedRecordsReport(t *testing.T) {
	res := sampleResult(t)
	res.Meta["structural_errors"] = []string{"record 2 (line 3): 3 fields, header has 2", `record 3 (line 4): column "score": "x" is not a valid int`}
	res.Meta["structural_error_count"] = int64(2)
	res.Meta["ragged_record_count"] = int64(1)
	res.Meta["unparsable_value_count"] = int64(1)
	want := "1 malformed record (left out of the checks) and 1 value that does not parse as its column's type (read as null)"
	for _, failsRun := range []bool{true, false} {
		res.Meta["structural_errors_fail_run"] = failsRun
		var text, junit, page bytes.Buffer
		tables := []Table{{Name: "t.csv", Result: res}}
		if err := WriteText(&text, tables); err != nil {
			t.Fatal(err)
		}
		if err := WriteJUnit(&junit, tables); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(&page, tables); err != nil {
			t.Fatal(err)
		}
		mark, class := "warn ", `class="warn"`
		if failsRun {
			mark, class = "FAIL ", `class="fail"`
		}
		if !strings.Contains(text.String(), mark+want) {
			t.Errorf("fails run %v: text report:\n%s", failsRun, text.String())
		}
		var parsed junitSuites
		if err := xml.Unmarshal(junit.Bytes(), &parsed); err != nil {
			t.Fatal(err)
		}
		if failures := parsed.Failures; (failures == 2) != failsRun { // the sample's own failure, and this one
			t.Errorf("fails run %v: %d JUnit failures", failsRun, failures)
		}
		if !strings.Contains(page.String(), "<h3 "+class+">"+strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("fails run %v: HTML heading missing", failsRun)
		}
	}
}

// The text report escapes control characters in all it echoes from the
// data: values (JSON escapes C0 but leaves DEL, C1 and bidirectional
// controls as they are), malformed records and the table's name.
func TestTextEscapesControlCharacters(t *testing.T) {
	s, err := expectations.ParseSuite([]byte(`{"name":"s","expectations":[
	  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"v","value_set":["ok"]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	v := expectations.InferColumn([]any{"ok", "del\x7f", "c1\u0085", "rtl\u202eevil", "esc\x1b[2J"})
	res, err := expectations.Run(context.Background(), s, &expectations.MemorySource{Names: []string{"v"}, Cols: []expectations.Column{v}}, expectations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res.Meta["structural_errors"] = []string{"record 9 (line 10): raw \x1b[31mred\a"}
	res.Meta["structural_error_count"] = int64(1)
	res.Meta["ragged_record_count"] = int64(1)
	res.Meta["unparsable_value_count"] = int64(0)
	var text bytes.Buffer
	if err := WriteText(&text, []Table{{Name: "in\x1b[2J.csv", Result: res}}); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, want := range []string{`on in\x1b[2J.csv:`, `"del\x7f"`, `"c1\u0085"`, `"rtl\u202eevil"`, `"esc\u001b[2J"`, `raw \x1b[31mred\a`} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %s:\n%s", want, out)
		}
	}
	for _, r := range out {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) || r == '\u202e' {
			t.Fatalf("raw control character %U in the text report:\n%s", r, out)
		}
	}
}

// With mostly, the text says what share of the rows mostly is measured
// over were expected, over all rows under --mostly-of all.
func TestObservationMostlyShare(t *testing.T) {
	r := expectations.ExpectationResult{
		ExpectationConfig: expectations.Config{Kwargs: map[string]any{"mostly": json.Number("0.6")}},
		Result:            map[string]any{"element_count": int64(8), "missing_count": int64(2), "unexpected_count": int64(2), "unexpected_percent": 100.0 / 3},
		Meta:              map[string]any{"mostly_denominator": "all"},
	}
	if got := Observation(r); !strings.Contains(got, "50.00% of all rows expected, mostly needs 60%") {
		t.Errorf("all rows: %s", got)
	}
	r.Meta["mostly_denominator"] = "nonmissing"
	if got := Observation(r); !strings.Contains(got, "66.67% of non-missing rows expected, mostly needs 60%") {
		t.Errorf("non-missing rows: %s", got)
	}
}

// not_be_null judges the nulls themselves: its share is of every row.
func TestObservationMostlyShareNotNull(t *testing.T) {
	r := expectations.ExpectationResult{
		ExpectationConfig: expectations.Config{Kwargs: map[string]any{"mostly": 0.9}},
		Result:            map[string]any{"element_count": int64(10), "unexpected_count": int64(2), "unexpected_percent": 20.0},
	}
	if got := Observation(r); !strings.Contains(got, "80.00% of rows expected, mostly needs 90%") {
		t.Errorf("not_be_null: %s", got)
	}
}

// A huge value is shown in part, never cut inside a character.
func TestObservationClipsLongValues(t *testing.T) {
	long := strings.Repeat("é", 100000)
	r := expectations.ExpectationResult{Result: map[string]any{
		"element_count": int64(1), "unexpected_count": int64(1), "unexpected_percent": 100.0,
		"partial_unexpected_list": []any{long}, "observed_value": long,
	}}
	got := Observation(r)
	if len(got) > 1000 || !strings.Contains(got, "…") || !utf8.ValidString(got) {
		t.Errorf("observation of a 100,000-character value: %d bytes, %q…", len(got), got[:min(len(got), 80)])
	}
	if d := Describe(expectations.Config{Type: "expect_column_values_to_be_in_set", Kwargs: map[string]any{"value_set": []any{long}}}); len(d) > 200 || !utf8.ValidString(d) {
		t.Errorf("description: %d bytes", len(d))
	}
}

// A null among the unexpected values is labelled as results write it.
func TestHTMLNullLabel(t *testing.T) {
	s, err := expectations.ParseSuite([]byte(`{"name":"n","expectations":[
	  {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"v","result_format":"COMPLETE"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	v := expectations.InferColumn([]any{"a", nil, nil})
	res, err := expectations.Run(context.Background(), s, &expectations.MemorySource{Names: []string{"v"}, Cols: []expectations.Column{v}}, expectations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, []Table{{Name: "t.csv", Result: res}}); err != nil {
		t.Fatal(err)
	}
	if h := buf.String(); strings.Contains(h, "&lt;nil&gt;") || !strings.Contains(h, ">null<") {
		t.Errorf("want the null value labelled null, not <nil>")
	}
}

// Lines of a table read from several files say which file they are in.
func TestObservationLinesWithFiles(t *testing.T) {
	r := expectations.ExpectationResult{Result: map[string]any{
		"element_count": int64(5), "unexpected_count": int64(2), "unexpected_percent": 40.0,
		"partial_unexpected_line_list": []int{3, 3}, "partial_unexpected_file_list": []string{"a.csv", "b.csv"},
	}}
	if got := Observation(r); !strings.HasSuffix(got, "; lines a.csv:3, b.csv:3") {
		t.Errorf("got %s", got)
	}
}
