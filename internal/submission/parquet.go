package submission

import (
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// checkParquet streams a Parquet table through the same checks as CSV.
// Values are compared in their text form (arrow's ValueStr), so one column
// dictionary serves both formats; a Parquet null is always a missing value.
// Records carry a number but no line.
func (v *validator) checkParquet(f *file, rc io.ReadCloser, sc *sidecar) error {
	ras, ok := rc.(parquet.ReaderAtSeeker)
	if !ok {
		return fmt.Errorf("reading %s: the store does not support random access, which Parquet needs", f.Rel)
	}
	stream, err := tabular.NewParquetStream(v.ctx, ras, 0)
	if err != nil {
		v.out.add(Issue{Code: "PARQUET_INVALID", Location: f.Rel, Message: err.Error(),
			Suggestion: "check that the file is a complete Parquet file"}, "")
		v.readPartly(f)

		return nil
	}
	defer func() { _ = stream.Close() }() // read-only
	fields := stream.Schema().Fields()
	header := make([]string, len(fields))
	for i, fd := range fields {
		header[i] = fd.Name
	}
	plan := v.planColumns(f, header, v.effectiveColumns(f, sc))
	plan.nullIsMissing = true
	n := 0
	for {
		batch, err := stream.Next(v.ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if v.ctx.Err() != nil {
				return v.ctx.Err()
			}
			v.out.add(Issue{Code: "PARQUET_INVALID", Location: f.Rel, Record: n + 1, Message: err.Error()}, "")
			v.readPartly(f)

			return nil
		}
		n = v.parquetBatch(f, plan, batch, n)
		batch.Release()
	}
}

func (v *validator) parquetBatch(f *file, plan *tablePlan, batch arrow.RecordBatch, n int) int {
	cols := batch.Columns()
	row := make([]string, len(cols))
	plan.nulls = make([]bool, len(cols))
	for r := range int(batch.NumRows()) {
		for c, col := range cols {
			plan.nulls[c] = col.IsNull(r)
			row[c] = ""
			if !plan.nulls[c] {
				row[c] = col.ValueStr(r)
			}
		}
		n++
		v.checkRow(f, plan, tabular.Record{Fields: row, Number: n}, true)
	}

	return n
}
