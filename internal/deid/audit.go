package deid

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/textclip"
)

// Audit is the de-identification report: what was done to each column and
// how many values of each identifier kind were found. It never contains a
// value from the data.
type Audit struct {
	Policy  string        `json:"policy,omitempty"`
	Input   string        `json:"input,omitempty"`
	Output  string        `json:"output,omitempty"`
	Format  string        `json:"format,omitempty"`
	Rows    int64         `json:"rows"`
	Columns []ColumnAudit `json:"columns"`
	// ZIP3Source records which Census list the restricted ZIP3 prefixes come from.
	ZIP3Source string `json:"zip3_source"`
	// UnclassifiedKept names, in input order, the columns the safe-harbor
	// profile does not recognise and default_action "keep" passes through
	// unchanged: nothing judged them, so a reviewer has to.
	UnclassifiedKept []string `json:"unclassified_kept,omitempty"`

	columns []ColumnAudit
}

// ColumnAudit is one input column's line in the report.
type ColumnAudit struct {
	Column      string `json:"column"`
	Position    int    `json:"position"` // 1-based
	Action      string `json:"action"`
	Identifier  string `json:"identifier"`
	SafeHarbor  string `json:"safe_harbor,omitempty"` // letter in 164.514(b)(2)(i)
	RuleSource  string `json:"rule_source"`
	Transformed int64  `json:"transformed"`
	Empty       int64  `json:"empty"`
	Suppressed  int64  `json:"suppressed,omitempty"` // unparseable values emptied
	TopCoded    int64  `json:"top_coded,omitempty"`  // ages over 89 bucketed
	Restricted  int64  `json:"restricted_zip3,omitempty"`
	// Findings counts free-text detections per identifier kind and detector.
	Findings []FindingCount `json:"findings,omitempty"`
	// Warnings are what a reviewer must look at, such as an identifier
	// column the policy keeps in clear.
	Warnings []string `json:"warnings,omitempty"`

	findings map[[2]string]*FindingCount
}

// FindingCount aggregates scrubber detections of one kind by one detector.
type FindingCount struct {
	Identifier    Identifier `json:"identifier"`
	Detector      string     `json:"detector"`
	Count         int64      `json:"count"`
	MinConfidence float64    `json:"min_confidence"`
	MaxConfidence float64    `json:"max_confidence"`
}

func newAudit(cols []ColumnPlan) *Audit {
	a := &Audit{ZIP3Source: RestrictedZIP3Source}
	maxIdx := 0
	for _, c := range cols {
		maxIdx = max(maxIdx, c.Index+1)
	}
	a.columns = make([]ColumnAudit, maxIdx)
	for _, c := range cols {
		a.columns[c.Index] = ColumnAudit{
			Column: c.Name, Position: c.Index + 1, Action: c.Rule.Action, Identifier: string(c.Identifier),
			SafeHarbor: SafeHarborLetter[c.Identifier], RuleSource: c.Source, Warnings: keptWarnings(c),
		}
	}

	return a
}

// keptWarnings flags a column passed through in clear although it is, by its
// label or by its name, an identifier or free text: the policy may be right
// (a limited data set keeps dates), but a reviewer has to see it.
func keptWarnings(c ColumnPlan) []string {
	if c.Rule.Action != "keep" {
		return nil
	}
	id := c.Identifier
	if _, ok := SafeHarborLetter[id]; !ok && id != IDFreeText {
		cid, _, ok := ClassifyColumn(c.Name)
		if !ok {
			return nil
		}
		id = cid
	}
	what := string(id)
	if l := SafeHarborLetter[id]; l != "" {
		what += ", Safe Harbor " + l
	}

	return []string{fmt.Sprintf("kept by policy: the column is %s and passes through unchanged", what)}
}

func (c *ColumnAudit) count(f Finding) {
	if c.findings == nil {
		c.findings = map[[2]string]*FindingCount{}
	}
	k := [2]string{string(f.Identifier), f.Detector}
	fc := c.findings[k]
	if fc == nil {
		fc = &FindingCount{Identifier: f.Identifier, Detector: f.Detector, MinConfidence: f.Confidence, MaxConfidence: f.Confidence}
		c.findings[k] = fc
	}
	fc.Count++
	fc.MinConfidence = min(fc.MinConfidence, f.Confidence)
	fc.MaxConfidence = max(fc.MaxConfidence, f.Confidence)
}

// Finish fills the exported column list; call it once the run is over.
func (a *Audit) Finish() *Audit {
	a.Columns = a.Columns[:0]
	for _, c := range a.columns {
		if c.Column == "" && c.Position == 0 {
			continue
		}
		c.Findings = nil
		for _, fc := range c.findings {
			c.Findings = append(c.Findings, *fc)
		}
		sort.Slice(c.Findings, func(i, j int) bool {
			if c.Findings[i].Identifier != c.Findings[j].Identifier {
				return c.Findings[i].Identifier < c.Findings[j].Identifier
			}

			return c.Findings[i].Detector < c.Findings[j].Detector
		})
		a.Columns = append(a.Columns, c)
	}

	return a
}

// WriteText prints the report for people.
func (a *Audit) WriteText(w io.Writer) error {
	var b strings.Builder
	// Locations and column names come from the input: shown escaped.
	fmt.Fprintf(&b, "De-identification report\n  input:  %s\n  output: %s\n  policy: %s\n  rows:   %d\n\n",
		tabular.Printable(a.Input), tabular.Printable(a.Output), tabular.Printable(a.Policy), a.Rows)
	fmt.Fprintf(&b, "  %-4s %-24s %-13s %-12s %-3s %12s %10s %s\n", "#", "column", "action", "identifier", "SH", "transformed", "empty", "notes")
	for _, c := range a.Columns {
		var notes []string
		if c.Suppressed > 0 {
			notes = append(notes, fmt.Sprintf("%d unparseable suppressed", c.Suppressed))
		}
		if c.TopCoded > 0 {
			notes = append(notes, fmt.Sprintf("%d over 89 top-coded", c.TopCoded))
		}
		if c.Restricted > 0 {
			notes = append(notes, fmt.Sprintf("%d restricted ZIP3 -> 000", c.Restricted))
		}
		if c.RuleSource != "policy" {
			notes = append(notes, "rule from "+c.RuleSource)
		}
		fmt.Fprintf(&b, "  %-4d %-24s %-13s %-12s %-3s %12d %10d %s\n", c.Position, textclip.Clip(tabular.Printable(c.Column), 24), c.Action,
			c.Identifier, c.SafeHarbor, c.Transformed, c.Empty, strings.Join(notes, "; "))
		for _, f := range c.Findings {
			fmt.Fprintf(&b, "       %-22s %-22s %8d  confidence %.2f-%.2f\n", f.Identifier, f.Detector, f.Count, f.MinConfidence, f.MaxConfidence)
		}
		for _, w := range c.Warnings {
			fmt.Fprintf(&b, "       WARNING: %s\n", tabular.Printable(w))
		}
	}
	if n := len(a.UnclassifiedKept); n > 0 {
		quoted := make([]string, n)
		for i, c := range a.UnclassifiedKept {
			quoted[i] = fmt.Sprintf("%q", c)
		}
		fmt.Fprintf(&b, "\n  WARNING: the safe-harbor profile does not recognise %d %s, which default_action \"keep\" passes through "+
			"unchanged: %s. Confirm that %s no identifier, or give %s a rule.\n", n, plural(n, "column", "columns"),
			strings.Join(quoted, ", "), plural(n, "it holds", "they hold"), plural(n, "it", "each"))
	}
	_, err := io.WriteString(w, b.String())

	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}

	return many
}
