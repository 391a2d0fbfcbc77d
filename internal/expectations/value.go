package expectations

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/textclip"
)

// Column is one column of a batch. Values come back as Go values of a small
// closed set: nil, bool, int64, float64, string, time.Time, Decimal. Every
// expectation reads data through this interface so Arrow arrays (CSV,
// Parquet, Iceberg) and the conformance tests' loosely typed columns behave
// alike.
type Column interface {
	Len() int
	IsNull(i int) bool
	Value(i int) any
	// Type is the column's logical type (see LogicalType).
	Type() LogicalType
}

// Decimal is an exact decimal value read from a DECIMAL column.
type Decimal struct {
	Text string
	F    float64
}

// LogicalType names a column type independently of the storage format.
type LogicalType struct {
	Name      string // boolean, int, long, float, double, decimal, string, binary, date, timestamp, timestamptz, null, mixed
	Precision int
	Scale     int
	// Text marks a column read from a text format without a schema; type
	// expectations then judge each value by parsing it.
	Text bool
}

func (t LogicalType) String() string {
	if t.Name == "decimal" {
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	}

	return t.Name
}

// arrowColumn adapts an Arrow array.
type arrowColumn struct {
	arr  arrow.Array
	typ  LogicalType
	text bool
	// A dictionary-encoded array (arr) reads its values from dictCol. The
	// common Parquet shape, int32 codes into strings without nulls, also
	// sets dict and codes, which the fast paths read directly.
	dictArr *array.Dictionary
	dictCol *arrowColumn
	dict    *array.String
	codes   []int32
	// missing, set on a float column holding NaN, is its validity bitmap
	// (from bit 0) with NaN cleared too: GX on pandas counts NaN as
	// missing, and Parquet and Arrow keep it apart from null. missingN
	// counts the cleared bits.
	missing  []byte
	missingN int
}

// NewArrowColumn wraps an Arrow array. text marks string columns that came
// from a schemaless text file (CSV/TSV).
func NewArrowColumn(arr arrow.Array, text bool) Column { return newArrowColumn(arr, text) }

func newArrowColumn(arr arrow.Array, text bool) *arrowColumn {
	t := logicalTypeOf(arr.DataType())
	t.Text = text && t.Name == "string"
	c := &arrowColumn{arr: arr, typ: t, text: text}
	switch a := arr.(type) {
	case *array.Float64:
		c.missing, c.missingN = nanMissing(a, a.Float64Values())
	case *array.Float32:
		c.missing, c.missingN = nanMissing(a, a.Float32Values())
	}
	if d, ok := arr.(*array.Dictionary); ok {
		c.dictArr, c.dictCol = d, newArrowColumn(d.Dictionary(), text)
		codes, isInt32 := d.Indices().(*array.Int32)
		values, isString := d.Dictionary().(*array.String)
		if isInt32 && isString && values.NullN() == 0 {
			c.dict, c.codes = values, codes.Int32Values()
		}
	}

	return c
}

