package expectations

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// rowCondition is a parsed row_condition: comparisons of a column with a
// literal joined by & (and) and | (or), & binding tighter. It covers the
// pandas query syntax and GX's own col("x") syntax for the forms suites use.
type rowCondition struct {
	text string
	or   [][]cmpTerm
}

type cmpTerm struct {
	col string
	op  string
	lit any
}

var termRE = regexp.MustCompile(`^\s*(?:col\(\s*["']([^"']+)["']\s*\)|([A-Za-z_][A-Za-z0-9_]*)|` + "`([^`]+)`" + `)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$`)

func parseRowCondition(text, parser string) (*rowCondition, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	switch parser {
	case "", "pandas", "great_expectations", "great_expectations__experimental__":
	default:
		return nil, fmt.Errorf("condition_parser %q is not a valid enumeration member; use pandas or great_expectations", parser)
	}
	rc := &rowCondition{text: text}
	for _, alt := range splitTop(text, "|", " or ") {
		var and []cmpTerm
		for _, part := range splitTop(alt, "&", " and ") {
			part = strings.TrimSpace(part)
			for strings.HasPrefix(part, "(") && strings.HasSuffix(part, ")") {
				part = strings.TrimSpace(part[1 : len(part)-1])
			}
			m := termRE.FindStringSubmatch(part)
			if m == nil {
				return nil, fmt.Errorf("row_condition %q: cannot parse %q; write column == value terms joined by & or |", text, part)
			}
			col := m[1] + m[2] + m[3]
			lit, err := parseLiteral(m[5])
			if err != nil {
				return nil, fmt.Errorf("row_condition %q: %w", text, err)
			}
			and = append(and, cmpTerm{col: col, op: m[4], lit: lit})
		}
		rc.or = append(rc.or, and)
	}

	return rc, nil
}

func splitTop(s, sym, word string) []string {
	s = strings.ReplaceAll(s, word, sym)
	var out []string
	depth, quote, start := 0, byte(0), 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], sym):
			out = append(out, s[start:i])
			start = i + len(sym)
		}
	}

	return append(out, s[start:])
}

func parseLiteral(s string) (any, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], nil
	}
	switch s {
	case "True", "true":
		return true, nil
	case "False", "false":
		return false, nil
	case "None", "null", "NaN", "nan":
		return nil, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, nil
	}

	return nil, fmt.Errorf("cannot read literal %q", s)
}

func (rc *rowCondition) columns() []string {
	var out []string
	for _, and := range rc.or {
		for _, t := range and {
			out = append(out, t.col)
		}
	}

	return out
}

// boundTerm is a term with its column looked up once per batch.
type boundTerm struct {
	cmpTerm
	c    Column
	text bool
}

// keep evaluates the condition on one row with pandas semantics: a null
// compares unequal to everything.
func (rc *rowCondition) keep(or [][]boundTerm, b *Batch, i int) (bool, error) {
	for _, and := range or {
		all := true
		for _, t := range and {
			ok, err := t.eval(t.c.Value(i), t.text)
			if err != nil {
				return false, fmt.Errorf("row_condition %q: %s: %w", rc.text, recordAt(b, i), err)
			}
			if !ok {
				all = false
				break
			}
		}
		if all {
			return true, nil
		}
	}

	return false, nil
}

// eval compares one value with the term's literal. In untyped text (CSV)
// a value that reads as a number is compared with a number as that
// number, as pandas reads such a column. Ordering values that cannot be
// compared is an error, as in pandas, rather than a filter that silently
// keeps no rows; equality between them is simply false.
func (t cmpTerm) eval(v any, text bool) (bool, error) {
	if v == nil || t.lit == nil {
		if t.op == "!=" {
			return v != nil || t.lit != nil, nil
		}
		return t.op == "==" && v == nil && t.lit == nil, nil
	}
	if s, ok := v.(string); ok && text {
		if _, litNum := numberOf(t.lit); litNum {
			if f, isNum := textNumber(s); isNum {
				v = f
			}
		}
	}
	c, ok := compare(v, t.lit)
	if !ok {
		switch t.op {
		case "==":
			return false, nil
		case "!=":
			return true, nil
		}
		return false, fmt.Errorf("cannot compare %s %s %s", shown(v), t.op, shown(t.lit))
	}
	switch t.op {
	case "==":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}

	return false, nil
}

// filter is the view of b's rows that meet the condition.
func (rc *rowCondition) filter(b *Batch) (*Batch, error) {
	or := make([][]boundTerm, len(rc.or))
	for k, and := range rc.or {
		for _, t := range and {
			c := b.Cols[t.col]
			or[k] = append(or[k], boundTerm{cmpTerm: t, c: c, text: c.Type().Text})
		}
	}
	var idx []int
	for i := 0; i < b.Len; i++ {
		ok, err := rc.keep(or, b, i)
		if err != nil {
			return nil, err
		}
		if ok {
			idx = append(idx, i)
		}
	}
	v := &Batch{Names: b.Names, Cols: map[string]Column{}, Len: len(idx), Offset: b.Offset, index: make([]int64, len(idx))}
	for j, i := range idx {
		v.index[j] = b.Row(i)
	}
	for name, c := range b.Cols {
		v.Cols[name] = &selColumn{c: c, idx: idx}
	}
	if b.Lines != nil {
		v.Lines = make([]int, len(idx))
		for j, i := range idx {
			v.Lines[j] = b.Lines[i]
		}
	}

	return v, nil
}

type selColumn struct {
	c   Column
	idx []int
}

func (s *selColumn) Len() int          { return len(s.idx) }
func (s *selColumn) IsNull(i int) bool { return s.c.IsNull(s.idx[i]) }
func (s *selColumn) Value(i int) any   { return s.c.Value(s.idx[i]) }
func (s *selColumn) Type() LogicalType { return s.c.Type() }
