package expectations

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// typeAliases maps every accepted type name (lower case) to the logical
// types it matches. Logical types follow Arrow/Iceberg: int is 32-bit, long
// 64-bit, float 32-bit, double 64-bit; timestamp and timestamptz differ
// (C24). Python's own names (int, float, str) match any width, as they do
// in pandas.
var typeAliases = map[string][]string{
	"int": {"int", "long"}, "int32": {"int"}, "integer": {"int"}, "int8": {"int"}, "int16": {"int"},
	"int32dtype": {"int"}, "smallint": {"int"}, "tinyint": {"int"}, "integertype": {"int"},
	"long": {"long"}, "int64": {"long"}, "bigint": {"long"}, "int64dtype": {"long"}, "longtype": {"long"},
	"float": {"float", "double"}, "float32": {"float"}, "real": {"float"}, "floattype": {"float"},
	"double": {"double"}, "float64": {"double"}, "double_precision": {"double"}, "double precision": {"double"},
	"doubletype": {"double"}, "float64dtype": {"double"},
	"decimal": {"decimal"}, "numeric": {"decimal"}, "decimaltype": {"decimal"},
	"str": {"string"}, "string": {"string"}, "utf8": {"string"}, "text": {"string"}, "varchar": {"string"},
	"stringtype": {"string"}, "large_string": {"string"},
	"bool": {"boolean"}, "boolean": {"boolean"}, "bool_": {"boolean"}, "booleantype": {"boolean"},
	"date": {"date"}, "datetype": {"date"},
	"timestamp": {"timestamp"}, "datetime": {"timestamp"}, "datetime64": {"timestamp"}, "datetime64[ns]": {"timestamp"},
	"timestamp_ntz": {"timestamp"}, "timestamptype": {"timestamp"},
	"timestamptz": {"timestamptz"}, "timestamp with time zone": {"timestamptz"}, "datetimetzdtype": {"timestamptz"},
	"timestamp_tz": {"timestamptz"},
	"binary":       {"binary"}, "bytes": {"binary"}, "bytea": {"binary"},
	"object": {"string", "mixed", "null"}, "object_": {"string", "mixed", "null"}, "o": {"string", "mixed", "null"},
}

var decimalRE = regexp.MustCompile(`^decimal\((\d+)\s*,\s*(\d+)\)$`)

func acceptedTypes(names []string) (map[string]bool, []decimalSpec, error) {
	ok := map[string]bool{}
	var decs []decimalSpec
	for _, n := range names {
		l := strings.ToLower(strings.TrimSpace(n))
		if m := decimalRE.FindStringSubmatch(l); m != nil {
			p, _ := strconv.Atoi(m[1])
			s, _ := strconv.Atoi(m[2])
			decs = append(decs, decimalSpec{p, s})
			continue
		}
		ts, found := typeAliases[l]
		if !found {
			return nil, nil, fmt.Errorf("unknown type %q; known names: int, int32, integer, long, int64, bigint, float, float32, double, float64, decimal, decimal(p,s), string, str, utf8, boolean, date, timestamp, timestamptz, binary", n)
		}
		for _, t := range ts {
			ok[t] = true
		}
	}

	return ok, decs, nil
}

type decimalSpec struct{ p, s int }

// typeExp judges the logical type, not the storage type (C24). Typed
// columns (Parquet, Arrow, Iceberg) are judged once by their column type; every
// non-missing value shares it. Schemaless text (CSV) and mixed columns are
// judged value by value: a text value matches a type when it parses as one.
func typeExp(k *kw, env *buildEnv, col string, names []string) (evaluator, error) {
	accept, decs, err := acceptedTypes(names)
	if err != nil {
		return nil, err
	}
	m := newMap(k, env, col)
	var observed string
	m.statefulPred = func(_ *mapExp, b *Batch, _ int, v []any) (bool, error) {
		t := b.Cols[col].Type()
		observed = t.String()
		if !typed(t) {
			return !valueMatches(v[0], t.Text, accept, decs), nil
		}
		return !typeMatches(t, accept, decs), nil
	}
	return &typeEval{mapExp: m, observed: &observed, col: col, accept: accept, decs: decs}, nil
}

// typed reports a column whose values all share its declared type.
func typed(t LogicalType) bool { return t.Name != "mixed" && t.Name != "null" && !t.Text }

func typeMatches(t LogicalType, accept map[string]bool, decs []decimalSpec) bool {
	if t.Name != "decimal" {
		return accept[t.Name]
	}
	if accept["decimal"] {
		return true
	}
	for _, d := range decs {
		if d.p == t.Precision && d.s == t.Scale {
			return true
		}
	}

	return false
}