// nanMissing returns the validity bitmap of a float array with NaN marked
// missing, and the missing count, or nil when the array holds no NaN.
func nanMissing[F float32 | float64](arr arrow.Array, vals []F) ([]byte, int) {
	first := -1
	for i, v := range vals {
		if v != v && arr.IsValid(i) {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, 0
	}
	n := len(vals)
	bm := make([]byte, bitutil.BytesForBits(int64(n)))
	if arr.NullN() == 0 {
		for i := range bm {
			bm[i] = 0xff
		}
	} else {
		bitutil.CopyBitmap(arr.NullBitmapBytes(), arr.Data().Offset(), n, bm, 0)
	}
	missing := arr.NullN()
	for i := first; i < n; i++ {
		if v := vals[i]; v != v && bitutil.BitIsSet(bm, i) {
			bitutil.ClearBit(bm, i)
			missing++
		}
	}

	return bm, missing
}

// nullN counts the missing values: nulls, and NaN in a float column.
func (c *arrowColumn) nullN() int {
	if c.missing != nil {
		return c.missingN
	}

	return c.arr.NullN()
}

// isNull reports a null (or NaN) in the array itself, before any dictionary.
func (c *arrowColumn) isNull(i int) bool {
	if c.missing != nil {
		return !bitutil.BitIsSet(c.missing, i)
	}

	return c.arr.IsNull(i)
}

// index is the dictionary entry of row i of a dictionary-encoded column.
func (c *arrowColumn) index(i int) int {
	if c.codes != nil {
		return int(c.codes[i])
	}

	return c.dictArr.GetValueIndex(i)
}

// bitmapNulls reports whether the validity bitmap alone tells the nulls:
// not so for a dictionary whose entries include nulls.
func (c *arrowColumn) bitmapNulls() bool {
	return c.dictCol == nil || c.dictCol.nullN() == 0
}

func logicalTypeOf(dt arrow.DataType) LogicalType {
	switch dt.ID() {
	case arrow.BOOL:
		return LogicalType{Name: "boolean"}
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.UINT8, arrow.UINT16:
		return LogicalType{Name: "int"}
	case arrow.INT64, arrow.UINT32, arrow.UINT64:
		return LogicalType{Name: "long"}
	case arrow.FLOAT16, arrow.FLOAT32:
		return LogicalType{Name: "float"}
	case arrow.FLOAT64:
		return LogicalType{Name: "double"}
	case arrow.DECIMAL128, arrow.DECIMAL256:
		if d, ok := dt.(arrow.DecimalType); ok {
			return LogicalType{Name: "decimal", Precision: int(d.GetPrecision()), Scale: int(d.GetScale())}
		}
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return LogicalType{Name: "string"}
	case arrow.BINARY, arrow.LARGE_BINARY, arrow.FIXED_SIZE_BINARY:
		return LogicalType{Name: "binary"}
	case arrow.DATE32, arrow.DATE64:
		return LogicalType{Name: "date"}
	case arrow.TIMESTAMP:
		if ts, ok := dt.(*arrow.TimestampType); ok && ts.TimeZone != "" {
			return LogicalType{Name: "timestamptz"}
		}
		return LogicalType{Name: "timestamp"}
	case arrow.NULL:
		return LogicalType{Name: "null"}
	case arrow.DICTIONARY:
		// An encoding, not a type: the values' type is the column's.
		if d, ok := dt.(*arrow.DictionaryType); ok {
			return logicalTypeOf(d.ValueType)
		}
	}

	return LogicalType{Name: strings.ToLower(dt.Name())}
}

func (c *arrowColumn) Len() int { return c.arr.Len() }
func (c *arrowColumn) IsNull(i int) bool {
	if c.isNull(i) {
		return true
	}

	return c.dictCol != nil && c.dictCol.IsNull(c.index(i))
}
func (c *arrowColumn) Type() LogicalType { return c.typ }

func (c *arrowColumn) Value(i int) any {
	if c.isNull(i) {
		return nil
	}
	if c.dictCol != nil {
		return c.dictCol.Value(c.index(i))
	}
	switch a := c.arr.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return int64(a.Value(i))
	case *array.Uint16:
		return int64(a.Value(i))
	case *array.Uint32:
		return int64(a.Value(i))
	case *array.Uint64:
		return int64(a.Value(i))
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.StringView:
		return a.Value(i)
	case *array.Binary:
		return string(a.Value(i))
	case *array.Date32:
		return a.Value(i).ToTime().UTC()
	case *array.Date64:
		return a.Value(i).ToTime().UTC()
	case *array.Timestamp:
		if ts, ok := a.DataType().(*arrow.TimestampType); ok {
			return a.Value(i).ToTime(ts.Unit).UTC()
		}
	case *array.Decimal128:
		if dt, ok := a.DataType().(*arrow.Decimal128Type); ok {
			v := a.Value(i)
			return Decimal{Text: v.ToString(dt.Scale), F: v.ToFloat64(dt.Scale)}
		}
	}

	return a2s(c.arr, i)
}

