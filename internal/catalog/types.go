package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
)

// Type names for the nested types; their contents are declared with nested
// attributes rather than inside the type string.
const (
	TypeStruct = "struct"
	TypeList   = "list"
	TypeMap    = "map"
)

// PrimitiveTypeNames lists the primitive type spellings the provider writes
// (and documents). Parameterised ones are given as patterns.
var PrimitiveTypeNames = []string{
	"boolean", "int", "long", "float", "double", "decimal(P,S)", "date", "time",
	"timestamp", "timestamptz", "timestamp_ns", "timestamptz_ns", "string", "uuid", "fixed[L]", "binary",
}

var (
	decimalRe = regexp.MustCompile(`^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$`)
	fixedRe   = regexp.MustCompile(`^fixed\s*[\[(]\s*(\d+)\s*[\])]$`)
	spaceRe   = regexp.MustCompile(`\s+`)
)

// aliases maps accepted spellings onto Iceberg's names. A time zone is part
// of the type, never a string compared literally: every spelling of "with a
// zone" (the values are UTC instants) is timestamptz, every spelling of
// "without" is timestamp, and the two are never equal (C12).
var aliases = map[string]string{
	"bool":                           "boolean",
	"integer":                        "int",
	"int32":                          "int",
	"bigint":                         "long",
	"int64":                          "long",
	"float32":                        "float",
	"real":                           "float",
	"float64":                        "double",
	"double precision":               "double",
	"varchar":                        "string",
	"text":                           "string",
	"bytes":                          "binary",
	"timestamp with time zone":       "timestamptz",
	"timestamp_tz":                   "timestamptz",
	"timestamp with local time zone": "timestamptz",
	"timestamp without time zone":    "timestamp",
	"timestamp_ntz":                  "timestamp",
	"timestamp(utc)":                 "timestamptz",
	"timestamp(etc/utc)":             "timestamptz",
	"timestamp(+00:00)":              "timestamptz",
	"timestamp(z)":                   "timestamptz",
	"timestamptz_ns":                 "timestamptz_ns",
	"timestamp_tz_ns":                "timestamptz_ns",
}

// ParsePrimitive parses a primitive type spelling into an Iceberg type.
func ParsePrimitive(s string) (iceberg.PrimitiveType, error) {
	n := strings.ToLower(strings.TrimSpace(spaceRe.ReplaceAllString(s, " ")))
	if a, ok := aliases[n]; ok {
		n = a
	}
	if m := decimalRe.FindStringSubmatch(n); m != nil {
		p, _ := strconv.Atoi(m[1])
		sc, _ := strconv.Atoi(m[2])
		if p < 1 || p > 38 {
			return nil, fmt.Errorf("decimal precision %d is outside 1..38", p)
		}
		if sc > p {
			return nil, fmt.Errorf("decimal scale %d exceeds precision %d", sc, p)
		}

		return iceberg.DecimalTypeOf(p, sc), nil
	}
	if m := fixedRe.FindStringSubmatch(n); m != nil {
		l, _ := strconv.Atoi(m[1])
		if l < 1 {
			return nil, fmt.Errorf("fixed length must be at least 1, got %d", l)
		}

		return iceberg.FixedTypeOf(l), nil
	}
	switch n {
	case "boolean":
		return iceberg.PrimitiveTypes.Bool, nil
	case "int":
		return iceberg.PrimitiveTypes.Int32, nil
	case "long":
		return iceberg.PrimitiveTypes.Int64, nil
	case "float":
		return iceberg.PrimitiveTypes.Float32, nil
	case "double":
		return iceberg.PrimitiveTypes.Float64, nil
	case "date":
		return iceberg.PrimitiveTypes.Date, nil
	case "time":
		return iceberg.PrimitiveTypes.Time, nil
	case "timestamp":
		return iceberg.PrimitiveTypes.Timestamp, nil
	case "timestamptz":
		return iceberg.PrimitiveTypes.TimestampTz, nil
	case "timestamp_ns":
		return iceberg.PrimitiveTypes.TimestampNs, nil
	case "timestamptz_ns":
		return iceberg.PrimitiveTypes.TimestampTzNs, nil
	case "string":
		return iceberg.PrimitiveTypes.String, nil
	case "uuid":
		return iceberg.PrimitiveTypes.UUID, nil
	case "binary":
		return iceberg.PrimitiveTypes.Binary, nil
	}

	return nil, fmt.Errorf("%q is not an Iceberg type; use one of %s, or struct, list, map",
		s, strings.Join(PrimitiveTypeNames, ", "))
}

