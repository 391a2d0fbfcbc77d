package cli

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations/report"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func writeSubmitOutputs(cmd *cobra.Command, f submitFlags, format string, rep *SubmissionReport) error {
	if f.result != "" {
		if err := writeAtomic(f.result, func(w io.Writer) error { return writeSubmitJSON(w, rep) }); err != nil {
			return Runtime(fmt.Errorf("writing %s: %w", f.result, err))
		}
	}
	if f.htmlReport != "" {
		if err := writeAtomic(f.htmlReport, func(w io.Writer) error { return writeSubmitHTML(w, rep) }); err != nil {
			return Runtime(fmt.Errorf("writing %s: %w", f.htmlReport, err))
		}
	}
	var err error
	if format == "json" {
		err = writeSubmitJSON(cmd.OutOrStdout(), rep)
	} else {
		err = writeSubmitText(cmd.OutOrStdout(), rep, f)
	}
	if err != nil {
		return Runtime(fmt.Errorf("writing the report: %w", err))
	}

	return nil
}

func writeAtomic(path string, write func(io.Writer) error) error {
	af, err := runnerio.Create(path)
	if err != nil {
		return err
	}
	if err := write(af); err != nil {
		af.Abort()

		return err
	}

	return af.Commit()
}

func writeSubmitJSON(w io.Writer, rep *SubmissionReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")

	return enc.Encode(rep)
}

var stageMarks = map[string]string{StagePassed: "PASS", StageFailed: "FAIL", StageError: "ERROR", StageSkipped: "skip"}

// writeSubmitText writes the report for people; paths, errors and issue
// messages may carry bytes from the data, so they are shown escaped.
func writeSubmitText(w io.Writer, rep *SubmissionReport, f submitFlags) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Submission %s\n", tabular.Printable(rep.Dataset))
	for _, s := range rep.Stages {
		fmt.Fprintf(&b, "  %-5s %-9s %s", stageMarks[s.Status], s.Name, tabular.Printable(s.Summary))
		if s.Seconds > 0 {
			fmt.Fprintf(&b, " (%.1fs)", s.Seconds)
		}
		b.WriteString("\n")
		if s.Error != "" {
			fmt.Fprintf(&b, "        %s\n", tabular.Printable(s.Error))
		}
		if s.Status == StageFailed {
			writeFailures(&b, s)
		}
	}
	verdict := "passed"
	if !rep.Success {
		verdict = "did not pass"
	}
	fmt.Fprintf(&b, "The submission %s (%.1fs).", verdict, rep.Seconds)
	if f.htmlReport != "" {
		fmt.Fprintf(&b, " Report: %s", tabular.Printable(f.htmlReport))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())

	return err
}

// writeFailures lists what made a stage fail, briefly; the full detail is in
// the JSON and HTML reports.
func writeFailures(b *strings.Builder, s *StageReport) {
	const most = 10
	n := 0
	if s.Validation != nil {
		for _, is := range s.Validation.Issues.Issues {
			if is.Severity != "error" || n == most {
				continue
			}
			n++
			fmt.Fprintf(b, "        %s %s: %s\n", is.Code, tabular.Printable(is.Location), tabular.Printable(is.Message))
		}
	}
	for _, c := range s.Checks {
		for _, r := range c.Result.Results {
			if r.Success || n == most {
				continue
			}
			n++
			fmt.Fprintf(b, "        %s: %s: %s\n", tabular.Printable(c.File), report.Describe(r.ExpectationConfig), report.Observation(r))
		}
	}
}

