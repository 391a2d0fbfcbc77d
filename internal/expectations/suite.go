// Package expectations is a Great-Expectations-compatible expectation engine:
// it reads GX 1.x (and 0.18) suite JSON, evaluates every expectation of a
// suite over a table in one streaming pass of record batches, and reports GX
// 1.x validation results.
//
// Null rule (one rule for every expectation, see mapAcc): a value is
// missing when it is null or, for text, listed in Options.TreatAsNull (by
// default the CSV reader already turns empty fields into nulls; whitespace
// is a value). Map expectations sort every row into missing, expected or
// unexpected before their predicate runs; `mostly` is measured over
// non-missing rows as GX does, or over all rows with
// Options.MostlyDenominator = "all" (or the kwarg `mostly_denominator`).
package expectations

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsondoc"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsonkind"
)

// Suite is an expectation suite in GX 1.x shape.
type Suite struct {
	Name            string         `json:"name"`
	ID              string         `json:"id,omitempty"`
	Expectations    []Config       `json:"expectations"`
	SuiteParameters map[string]any `json:"suite_parameters,omitempty"`
	Meta            map[string]any `json:"meta,omitempty"`
	Notes           any            `json:"notes,omitempty"`
}

// Config is one expectation configuration.
type Config struct {
	Type        string         `json:"type"`
	Kwargs      map[string]any `json:"kwargs"`
	Meta        map[string]any `json:"meta,omitempty"`
	ID          string         `json:"id,omitempty"`
	Notes       any            `json:"notes,omitempty"`
	Description string         `json:"description,omitempty"`
}

// ConfigError is a problem with a suite: unknown expectation type, bad or
// missing kwarg. The CLI maps it to exit code 2.
type ConfigError struct {
	Index int    // expectation index in the suite, -1 for the suite itself
	Type  string // expectation type
	Err   error
}

func (e *ConfigError) Error() string {
	if e.Index < 0 {
		return "suite: " + e.Err.Error()
	}

	return fmt.Sprintf("expectations[%d] (%s): %v", e.Index, e.Type, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ParseSuite reads GX 1.x suite JSON, and also GX 0.18 JSON
// (expectation_suite_name, expectation_type, evaluation_parameters,
// ge_cloud_id), which it normalises to 1.x. Every expectation is checked
// (type known, kwargs valid), so a bad suite fails before any data is read.
func ParseSuite(data []byte) (*Suite, error) {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, &ConfigError{Index: -1, Err: jsonError(data, err)}
	}
	raw, ok := doc.(map[string]any)
	if !ok {
		return nil, &ConfigError{Index: -1, Err: fmt.Errorf(`a suite is a JSON object with "name" and "expectations", not %s`, jsonkind.Of(doc))}
	}
	if err := strayKey(raw, suiteKeys, false); err != nil {
		return nil, &ConfigError{Index: -1, Err: err}
	}
	if _, ok := raw["expectations"]; !ok {
		return nil, &ConfigError{Index: -1, Err: errors.New(`"expectations" is missing: a suite lists its expectations there`)}
	}
	s := &Suite{}
	s.Name = firstString(raw, "name", "expectation_suite_name")
	s.ID = firstString(raw, "id", "ge_cloud_id")
	if m, ok := first(raw, "suite_parameters", "evaluation_parameters").(map[string]any); ok {
		s.SuiteParameters = normalizeMap(m)
	}
	if m, ok := raw["meta"].(map[string]any); ok {
		s.Meta = m
		if n, ok := m["notes"]; ok && raw["notes"] == nil {
			s.Notes = n
		}
	}
	if n := raw["notes"]; n != nil {
		s.Notes = n
	}
	exps, ok := raw["expectations"].([]any)
	if !ok && raw["expectations"] != nil {
		return nil, &ConfigError{Index: -1, Err: errors.New(`"expectations" must be a list`)}
	}
	for i, e := range exps {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, &ConfigError{Index: i, Err: errors.New("not a JSON object")}
		}
		if err := strayKey(m, expectationKeys, true); err != nil {
			return nil, &ConfigError{Index: i, Type: firstString(m, "type", "expectation_type"), Err: err}
		}
		c := Config{Type: firstString(m, "type", "expectation_type"), ID: firstString(m, "id", "ge_cloud_id")}
		if c.Type == "" {
			return nil, &ConfigError{Index: i, Err: errors.New(`"type" missing`)}
		}
		kw, _ := m["kwargs"].(map[string]any)
		if kw == nil {
			kw = map[string]any{}
		}
		c.Kwargs = normalizeMap(kw)
		c.Meta, _ = m["meta"].(map[string]any)
		c.Notes = m["notes"]
		c.Description, _ = m["description"].(string)
		s.Expectations = append(s.Expectations, c)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}

	return s, nil
}

