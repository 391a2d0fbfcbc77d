package loader

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/extensions"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/google/uuid"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// inferRows is how many records --create looks at to choose column types.
const inferRows = 1000

// CSVSource streams a CSV or TSV input through internal/tabular.
type CSVSource struct {
	r         *tabular.CSVReader
	batchRows int
	target    *arrow.Schema
	mapping   []int
	buffered  []tabular.Record // records read ahead for type inference
	done      bool
}

// NewCSVSource reads the header; rows are read as batches are requested.
func NewCSVSource(r io.Reader, opts tabular.CSVOptions, batchRows int) (*CSVSource, error) {
	cr, err := tabular.NewCSVReader(r, opts)
	if err != nil {
		return nil, err
	}
	if batchRows <= 0 {
		batchRows = DefaultBatchRows
	}

	return &CSVSource{r: cr, batchRows: batchRows}, nil
}

// Columns returns the header.
func (s *CSVSource) Columns() []string { return s.r.Header() }

// Bind fixes the target schema and the column mapping.
func (s *CSVSource) Bind(target *arrow.Schema, mapping []int) error {
	for i, f := range target.Fields() {
		if mapping[i] < 0 {
			continue
		}
		switch f.Type.(type) {
		case *arrow.StructType, *arrow.ListType, *arrow.MapType, *arrow.LargeListType:
			return &DataError{Column: s.r.Header()[mapping[i]], Err: fmt.Errorf("the table column is %s; "+
				"CSV input cannot fill nested columns, load Parquet instead", f.Type)}
		}
	}
	s.target, s.mapping = target, mapping

	return nil
}

func (s *CSVSource) read() (tabular.Record, error) {
	if len(s.buffered) > 0 {
		rec := s.buffered[0]
		s.buffered = s.buffered[1:]

		return rec, nil
	}
	rec, err := s.r.Read()
	var se *tabular.StructureError
	if errors.As(err, &se) {
		return rec, fmt.Errorf("record %d (line %d): %w", se.Record, se.Line, err)
	}

	return rec, err
}

// Next converts up to batchRows records into one batch.
func (s *CSVSource) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.done {
		return nil, io.EOF
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, s.target)
	defer b.Release()
	n := 0
	for n < s.batchRows {
		rec, err := s.read()
		if errors.Is(err, io.EOF) {
			s.done = true

			break
		}
		if err != nil {
			return nil, err
		}
		for i, f := range s.target.Fields() {
			j := s.mapping[i]
			if j < 0 {
				b.Field(i).AppendNull()

				continue
			}
			if err := appendText(b.Field(i), f, rec.Fields[j]); err != nil {
				return nil, &DataError{Record: rec.Number, Line: rec.Line, Column: s.r.Header()[j], Err: err}
			}
		}
		n++
	}
	if n == 0 {
		return nil, io.EOF
	}

	return b.NewRecordBatch(), nil
}

// appendText parses one CSV field into the builder of its column. The empty
// field is null.
func appendText(b array.Builder, f arrow.Field, v string) error {
	if v == "" {
		if !f.Nullable {
			return errors.New("empty value in a required column")
		}
		b.AppendNull()

		return nil
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		x, err := parseBool(v)
		if err != nil {
			return err
		}
		bb.Append(x)
	case *array.Int32Builder:
		x, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil {
			return fmt.Errorf("%q is not an int (32-bit integer)", v)
		}
		bb.Append(int32(x))
	case *array.Int64Builder:
		x, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a long (64-bit integer)", v)
		}
		bb.Append(x)
	case *array.Float32Builder:
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 32)
		if err != nil {
			return fmt.Errorf("%q is not a float", v)
		}
		bb.Append(float32(x))
	case *array.Float64Builder:
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return fmt.Errorf("%q is not a double", v)
		}
		bb.Append(x)
	case *array.Decimal128Builder:
		dt, err := builderType[*arrow.Decimal128Type](bb)
		if err != nil {
			return err
		}
		x, err := parseDecimal(v, dt)
		if err != nil {
			return err
		}
		bb.Append(x)
	case *array.Date32Builder:
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
		bb.Append(arrow.Date32FromTime(t))
	case *array.Time64Builder:
		t, err := time.Parse("15:04:05.999999999", strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a time (HH:MM:SS[.ffffff])", v)
		}
		bb.Append(arrow.Time64(t.Sub(t.Truncate(24 * time.Hour)).Microseconds()))
	case *array.TimestampBuilder:
		dt, err := builderType[*arrow.TimestampType](bb)
		if err != nil {
			return err
		}
		ts, err := parseTimestamp(v, dt)
		if err != nil {
			return err
		}
		bb.Append(ts)
	case *array.StringBuilder:
		bb.Append(v)
	case *array.LargeStringBuilder:
		bb.Append(v)
	case *extensions.UUIDBuilder:
		u, err := uuid.Parse(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("%q is not a uuid", v)
		}
		bb.Append(u)
	case *array.BinaryBuilder:
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			return errors.New("binary values must be base64")
		}
		bb.Append(raw)
	case *array.FixedSizeBinaryBuilder:
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			return errors.New("fixed values must be base64")
		}
		dt, err := builderType[*arrow.FixedSizeBinaryType](bb)
		if err != nil {
			return err
		}
		if w := dt.ByteWidth; len(raw) != w {
			return fmt.Errorf("fixed[%d] needs %d bytes, got %d", w, w, len(raw))
		}
		bb.Append(raw)
	default:
		return fmt.Errorf("loading text into %s columns is not supported", f.Type)
	}

	return nil
}

