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

// keep evaluates the condition on one row with pandas semantics: a null
// compares unequal to everything.
func (rc *rowCondition) keep(b *Batch, i int) bool {
	for _, and := range rc.or {
		all := true
		for _, t := range and {
			if !t.eval(b.Cols[t.col].Value(i)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}

	return false
}

func (t cmpTerm) eval(v any) bool {
	if v == nil || t.lit == nil {
		if t.op == "!=" {
			return v != nil || t.lit != nil
		}
		return t.op == "==" && v == nil && t.lit == nil
	}
	c, ok := compare(v, t.lit)
	if !ok {
		return t.op == "!="
	}
	switch t.op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}

	return false
}

func (rc *rowCondition) filter(b *Batch) *Batch {
	var idx []int
	for i := 0; i < b.Len; i++ {
		if rc.keep(b, i) {
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

	return v
}

type selColumn struct {
	c   Column
	idx []int
}

func (s *selColumn) Len() int          { return len(s.idx) }
func (s *selColumn) IsNull(i int) bool { return s.c.IsNull(s.idx[i]) }
func (s *selColumn) Value(i int) any   { return s.c.Value(s.idx[i]) }
func (s *selColumn) Type() LogicalType { return s.c.Type() }
