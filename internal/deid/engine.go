package deid

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options are the run-time inputs a policy does not carry.
type Options struct {
	Key []byte    // secret for pseudonymise, date_shift, hash (salt) and encrypt
	Now time.Time // reference date when the policy sets none; zero = time.Now()
	// KeyErr is why no key could be loaded; reported only if a column needs one.
	KeyErr error
}

// ColumnPlan is the resolved treatment of one input column.
type ColumnPlan struct {
	Index      int    // 0-based input position
	Name       string // header text
	Rule       Rule
	Identifier Identifier
	Source     string // "policy", "profile" or "default_action"
}

// Engine applies a compiled policy to rows. It holds no row data, so memory
// stays flat however many rows stream through.
type Engine struct {
	policy     *Policy
	cols       []ColumnPlan
	outHeader  []string
	outIndex   []int // input index of each output column
	subject    int   // index of subject_column, -1 if none
	key        []byte
	ref        time.Time
	ageLabel   string
	scrubbers  map[int]*Scrubber
	audit      *Audit
	outScratch []string
}

// ColumnError names a column the policy cannot be applied to; it is raised
// before any output is written.
type ColumnError struct {
	Column string
	Msg    string
}

func (e *ColumnError) Error() string { return fmt.Sprintf("column %q: %s", e.Column, e.Msg) }

// FitError is a policy that does not fit the input as a whole: columns no
// rule covers, or no column left in the output. Like ColumnError, it is
// raised before any output is written.
type FitError struct{ Msg string }

func (e *FitError) Error() string { return e.Msg }

