package expectations

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsondoc"
)

// kw reads an expectation's kwargs, remembering which were used so unknown
// ones can be reported instead of silently ignored.
type kw struct {
	m    map[string]any
	used map[string]bool
	err  error
}

// Kwargs every expectation accepts.
var commonKwargs = []string{"result_format", "catch_exceptions", "include_config", "meta", "batch_id",
	"row_condition", "condition_parser", "treat_as_null"}

func newKW(m map[string]any) *kw {
	k := &kw{m: m, used: map[string]bool{}}
	for _, c := range commonKwargs {
		k.used[c] = true
	}

	return k
}

func (k *kw) fail(format string, a ...any) {
	if k.err == nil {
		k.err = fmt.Errorf(format, a...)
	}
}

// require records that the required kwarg name is absent.
func (k *kw) require(name string) {
	k.used[name] = true
	k.fail("kwarg %q is required", name)
}

func (k *kw) has(name string) bool {
	k.used[name] = true
	v, ok := k.m[name]
	return ok && v != nil
}

func (k *kw) raw(name string) any {
	k.used[name] = true
	return k.m[name]
}

func (k *kw) str(name string, required bool) string {
	v := k.raw(name)
	if v == nil {
		if required {
			k.require(name)
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		k.fail("kwarg %q must be a string, not %T", name, v)
	}

	return s
}

func (k *kw) strList(name string, required bool) []string {
	v := k.raw(name)
	if v == nil {
		if required {
			k.require(name)
		}
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		k.fail("kwarg %q must be a list of strings", name)
		return nil
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			k.fail("kwarg %q must be a list of strings", name)
		}
		out[i] = s
	}

	return out
}

func (k *kw) list(name string, required bool) ([]any, bool) {
	v := k.raw(name)
	if v == nil {
		if required {
			k.require(name)
		}
		return nil, false
	}
	switch l := v.(type) {
	case []any:
		return l, true
	case map[string]any: // a JSON-encoded set
		k.fail("kwarg %q must be a list", name)
	default:
		k.fail("kwarg %q must be a list, not %T", name, v)
	}

	return nil, false
}

func (k *kw) boolean(name string, def bool) bool {
	v := k.raw(name)
	if v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		k.fail("kwarg %q must be true or false", name)
	}

	return b
}

// num reads an optional number; ok reports presence.
func (k *kw) num(name string) (float64, bool) {
	v := k.raw(name)
	if v == nil {
		return 0, false
	}
	f, ok := toFloat(v)
	if !ok {
		if _, isBool := v.(bool); isBool || !ok {
			k.fail("kwarg %q must be a number, not %v", name, v)
		}
	}

	return f, ok
}

func (k *kw) mostly() float64 {
	v := k.raw("mostly")
	if v == nil {
		return 1
	}
	f, ok := toFloat(v)
	if !ok {
		k.fail("kwarg \"mostly\" must be a number between 0 and 1")
		return 1
	}
	if f < 0 || f > 1 || math.IsNaN(f) {
		k.fail("kwarg \"mostly\" must be greater than or equal to 0 and less than or equal to 1, not %v", f)
	}

	return f
}

// done reports the first error, or the kwargs nobody read.
func (k *kw) done() error {
	if k.err != nil {
		return k.explain(k.err)
	}
	if unknown := k.unknown(); len(unknown) > 0 {
		return errors.New(k.hint(unknown))
	}

	return nil
}

// explain adds to err the kwargs nobody read. A kwarg that was looked for
// and is absent, beside an unknown one with the same start, is most often
// misspelt ("min_valu"), so the error names the two together: the
// builder's own complaint ("min_value and max_value cannot both be None")
// alone would hide the cause.
func (k *kw) explain(err error) error {
	unknown := k.unknown()
	if len(unknown) == 0 {
		return err
	}

	return fmt.Errorf("%w; %s", err, k.hint(unknown))
}

// unknown is the kwargs nobody read, sorted.
func (k *kw) unknown() []string {
	var out []string
	for name := range k.m {
		if !k.used[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)

	return out
}

// hint names unknown kwargs, with the absent kwarg one of them may stand
// for.
func (k *kw) hint(unknown []string) string {
	var looked []string
	for name := range k.used {
		if v, ok := k.m[name]; !ok || v == nil {
			looked = append(looked, name)
		}
	}
	sort.Strings(looked)
	for _, u := range unknown {
		if name := jsondoc.Nearest(u, looked); name != "" {
			return fmt.Sprintf("unknown kwarg %q (did you mean %q?)", u, name)
		}
	}

	return "unknown kwarg " + strings.Join(quoteAll(unknown), ", ")
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}

	return out
}

// resultFormat is the parsed result_format kwarg.
type resultFormat struct {
	Level             string // BOOLEAN_ONLY, BASIC, SUMMARY, COMPLETE
	PartialCount      int
	IndexColumns      []string
	IncludeRows       bool
	ExcludeUnexpected bool
}

func parseResultFormat(v any, def resultFormat) (resultFormat, error) {
	rf := def
	switch x := v.(type) {
	case nil:
	case string:
		rf.Level = strings.ToUpper(x)
	case map[string]any:
		if l, ok := x["result_format"].(string); ok {
			rf.Level = strings.ToUpper(l)
		}
		if n, ok := toFloat(x["partial_unexpected_count"]); ok {
			rf.PartialCount = int(n)
		}
		if l, ok := x["unexpected_index_column_names"].([]any); ok {
			for _, e := range l {
				s, ok := e.(string)
				if !ok {
					return rf, errors.New("result_format.unexpected_index_column_names must list column names")
				}
				rf.IndexColumns = append(rf.IndexColumns, s)
			}
		}
		if b, ok := x["include_unexpected_rows"].(bool); ok {
			rf.IncludeRows = b
		}
		if b, ok := x["exclude_unexpected_values"].(bool); ok {
			rf.ExcludeUnexpected = b
		}
	default:
		return rf, fmt.Errorf("result_format must be a string or an object, not %T", v)
	}
	switch rf.Level {
	case "BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE":
	default:
		return rf, fmt.Errorf("result_format %q is not one of BOOLEAN_ONLY, BASIC, SUMMARY, COMPLETE", rf.Level)
	}
	if rf.PartialCount < 0 {
		return rf, errors.New("partial_unexpected_count must not be negative")
	}

	return rf, nil
}
