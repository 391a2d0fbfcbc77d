package submission

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// Severities, as in the BIDS validator, plus info for notes that are
// neither warnings nor errors (ignored AppleDouble files, a row cap).
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
	SeverityIgnore  = "ignore"
)

// Issue is one finding. Repeated findings of the same code in the same
// file and column are folded into one issue with Count and the first
// Line, so a bad column in a million-row table is one line of the report.
type Issue struct {
	Code       string   `json:"code"`
	SubCode    string   `json:"subCode,omitempty"` // the column or field concerned
	Severity   string   `json:"severity"`
	Location   string   `json:"location"` // dataset-relative path, "/" for the dataset
	Message    string   `json:"issueMessage"`
	Suggestion string   `json:"suggestion,omitempty"`
	Rule       string   `json:"rule,omitempty"` // schema path, e.g. tables[2].columns[0]
	Line       int      `json:"line,omitempty"`
	Record     int      `json:"record,omitempty"`
	Count      int      `json:"count,omitempty"`
	Examples   []string `json:"examples,omitempty"`
}

// codeInfo gives each code its default severity and the general
// explanation shown once per code (BIDS codeMessages).
var codeInfo = map[string]struct{ severity, text string }{
	"MISSING_DATASET_DESCRIPTION":       {SeverityError, "The dataset has no dataset_description.json at its root."},
	"DATASET_DESCRIPTION_INVALID":       {SeverityError, "dataset_description.json is not a JSON object."},
	"DESCRIPTION_FIELD_MISSING":         {SeverityError, "A field the schema requires in dataset_description.json is missing or empty."},
	"DESCRIPTION_FIELD_RECOMMENDED":     {SeverityWarning, "A FAIR field is missing from dataset_description.json; it is recommended."},
	"DESCRIPTION_FIELD_INVALID":         {SeverityError, "A field of dataset_description.json has the wrong shape."},
	"INVALID_LICENSE":                   {SeverityError, "The licence is not an SPDX identifier or expression."},
	"LICENSE_NOT_ALLOWED":               {SeverityError, "The licence is valid but not one the schema allows."},
	"INVALID_ORCID":                     {SeverityError, "A creator's ORCID iD is malformed or fails its check digit."},
	"INVALID_ROR":                       {SeverityError, "An affiliation's ROR id is malformed or fails its check digits."},
	"MISSING_ORCID":                     {SeverityError, "The schema requires an ORCID iD for every creator."},
	"INVALID_DOI":                       {SeverityError, "The DOI is not of the form 10.<prefix>/<suffix>."},
	"SCHEMA_VERSION_MISMATCH":           {SeverityWarning, "dataset_description.json declares another version of the schema."},
	"MISSING_REQUIRED_FILE":             {SeverityError, "No file matches a table the schema requires."},
	"NOT_INCLUDED":                      {SeverityError, "A file matches no table of the schema."},
	"FILENAME_MISMATCH":                 {SeverityError, "The file name does not follow the key-value_..._suffix.ext scheme."},
	"INVALID_ENTITY_LABEL":              {SeverityError, "An entity value does not match its format (label: letters and digits; index: digits)."},
	"ENTITY_NOT_IN_RULE":                {SeverityError, "The file name carries an entity its table does not allow."},
	"MISSING_REQUIRED_ENTITY":           {SeverityError, "The file name lacks an entity its table requires."},
	"ENTITY_ORDER_INCORRECT":            {SeverityError, "Entities in the file name are not in the schema's order."},
	"EXTENSION_MISMATCH":                {SeverityError, "The file extension is not one its table allows."},
	"CASE_COLLISION":                    {SeverityError, "Two paths differ only in letter case."},
	"APPLEDOUBLE_FILE_IGNORED":          {SeverityInfo, "A macOS AppleDouble (._*) metadata file was left out of validation."},
	"HIDDEN_FILE_IGNORED":               {SeverityInfo, "A hidden file or a file in a hidden folder was left out of validation."},
	"FILE_IGNORED":                      {SeverityInfo, "A file matched the schema's ignore list."},
	"FILE_NOT_UTF8":                     {SeverityError, "Tables must be UTF-8; UTF-16 with a byte-order mark was decoded to check the rest, UTF-16 without one (recognised by its NUL bytes) or UTF-32 was not read."},
	"INVALID_ENCODING":                  {SeverityError, "The file contains bytes that are not valid UTF-8, or a NUL byte."},
	"PARQUET_INVALID":                   {SeverityError, "The file is not a readable Parquet file."},
	"CSV_PARSE_ERROR":                   {SeverityError, "The file is not valid CSV (RFC 4180)."},
	"CSV_BARE_CR_LINE_ENDINGS":          {SeverityWarning, "Lines end with bare carriage returns (classic Mac OS); they were read as line feeds."},
	"CSV_EMPTY_FILE":                    {SeverityError, "The table has no header row."},
	"CSV_RAGGED_ROW":                    {SeverityError, "A record has a different number of fields than the header."},
	"CSV_COLUMN_HEADER_DUPLICATE":       {SeverityError, "Two columns have the same name."},
	"CSV_COLUMN_MISSING":                {SeverityError, "A required column is missing."},
	"CSV_ADDITIONAL_COLUMN_NOT_ALLOWED": {SeverityError, "The table has a column its dictionary does not define."},
	"CSV_ADDITIONAL_COLUMN":             {SeverityWarning, "The table has a column its dictionary does not define."},
	"CSV_VALUE_MISSING":                 {SeverityError, "A column that may not have missing values has one."},
	"CSV_VALUE_INCORRECT_TYPE":          {SeverityError, "A value is not of the column's logical type."},
	"CSV_VALUE_NOT_ALLOWED":             {SeverityError, "A value is not in the column's allowed values."},
	"CSV_VALUE_OUT_OF_RANGE":            {SeverityError, "A value is outside the column's minimum and maximum."},
	"CSV_VALUE_PATTERN_MISMATCH":        {SeverityError, "A value does not match the column's pattern."},
	"CSV_INDEX_VALUE_NOT_UNIQUE":        {SeverityError, "Two records share the same primary key."},
	"FOREIGN_KEY_ORPHAN":                {SeverityError, "A key does not appear in the table it references (for example a student missing from the roster)."},
	"FOREIGN_KEY_NOT_CHECKED":           {SeverityWarning, "A foreign key was not checked: a file of the table it references could not be read in full (unreadable, or with a record not decoded or ragged)."},
	"ROW_CAP_REACHED":                   {SeverityInfo, "Only the first rows were checked against the column dictionary (--max-rows)."},
	"SIDECAR_INVALID":                   {SeverityError, "A JSON sidecar is not a JSON object of the expected shape."},
	"SIDECAR_UNKNOWN_COLUMN":            {SeverityWarning, "A sidecar describes a column the table's dictionary does not define."},
	"SIDECAR_FIELD_OVERRIDE":            {SeverityWarning, "A nearer sidecar overrides a field set by a sidecar further up."},
	"SIDECAR_VALUES_NOT_SUBSET":         {SeverityError, "A sidecar may only narrow a column's allowed values or range, not widen them."},
	"SIDECAR_FIELD_MISSING":             {SeverityError, "The merged sidecars lack a field the table requires."},
	"SIDECAR_WITHOUT_DATAFILE":          {SeverityWarning, "A sidecar applies to no data file."},
	"MULTIPLE_INHERITABLE_FILES":        {SeverityError, "Two sidecars at the same level apply to the same data file."},
}