// jsonError says where a document stops being JSON, by line and column.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	line, col := jsondoc.Position(data, se.Offset)
	hint := ""
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] != '{' && t[0] != '[' {
		hint = " (suites are JSON; a YAML suite must be converted)"
	}

	return fmt.Errorf("not valid JSON at line %d, column %d: %w%s", line, col, err, hint)
}

// The keys of a suite and of an expectation in GX 1.x and 0.18 documents.
var (
	suiteKeys = []string{"name", "expectation_suite_name", "expectations", "id", "ge_cloud_id", "meta", "notes",
		"suite_parameters", "evaluation_parameters", "data_asset_type"}
	expectationKeys = []string{"type", "expectation_type", "kwargs", "meta", "id", "ge_cloud_id", "notes",
		"description", "rendered_content", "severity", "expectation_context"}
	// misplacedKwargs are kwargs that, written beside "kwargs" instead of in
	// it, would silently not apply.
	misplacedKwargs = map[string]bool{"column": true, "column_list": true, "column_A": true, "column_B": true,
		"mostly": true, "min_value": true, "max_value": true, "strict_min": true, "strict_max": true,
		"value_set": true, "regex": true, "row_condition": true, "condition_parser": true, "result_format": true,
		"type_": true, "type_list": true, "value": true, "ignore_row_if": true}
)

// strayKey reports a key of m that is no key of known but a slip for one
// ("expectation", "kwrags"), or, in an expectation, a kwarg written outside
// "kwargs": either would leave part of the suite silently unapplied (a
// suite of no expectations passes). Other keys are left alone, as GX
// documents may carry more.
func strayKey(m map[string]any, known []string, inExpectation bool) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if slices.Contains(known, k) {
			continue
		}
		if n := jsondoc.Nearest(k, known); n != "" {
			return fmt.Errorf("unknown key %q (did you mean %q?)", k, n)
		}
		if inExpectation && misplacedKwargs[k] {
			return fmt.Errorf("%q is a kwarg: put it inside \"kwargs\"", k)
		}
	}

	return nil
}

// Validate checks every expectation's type and kwargs.
func (s *Suite) Validate() error {
	for i, c := range s.Expectations {
		if _, err := build(c, s.SuiteParameters, Options{}); err != nil {
			return &ConfigError{Index: i, Type: c.Type, Err: err}
		}
	}

	return nil
}

func first(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok && v != nil {
			return v
		}
	}

	return nil
}

func firstString(m map[string]any, keys ...string) string {
	s, _ := first(m, keys...).(string)
	return s
}

// substituteParameters replaces {"$PARAMETER": "name"} kwargs with the
// suite parameter's value, as GX does.
func substituteParameters(v any, params map[string]any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if p, ok := x["$PARAMETER"]; ok && len(x) <= 2 {
			name, _ := p.(string)
			if val, ok := params[name]; ok {
				return val, nil
			}
			return evalParameterExpr(name, params)
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := substituteParameters(e, params)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := substituteParameters(e, params)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}

	return v, nil
}

// Types lists every supported expectation type, sorted.
func Types() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)

	return out
}

// CheckType returns "" for a known expectation type, and otherwise what is
// wrong with it, naming the known type it is nearest to when one is near.
func CheckType(t string) string {
	if _, ok := registry[t]; ok {
		return ""
	}
	msg := "is not a known expectation type"
	if s := suggestType(t); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}

	return msg + "; the known types are listed in the documentation of lakehouse_expectation_suite"
}

// suggestType is the known type t is a slip for, or "".
func suggestType(t string) string {
	if _, ok := registry["expect_"+t]; ok {
		return "expect_" + t
	}

	return jsondoc.Nearest(t, Types())
}