type typeEval struct {
	*mapExp
	observed *string
	col      string
	accept   map[string]bool
	decs     []decimalSpec
}

func (t *typeEval) finish(info *tableInfo) (bool, map[string]any, error) {
	ok, res, err := t.mapExp.finish(info)
	// A typed column of another type fails even when every value is
	// missing: its type is the column's, as GX judges a pandas dtype.
	if lt, has := info.types[t.col]; has && typed(lt) && !typeMatches(lt, t.accept, t.decs) {
		ok = false
	}
	if err == nil && t.env.rf.Level != "BOOLEAN_ONLY" {
		lt := info.types[t.col]
		if lt.Name == "string" && !lt.Text || lt.Name == "mixed" {
			res["observed_value"] = "object_"
		} else {
			res["observed_value"] = lt.String()
		}
	}

	return ok, res, err
}

func valueMatches(v any, text bool, accept map[string]bool, decs []decimalSpec) bool {
	switch x := v.(type) {
	case string:
		if !text {
			return accept["string"]
		}
		s := strings.TrimSpace(x)
		if accept["string"] {
			return true
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if accept["long"] || (accept["int"] && n >= -1<<31 && n < 1<<31) {
				return true
			}
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil && (accept["float"] || accept["double"] || accept["decimal"] || len(decs) > 0) {
			return true
		}
		if accept["boolean"] {
			switch strings.ToLower(s) {
			case "true", "false":
				return true
			}
		}
		if accept["date"] {
			if _, err := time.Parse("2006-01-02", s); err == nil {
				return true
			}
		}
		if accept["timestamp"] || accept["timestamptz"] {
			if t, ok := parseTime(s); ok {
				hasZone := strings.HasSuffix(s, "Z") || regexp.MustCompile(`[+-]\d\d:?\d\d$`).MatchString(s)
				_ = t
				return (accept["timestamptz"] && hasZone) || (accept["timestamp"] && !hasZone)
			}
		}
		return false
	case int64:
		return accept["int"] || accept["long"]
	case float64:
		return accept["float"] || accept["double"]
	case bool:
		return accept["boolean"]
	case time.Time:
		return accept["timestamp"] || accept["timestamptz"]
	case Decimal:
		return accept["decimal"] || len(decs) > 0
	}

	return false
}

// schemaValid checks a JSON document against the JSON Schema keywords
// suites use: type, properties, required, enum, const, minimum, maximum,
// minLength, maxLength, pattern, items, additionalProperties.
func schemaValid(s map[string]any, doc any) bool {
	if t, ok := s["type"]; ok {
		types := []any{t}
		if l, ok := t.([]any); ok {
			types = l
		}
		match := false
		for _, tt := range types {
			if jsonType(doc, fmt.Sprint(tt)) {
				match = true
			}
		}
		if !match {
			return false
		}
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			if key(x) == key(doc) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	if c, ok := s["const"]; ok && key(c) != key(doc) {
		return false
	}
	if f, ok := toFloat(doc); ok {
		if _, isBool := doc.(bool); !isBool {
			if mn, ok := toFloat(s["minimum"]); ok && f < mn {
				return false
			}
			if mx, ok := toFloat(s["maximum"]); ok && f > mx {
				return false
			}
		}
	}
	if str, ok := doc.(string); ok {
		if n, ok := toFloat(s["minLength"]); ok && float64(len([]rune(str))) < n {
			return false
		}
		if n, ok := toFloat(s["maxLength"]); ok && float64(len([]rune(str))) > n {
			return false
		}
		if p, ok := s["pattern"].(string); ok {
			if re, err := regexp.Compile(p); err == nil && !re.MatchString(str) {
				return false
			}
		}
	}
	if obj, ok := doc.(map[string]any); ok {
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[fmt.Sprint(r)]; !ok {
					return false
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		for name, sub := range props {
			if v, ok := obj[name]; ok {
				if ss, ok := sub.(map[string]any); ok && !schemaValid(ss, v) {
					return false
				}
			}
		}
		if ap, ok := s["additionalProperties"].(bool); ok && !ap {
			for name := range obj {
				if _, ok := props[name]; !ok {
					return false
				}
			}
		}
	}
	if arr, ok := doc.([]any); ok {
		if items, ok := s["items"].(map[string]any); ok {
			for _, v := range arr {
				if !schemaValid(items, v) {
					return false
				}
			}
		}
	}

	return true
}

func jsonType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "integer":
		switch x := v.(type) {
		case int64:
			return true
		case float64:
			return x == float64(int64(x))
		}
	case "number":
		switch v.(type) {
		case int64, float64:
			return true
		}
	}

	return false
}