var submitHTML = template.Must(template.New("submit").Funcs(template.FuncMap{
	"describe":    report.Describe,
	"observation": report.Observation,
	"mark":        func(s string) string { return stageMarks[s] },
	"bySeverity":  bySeverity,
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Submission report: {{.Dataset}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:70rem;color:#1d2733;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5dbe3;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d5dbe3;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}.passed{color:#1a7f37}.failed,.error{color:#c62828}.skipped{color:#6b7785}
.badge{display:inline-block;font-weight:600;min-width:3.5rem}code{font-size:.9em}
.verdict{font-size:1.1rem;padding:.6rem 1rem;border-radius:.4rem;background:#f3f5f8}
</style></head><body>
<h1>Submission report</h1>
<p class="verdict {{if .Success}}passed{{else}}failed{{end}}">{{if .Success}}The submission passed every stage.{{else}}The submission did not pass.{{end}}</p>
<p>Dataset <code>{{.Dataset}}</code>, schema <code>{{.Schema}}</code>, started {{.Started.Format "2006-01-02 15:04:05 UTC"}}, {{printf "%.1f" .Seconds}} s.</p>
<table><tr><th>Stage</th><th>Status</th><th>Summary</th><th>Seconds</th></tr>
{{range .Stages}}<tr><td>{{.Name}}</td><td class="{{.Status}}"><span class="badge">{{mark .Status}}</span></td><td>{{.Summary}}{{if .Error}}<br><span class="error">{{.Error}}</span>{{end}}</td><td>{{printf "%.1f" .Seconds}}</td></tr>
{{end}}</table>
{{range .Stages}}{{if .Validation}}
<h2>Validation</h2>
<p>{{.Validation.Summary.TotalFiles}} files, {{.Validation.Summary.RowsRead}} rows read, {{.Validation.Summary.Errors}} errors, {{.Validation.Summary.Warnings}} warnings.</p>
{{if .Validation.Issues.Issues}}<table><tr><th>Severity</th><th>Code</th><th>Location</th><th>Message</th><th>Suggestion</th></tr>
{{range bySeverity .Validation.Issues.Issues}}<tr><td class="{{if eq .Severity "error"}}failed{{end}}">{{.Severity}}</td><td><code>{{.Code}}</code></td><td><code>{{.Location}}{{if .Line}}:{{.Line}}{{end}}</code></td><td>{{.Message}}</td><td>{{.Suggestion}}</td></tr>
{{end}}</table>{{end}}{{end}}
{{if .Checks}}<h2>Expectations</h2>
{{range .Checks}}<h3><code>{{.File}}</code>: {{.Result.Statistics.Successful}} of {{.Result.Statistics.Evaluated}} met</h3>
<p>Suite <code>{{.Suite}}</code></p>
<table><tr><th></th><th>Expectation</th><th>Observed</th></tr>
{{range .Result.Results}}<tr><td class="{{if .Success}}passed{{else}}failed{{end}}">{{if .Success}}met{{else}}NOT met{{end}}</td><td><code>{{describe .ExpectationConfig}}</code></td><td>{{observation .}}</td></tr>
{{end}}</table>{{end}}{{end}}
{{if .Deid}}<h2>De-identification</h2>
{{range .Deid}}<h3><code>{{.Input}}</code> → <code>{{.Output}}</code> ({{.Rows}} rows)</h3>
<table><tr><th>Column</th><th>Identifier</th><th>Action</th><th>Rule</th><th>Transformed</th><th>Empty</th></tr>
{{range .Columns}}<tr><td><code>{{.Column}}</code></td><td>{{.Identifier}}{{if .SafeHarbor}} ({{.SafeHarbor}}){{end}}</td><td>{{.Action}}</td><td>{{.RuleSource}}</td><td>{{.Transformed}}</td><td>{{.Empty}}</td></tr>
{{end}}</table>
{{range .Columns}}{{$col := .Column}}{{range .Warnings}}<p class="failed">Warning: <code>{{$col}}</code>: {{.}}</p>
{{end}}{{end}}{{with .UnclassifiedKept}}<p class="failed">Warning: the safe-harbor profile does not recognise {{len .}} {{if eq (len .) 1}}column{{else}}columns{{end}}, which default_action "keep" passes through unchanged: {{range $i, $c := .}}{{if $i}}, {{end}}<code>{{$c}}</code>{{end}}.</p>
{{end}}{{end}}{{end}}
{{if .Loads}}<h2>Load</h2>
<table><tr><th>Table</th><th>Rows</th><th>Snapshot</th><th>Data files</th><th>Created</th></tr>
{{range .Loads}}<tr><td><code>{{.Table}}</code></td><td>{{.Rows}}</td><td>{{.SnapshotID}}</td><td>{{.DataFiles}}</td><td>{{.Created}}</td></tr>
{{end}}</table>{{end}}{{end}}
<p style="color:#6b7785;margin-top:2rem">Written by lakehouse-runner submit. This page loads nothing from the network. Values from the submission are withheld: it shows counts, row and line numbers, column names and numeric statistics only.</p>
</body></html>
`))

func writeSubmitHTML(w io.Writer, rep *SubmissionReport) error { return submitHTML.Execute(w, rep) }

// bySeverity lists errors first, then warnings, then notes, as the text
// report does.
func bySeverity(issues []submission.Issue) []submission.Issue {
	rank := map[string]int{"error": 0, "warning": 1}
	out := slices.Clone(issues)
	slices.SortStableFunc(out, func(a, b submission.Issue) int {
		ra, okA := rank[a.Severity]
		rb, okB := rank[b.Severity]
		if !okA {
			ra = 2
		}
		if !okB {
			rb = 2
		}

		return ra - rb
	})

	return out
}