// NewEngine resolves every input column against the policy. It fails, before
// any output exists, on a policy column missing from the input, on a
// duplicate header a rule does not disambiguate with positions (C32), and
// on columns no rule covers when default_action is unset.
func NewEngine(p *Policy, header []string, opts Options) (*Engine, error) {
	e := &Engine{policy: p, subject: -1, key: opts.Key, ageLabel: p.AgeLabel, scrubbers: map[int]*Scrubber{}}
	if e.ageLabel == "" {
		e.ageLabel = DefaultAgeLabel
	}
	e.ref = opts.Now
	if p.ReferenceDate != "" {
		e.ref, _ = time.Parse(time.DateOnly, p.ReferenceDate)
	}
	if e.ref.IsZero() {
		e.ref = time.Now().UTC()
	}
	positions := map[string][]int{}
	for i, h := range header {
		positions[h] = append(positions[h], i)
	}
	assigned := make([]*ColumnPlan, len(header))
	var errs []error
	names := make([]string, 0, len(p.Columns))
	for n := range p.Columns {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		r := p.Columns[name]
		at := positions[name]
		if len(at) == 0 {
			errs = append(errs, &ColumnError{name, "named in the policy but not in the input header"})

			continue
		}
		if len(r.Positions) > 0 {
			at = nil
			for _, pos := range r.Positions {
				if pos > len(header) || header[pos-1] != name {
					errs = append(errs, &ColumnError{name, fmt.Sprintf("position %d does not hold this column", pos)})

					continue
				}
				at = append(at, pos-1)
			}
		} else if len(at) > 1 {
			errs = append(errs, &ColumnError{name, fmt.Sprintf("appears %d times in the header; add \"positions\" "+
				"to the rule to say which occurrences it covers", len(at))})

			continue
		}
		for _, i := range at {
			id := r.Identifier
			if id == "" {
				id = columnIdentifier(name, r.Action)
			}
			assigned[i] = &ColumnPlan{Index: i, Name: name, Rule: *r, Identifier: id, Source: "policy"}
		}
	}
	var unclassified []string
	for i, h := range header {
		if assigned[i] != nil {
			continue
		}
		if len(positions[h]) > 1 && p.Columns[h] != nil {
			continue // reported above
		}
		if p.Profile == ProfileSafeHarbor {
			if id, rule, ok := ClassifyColumn(h); ok {
				assigned[i] = &ColumnPlan{Index: i, Name: h, Rule: rule, Identifier: id, Source: "profile"}

				continue
			}
		}
		switch p.DefaultAction {
		case "", "fail":
			unclassified = append(unclassified, fmt.Sprintf("%q", h))
		default:
			assigned[i] = &ColumnPlan{Index: i, Name: h, Rule: Rule{Action: p.DefaultAction},
				Identifier: columnIdentifier(h, p.DefaultAction), Source: "default_action"}
		}
	}
	if len(unclassified) > 0 {
		errs = append(errs, &FitError{fmt.Sprintf("no rule covers column(s) %s; add rules for them or set default_action "+
			"(drop, redact or keep)", strings.Join(unclassified, ", "))})
	}
	if p.SubjectColumn != "" {
		at := positions[p.SubjectColumn]
		if len(at) != 1 {
			errs = append(errs, &ColumnError{p.SubjectColumn, "subject_column must appear exactly once in the header"})
		} else {
			e.subject = at[0]
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, c := range assigned {
		if keyed(c.Rule.Action) && len(e.key) == 0 {
			why := "set --key-env or --key-file"
			if opts.KeyErr != nil {
				why = opts.KeyErr.Error()
			}

			return nil, &ColumnError{c.Name, fmt.Sprintf("action %q needs the secret key: %s", c.Rule.Action, why)}
		}
		if c.Rule.Action == "encrypt" && len(e.key) != 16 && len(e.key) != 24 && len(e.key) != 32 {
			return nil, &ColumnError{c.Name, fmt.Sprintf("encrypt needs a 16, 24 or 32 byte key, the key has %d bytes", len(e.key))}
		}
		if c.Rule.Action == "scrub" {
			s, err := NewScrubber(c.Rule.Scrub)
			if err != nil {
				return nil, err
			}
			s.now = e.ref
			e.scrubbers[c.Index] = s
		}
		e.cols = append(e.cols, *c)
		if c.Rule.Action != "drop" {
			e.outHeader = append(e.outHeader, header[c.Index])
			e.outIndex = append(e.outIndex, c.Index)
		}
	}
	if len(e.outIndex) == 0 {
		return nil, &FitError{fmt.Sprintf("the policy drops all %d columns of the input, so the output would hold no data; "+
			"give at least one column a rule that keeps it (keep, pseudonymise, generalise, mask...)", len(header))}
	}
	e.audit = newAudit(e.cols)
	if p.Profile == ProfileSafeHarbor {
		for _, c := range e.cols {
			if c.Source == "default_action" && c.Rule.Action == "keep" {
				e.audit.UnclassifiedKept = append(e.audit.UnclassifiedKept, c.Name)
			}
		}
	}
	e.outScratch = make([]string, len(e.outIndex))

	return e, nil
}

// Columns returns the resolved plan for every input column.
func (e *Engine) Columns() []ColumnPlan { return e.cols }

// OutputHeader is the header of the de-identified output (dropped columns left out).
func (e *Engine) OutputHeader() []string { return e.outHeader }

// Audit returns the running audit report.
func (e *Engine) Audit() *Audit { return e.audit }

// Apply de-identifies one row. The returned slice is reused by the next call.
func (e *Engine) Apply(row []string) ([]string, error) {
	subject := ""
	if e.subject >= 0 {
		subject = row[e.subject]
	}
	e.audit.Rows++
	for o, i := range e.outIndex {
		c := &e.cols[i]
		v, err := e.value(c, row[i], subject)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.Name, err)
		}
		e.outScratch[o] = v
	}
	for i := range e.cols {
		if e.cols[i].Rule.Action != "drop" {
			continue
		}
		if row[i] == "" {
			e.audit.columns[i].Empty++
		} else {
			e.audit.columns[i].Transformed++
		}
	}

	return e.outScratch, nil
}