// CodeMessages returns the general explanation of every code that occurs.
func CodeMessages(issues []Issue) map[string]string {
	out := map[string]string{}
	for _, is := range issues {
		out[is.Code] = codeInfo[is.Code].text
	}

	return out
}

// Config reclassifies issues, like the BIDS validator's -c file: each entry
// is a partial issue; an issue matching every field set in an entry gets the
// entry's severity. Location may be a glob (path.Match). Later lists win:
// ignore, then info, warning, error.
type Config struct {
	Ignore  []Match `json:"ignore,omitempty"`
	Info    []Match `json:"info,omitempty"`
	Warning []Match `json:"warning,omitempty"`
	Error   []Match `json:"error,omitempty"`
}

// Match is a partial issue.
type Match struct {
	Code     string `json:"code,omitempty"`
	SubCode  string `json:"subCode,omitempty"`
	Location string `json:"location,omitempty"`
}

// ParseConfig reads a reclassification config strictly.
func ParseConfig(raw []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parsing validation config: %w", err)
	}
	for _, list := range [][]Match{c.Ignore, c.Info, c.Warning, c.Error} {
		for _, m := range list {
			if m.Code == "" && m.SubCode == "" && m.Location == "" {
				return nil, fmt.Errorf("parsing validation config: an entry has no code, subCode or location")
			}
			if _, known := codeInfo[m.Code]; m.Code != "" && !known {
				return nil, fmt.Errorf("parsing validation config: unknown issue code %q", m.Code)
			}
			if _, err := path.Match(m.Location, ""); err != nil {
				return nil, fmt.Errorf("parsing validation config: location %q: %w", m.Location, err)
			}
		}
	}

	return &c, nil
}

func (m Match) matches(is *Issue) bool {
	if m.Code != "" && m.Code != is.Code {
		return false
	}
	if m.SubCode != "" && m.SubCode != is.SubCode {
		return false
	}
	if m.Location != "" && m.Location != is.Location {
		if ok, _ := path.Match(m.Location, is.Location); !ok {
			return false
		}
	}

	return true
}

func (c *Config) apply(is *Issue) {
	if c == nil {
		return
	}
	for _, l := range []struct {
		sev  string
		list []Match
	}{{SeverityIgnore, c.Ignore}, {SeverityInfo, c.Info}, {SeverityWarning, c.Warning}, {SeverityError, c.Error}} {
		for _, m := range l.list {
			if m.matches(is) {
				is.Severity = l.sev
			}
		}
	}
}

