package tabular

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// DefaultBatchRows is the number of rows per record batch: large enough to
// amortise per-batch work, small enough to keep memory flat.
const DefaultBatchRows = 64 * 1024

// RecordStream yields one table's rows as Arrow record batches.
type RecordStream interface {
	Schema() *arrow.Schema
	// Next returns the next batch (the caller releases it) or io.EOF.
	Next(ctx context.Context) (arrow.RecordBatch, error)
	// Lines returns the physical line where each row of the last batch
	// starts, or nil when the format has no lines (Parquet).
	Lines() []int
	// Text reports whether the columns are schemaless text (CSV/TSV).
	Text() bool
	Close() error
}

// CSVStreamOptions configure CSVStream.
type CSVStreamOptions struct {
	CSVOptions
	// NullValues are the field texts read as null; nil means {""}: an
	// empty field is null, whitespace is a value.
	NullValues []string
	// BatchRows is the batch size (DefaultBatchRows when 0).
	BatchRows int
	// OnStructure is called for every ragged record; the record is left
	// out of the batches. When nil, a ragged record is an error.
	OnStructure func(*StructureError)
	// Types gives columns a logical type (see ParseColumnType); the rest
	// stay text. A value that does not parse is stored as null and reported
	// through OnValue (an error when OnValue is nil).
	Types   map[string]arrow.DataType
	OnValue func(*ValueError)
}

// ValueError is a field that does not parse as its column's declared type.
type ValueError struct {
	Record, Line int
	Column       string
	Value        string
	Type         arrow.DataType
}

// OptionError is an option that does not fit the input (a type given for
// a column the header lacks): the caller's mistake, not the data's.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

func (e *ValueError) Error() string {
	return fmt.Sprintf("record %d (line %d): column %q: %q is not a valid %s", e.Record, e.Line, e.Column, e.Value, ColumnTypeName(e.Type))
}

// ParseColumnType reads a type name for a CSV column: int (32-bit), long,
// float, double, boolean, string, date, timestamp (naive) or timestamptz.
func ParseColumnType(name string) (arrow.DataType, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "int", "int32", "integer":
		return arrow.PrimitiveTypes.Int32, nil
	case "long", "int64", "bigint":
		return arrow.PrimitiveTypes.Int64, nil
	case "float", "float32":
		return arrow.PrimitiveTypes.Float32, nil
	case "double", "float64":
		return arrow.PrimitiveTypes.Float64, nil
	case "boolean", "bool":
		return arrow.FixedWidthTypes.Boolean, nil
	case "string", "text", "utf8":
		return arrow.BinaryTypes.String, nil
	case "date":
		return arrow.FixedWidthTypes.Date32, nil
	case "timestamp":
		return &arrow.TimestampType{Unit: arrow.Microsecond}, nil
	case "timestamptz":
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, nil
	}

	return nil, fmt.Errorf("unknown column type %q; use int, long, float, double, boolean, string, date, timestamp or timestamptz", name)
}

// ColumnTypeName is the --column-type name of an Arrow type ParseColumnType
// gives (int, not int32), for messages in the names people typed.
func ColumnTypeName(t arrow.DataType) string {
	switch t.ID() {
	case arrow.INT32:
		return "int"
	case arrow.INT64:
		return "long"
	case arrow.FLOAT32:
		return "float"
	case arrow.FLOAT64:
		return "double"
	case arrow.BOOL:
		return "boolean"
	case arrow.STRING:
		return "string"
	case arrow.DATE32:
		return "date"
	case arrow.TIMESTAMP:
		if ts, ok := t.(*arrow.TimestampType); ok && ts.TimeZone != "" {
			return "timestamptz"
		}
		return "timestamp"
	}

	return t.String()
}

// CSVStream reads CSV/TSV text into Arrow string columns (Utf8): without a
// schema a text column's type is string, and typed expectations parse
// values themselves.
type CSVStream struct {
	r      *CSVReader
	schema *arrow.Schema
	opts   CSVStreamOptions
	null   map[string]bool
	lines  []int
	mem    memory.Allocator
	closer io.Closer
}

