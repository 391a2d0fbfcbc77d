package loader

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// ParquetSource streams a Parquet file's row groups as record batches and
// casts each column to the table's type.
type ParquetSource struct {
	st      *tabular.ParquetStream
	schema  *arrow.Schema
	target  *arrow.Schema
	mapping []int
	rows    int64
}

// NewParquetSource opens a Parquet file for reading in batches.
func NewParquetSource(ctx context.Context, r parquet.ReaderAtSeeker, batchRows int) (*ParquetSource, error) {
	if batchRows <= 0 {
		batchRows = DefaultBatchRows
	}
	st, err := tabular.NewParquetStream(ctx, r, batchRows)
	if err != nil {
		return nil, err
	}

	return &ParquetSource{st: st, schema: st.Schema()}, nil
}

// Columns returns the top-level Parquet column names.
func (s *ParquetSource) Columns() []string {
	out := make([]string, len(s.schema.Fields()))
	for i, f := range s.schema.Fields() {
		out[i] = f.Name
	}

	return out
}

// Bind checks each mapped column can be converted, before any data moves.
func (s *ParquetSource) Bind(target *arrow.Schema, mapping []int) error {
	for i, f := range target.Fields() {
		j := mapping[i]
		if j < 0 {
			continue
		}
		src := s.schema.Field(j)
		if err := checkZones(src.Type, f.Type); err != nil {
			return &DataError{Column: src.Name, Err: err}
		}
		if !arrow.TypeEqual(src.Type, f.Type) && !compute.CanCast(src.Type, f.Type) {
			return &DataError{Column: src.Name, Err: fmt.Errorf("parquet type %s cannot be converted to the table's %s", src.Type, f.Type)}
		}
	}
	s.target, s.mapping = target, mapping

	return nil
}

// checkZones keeps timestamp semantics explicit (C12): an instant (any
// spelling of a zone, "UTC", "Etc/UTC", "+00:00", "America/New_York") loads
// into timestamptz, a zone-less value into timestamp, and never across.
func checkZones(src, dst arrow.DataType) error {
	st, ok1 := src.(*arrow.TimestampType)
	dt, ok2 := dst.(*arrow.TimestampType)
	if !ok1 || !ok2 {
		return nil
	}
	switch {
	case st.TimeZone == "" && dt.TimeZone != "":
		return errors.New("the parquet column has no time zone, but the table column is timestamptz (an instant)")
	case st.TimeZone != "" && dt.TimeZone == "":
		return fmt.Errorf("the parquet column is an instant (zone %q), but the table column is timestamp without zone", st.TimeZone)
	}

	return nil
}

// Next reads and converts one batch.
func (s *ParquetSource) Next(ctx context.Context) (arrow.RecordBatch, error) {
	rec, err := s.st.Next(ctx)
	if err != nil {
		return nil, err
	}
	defer rec.Release()
	n := int(rec.NumRows())
	cols := make([]arrow.Array, len(s.target.Fields()))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range s.target.Fields() {
		j := s.mapping[i]
		if j < 0 {
			cols[i] = nullColumn(f.Type, n)

			continue
		}
		col := rec.Column(j)
		if !f.Nullable && col.NullN() > 0 {
			return nil, &DataError{Column: s.schema.Field(j).Name, Err: fmt.Errorf("null in a required column "+
				"(rows %d-%d of the file)", s.rows+1, s.rows+int64(n))}
		}
		if arrow.TypeEqual(col.DataType(), f.Type) {
			col.Retain()
			cols[i] = col

			continue
		}
		// A safe cast refuses overflow and truncation instead of changing values.
		out, err := compute.CastArray(ctx, col, compute.SafeCastOptions(f.Type))
		if err != nil {
			return nil, &DataError{Column: s.schema.Field(j).Name, Err: fmt.Errorf("converting %s to %s in rows %d-%d: %w",
				col.DataType(), f.Type, s.rows+1, s.rows+int64(n), err)}
		}
		cols[i] = out
	}
	s.rows += int64(n)

	return array.NewRecordBatch(s.target, cols, int64(n)), nil
}

// InferSchema maps the Parquet schema onto a new Iceberg schema.
func (s *ParquetSource) InferSchema() (*iceberg.Schema, error) {
	return table.ArrowSchemaToIcebergWithFreshIDs(s.schema, true)
}