// builderType is a builder's data type as T. Each builder is made from its
// field's type, so the error means a bug, never bad input.
func builderType[T arrow.DataType](b array.Builder) (T, error) {
	t, ok := b.Type().(T)
	if !ok {
		return t, fmt.Errorf("a %T has the data type %s", b, b.Type())
	}

	return t, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "t", "yes", "y", "1":
		return true, nil
	case "false", "f", "no", "n", "0":
		return false, nil
	}

	return false, fmt.Errorf("%q is not a boolean (true/false, yes/no, 1/0)", v)
}

// parseDecimal refuses values that would be rounded or overflow: loading
// must never change a number silently.
func parseDecimal(v string, t *arrow.Decimal128Type) (decimal128.Num, error) {
	s := strings.TrimSpace(v)
	digits := strings.TrimLeft(s, "+-")
	if _, frac, ok := strings.Cut(digits, "."); ok && len(frac) > int(t.Scale) {
		return decimal128.Num{}, fmt.Errorf("%q has %d decimal places; the column is decimal(%d,%d)", v, len(frac), t.Precision, t.Scale)
	}
	n, err := decimal128.FromString(s, t.Precision, t.Scale)
	if err != nil || !n.FitsInPrecision(t.Precision) {
		return decimal128.Num{}, fmt.Errorf("%q does not fit decimal(%d,%d)", v, t.Precision, t.Scale)
	}

	return n, nil
}

var (
	zonedLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999Z0700"}
	localLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"}
)

// parseTimestamp keeps zone semantics explicit (C12): a timestamptz column
// takes instants with a zone or offset (any spelling of UTC), a timestamp
// column takes wall-clock values without one; mixing them is an error.
func parseTimestamp(v string, t *arrow.TimestampType) (arrow.Timestamp, error) {
	s := strings.TrimSpace(v)
	if t.TimeZone != "" {
		for _, l := range zonedLayouts {
			if ts, err := time.Parse(l, s); err == nil {
				return arrow.TimestampFromTime(ts, t.Unit)
			}
		}
		for _, l := range localLayouts {
			if _, err := time.Parse(l, s); err == nil {
				return 0, fmt.Errorf("%q has no time zone, but the column is timestamptz (an instant); add Z or an offset", v)
			}
		}

		return 0, fmt.Errorf("%q is not an RFC 3339 timestamp with a zone", v)
	}
	for _, l := range localLayouts {
		if ts, err := time.Parse(l, s); err == nil {
			return arrow.TimestampFromTime(ts, t.Unit)
		}
	}
	for _, l := range zonedLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return 0, fmt.Errorf("%q has a time zone, but the column is timestamp (no zone); declare the column timestamptz", v)
		}
	}

	return 0, fmt.Errorf("%q is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])", v)
}

// InferSchema reads ahead up to inferRows records and picks, per column,
// the narrowest of long, double, boolean, date, timestamptz, timestamp and
// string that holds every value seen. All columns are optional.
func (s *CSVSource) InferSchema() (*iceberg.Schema, error) {
	for len(s.buffered) < inferRows {
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		s.buffered = append(s.buffered, rec)
	}
	fields := make([]iceberg.NestedField, len(s.r.Header()))
	for i, name := range s.r.Header() {
		t := iceberg.Type(iceberg.PrimitiveTypes.String)
		for _, cand := range candidates {
			if s.allMatch(i, cand.ok) {
				t = cand.t

				break
			}
		}
		fields[i] = iceberg.NestedField{ID: i + 1, Name: name, Type: t}
	}

	return iceberg.NewSchema(0, fields...), nil
}

// leadingZero reports a number written with a leading zero ("02451",
// "-007", "00.5"): a ZIP code, an id or a code, whose zeros are part of the
// value, so the column is inferred as text and they survive.
func leadingZero(v string) bool {
	v = strings.TrimLeft(strings.TrimSpace(v), "+-")

	return len(v) > 1 && v[0] == '0' && v[1] >= '0' && v[1] <= '9'
}

var candidates = []struct {
	t  iceberg.Type
	ok func(string) bool
}{
	{iceberg.PrimitiveTypes.Int64, func(v string) bool {
		_, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return err == nil && !leadingZero(v) //nolint:nlreturn // one-liner
	}},
	{iceberg.PrimitiveTypes.Float64, func(v string) bool {
		_, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil && !leadingZero(v) //nolint:nlreturn // one-liner
	}},
	{iceberg.PrimitiveTypes.Bool, func(v string) bool {
		_, err := strconv.ParseBool(strings.TrimSpace(v))
		return err == nil //nolint:nlreturn // one-liner
	}},
	{iceberg.PrimitiveTypes.Date, func(v string) bool { _, err := time.Parse(time.DateOnly, strings.TrimSpace(v)); return err == nil }},
	{iceberg.PrimitiveTypes.TimestampTz, func(v string) bool {
		_, err := parseTimestamp(v, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"})
		return err == nil //nolint:nlreturn // one-liner
	}},
	{iceberg.PrimitiveTypes.Timestamp, func(v string) bool {
		_, err := parseTimestamp(v, &arrow.TimestampType{Unit: arrow.Microsecond})
		return err == nil //nolint:nlreturn // one-liner
	}},
	{iceberg.PrimitiveTypes.String, func(string) bool { return true }},
}

func (s *CSVSource) allMatch(col int, ok func(string) bool) bool {
	seen := false
	for _, r := range s.buffered {
		if col >= len(r.Fields) || r.Fields[col] == "" {
			continue
		}
		seen = true
		if !ok(r.Fields[col]) {
			return false
		}
	}

	return seen
}