func a2s(arr arrow.Array, i int) string { return arr.ValueStr(i) }

// AnyColumn is a column of loosely typed values (the shape of a pandas object
// column); the conformance tests and small in-memory tables use it.
type AnyColumn struct {
	Values []any
	Typ    LogicalType
}

func (c *AnyColumn) Len() int          { return len(c.Values) }
func (c *AnyColumn) IsNull(i int) bool { return isNullValue(c.Values[i]) }
func (c *AnyColumn) Value(i int) any {
	if isNullValue(c.Values[i]) {
		return nil
	}
	return c.Values[i]
}
func (c *AnyColumn) Type() LogicalType { return c.Typ }

func isNullValue(v any) bool {
	if v == nil {
		return true
	}
	if f, ok := v.(float64); ok && math.IsNaN(f) {
		return true
	}

	return false
}

// InferColumn builds a column from JSON-like values the way pandas infers a
// dtype: all integers -> long, numbers -> double, all booleans -> boolean,
// all strings -> string, otherwise mixed.
func InferColumn(vals []any) *AnyColumn {
	out := make([]any, len(vals))
	kind := ""
	for i, v := range vals {
		v = normalize(v)
		out[i] = v
		if v == nil {
			continue
		}
		k := ""
		switch v.(type) {
		case bool:
			k = "boolean"
		case int64:
			k = "long"
		case float64:
			k = "double"
		case string:
			k = "string"
		case time.Time:
			k = "timestamp"
		default:
			k = "mixed"
		}
		switch {
		case kind == "":
			kind = k
		case kind == k:
		case (kind == "long" && k == "double") || (kind == "double" && k == "long"):
			kind = "double"
		default:
			kind = "mixed"
		}
	}
	if kind == "" {
		kind = "null"
	}
	if kind == "double" {
		for i, v := range out {
			if n, ok := v.(int64); ok {
				out[i] = float64(n)
			}
		}
	}

	return &AnyColumn{Values: out, Typ: LogicalType{Name: kind}}
}

// normalize turns decoded JSON values into the engine's value set.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil && !strings.ContainsAny(string(x), ".eE") {
			return n
		}
		f, _ := x.Float64()
		return f
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalize(x[i])
		}
		return out
	case map[string]any:
		return normalizeMap(x)
	}

	return v
}

// normalizeMap is normalize for a JSON object.
func normalizeMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = normalize(e)
	}

	return out
}

// toFloat converts numeric values; ok is false for anything else.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case Decimal:
		return x.F, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}

	return 0, false
}

// toFloatLoose also parses numeric text, for columns read from CSV.
func toFloatLoose(v any) (float64, bool) {
	if s, ok := v.(string); ok {
		return textNumber(s)
	}
	if _, ok := v.(bool); ok {
		return 0, false
	}

	return toFloat(v)
}

// textNumber reads untyped text (CSV) as a number. Text "NaN" is not one:
// untyped, it stays text (typed as a float column it is missing), so that
// every check treats it alike.
func textNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)

	return f, err == nil && !math.IsNaN(f)
}

// pyStr renders a value the way Python's str() does, which is what pandas
// matches regexes and measures lengths against.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pyFloat(x)
	case Decimal:
		return x.Text
	case time.Time:
		if x.Nanosecond() == 0 {
			return x.Format("2006-01-02 15:04:05")
		}
		return x.Format("2006-01-02 15:04:05.999999")
	}
	b, _ := json.Marshal(v)

	return string(b)
}

func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e16 {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}

	return strconv.FormatFloat(f, 'g', -1, 64)
}

// key returns a hashable identity with Python equality: 1 == 1.0.
func key(v any) any {
	switch x := v.(type) {
	case int64:
		if exactFloat(x) {
			return float64(x)
		}
		// No float64 equals it, so the integer itself is the key.
		return x
	case Decimal:
		return x.F
	case time.Time:
		return x.UnixNano()
	case []any, map[string]any:
		b, _ := json.Marshal(x)
		return "json:" + string(b)
	}

	return v
}

