package expectations

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

func init() {
	register("expect_column_values_to_not_be_null", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		m.nullsAreValues = true
		m.pred = func(v []any) (bool, error) { return v[0] == nil, nil }
		m.show = func(v []any) any { return nil }
		m.fast = func(m *mapExp, b *Batch) bool { return m.fastNulls(b, false) }
		return m, nil
	})
	register("expect_column_values_to_be_null", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		m.nullsAreValues = true
		m.pred = func(v []any) (bool, error) { return v[0] != nil, nil }
		m.fast = func(m *mapExp, b *Batch) bool { return m.fastNulls(b, true) }
		return m, nil
	})
	register("expect_column_values_to_be_in_set", func(k *kw, env *buildEnv) (evaluator, error) { return inSet(k, env, false) })
	register("expect_column_values_to_not_be_in_set", func(k *kw, env *buildEnv) (evaluator, error) { return inSet(k, env, true) })
	register("expect_column_values_to_be_between", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		b, err := readBounds(k, true)
		if err != nil {
			return nil, err
		}
		if b.min == nil && b.max == nil {
			return nil, errors.New("min_value and max_value cannot both be None")
		}
		if b.min != nil && b.max != nil {
			if c, ok := compare(b.min, b.max); ok && c > 0 {
				return nil, errors.New("min_value cannot be greater than max_value")
			}
		}
		m.pred = func(v []any) (bool, error) {
			x := v[0]
			if m.text {
				x = b.coerce(x)
			}
			ok, err := b.contains(x)
			return !ok, err
		}
		if lo, hi, ok := b.numeric(); ok {
			out := func(f float64) bool {
				return f < lo || f > hi || (b.strictMin && f == lo) || (b.strictMax && f == hi)
			}
			m.fast = func(m *mapExp, bt *Batch) bool {
				if m.fastNum(bt, out) {
					return true
				}
				if !m.text {
					return false
				}
				// CSV text: parse each value; text that is not a number is
				// an error, as in the generic path.
				var bad error
				ok := m.fastStr(bt, func(s string) bool {
					f, isNum := textNumber(s)
					if !isNum {
						if bad == nil {
							bad = fmt.Errorf("cannot compare %q with the bounds: it is not a number", s)
						}
						return false
					}
					return out(f)
				})
				if bad != nil {
					m.err = bad
				}
				return ok
			}
		}
		return m, nil
	})
	register("expect_column_value_lengths_to_be_between", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		b, err := readBounds(k, true)
		if err != nil {
			return nil, err
		}
		if b.min == nil && b.max == nil {
			return nil, errors.New("min_value and max_value cannot both be None")
		}
		for _, x := range []any{b.min, b.max} {
			if f, ok := toFloat(x); x != nil && (!ok || f != float64(int64(f))) {
				return nil, errors.New("min_value and max_value must be integers")
			}
		}
		m.pred = func(v []any) (bool, error) {
			s, isStr := v[0].(string)
			if !isStr {
				return false, fmt.Errorf("value %v is not text: object of type '%T' has no len()", v[0], v[0])
			}
			ok, err := b.contains(int64(utf8.RuneCountInString(s)))
			return !ok, err
		}
		if lo, hi, ok := b.numeric(); ok {
			out := func(f float64) bool {
				return f < lo || f > hi || (b.strictMin && f == lo) || (b.strictMax && f == hi)
			}
			m.fast = func(m *mapExp, bt *Batch) bool {
				return m.fastStr(bt, func(s string) bool {
					// A text of n bytes has n/4 (rounded up) to n runes and
					// the bounds are an interval: when both ends are inside,
					// so is the count, without counting.
					if n := len(s); !out(float64(n)) && !out(float64((n+3)/4)) {
						return false
					}
					return out(float64(utf8.RuneCountInString(s)))
				})
			}
		}
		return m, nil
	})
	register("expect_column_value_lengths_to_equal", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		n, ok := k.num("value")
		if !ok {
			return nil, errors.New(`kwarg "value" is required`)
		}
		m.pred = func(v []any) (bool, error) { return float64(utf8.RuneCountInString(pyStr(v[0]))) != n, nil }
		return m, nil
	})
	register("expect_column_values_to_match_regex", func(k *kw, env *buildEnv) (evaluator, error) { return regexExp(k, env, false) })
	register("expect_column_values_to_not_match_regex", func(k *kw, env *buildEnv) (evaluator, error) { return regexExp(k, env, true) })
	register("expect_column_values_to_match_regex_list", func(k *kw, env *buildEnv) (evaluator, error) { return regexListExp(k, env, false) })
	register("expect_column_values_to_not_match_regex_list", func(k *kw, env *buildEnv) (evaluator, error) { return regexListExp(k, env, true) })
	register("expect_column_values_to_match_like_pattern", func(k *kw, env *buildEnv) (evaluator, error) { return likeExp(k, env, false, false) })
	register("expect_column_values_to_not_match_like_pattern", func(k *kw, env *buildEnv) (evaluator, error) { return likeExp(k, env, true, false) })
	register("expect_column_values_to_match_like_pattern_list", func(k *kw, env *buildEnv) (evaluator, error) { return likeExp(k, env, false, true) })
	register("expect_column_values_to_not_match_like_pattern_list", func(k *kw, env *buildEnv) (evaluator, error) { return likeExp(k, env, true, true) })
	register("expect_column_values_to_match_strftime_format", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		layout, err := strftimeToGo(k.str("strftime_format", true))
		if err != nil {
			return nil, err
		}
		m.pred = func(v []any) (bool, error) {
			s, ok := v[0].(string)
			if !ok {
				//nolint:staticcheck // Great Expectations' own message, which the conformance tests match (traceback_substring)
				return false, errors.New("Values passed to expect_column_values_to_match_strftime_format must be of type string")
			}
			_, err := time.Parse(layout, s)
			return err != nil, nil
		}
		return m, nil
	})
	register("expect_column_values_to_be_dateutil_parseable", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		m.pred = func(v []any) (bool, error) {
			s, ok := v[0].(string)
			if !ok {
				//nolint:staticcheck // Great Expectations' own message, which the conformance tests match (traceback_substring)
				return false, errors.New("Values passed to expect_column_values_to_be_dateutil_parseable must be of type string.")
			}
			return !dateutilParseable(s), nil
		}
		return m, nil
	})
	register("expect_column_values_to_be_json_parseable", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		m.pred = func(v []any) (bool, error) { return !json.Valid([]byte(pyStr(v[0]))), nil }
		return m, nil
	})
	register("expect_column_values_to_match_json_schema", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		schema, ok := k.raw("json_schema").(map[string]any)
		if !ok {
			return nil, errors.New(`kwarg "json_schema" must be a JSON object`)
		}
		m.pred = func(v []any) (bool, error) {
			doc, ok := decodeJSON(pyStr(v[0]))
			if !ok {
				return true, nil // a value that is not JSON is unexpected; it is no error
			}
			return !schemaValid(schema, normalize(doc)), nil
		}
		return m, nil
	})
	register("expect_column_values_to_be_unique", func(k *kw, env *buildEnv) (evaluator, error) {
		return withUniq(newMap(k, env, k.str("column", true)))
	})
	register("expect_column_values_to_be_increasing", func(k *kw, env *buildEnv) (evaluator, error) { return monotone(k, env, 1) })
	register("expect_column_values_to_be_decreasing", func(k *kw, env *buildEnv) (evaluator, error) { return monotone(k, env, -1) })
	register("expect_column_values_to_be_of_type", func(k *kw, env *buildEnv) (evaluator, error) {
		col := k.str("column", true)
		t := k.str("type_", false)
		if t == "" && k.has("type") {
			t = k.str("type", false)
		}
		if t == "" {
			return nil, errors.New(`kwarg "type_" is required`)
		}
		return typeExp(k, env, col, []string{t})
	})
	register("expect_column_values_to_be_in_type_list", func(k *kw, env *buildEnv) (evaluator, error) {
		col := k.str("column", true)
		if k.raw("type_list") == nil {
			m := newMap(k, env, col)
			m.pred = func([]any) (bool, error) { return false, nil }
			return m, nil
		}
		return typeExp(k, env, col, k.strList("type_list", false))
	})
}