// Summary counts what was validated.
type Summary struct {
	Schema       string         `json:"schema"`
	TotalFiles   int            `json:"totalFiles"`
	DataFiles    int            `json:"dataFiles"`
	Size         int64          `json:"size"`
	RowsRead     int64          `json:"rowsRead"`
	RowsChecked  int64          `json:"rowsChecked"`
	TableFiles   map[string]int `json:"tables"`
	Errors       int            `json:"errors"`
	Warnings     int            `json:"warnings"`
	IgnoredFiles int            `json:"ignoredFiles"`
}

// Report is the validator's output; its JSON shape follows the BIDS
// validator's ({issues: {issues, codeMessages}, summary}).
type Report struct {
	Issues  IssueList `json:"issues"`
	Summary Summary   `json:"summary"`
}

// IssueList holds the issues and the explanation of each code.
type IssueList struct {
	Issues       []Issue           `json:"issues"`
	CodeMessages map[string]string `json:"codeMessages"`
}

// HasErrors reports whether any issue is still an error after
// reclassification.
func (r *Report) HasErrors() bool { return r.Summary.Errors > 0 }

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")

	return enc.Encode(r)
}

// WriteText writes a report for people: errors, then warnings, then notes,
// each with its location, count and suggestion, and a closing summary.
// Paths, column names and messages may carry bytes from the data, so every
// string is shown through tabular.Printable.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, sev := range []string{SeverityError, SeverityWarning, SeverityInfo} {
		for _, is := range r.Issues.Issues {
			if is.Severity != sev {
				continue
			}
			loc := tabular.Printable(is.Location)
			if is.Line > 0 {
				loc += fmt.Sprintf(":%d", is.Line)
			}
			fmt.Fprintf(&b, "%-7s %s %s", strings.ToUpper(sev), is.Code, loc)
			if is.SubCode != "" {
				fmt.Fprintf(&b, " [%s]", tabular.Printable(is.SubCode))
			}
			fmt.Fprintf(&b, "\n        %s", tabular.Printable(is.Message))
			if is.Count > 1 {
				fmt.Fprintf(&b, " (%d occurrences, first at record %d, line %d)", is.Count, is.Record, is.Line)
			}
			if len(is.Examples) > 0 {
				fmt.Fprintf(&b, "\n        examples: %s", strings.Join(quoteAll(is.Examples), ", "))
			}
			if is.Suggestion != "" {
				fmt.Fprintf(&b, "\n        suggestion: %s", tabular.Printable(is.Suggestion))
			}
			b.WriteString("\n")
		}
	}
	s := r.Summary
	fmt.Fprintf(&b, "\nSchema %s: %d files (%d data files, %d ignored), %d rows read, %d rows checked.\n",
		tabular.Printable(s.Schema), s.TotalFiles, s.DataFiles, s.IgnoredFiles, s.RowsRead, s.RowsChecked)
	verdict := "VALID"
	if s.Errors > 0 {
		verdict = "INVALID"
	}
	fmt.Fprintf(&b, "%s: %d errors, %d warnings.\n", verdict, s.Errors, s.Warnings)
	_, err := io.WriteString(w, b.String())

	return err
}

func quoteAll(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = fmt.Sprintf("%q", s)
	}

	return out
}

// collector folds repeated issues and keeps a bounded number of examples.
type collector struct {
	cfg    *Config
	issues []Issue
	index  map[string]int
	omit   bool // keep data values out of the report
}

const maxExamples = 5

func newCollector(cfg *Config, omitValues bool) *collector {
	return &collector{cfg: cfg, index: map[string]int{}, omit: omitValues}
}

// add records an issue; one with the same code, location, subcode and
// message template key is folded into the earlier one.
func (c *collector) add(is Issue, example string) {
	if c.omit {
		example = ""
	}
	if is.Severity == "" {
		is.Severity = codeInfo[is.Code].severity
		if is.Severity == "" {
			panic("submission: issue code without a default severity: " + is.Code)
		}
	}
	key := is.Code + "\x00" + is.Location + "\x00" + is.SubCode
	if i, ok := c.index[key]; ok && is.Count == 0 {
		prev := &c.issues[i]
		prev.Count++
		if example != "" && len(prev.Examples) < maxExamples && !contains(prev.Examples, example) {
			prev.Examples = append(prev.Examples, example)
		}

		return
	}
	if is.Count == 0 {
		is.Count = 1
	}
	if example != "" {
		is.Examples = []string{example}
	}
	c.cfg.apply(&is)
	c.index[key] = len(c.issues)
	c.issues = append(c.issues, is)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}

	return false
}

// finish drops ignored issues, sorts the rest by location and line and
// fills the summary counts.
func (c *collector) finish(sum *Summary) []Issue {
	out := make([]Issue, 0, len(c.issues))
	for _, is := range c.issues {
		switch is.Severity {
		case SeverityIgnore:
			continue
		case SeverityError:
			sum.Errors++
		case SeverityWarning:
			sum.Warnings++
		}
		out = append(out, is)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Location != out[j].Location {
			return out[i].Location < out[j].Location
		}

		return out[i].Line < out[j].Line
	})

	return out
}
