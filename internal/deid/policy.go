package deid

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsondoc"
)

// FormatVersion is the policy document version this package writes and reads.
const FormatVersion = 1

// Policy is a de-identification policy document. The JSON form is:
//
//	{
//	  "format_version": 1,
//	  "name": "synthea-patients",
//	  "profile": "safe-harbor",          // optional: classify unlisted columns by name
//	  "default_action": "drop",          // optional: for columns nothing classifies; absent = fail
//	  "key": {"env": "LAKEHOUSE_DEID_KEY"}, // or {"file": "/run/secrets/deid.key"}; never the key itself
//	  "subject_column": "Id",            // keys date_shift per subject
//	  "reference_date": "2026-01-01",    // "today" for age-over-89 checks on birth dates; absent = run date
//	  "columns": {
//	    "SSN":       {"action": "drop"},
//	    "Id":        {"action": "pseudonymise", "length": 32},
//	    "BIRTHDATE": {"action": "date_year", "birth_date": true},
//	    "ZIP":       {"action": "zip3"},
//	    "notes":     {"action": "scrub"}
//	  }
//	}
//
// Column keys are matched against the header exactly (any characters,
// spaces included). A header that repeats a name is an error unless the
// rule lists "positions" (1-based) to say which occurrences it covers.
type Policy struct {
	FormatVersion int              `json:"format_version"`
	Name          string           `json:"name,omitempty"`
	Description   string           `json:"description,omitempty"`
	Profile       string           `json:"profile,omitempty"`
	DefaultAction string           `json:"default_action,omitempty"`
	Key           *KeySource       `json:"key,omitempty"`
	SubjectColumn string           `json:"subject_column,omitempty"`
	ReferenceDate string           `json:"reference_date,omitempty"`
	AgeLabel      string           `json:"age_label,omitempty"`
	Columns       map[string]*Rule `json:"columns"`
}

// KeySource says where the secret key lives. The key itself never appears in
// a policy, in Terraform state or in a log line.
type KeySource struct {
	Env  string `json:"env,omitempty"`
	File string `json:"file,omitempty"`
}

// Rule is the operator for one column.
type Rule struct {
	Action     string     `json:"action"`
	Identifier Identifier `json:"identifier,omitempty"` // audit label; defaults from the action or profile
	Positions  []int      `json:"positions,omitempty"`

	NewValue     *string       `json:"new_value,omitempty"`      // replace
	MaskingChar  string        `json:"masking_char,omitempty"`   // mask
	CharsToMask  *int          `json:"chars_to_mask,omitempty"`  // mask
	FromEnd      bool          `json:"from_end,omitempty"`       // mask
	HashType     string        `json:"hash_type,omitempty"`      // hash: sha256 (default) or sha512
	Length       int           `json:"length,omitempty"`         // pseudonymise: hex characters kept
	Prefix       string        `json:"prefix,omitempty"`         // pseudonymise
	MaxShiftDays int           `json:"max_shift_days,omitempty"` // date_shift
	BirthDate    bool          `json:"birth_date,omitempty"`     // date_year, date_shift: top-code ages over 89
	Scrub        *ScrubOptions `json:"scrub,omitempty"`          // scrub
}

// ScrubOptions tune the free-text scrubber.
type ScrubOptions struct {
	KeepYear      *bool        `json:"keep_year,omitempty"`      // dates become "[DATE 2021]" (default true)
	MinConfidence float64      `json:"min_confidence,omitempty"` // detections below are kept (default 0.4)
	Skip          []Identifier `json:"skip,omitempty"`           // identifier kinds left in clear
}

// Actions lists every operator name a rule may use.
var Actions = []string{
	"drop", "keep", "redact", "replace", "mask", "hash", "encrypt", "pseudonymise",
	"date_year", "date_shift", "zip3", "age", "scrub",
}

// DefaultActions are the values default_action accepts; "fail" is the same
// as leaving it out.
var DefaultActions = []string{"fail", "drop", "redact", "keep"}

// Problem is one validation finding, located by a JSON path such as
// columns["Full Name"].action so plan-time diagnostics can point at it.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError lists every problem found in a policy.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}

	return "invalid de-identification policy: " + strings.Join(parts, "; ")
}

// ParsePolicy decodes and validates a policy document. Unknown keys are
// errors so a misspelt parameter never silently falls back to a default;
// every problem, in decoding as in validation, names its JSON path.
func ParsePolicy(data []byte) (*Policy, error) {
	var p Policy
	if probs := jsondoc.Decode(data, &p); len(probs) > 0 {
		ve := &ValidationError{}
		for _, pr := range probs {
			ve.Problems = append(ve.Problems, Problem{Path: pr.Path, Message: pr.Message})
		}

		return nil, ve
	}
	if probs := p.Validate(); len(probs) > 0 {
		return nil, &ValidationError{Problems: probs}
	}

	return &p, nil
}

