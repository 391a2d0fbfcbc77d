// Package report renders expectation validation results for people and
// for CI: a text summary, JUnit XML and a self-contained HTML page.
package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/textclip"
)

// Table is one validated table with its result.
type Table struct {
	Name   string
	Result *expectations.Result
}

// WriteJSON writes the GX 1.x validation result of one table, or a list of
// them when several tables were checked.
func WriteJSON(w io.Writer, tables []Table) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if len(tables) == 1 {
		return enc.Encode(tables[0].Result)
	}
	out := make([]*expectations.Result, len(tables))
	for i, t := range tables {
		out[i] = t.Result
	}

	return enc.Encode(out)
}

// Describe renders an expectation's configuration in one short line, with
// control characters escaped (tabular.Printable), as every string this
// package makes for people from a result.
func Describe(c expectations.Config) string {
	keys := make([]string, 0, len(c.Kwargs))
	for k := range c.Kwargs {
		if k == "result_format" || k == "catch_exceptions" || k == "meta" || k == "batch_id" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + textclip.Clip(compactJSON(c.Kwargs[k]), 60)
	}

	return tabular.Printable(fmt.Sprintf("%s(%s)", strings.TrimPrefix(c.Type, "expect_"), strings.Join(parts, ", ")))
}

// Observation summarises an expectation result: the observed value or the
// unexpected count. Values keep JSON's escapes; what JSON leaves as it is
// (DEL, C1 and bidirectional controls) is escaped too.
func Observation(r expectations.ExpectationResult) string { return tabular.Printable(observation(r)) }

func observation(r expectations.ExpectationResult) string {
	if r.ExceptionInfo.Raised {
		return "error: " + r.ExceptionInfo.Message
	}
	res := r.Result
	if v, ok := res["unexpected_count"]; ok {
		s := unexpectedShare(v, res)
		if m := mostlyShare(r); m != "" {
			s += "; " + m
		}
		if o, ok := res["observed_value"]; ok && o != nil {
			s += "; observed " + textclip.Clip(compactJSON(o), 120) // a column's type, beside the rows it failed
		}
		if l, ok := res["partial_unexpected_list"].([]any); ok && len(l) > 0 {
			// A value can be megabytes of text: the example is a glimpse.
			s += "; e.g. " + textclip.Clip(compactJSON(l[:min(len(l), 5)]), 200)
		}
		if l, ok := res["partial_unexpected_line_list"].([]int); ok && len(l) > 0 {
			s += "; lines " + lineRefs(l[:min(len(l), 10)], res["partial_unexpected_file_list"])
		}
		return s
	}
	if v, ok := res["observed_value"]; ok {
		return "observed " + textclip.Clip(compactJSON(v), 120)
	}

	return ""
}

// lineRefs lists CSV lines, as file:line when the table came from several
// files.
func lineRefs(lines []int, files any) string {
	names, ok := files.([]string)
	if !ok || len(names) < len(lines) {
		return compactJSON(lines)
	}
	refs := make([]string, len(lines))
	for i, l := range lines {
		refs[i] = fmt.Sprintf("%s:%d", names[i], l)
	}

	return strings.Join(refs, ", ")
}

// mostlyShare says, for an expectation with a mostly below 1, what share
// of rows was expected out of the rows mostly is measured over (the
// non-missing ones, or all with --mostly-of all), which the percentage of
// unexpected rows alone does not give when rows are missing.
func mostlyShare(r expectations.ExpectationResult) string {
	mostly, ok := toFloat(r.ExpectationConfig.Kwargs["mostly"])
	if !ok || mostly >= 1 {
		return ""
	}
	unexpected, ok1 := toInt(r.Result["unexpected_count"])
	all, ok2 := toInt(r.Result["element_count"])
	missing, _ := toInt(r.Result["missing_count"])
	if !ok1 || !ok2 {
		return ""
	}
	over, of := all-missing, "non-missing rows"
	if _, tracksNulls := r.Result["missing_count"]; !tracksNulls {
		// not_be_null and be_null judge the nulls themselves: every row counts.
		of = "rows"
	}
	good := over - unexpected
	if r.Meta["mostly_denominator"] == "all" {
		over, of = all, "all rows"
	}
	if over == 0 {
		return ""
	}

	return fmt.Sprintf("%.2f%% of %s expected, mostly needs %s", 100*float64(good)/float64(over), of, strconv.FormatFloat(100*mostly, 'f', -1, 64)+"%")
}

// toFloat reads a kwarg number.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}

	return 0, false
}

// unexpectedShare says how many rows were unexpected out of how many, and
// of which: GX's unexpected_percent is a share of the non-missing rows, so
// when some rows are missing the text names those rows and the missing
// ones apart ("1 unexpected of 3 non-missing rows (33.33%); 1 of 4 rows
// missing") rather than a percentage that reads as a share of them all.
func unexpectedShare(unexpected any, res map[string]any) string {
	total := res["element_count"]
	pct := ""
	if p, ok := res["unexpected_percent"].(float64); ok {
		pct = fmt.Sprintf(" (%.2f%%)", p)
	}
	missing, okM := toInt(res["missing_count"])
	all, okT := toInt(total)
	if !okM || !okT || missing == 0 {
		return fmt.Sprintf("%v unexpected of %v rows%s", unexpected, total, pct)
	}

	return fmt.Sprintf("%v unexpected of %d non-missing rows%s; %d of %d rows missing", unexpected, all-missing, pct, missing, all)
}