// NewCSVStream reads the header and returns a stream over the records.
func NewCSVStream(r io.Reader, opts CSVStreamOptions) (*CSVStream, error) {
	cr, err := NewCSVReader(r, opts.CSVOptions)
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(cr.Header()))
	seen := map[string]bool{}
	for i, h := range cr.Header() {
		if seen[h] {
			return nil, fmt.Errorf("header names column %q twice", h)
		}
		seen[h] = true
		t := arrow.DataType(arrow.BinaryTypes.String)
		if dt, ok := opts.Types[h]; ok {
			t = dt
		}
		fields[i] = arrow.Field{Name: h, Type: t, Nullable: true}
	}
	for name := range opts.Types {
		if !seen[name] {
			return nil, &OptionError{fmt.Sprintf("a type is given for column %q, which the header does not have", name)}
		}
	}
	s := &CSVStream{r: cr, schema: arrow.NewSchema(fields, nil), opts: opts, null: map[string]bool{}, mem: memory.DefaultAllocator}
	if opts.NullValues == nil {
		s.null[""] = true
	}
	for _, v := range opts.NullValues {
		s.null[v] = true
	}
	if s.opts.BatchRows <= 0 {
		s.opts.BatchRows = DefaultBatchRows
	}
	if c, ok := r.(io.Closer); ok {
		s.closer = c
	}

	return s, nil
}

func (s *CSVStream) Schema() *arrow.Schema { return s.schema }
func (s *CSVStream) Lines() []int          { return s.lines }

// Text reports true: columns without a declared type are text (typed
// columns carry their own Arrow type, which the engine sees).
func (s *CSVStream) Text() bool { return true }

func (s *CSVStream) Close() error {
	if s.closer != nil {
		return s.closer.Close()
	}

	return nil
}

func (s *CSVStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := len(s.schema.Fields())
	bld := make([]array.Builder, n)
	for i, f := range s.schema.Fields() {
		bld[i] = array.NewBuilder(s.mem, f.Type)
		defer bld[i].Release()
	}
	s.lines = s.lines[:0]
	rows := 0
	for rows < s.opts.BatchRows {
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var se *StructureError
		if errors.As(err, &se) {
			if s.opts.OnStructure == nil {
				return nil, err
			}
			s.opts.OnStructure(se)
			continue
		}
		if err != nil {
			return nil, err
		}
		for i, f := range rec.Fields {
			if s.null[f] {
				bld[i].AppendNull()
				continue
			}
			if err := appendText(bld[i], f); err != nil {
				ve := &ValueError{Record: rec.Number, Line: rec.Line, Column: s.schema.Field(i).Name, Value: f, Type: s.schema.Field(i).Type}
				if s.opts.OnValue == nil {
					return nil, ve
				}
				s.opts.OnValue(ve)
				bld[i].AppendNull()
			}
		}
		s.lines = append(s.lines, rec.Line)
		rows++
	}
	if rows == 0 {
		return nil, io.EOF
	}
	cols := make([]arrow.Array, n)
	for i, b := range bld {
		cols[i] = b.NewArray()
		defer cols[i].Release()
	}

	return array.NewRecordBatch(s.schema, cols, int64(rows)), nil
}

// ParquetStream reads a Parquet file through pqarrow, one batch at a time,
// each column decoded on its own goroutine.
//
// The columns are read here rather than by pqarrow's parallel record reader
// because a corrupt page can make arrow-go panic, and a panic on a goroutine
// the library starts cannot be recovered: it would end the whole process.
type ParquetStream struct {
	pf     *file.Reader
	schema *arrow.Schema
	cols   []*pqarrow.ColumnReader
	batch  int64
}

// corruptParquet is the error for a panic inside arrow-go, which some
// corrupt files trigger (an invalid logical type in the footer, found by
// FuzzParquetStream): a bad input must be an error, never a crash.
func corruptParquet(r any) error {
	return fmt.Errorf("reading Parquet: the file is corrupt (%v)", r)
}

// OpenParquet reads a Parquet file's footer, returning an error, never a
// panic, for a corrupt one. Every Parquet reader in the project opens files
// through it.
func OpenParquet(r parquet.ReaderAtSeeker) (pf *file.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			pf, err = nil, corruptParquet(p)
		}
	}()

	return file.NewParquetReader(r)
}

// endsWithMagic reports whether r ends with "PAR1", as every Parquet file
// does; a file that does not is some other format (a CSV named .parquet).
func endsWithMagic(r parquet.ReaderAtSeeker) bool {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil || size < 4 {
		return false
	}
	var tail [4]byte
	if _, err := r.ReadAt(tail[:], size-4); err != nil {
		return false
	}

	return string(tail[:]) == "PAR1"
}

// NewParquetStream opens a Parquet file for streaming.
func NewParquetStream(ctx context.Context, r parquet.ReaderAtSeeker, batchRows int) (s *ParquetStream, err error) {
	return NewParquetStreamWith(ctx, r, ParquetOptions{BatchRows: batchRows})
}

// ParquetOptions tune NewParquetStreamWith.
type ParquetOptions struct {
	// BatchRows is the batch size (DefaultBatchRows when 0).
	BatchRows int
	// DictStrings reads the string columns whose every data page is
	// dictionary-encoded as Arrow dictionary arrays (int32 codes), which
	// spares copying each value and lets a reader judge each distinct
	// value once. Other columns are read as usual: building a dictionary
	// from plain pages costs more than it saves.
	DictStrings bool
}