// Validate checks every field and rule and returns all problems, sorted by path.
func (p *Policy) Validate() []Problem {
	var probs []Problem
	add := func(path, format string, a ...any) {
		probs = append(probs, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
	}
	switch p.FormatVersion {
	case FormatVersion:
	case 0:
		add("format_version", "missing: a policy document starts with \"format_version\": %d "+
			"(the format is described in the deid-policy guide of the provider docs)", FormatVersion)
	default:
		add("format_version", "must be %d, got %d", FormatVersion, p.FormatVersion)
	}
	if p.Profile != "" && p.Profile != ProfileSafeHarbor {
		add("profile", "unknown profile %q; the built-in profile is %q", p.Profile, ProfileSafeHarbor)
	}
	if p.DefaultAction != "" && !contains(DefaultActions, p.DefaultAction) {
		add("default_action", "must be one of %s, got %q", strings.Join(DefaultActions, ", "), p.DefaultAction)
	}
	if p.Key != nil && (p.Key.Env == "") == (p.Key.File == "") {
		add("key", `give exactly one of "env" or "file"`)
	}
	if p.ReferenceDate != "" {
		if _, err := time.Parse(time.DateOnly, p.ReferenceDate); err != nil {
			add("reference_date", "must be a date like 2026-01-31, got %q", p.ReferenceDate)
		}
	}
	if len(p.Columns) == 0 && p.Profile == "" {
		add("columns", "give at least one column rule, or a profile")
	}
	names := make([]string, 0, len(p.Columns))
	for n := range p.Columns {
		names = append(names, n)
	}
	sort.Strings(names)
	needsSubject := false
	for _, n := range names {
		r := p.Columns[n]
		at := fmt.Sprintf("columns[%q]", n)
		if r == nil {
			add(at, "rule must be an object with an action")

			continue
		}
		for _, pr := range r.validate() {
			add(at+"."+pr.Path, "%s", pr.Message)
		}
		if r.Action == "date_shift" {
			needsSubject = true
		}
	}
	if needsSubject && p.SubjectColumn == "" {
		add("subject_column", "date_shift needs a subject_column so each subject's dates shift by one offset")
	}
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })

	return probs
}

// validate checks one rule's action and that every parameter belongs to it.
func (r *Rule) validate() []Problem {
	var probs []Problem
	add := func(path, format string, a ...any) {
		probs = append(probs, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
	}
	if !contains(Actions, r.Action) {
		add("action", "unknown action %q; use one of %s", r.Action, strings.Join(Actions, ", "))

		return probs
	}
	if r.Identifier != "" && !knownIdentifier(string(r.Identifier)) {
		add("identifier", "unknown identifier %q", r.Identifier)
	}
	for i, pos := range r.Positions {
		if pos < 1 {
			add(fmt.Sprintf("positions[%d]", i), "positions are 1-based column numbers, got %d", pos)
		}
	}
	params := map[string]bool{
		"new_value":      r.NewValue != nil,
		"masking_char":   r.MaskingChar != "",
		"chars_to_mask":  r.CharsToMask != nil,
		"from_end":       r.FromEnd,
		"hash_type":      r.HashType != "",
		"length":         r.Length != 0,
		"prefix":         r.Prefix != "",
		"max_shift_days": r.MaxShiftDays != 0,
		"birth_date":     r.BirthDate,
		"scrub":          r.Scrub != nil,
	}
	allowed := map[string][]string{
		"replace":      {"new_value"},
		"mask":         {"masking_char", "chars_to_mask", "from_end"},
		"hash":         {"hash_type"},
		"pseudonymise": {"length", "prefix"},
		"date_year":    {"birth_date"},
		"date_shift":   {"max_shift_days", "birth_date"},
		"scrub":        {"scrub"},
	}[r.Action]
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if params[k] && !contains(allowed, k) {
			add(k, "does not apply to action %q", r.Action)
		}
	}
	if r.MaskingChar != "" && len([]rune(r.MaskingChar)) != 1 {
		add("masking_char", "must be exactly one character, got %q", r.MaskingChar)
	}
	if r.CharsToMask != nil && *r.CharsToMask < 0 {
		add("chars_to_mask", "must be 0 or more, got %d", *r.CharsToMask)
	}
	if r.HashType != "" && r.HashType != "sha256" && r.HashType != "sha512" {
		add("hash_type", `must be "sha256" or "sha512", got %q`, r.HashType)
	}
	if r.Length != 0 && (r.Length < 8 || r.Length > 64) {
		add("length", "must be between 8 and 64 hex characters, got %d", r.Length)
	}
	if r.MaxShiftDays < 0 || r.MaxShiftDays > 3650 {
		add("max_shift_days", "must be between 1 and 3650, got %d", r.MaxShiftDays)
	}
	if s := r.Scrub; s != nil {
		if s.MinConfidence < 0 || s.MinConfidence > 1 {
			add("scrub.min_confidence", "must be between 0 and 1, got %g", s.MinConfidence)
		}
		for i, id := range s.Skip {
			if !knownIdentifier(string(id)) {
				add(fmt.Sprintf("scrub.skip[%d]", i), "unknown identifier %q", id)
			}
		}
	}

	return probs
}

// NeedsKey reports whether any rule needs the secret key.
func (p *Policy) NeedsKey() bool {
	for _, r := range p.Columns {
		if r != nil && keyed(r.Action) {
			return true
		}
	}

	return p.Profile == ProfileSafeHarbor // the profile pseudonymises record ids
}

func keyed(action string) bool {
	switch action {
	case "pseudonymise", "date_shift", "hash", "encrypt":
		return true
	}

	return false
}

// Canonical returns the policy as indented JSON with sorted keys, the form
// the provider writes into the bucket.
func (p *Policy) Canonical() ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}

	return json.MarshalIndent(v, "", "  ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}

	return false
}