// NormalizeTypeName returns the canonical spelling of a type name: the
// nested type keywords as they are, primitives as Iceberg writes them.
func NormalizeTypeName(s string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	switch n {
	case TypeStruct, TypeList, TypeMap:
		return n, nil
	}
	t, err := ParsePrimitive(s)
	if err != nil {
		return "", err
	}

	return TypeName(t), nil
}

// TypeName is the provider's spelling of an Iceberg type: the primitive
// name, or struct/list/map for nested ones.
func TypeName(t iceberg.Type) string {
	switch t := t.(type) {
	case *iceberg.StructType:
		return TypeStruct
	case *iceberg.ListType:
		return TypeList
	case *iceberg.MapType:
		return TypeMap
	case iceberg.DecimalType:
		return fmt.Sprintf("decimal(%d,%d)", t.Precision(), t.Scale())
	case iceberg.FixedType:
		return fmt.Sprintf("fixed[%d]", t.Len())
	default:
		return t.String()
	}
}

// SameTypeName reports whether two spellings name the same type.
func SameTypeName(a, b string) bool {
	na, errA := NormalizeTypeName(a)
	nb, errB := NormalizeTypeName(b)

	return errA == nil && errB == nil && na == nb
}

// CheckPromotion applies Iceberg's type promotion rules, written here rather
// than delegated to the library (C08): int to long, float to double, and
// decimal(P,S) to decimal(P',S) with P' >= P. Format version 3 adds no
// primitive promotion the provider writes (date to timestamp is only for
// reading old files), so the version is accepted for future rules.
// It returns nil when from and to are the same type.
func CheckPromotion(from, to iceberg.PrimitiveType, formatVersion int) error {
	_ = formatVersion
	if from.Equals(to) {
		return nil
	}
	switch f := from.(type) {
	case iceberg.Int32Type:
		if _, ok := to.(iceberg.Int64Type); ok {
			return nil
		}
	case iceberg.Float32Type:
		if _, ok := to.(iceberg.Float64Type); ok {
			return nil
		}
	case iceberg.DecimalType:
		if t, ok := to.(iceberg.DecimalType); ok {
			if t.Scale() != f.Scale() {
				return fmt.Errorf("changing the scale of a decimal from %d to %d is not allowed: stored values "+
					"would be read with the wrong magnitude; only the precision may grow (decimal(P,%d) with P >= %d)",
					f.Scale(), t.Scale(), f.Scale(), f.Precision())
			}
			if t.Precision() < f.Precision() {
				return fmt.Errorf("narrowing decimal(%d,%d) to decimal(%d,%d) is not allowed; precision may only grow",
					f.Precision(), f.Scale(), t.Precision(), t.Scale())
			}

			return nil
		}
	}

	return fmt.Errorf("changing type %s to %s is not an Iceberg type promotion; allowed targets from %s: %s",
		TypeName(from), TypeName(to), TypeName(from), allowedTargets(from))
}

func allowedTargets(from iceberg.PrimitiveType) string {
	switch f := from.(type) {
	case iceberg.Int32Type:
		return "long"
	case iceberg.Float32Type:
		return "double"
	case iceberg.DecimalType:
		return fmt.Sprintf("decimal(P,%d) with P from %d to 38", f.Scale(), f.Precision())
	default:
		return "none (the type cannot change)"
	}
}
