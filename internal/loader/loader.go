// Package loader appends CSV/TSV or Parquet data to an Iceberg table in one
// atomic commit. Input columns are matched to table columns by name and
// each value is coerced to the column's type; a value that does not fit is
// an error naming its record, line and column, and nothing is committed.
// Rows stream through in record batches, so memory does not grow with the
// input.
package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
)

// DefaultBatchRows is the number of rows per Arrow record batch.
const DefaultBatchRows = 8192

// Options control one load.
type Options struct {
	Table     []string // namespace levels and table name
	Create    bool     // create the table from the input's columns when missing
	BatchRows int
	// Progress, when set, is called with the number of rows read so far.
	Progress func(rows int64)
}

// Result reports a finished load.
type Result struct {
	Table          string   `json:"table"`
	Created        bool     `json:"created"`
	Rows           int64    `json:"rows"`
	Columns        []string `json:"columns"`
	MissingColumns []string `json:"missing_columns,omitempty"` // optional table columns absent from the input, loaded as null
	SnapshotID     int64    `json:"snapshot_id"`
	DataFiles      int      `json:"data_files"`
	Seconds        float64  `json:"seconds"`
}

// Source is an input as a stream of Arrow batches in the table's schema.
type Source interface {
	// Columns returns the input column names, in input order.
	Columns() []string
	// Bind fixes the target schema; every later batch follows it.
	Bind(target *arrow.Schema, mapping []int) error
	// Next returns the next batch, or io.EOF.
	Next(ctx context.Context) (arrow.RecordBatch, error)
	// InferSchema proposes an Iceberg schema for --create.
	InferSchema() (*iceberg.Schema, error)
}

// DataError is a value or column that cannot be loaded.
type DataError struct {
	Record int    // 1-based data record; 0 when not known (Parquet)
	Line   int    // physical line, for text input
	Column string // input column name
	Err    error
}

func (e *DataError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("record %d (line %d), column %q: %v", e.Record, e.Line, e.Column, e.Err)
	case e.Record > 0:
		return fmt.Sprintf("record %d, column %q: %v", e.Record, e.Column, e.Err)
	default:
		return fmt.Sprintf("column %q: %v", e.Column, e.Err)
	}
}

func (e *DataError) Unwrap() error { return e.Err }