// NewParquetStreamWith opens a Parquet file for streaming with options.
func NewParquetStreamWith(ctx context.Context, r parquet.ReaderAtSeeker, opts ParquetOptions) (s *ParquetStream, err error) {
	batchRows := opts.BatchRows
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, corruptParquet(p)
		}
	}()
	pf, err := OpenParquet(r)
	if err != nil {
		if !endsWithMagic(r) {
			return nil, fmt.Errorf("not a Parquet file: it does not end with Parquet's magic bytes PAR1 (%w)", err)
		}
		return nil, fmt.Errorf("reading Parquet footer: %w", err)
	}
	if batchRows <= 0 {
		batchRows = DefaultBatchRows
	}
	props := pqarrow.ArrowReadProperties{BatchSize: int64(batchRows)}
	if opts.DictStrings {
		for _, c := range dictStringColumns(pf) {
			props.SetReadDict(c, true)
		}
	}
	fr, err := pqarrow.NewFileReader(pf, props, memory.DefaultAllocator)
	if err != nil {
		_ = pf.Close() // read-only; err is the one to report
		return nil, fmt.Errorf("reading Parquet schema: %w", err)
	}
	cols, sc, err := fr.GetFieldReaders(ctx, seq(pf.MetaData().Schema.NumColumns()), seq(pf.NumRowGroups()))
	if err == nil && len(cols) == 0 {
		err = errors.New("the file has no columns")
	}
	if err != nil {
		_ = pf.Close() // read-only; err is the one to report
		return nil, fmt.Errorf("reading Parquet: %w", err)
	}
	// Closing pf closes r when r is an io.Closer.
	return &ParquetStream{pf: pf, schema: sc, cols: cols, batch: int64(batchRows)}, nil
}

// dictStringColumns lists the top-level string columns whose data pages,
// in every row group, are all dictionary-encoded (by the footer's page
// encoding statistics; a file without them gets none).
func dictStringColumns(pf *file.Reader) []int {
	var out []int
	sc := pf.MetaData().Schema
	for i := 0; i < sc.NumColumns(); i++ {
		col := sc.Column(i)
		isString := col.LogicalType().Equals(schema.StringLogicalType{}) || col.ConvertedType() == schema.ConvertedTypes.UTF8
		if col.PhysicalType() != parquet.Types.ByteArray || !isString || len(col.ColumnPath()) != 1 || col.MaxRepetitionLevel() != 0 {
			continue
		}
		if allDictPages(pf, i) {
			out = append(out, i)
		}
	}

	return out
}

func allDictPages(pf *file.Reader, col int) bool {
	if pf.NumRowGroups() == 0 {
		return false
	}
	for g := 0; g < pf.NumRowGroups(); g++ {
		cc, err := pf.MetaData().RowGroup(g).ColumnChunk(col)
		if err != nil || !cc.HasDictionaryPage() {
			return false
		}
		stats := cc.EncodingStats()
		if len(stats) == 0 {
			return false
		}
		for _, st := range stats {
			switch st.PageType.String() {
			case "DATA_PAGE", "DATA_PAGE_V2":
				if st.Encoding != parquet.Encodings.RLEDict && st.Encoding != parquet.Encodings.PlainDict {
					return false
				}
			}
		}
	}

	return true
}

func (s *ParquetStream) Schema() *arrow.Schema { return s.schema }
func (s *ParquetStream) Lines() []int          { return nil }
func (s *ParquetStream) Text() bool            { return false }

// NumRows is the file's row count from its footer.
func (s *ParquetStream) NumRows() int64 { return s.pf.NumRows() }

func (s *ParquetStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	arrs := make([]arrow.Array, len(s.cols))
	errs := make([]error, len(s.cols))
	var wg sync.WaitGroup
	for i := range s.cols {
		wg.Add(1)
		go func() {
			defer wg.Done()
			arrs[i], errs[i] = s.nextColumn(i)
		}()
	}
	wg.Wait()
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rows := arrs[0].Len()
	for i, a := range arrs {
		if a.Len() != rows {
			return nil, fmt.Errorf("reading Parquet: the file is corrupt (column %q has %d rows in a batch where %q has %d)",
				s.schema.Field(i).Name, a.Len(), s.schema.Field(0).Name, rows)
		}
	}
	if rows == 0 {
		return nil, io.EOF
	}

	return array.NewRecordBatch(s.schema, arrs, int64(rows)), nil
}

// seq is 0, 1, …, n-1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}

	return out
}