func inSet(k *kw, env *buildEnv, not bool) (evaluator, error) {
	m := newMap(k, env, k.str("column", true))
	vals, present := k.list("value_set", false)
	if k.raw("value_set") != nil && !present {
		return nil, errors.New(`kwarg "value_set" must be a list`)
	}
	if not && !present {
		return nil, errors.New(`kwarg "value_set" is required`)
	}
	set := map[any]bool{}
	var times []time.Time
	for _, v := range vals {
		set[key(v)] = true
		if s, ok := v.(string); ok {
			if t, ok := parseTime(s); ok {
				times = append(times, t)
			}
		}
	}
	for _, t := range times {
		set[key(t)] = true
	}
	m.pred = func(v []any) (bool, error) {
		if !present {
			return false, nil
		}
		in := set[key(v[0])]
		if !in && m.text {
			// CSV text "2" matches a numeric 2 in the value set, "true" a
			// boolean true.
			if f, ok := toFloatLoose(v[0]); ok {
				in = set[key(f)]
			} else if s, _ := v[0].(string); strings.EqualFold(s, "true") || strings.EqualFold(s, "false") {
				in = set[strings.EqualFold(s, "true")]
			}
		}
		return in == not, nil
	}
	strSet := map[string]bool{}
	for _, v := range vals {
		if s, ok := v.(string); ok {
			strSet[s] = true
		}
	}
	onlyStrings := len(strSet) == len(vals)
	// A few strings are found faster by comparison than by hashing.
	var small []string
	if len(strSet) <= 8 {
		for s := range strSet {
			small = append(small, s)
		}
	}
	m.fast = func(m *mapExp, b *Batch) bool {
		// Text from CSV may match numbers or booleans of the set; only a
		// set of strings can skip that coercion.
		if !present || (m.text && !onlyStrings) {
			return false
		}
		if len(small) > 0 {
			return m.fastStr(b, func(s string) bool { return slices.Contains(small, s) == not })
		}
		return m.fastStr(b, func(s string) bool { return strSet[s] == not })
	}

	return m, nil
}