// Malformed is what a result says of the records that did not read
// cleanly: ragged records, left out of the checks, and values that do not
// parse as their column's type, read as null.
type Malformed struct {
	Summary  string   // "2 malformed records (left out of the checks)"
	Records  []string // the first ones, each with its record and line
	FailsRun bool     // false when they are warnings (--ragged skip)
}

// MalformedOf reads Malformed from a result's meta, or nil when every
// record read cleanly.
func MalformedOf(r *expectations.Result) *Malformed {
	se, ok := r.Meta["structural_errors"].([]string)
	if !ok || len(se) == 0 {
		return nil
	}
	m := &Malformed{Records: make([]string, len(se)), FailsRun: true}
	for i, s := range se {
		m.Records[i] = tabular.Printable(s) // they may quote the data
	}
	if f, ok := r.Meta["structural_errors_fail_run"].(bool); ok {
		m.FailsRun = f
	}
	ragged, okR := toInt(r.Meta["ragged_record_count"])
	values, okV := toInt(r.Meta["unparsable_value_count"])
	switch {
	case !okR || !okV:
		m.Summary = fmt.Sprintf("%v malformed records", r.Meta["structural_error_count"])
	case values == 0:
		m.Summary = records(ragged) + " (left out of the checks)"
	case ragged == 0:
		m.Summary = unparsable(values) + " (read as null)"
	default:
		m.Summary = records(ragged) + " (left out of the checks) and " + unparsable(values) + " (read as null)"
	}

	return m
}

func records(n int64) string {
	if n == 1 {
		return "1 malformed record"
	}

	return fmt.Sprintf("%d malformed records", n)
}

func unparsable(n int64) string {
	if n == 1 {
		return "1 value that does not parse as its column's type"
	}

	return fmt.Sprintf("%d values that do not parse as their column's type", n)
}

// WriteText writes a readable report.
func WriteText(w io.Writer, tables []Table) error {
	var b strings.Builder
	for _, t := range tables {
		r := t.Result
		fmt.Fprintf(&b, "Suite %q on %s: ", r.SuiteName, tabular.Printable(t.Name))
		if r.Success {
			b.WriteString("PASSED")
		} else {
			b.WriteString("FAILED")
		}
		fmt.Fprintf(&b, " (%d of %d expectations met, %v rows)\n", r.Statistics.Successful, r.Statistics.Evaluated, r.Meta["row_count"])
		for _, e := range r.Results {
			mark := "ok  "
			if !e.Success {
				mark = "FAIL"
			}
			fmt.Fprintf(&b, "  %s %s\n", mark, Describe(e.ExpectationConfig))
			if o := Observation(e); o != "" && (!e.Success || strings.HasPrefix(o, "observed")) {
				fmt.Fprintf(&b, "       %s\n", o)
			}
		}
		if m := MalformedOf(r); m != nil {
			mark := "warn"
			if m.FailsRun {
				mark = "FAIL"
			}
			fmt.Fprintf(&b, "  %s %s:\n", mark, m.Summary)
			for _, s := range m.Records {
				fmt.Fprintf(&b, "       %s\n", s)
			}
		}
	}
	_, err := io.WriteString(w, b.String())

	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML: one testsuite per table, one testcase per
// expectation; a failed expectation is a failure, one that could not be
// evaluated an error.
func WriteJUnit(w io.Writer, tables []Table) error {
	var out junitSuites
	for _, t := range tables {
		s := junitSuite{Name: t.Result.SuiteName + " @ " + t.Name}
		for i, e := range t.Result.Results {
			c := junitCase{Name: fmt.Sprintf("%02d %s", i+1, Describe(e.ExpectationConfig)), Classname: e.ExpectationConfig.Type}
			detail, _ := json.MarshalIndent(e.Result, "", "  ")
			switch {
			case e.ExceptionInfo.Raised:
				c.Error = &junitMessage{Message: e.ExceptionInfo.Message, Type: "exception"}
				s.Errors++
			case !e.Success:
				c.Failure = &junitMessage{Message: Observation(e), Type: e.ExpectationConfig.Type, Body: string(detail)}
				s.Failures++
			default:
				c.SystemOut = Observation(e)
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
		}
		if m := MalformedOf(t.Result); m != nil {
			c := junitCase{Name: "records are well-formed", Classname: "structure"}
			if m.FailsRun {
				c.Failure = &junitMessage{Message: m.Summary, Type: "structure", Body: strings.Join(m.Records, "\n")}
				s.Failures++
			} else {
				c.SystemOut = m.Summary + " (warnings)\n" + strings.Join(m.Records, "\n")
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")

	return err
}

// compactJSON renders a value as JSON without HTML escaping (the text and
// XML writers escape for their own formats).
func compactJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}

	return strings.TrimSuffix(b.String(), "\n")
}