// nextColumn reads column i's next batch as one array (empty at the end).
func (s *ParquetStream) nextColumn(i int) (arr arrow.Array, err error) {
	defer func() {
		if p := recover(); p != nil {
			arr, err = nil, corruptParquet(p)
		}
	}()
	ch, err := s.cols[i].NextBatch(s.batch)
	if err != nil {
		return nil, fmt.Errorf("reading Parquet column %q: %w", s.schema.Field(i).Name, err)
	}
	defer ch.Release()
	switch len(ch.Chunks()) {
	case 0:
		return array.MakeArrayOfNull(memory.DefaultAllocator, s.schema.Field(i).Type, 0), nil
	case 1:
		a := ch.Chunk(0)
		a.Retain()
		return a, nil
	default:
		a, err := array.Concatenate(ch.Chunks(), memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("reading Parquet column %q: %w", s.schema.Field(i).Name, err)
		}
		return a, nil
	}
}

func (s *ParquetStream) Close() error {
	for _, c := range s.cols {
		c.Release()
	}

	return s.pf.Close()
}

// parseFloat reads a float field. Go reads "NaN" and "nan" as NaN; the
// negative spellings pandas' read_csv also takes for NaN are added.
func parseFloat(f string, bits int) (float64, error) {
	f = strings.TrimSpace(f)
	x, err := strconv.ParseFloat(f, bits)
	if err != nil && len(f) == 4 && f[0] == '-' && strings.EqualFold(f[1:], "nan") {
		return math.NaN(), nil
	}

	return x, err
}

// appendText parses one field into a builder of the column's type.
func appendText(b array.Builder, f string) error {
	switch bb := b.(type) {
	case *array.StringBuilder:
		bb.Append(f)
		return nil
	case *array.Int32Builder:
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 32)
		if err != nil {
			return err
		}
		bb.Append(int32(n))
	case *array.Int64Builder:
		n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return err
		}
		bb.Append(n)
	case *array.Float32Builder:
		x, err := parseFloat(f, 32)
		if err != nil {
			return err
		}
		bb.Append(float32(x))
	case *array.Float64Builder:
		x, err := parseFloat(f, 64)
		if err != nil {
			return err
		}
		bb.Append(x)
	case *array.BooleanBuilder:
		x, err := strconv.ParseBool(strings.TrimSpace(f))
		if err != nil {
			return err
		}
		bb.Append(x)
	case *array.Date32Builder:
		t, err := time.Parse("2006-01-02", strings.TrimSpace(f))
		if err != nil {
			return err
		}
		bb.Append(arrow.Date32FromTime(t))
	case *array.TimestampBuilder:
		ts, ok := bb.Type().(*arrow.TimestampType)
		if !ok {
			return fmt.Errorf("unsupported column type %s", b.Type())
		}
		t, err := parseTimestamp(strings.TrimSpace(f), ts.TimeZone != "")
		if err != nil {
			return err
		}
		bb.Append(arrow.Timestamp(t.UnixMicro()))
	default:
		return fmt.Errorf("unsupported column type %s", b.Type())
	}

	return nil
}

// parseTimestamp reads ISO 8601; a timestamptz value must carry its offset
// and a naive timestamp must not, so the two types stay distinct.
func parseTimestamp(s string, tz bool) (time.Time, error) {
	if tz {
		for _, l := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00"} {
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, errors.New("not an ISO 8601 timestamp with a UTC offset")
	}
	for _, l := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}

	return time.Time{}, errors.New("not an ISO 8601 timestamp without offset")
}

// StreamIterator walks a RecordStream in the Next/RecordBatch/Err style of
// arrow-go's record readers, for code written against that style.
type StreamIterator struct {
	ctx context.Context
	s   RecordStream
	cur arrow.RecordBatch
	err error
}

// NewStreamIterator iterates s; Release frees the last batch, not s.
func NewStreamIterator(ctx context.Context, s RecordStream) *StreamIterator {
	return &StreamIterator{ctx: ctx, s: s}
}

func (it *StreamIterator) Schema() *arrow.Schema { return it.s.Schema() }

// Next moves to the next batch; false at the end or on an error (see Err).
func (it *StreamIterator) Next() bool {
	it.Release()
	rec, err := it.s.Next(it.ctx)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			it.err = err
		}
		return false
	}
	it.cur = rec

	return true
}

// RecordBatch is the current batch, valid until the next call to Next.
func (it *StreamIterator) RecordBatch() arrow.RecordBatch { return it.cur }

func (it *StreamIterator) Err() error { return it.err }

func (it *StreamIterator) Release() {
	if it.cur != nil {
		it.cur.Release()
		it.cur = nil
	}
}