// value applies one operator. Empty cells stay empty. A value an operator
// cannot parse (a date that is no date, a ZIP that is no ZIP) is suppressed
// to empty and counted, never passed through.
func (e *Engine) value(c *ColumnPlan, v, subject string) (string, error) {
	ca := &e.audit.columns[c.Index]
	r := &c.Rule
	if v == "" {
		ca.Empty++

		return "", nil
	}
	var out string
	switch r.Action {
	case "keep":
		return v, nil
	case "redact":
		out = ""
	case "replace":
		out = "<" + string(c.Identifier) + ">"
		if c.Identifier == IDUnclassified {
			out = "<REDACTED>"
		}
		if r.NewValue != nil {
			out = *r.NewValue
		}
	case "mask":
		mc := '*'
		if r.MaskingChar != "" {
			mc = []rune(r.MaskingChar)[0]
		}
		n := -1
		if r.CharsToMask != nil {
			n = *r.CharsToMask
		}
		out = Mask(v, mc, n, r.FromEnd)
	case "hash":
		h, err := PresidioHash(v, e.key, r.HashType)
		if err != nil {
			return "", err
		}
		out = h
	case "encrypt":
		s, err := PresidioEncrypt(e.key, v)
		if err != nil {
			return "", err
		}
		out = s
	case "pseudonymise":
		out = r.Prefix + Pseudonym(e.key, v, r.Length)
	case "date_year", "date_shift":
		if y, ok := bareYear(v); ok && r.Action == "date_year" {
			// Only the year is known: a person born in the reference
			// year minus 90 turns 90 during the reference year, maybe
			// already, so that year is top-coded too rather than risk
			// showing an age over 89.
			if r.BirthDate && e.ref.Year()-y >= 90 {
				out = e.ageLabel
				ca.TopCoded++

				break
			}
			if s := strings.TrimSpace(v); s != v {
				out = s

				break
			}

			return v, nil
		}
		t, layout, ok := ParseColumnDate(v)
		if !ok {
			ca.Suppressed++

			return "", nil
		}
		switch {
		case r.BirthDate && ageAt(t, e.ref) > 89:
			out = e.ageLabel
			ca.TopCoded++
		case r.Action == "date_year":
			out = fmt.Sprintf("%04d", t.Year())
		default:
			maxDays := r.MaxShiftDays
			if maxDays == 0 {
				maxDays = 365
			}
			if subject == "" {
				ca.Suppressed++

				return "", nil
			}
			out = t.AddDate(0, 0, shiftDays(e.key, subject, maxDays)).Format(layout)
		}
	case "zip3":
		z, ok := ZIP3(v)
		if !ok {
			ca.Suppressed++

			return "", nil
		}
		if z == "000" {
			ca.Restricted++
		}
		out = z
	case "age":
		a, ok := ageBand(v, e.ageLabel)
		if !ok {
			ca.Suppressed++

			return "", nil
		}
		if a == e.ageLabel {
			ca.TopCoded++
		}
		if a == v {
			return v, nil
		}
		out = a
	case "scrub":
		s, fs := e.scrubbers[c.Index].Scrub(v)
		for _, f := range fs {
			ca.count(f)
		}
		if len(fs) == 0 {
			return v, nil
		}
		out = s
	default:
		return "", fmt.Errorf("unknown action %q", r.Action)
	}
	ca.Transformed++

	return out, nil
}

// bareYear reads a cell that is a year alone, four digits such as 1931.
func bareYear(v string) (int, bool) {
	s := strings.TrimSpace(v)
	if len(s) != 4 || !allDigits(s) || s[0] == '0' {
		return 0, false
	}
	y, err := strconv.Atoi(s)

	return y, err == nil
}

// ageBand top-codes an age cell. Besides plain numbers it accepts bands that
// are already generalised ("35-55", "55<=", "0-35"): a band reaching 90 or
// more becomes the label, others pass.
func ageBand(v, label string) (string, bool) {
	if a, ok := TopCodeAge(v, label); ok {
		return a, true
	}
	nums := digitRE.FindAllString(v, -1)
	if len(nums) == 0 {
		return "", false
	}
	for _, n := range nums {
		a, err := strconv.Atoi(n)
		if err != nil || a > 200 {
			return "", false
		}
		if a >= 90 {
			return label, true
		}
	}

	return v, true
}
