package deid

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// ProcessParquet streams a Parquet file through the policy, one record batch
// at a time, and writes Parquet (Snappy). Kept columns pass through with
// their type; every transformed column is written as a nullable UTF-8
// string, since years, buckets, pseudonyms and labels are text.
func ProcessParquet(ctx context.Context, p *Policy, in parquet.ReaderAtSeeker, out io.Writer, opts Options, progress func(rows int64)) (*Audit, error) {
	st, err := tabular.NewParquetStream(ctx, in, 8192)
	if err != nil {
		return nil, fmt.Errorf("opening Parquet: %w", err)
	}
	defer func() { _ = st.Close() }() // read-only
	rr := tabular.NewStreamIterator(ctx, st)
	defer rr.Release()

	return ProcessRecords(ctx, p, rr, out, opts, progress)
}

// RecordReader is a stream of Arrow record batches: a Parquet file's reader
// or an Iceberg table scan.
type RecordReader interface {
	Schema() *arrow.Schema
	Next() bool
	RecordBatch() arrow.RecordBatch
	Err() error
}

// ProcessRecords streams Arrow record batches through the policy and writes
// Parquet, as ProcessParquet does.
func ProcessRecords(ctx context.Context, p *Policy, rr RecordReader, out io.Writer, opts Options, progress func(rows int64)) (*Audit, error) {
	mem := memory.DefaultAllocator
	inSchema := rr.Schema()
	header := make([]string, inSchema.NumFields())
	for i, f := range inSchema.Fields() {
		header[i] = f.Name
	}
	e, err := NewEngine(p, header, opts)
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(e.outIndex))
	passthrough := make([]bool, len(e.outIndex))
	for o, i := range e.outIndex {
		f := inSchema.Field(i)
		if e.cols[i].Rule.Action == "keep" {
			fields[o], passthrough[o] = f, true
		} else {
			fields[o] = arrow.Field{Name: f.Name, Type: arrow.BinaryTypes.String, Nullable: true}
		}
	}
	outSchema := arrow.NewSchema(fields, nil)
	// The Parquet writer closes a sink that is an io.Closer; the caller owns
	// out (an atomic file committed after this returns), so hide Close.
	w, err := pqarrow.NewFileWriter(outSchema, struct{ io.Writer }{out},
		parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, fmt.Errorf("starting Parquet output: %w", err)
	}
	builders := make([]*array.StringBuilder, len(fields))
	for o := range fields {
		if !passthrough[o] {
			builders[o] = array.NewStringBuilder(mem)
		}
	}
	row := make([]string, len(header))
	var rows int64
	for rr.Next() {
		rec := rr.RecordBatch()
		n := int(rec.NumRows())
		for r := 0; r < n; r++ {
			for c := range header {
				col := rec.Column(c)
				if col.IsNull(r) {
					row[c] = ""
				} else {
					row[c] = col.ValueStr(r)
				}
			}
			vals, err := e.Apply(row)
			if err != nil {
				_ = w.Close() // the output is abandoned; err is the one to report

				return nil, fmt.Errorf("row %d: %w", rows+int64(r)+1, err)
			}
			for o, v := range vals {
				if passthrough[o] {
					continue
				}
				if v == "" {
					builders[o].AppendNull()
				} else {
					builders[o].Append(v)
				}
			}
		}
		cols := make([]arrow.Array, len(fields))
		for o, i := range e.outIndex {
			if passthrough[o] {
				cols[o] = rec.Column(i)
				cols[o].Retain()
			} else {
				cols[o] = builders[o].NewArray()
			}
		}
		batch := array.NewRecordBatch(outSchema, cols, int64(n))
		err := w.WriteBuffered(batch)
		batch.Release()
		for _, c := range cols {
			c.Release()
		}
		if err != nil {
			_ = w.Close() // the output is abandoned; err is the one to report

			return nil, fmt.Errorf("writing Parquet: %w", err)
		}
		rows += int64(n)
		if progress != nil {
			progress(rows)
		}
		if err := ctx.Err(); err != nil {
			_ = w.Close() // the output is abandoned; err is the one to report

			return nil, err
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		_ = w.Close() // the output is abandoned; err is the one to report

		return nil, fmt.Errorf("reading Parquet: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("finishing Parquet: %w", err)
	}
	a := e.Audit().Finish()
	a.Format = "parquet"

	return a, nil
}