// Load appends src to the table in one commit. A table it created for
// Create is dropped again when the load fails, so a failed load leaves the
// catalog as it was.
func Load(ctx context.Context, cat catalog.Catalog, src Source, opts Options) (res *Result, err error) {
	res, err = load(ctx, cat, src, opts)
	if err != nil && res != nil && res.Created {
		if derr := dropCreated(context.WithoutCancel(ctx), cat, opts.Table); derr != nil {
			err = fmt.Errorf("%w (the table created for this load could not be dropped again: %w)", err, derr)
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}

	return res, nil
}

// dropCreated drops a table this load created, with its files where the
// catalog can purge them: nobody else has seen it, and a plain drop would
// leave its metadata file behind in the warehouse.
func dropCreated(ctx context.Context, cat catalog.Catalog, ident table.Identifier) error {
	if p, ok := cat.(icecatalog.PurgeableTable); ok {
		return p.PurgeTable(ctx, ident)
	}

	return cat.DropTable(ctx, ident)
}

func load(ctx context.Context, cat catalog.Catalog, src Source, opts Options) (*Result, error) {
	start := time.Now()
	// The append writes data files through the table's own file IO, which
	// takes the S3 settings from the context.
	ctx = catalog.IOContext(ctx, cat)
	res := &Result{Table: catalog.FormatIdentifier(opts.Table)}
	tbl, err := cat.LoadTable(ctx, opts.Table)
	if errors.Is(err, icecatalog.ErrNoSuchTable) && opts.Create {
		sc, ierr := src.InferSchema()
		if ierr != nil {
			return nil, ierr
		}
		tbl, err = cat.CreateTable(ctx, opts.Table, sc)
		res.Created = err == nil
	}
	if err != nil {
		if errors.Is(err, icecatalog.ErrNoSuchTable) {
			return nil, fmt.Errorf("table %s does not exist; create it with Terraform (lakehouse_iceberg_table) or pass --create: %w", res.Table, err)
		}

		return nil, fmt.Errorf("opening table %s: %w", res.Table, err)
	}
	target, err := table.SchemaToArrowSchema(tbl.Schema(), nil, true, false)
	if err != nil {
		return res, err
	}
	mapping, missing, err := matchColumns(src.Columns(), tbl.Schema())
	if err != nil {
		return res, err
	}
	res.Columns, res.MissingColumns = slices.Clone(src.Columns()), missing
	if err := src.Bind(target, mapping); err != nil {
		return res, err
	}
	rr := &reader{ctx: ctx, src: src, schema: target, progress: opts.Progress}
	rr.refs.Store(1)
	before := tbl.CurrentSnapshot()
	updated, err := tbl.Append(ctx, rr, nil)
	if rr.err != nil {
		return res, rr.err // the data error, not iceberg-go's wrapping of it
	}
	if err != nil {
		return res, fmt.Errorf("appending to %s: %w", res.Table, err)
	}
	res.Rows = rr.rows
	if s := updated.CurrentSnapshot(); s != nil && (before == nil || s.SnapshotID != before.SnapshotID) {
		res.SnapshotID = s.SnapshotID
		if n, ok := s.Summary.Properties["added-data-files"]; ok {
			_, _ = fmt.Sscan(n, &res.DataFiles)
		}
	}
	res.Seconds = time.Since(start).Seconds()

	return res, nil
}

// matchColumns maps each table column (in table order) to an input column
// index, or -1 when the input lacks it. Names match exactly, else
// case-insensitively when that is unambiguous.
func matchColumns(input []string, sc *iceberg.Schema) ([]int, []string, error) {
	fields := sc.Fields()
	mapping := make([]int, len(fields))
	used := make([]bool, len(input))
	var missing []string
	seen := map[string]int{}
	for i, c := range input {
		if j, dup := seen[c]; dup {
			return nil, nil, fmt.Errorf("input columns %d and %d are both named %q; rename one", j+1, i+1, c)
		}
		seen[c] = i
	}
	for i, f := range fields {
		j := slices.Index(input, f.Name)
		if j < 0 {
			var hits []int
			for k, c := range input {
				if strings.EqualFold(strings.TrimSpace(c), f.Name) {
					hits = append(hits, k)
				}
			}
			if len(hits) == 1 {
				j = hits[0]
			}
		}
		mapping[i] = j
		if j < 0 {
			if f.Required {
				return nil, nil, fmt.Errorf("the input has no column %q, which the table requires", f.Name)
			}
			missing = append(missing, f.Name)

			continue
		}
		used[j] = true
	}
	var extra []string
	for k, u := range used {
		if !u {
			extra = append(extra, fmt.Sprintf("%q", input[k]))
		}
	}
	if len(extra) > 0 {
		return nil, nil, fmt.Errorf("input column(s) %s are not in the table; add them to the table schema first "+
			"(lakehouse_iceberg_table) or remove them from the input", strings.Join(extra, ", "))
	}

	return mapping, missing, nil
}

// reader adapts a Source to the array.RecordReader iceberg-go appends.
type reader struct {
	ctx      context.Context
	src      Source
	schema   *arrow.Schema
	cur      arrow.RecordBatch
	err      error
	rows     int64
	refs     atomic.Int64
	progress func(int64)
}

func (r *reader) Retain()               { r.refs.Add(1) }
func (r *reader) Release()              { r.refs.Add(-1) }
func (r *reader) Schema() *arrow.Schema { return r.schema }
func (r *reader) Record() arrow.RecordBatch {
	return r.cur
}
func (r *reader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *reader) Err() error                     { return r.err }

func (r *reader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.err != nil {
		return false
	}
	rec, err := r.src.Next(r.ctx)
	if errors.Is(err, io.EOF) {
		return false
	}
	if err != nil {
		r.err = err

		return false
	}
	r.cur = rec
	r.rows += rec.NumRows()
	if r.progress != nil {
		r.progress(r.rows)
	}

	return true
}

var _ array.RecordReader = (*reader)(nil)

// nullColumn is an all-null array for a table column the input lacks.
func nullColumn(t arrow.DataType, n int) arrow.Array {
	return array.MakeArrayOfNull(memory.DefaultAllocator, t, n)
}
