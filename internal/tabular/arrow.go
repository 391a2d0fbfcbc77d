package tabular

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
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
		fields[i] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true}
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
func (s *CSVStream) Text() bool            { return true }

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
	bld := make([]*array.StringBuilder, n)
	for i := range bld {
		bld[i] = array.NewStringBuilder(s.mem)
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
			} else {
				bld[i].Append(f)
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

// ParquetStream reads a Parquet file through pqarrow, column chunks in
// parallel, one batch at a time.
type ParquetStream struct {
	pf *file.Reader
	rr pqarrow.RecordReader
}

// NewParquetStream opens a Parquet file for streaming.
func NewParquetStream(ctx context.Context, r parquet.ReaderAtSeeker, batchRows int) (*ParquetStream, error) {
	pf, err := file.NewParquetReader(r)
	if err != nil {
		return nil, fmt.Errorf("reading Parquet footer: %w", err)
	}
	if batchRows <= 0 {
		batchRows = DefaultBatchRows
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: int64(batchRows), Parallel: true}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("reading Parquet schema: %w", err)
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("reading Parquet: %w", err)
	}
	// Closing pf closes r when r is an io.Closer.
	return &ParquetStream{pf: pf, rr: rr}, nil
}

func (s *ParquetStream) Schema() *arrow.Schema { return s.rr.Schema() }
func (s *ParquetStream) Lines() []int          { return nil }
func (s *ParquetStream) Text() bool            { return false }

func (s *ParquetStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !s.rr.Next() {
		if err := s.rr.Err(); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("reading Parquet: %w", err)
		}
		return nil, io.EOF
	}
	rec := s.rr.RecordBatch()
	rec.Retain()

	return rec, nil
}

func (s *ParquetStream) Close() error {
	s.rr.Release()

	return s.pf.Close()
}