// exactFloat reports whether an integer is exactly a float64, so 1 and 1.0
// can share a key. Integers beyond 2^53 mostly are not: as floats,
// 2^53 and 2^53+1 are one value, and large identifiers would collide.
func exactFloat(x int64) bool {
	f := float64(x)

	return f >= -(1<<63) && f < 1<<63 && int64(f) == x
}

// compare orders two non-null values; ok is false when they are not
// comparable (Python would raise TypeError).
func compare(a, b any) (int, bool) {
	if fa, ok := toFloat(a); ok {
		if _, isBool := a.(bool); !isBool {
			if fb, ok := toFloat(b); ok {
				if _, isBool := b.(bool); !isBool {
					return cmpFloat(fa, fb), true
				}
			}
		}
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
		if y, ok := b.(time.Time); ok {
			if t, ok := parseTime(x); ok {
				return t.Compare(y), true
			}
		}
	case time.Time:
		switch y := b.(type) {
		case time.Time:
			return x.Compare(y), true
		case string:
			if t, ok := parseTime(y); ok {
				return x.Compare(t), true
			}
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmpFloat(b2f(x), b2f(y)), true
		}
	}

	return 0, false
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"01/02/2006",
	"01/02/2006 15:04:05",
	"Jan 2 2006",
	"January 2 2006",
	"2 Jan 2006",
	"20060102",
	"2006-01",
	"2006",
	// Unpadded and spelled-out forms that dateutil reads too.
	"2006-1-2",
	"2006/1/2",
	"2006-1-2 15:04:05",
	"2006-1-2 15:04",
	"1/2/2006",
	"1/2/2006 15:04",
	"1-2-2006",
	"2-Jan-2006",
	"2 January 2006",
	"Jan 2, 2006",
	"January 2, 2006",
	"Jan 2006",
	"January 2006",
	time.RFC1123,
	time.RFC1123Z,
	time.ANSIC,
}

// clockLayouts are times of day alone, which dateutil reads as that time
// today: parseable, but no date to compare with.
var clockLayouts = []string{"15:04:05", "15:04", "3:04 PM", "3:04PM", "3 PM", "3PM"}

// dateutilParseable reports whether python-dateutil's parser would read s,
// for the forms people write: a date, a date and time, or a time of day.
func dateutilParseable(s string) bool {
	if _, ok := parseTime(s); ok {
		return true
	}
	s = strings.TrimSpace(s)
	for _, l := range clockLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}

	return false
}

// parseTime is a tolerant date parser in the spirit of dateutil.parser.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Location() != time.UTC {
				t = t.UTC()
			}
			return t, true
		}
	}

	return time.Time{}, false
}

// shown is a value as an error message names it: as the result JSON shows
// it, quoted when text, and with its kind when that is not plain.
func shown(v any) string {
	switch x := jsonValue(v).(type) {
	case string:
		if _, isTime := v.(time.Time); isTime {
			return x + " (a date)"
		}
		// Messages name a value; a field of megabytes is shown in part.
		return strconv.Quote(textclip.Clip(x, 200))
	case nil:
		return "null"
	default:
		return fmt.Sprint(x)
	}
}

// recordAt names row i of a batch for a message as people count: its CSV
// line when known, else its record number from 1 (GX's row indexes, from
// 0, are in the results).
func recordAt(b *Batch, i int) string {
	if b.Lines != nil {
		return fmt.Sprintf("line %d", b.Lines[i])
	}

	return fmt.Sprintf("record %d", b.Row(i)+1)
}

// jsonValue converts an engine value to what the result JSON shows.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.Format("2006-01-02T15:04:05.999999999")
	case Decimal:
		return json.Number(x.Text)
	case float64:
		// JSON has no numbers for these; Python's json, which GX results
		// go through, writes Infinity, -Infinity and NaN.
		switch {
		case math.IsNaN(x):
			return nil
		case math.IsInf(x, 1):
			return "Infinity"
		case math.IsInf(x, -1):
			return "-Infinity"
		}
	}

	return v
}