type bounds struct {
	min, max             any
	strictMin, strictMax bool
}

// check rejects bounds GX rejects: none at all, or min above max.
func (b bounds) check() error {
	if b.min == nil && b.max == nil {
		return errors.New("min_value and max_value cannot both be None")
	}
	if b.min != nil && b.max != nil {
		if c, ok := compare(b.min, b.max); ok && c > 0 {
			return errors.New("min_value cannot be greater than max_value")
		}
	}

	return nil
}

// numeric returns the bounds as floats (±Inf when open) when both are
// numbers or absent.
func (b bounds) numeric() (float64, float64, bool) {
	lo, hi := math.Inf(-1), math.Inf(1)
	if b.min != nil {
		f, ok := b.min.(float64)
		if n, isInt := b.min.(int64); isInt {
			f, ok = float64(n), true
		}
		if !ok {
			return 0, 0, false
		}
		lo = f
	}
	if b.max != nil {
		f, ok := b.max.(float64)
		if n, isInt := b.max.(int64); isInt {
			f, ok = float64(n), true
		}
		if !ok {
			return 0, 0, false
		}
		hi = f
	}

	return lo, hi, true
}

// coerce parses text read from a schemaless file into the bounds' kind.
func (b bounds) coerce(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	ref := b.min
	if ref == nil {
		ref = b.max
	}
	switch r := ref.(type) {
	case int64, float64:
		if f, ok := toFloatLoose(s); ok {
			return f
		}
	case string:
		if _, ok := parseTime(r); ok {
			if t, ok := parseTime(s); ok {
				return t
			}
		}
	}

	return v
}

func readBounds(k *kw, strict bool) (bounds, error) {
	b := bounds{min: k.raw("min_value"), max: k.raw("max_value")}
	if strict {
		b.strictMin = k.boolean("strict_min", false)
		b.strictMax = k.boolean("strict_max", false)
	}
	for _, x := range []any{b.min, b.max} {
		switch x.(type) {
		case nil, int64, float64, string:
		default:
			return b, fmt.Errorf("min_value and max_value must be numbers, dates or strings, not %T", x)
		}
	}

	return b, nil
}

// contains reports lo <= v <= hi (strict where asked); an incomparable value
// is an error, as it is in pandas.
func (b bounds) contains(v any) (bool, error) {
	if b.min != nil {
		c, ok := compare(v, b.min)
		if !ok {
			return false, fmt.Errorf("cannot compare %s with min_value %s", shown(v), shown(b.min))
		}
		if c < 0 || (b.strictMin && c == 0) {
			return false, nil
		}
	}
	if b.max != nil {
		c, ok := compare(v, b.max)
		if !ok {
			return false, fmt.Errorf("cannot compare %s with max_value %s", shown(v), shown(b.max))
		}
		if c > 0 || (b.strictMax && c == 0) {
			return false, nil
		}
	}

	return true, nil
}

func regexExp(k *kw, env *buildEnv, not bool) (evaluator, error) {
	m := newMap(k, env, k.str("column", true))
	re, err := compileRegex(k.str("regex", true))
	if err != nil {
		return nil, err
	}
	mt := newMatcher(re)
	m.pred = func(v []any) (bool, error) { return mt.MatchString(pyStr(v[0])) == not, nil }
	m.fast = func(m *mapExp, b *Batch) bool {
		return m.fastStr(b, func(s string) bool { return mt.MatchString(s) == not })
	}

	return m, nil
}

func compileRegex(s string) (*regexp.Regexp, error) {
	// Python's (?P<name>) is accepted by RE2; \Z is not.
	re, err := regexp.Compile(strings.ReplaceAll(s, `\Z`, `\z`))
	if err != nil {
		return nil, fmt.Errorf("regex %q: %w", s, err)
	}

	return re, nil
}

func regexListExp(k *kw, env *buildEnv, not bool) (evaluator, error) {
	m := newMap(k, env, k.str("column", true))
	var res []*matcher
	for _, s := range k.strList("regex_list", true) {
		re, err := compileRegex(s)
		if err != nil {
			return nil, err
		}
		res = append(res, newMatcher(re))
	}
	matchOn := k.str("match_on", false)
	if matchOn == "" {
		matchOn = "any"
	}
	if matchOn != "any" && matchOn != "all" {
		return nil, fmt.Errorf(`match_on must be "any" or "all", not %q`, matchOn)
	}
	m.pred = func(v []any) (bool, error) {
		s := pyStr(v[0])
		if not {
			for _, re := range res {
				if re.MatchString(s) {
					return true, nil
				}
			}
			return false, nil
		}
		n := 0
		for _, re := range res {
			if re.MatchString(s) {
				n++
			}
		}
		if matchOn == "all" {
			return n != len(res), nil
		}
		return n == 0, nil
	}

	return m, nil
}

// likeToRegex translates SQL LIKE (% and _; backslash escapes) to an
// anchored regular expression.
func likeToRegex(p string) (*regexp.Regexp, error) {
	var sb strings.Builder
	sb.WriteString("(?s)^")
	esc := false
	for _, r := range p {
		switch {
		case esc:
			sb.WriteString(regexp.QuoteMeta(string(r)))
			esc = false
		case r == '\\':
			esc = true
		case r == '%':
			sb.WriteString(".*")
		case r == '_':
			sb.WriteString(".")
		default:
			sb.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	sb.WriteString("$")

	return regexp.Compile(sb.String())
}

func likeExp(k *kw, env *buildEnv, not, list bool) (evaluator, error) {
	m := newMap(k, env, k.str("column", true))
	var pats []string
	if list {
		pats = k.strList("like_pattern_list", true)
		if len(pats) == 0 && k.err == nil {
			return nil, errors.New("like_pattern_list must not be empty")
		}
	} else {
		pats = []string{k.str("like_pattern", true)}
	}
	matchOn := "any"
	if list && !not {
		if s := k.str("match_on", false); s != "" {
			matchOn = s
		}
	}
	var res []*matcher
	for _, p := range pats {
		re, err := likeToRegex(p)
		if err != nil {
			return nil, err
		}
		res = append(res, newMatcher(re))
	}
	m.pred = func(v []any) (bool, error) {
		s := pyStr(v[0])
		n := 0
		for _, re := range res {
			if re.MatchString(s) {
				n++
			}
		}
		if not {
			return n > 0, nil
		}
		if matchOn == "all" {
			return n != len(res), nil
		}
		return n == 0, nil
	}

	return m, nil
}

// strftimeToGo converts a Python strftime format to a Go layout.
func strftimeToGo(f string) (string, error) {
	repl := map[byte]string{'Y': "2006", 'y': "06", 'm': "1", 'd': "2", 'H': "15", 'I': "3", 'M': "4", 'S': "5",
		'p': "PM", 'b': "Jan", 'B': "January", 'a': "Mon", 'A': "Monday", 'f': "000000", 'z': "-0700", 'Z': "MST",
		'j': "002", '%': "%"}
	var sb strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			sb.WriteByte(f[i])
			continue
		}
		i++
		if i >= len(f) {
			return "", fmt.Errorf("strftime_format %q ends with %%", f)
		}
		r, ok := repl[f[i]]
		if !ok {
			return "", fmt.Errorf("strftime_format %q: directive %%%c is not supported", f, f[i])
		}
		sb.WriteString(r)
	}

	return sb.String(), nil
}

func monotone(k *kw, env *buildEnv, dir int) (evaluator, error) {
	m := newMap(k, env, k.str("column", true))
	strictly := k.boolean("strictly", false)
	var prev any
	m.statefulPred = func(m *mapExp, _ *Batch, _ int, v []any) (bool, error) {
		cur := v[0]
		if s, ok := cur.(string); ok {
			// Untyped CSV text is compared as what it reads as: "10" comes
			// after "9" as a number, not before it as text.
			if f, isNum := textNumber(s); isNum && m.text {
				cur = f
			} else if t, ok := parseTime(s); ok {
				cur = t
			}
		}
		if prev == nil {
			prev = cur
			return false, nil
		}
		c, ok := compare(cur, prev)
		if !ok {
			return false, fmt.Errorf("cannot compare %s with %s", shown(cur), shown(prev))
		}
		prev = cur
		c *= dir
		if strictly {
			return c <= 0, nil
		}
		return c < 0, nil
	}

	return m, nil
}

// decodeJSON parses one JSON document, numbers as json.Number; ok is false
// when s is not JSON.
func decodeJSON(s string) (doc any, ok bool) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		return nil, false
	}

	return doc, true
}
