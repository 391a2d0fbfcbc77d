package deid

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// ProcessCSV streams a CSV input through the policy into out, one row at a
// time. A ragged row or undecodable text stops the run with the record number
// and line; the caller discards the partial output (runnerio.AtomicFile).
func ProcessCSV(ctx context.Context, p *Policy, in io.Reader, out io.Writer, csvOpts tabular.CSVOptions, opts Options, progress func(rows int64)) (*Audit, error) {
	r, err := tabular.NewCSVReader(in, csvOpts)
	if err != nil {
		return nil, fmt.Errorf("reading CSV header: %w", err)
	}
	e, err := NewEngine(p, r.Header(), opts)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	w := csv.NewWriter(bw)
	if csvOpts.Comma != 0 {
		w.Comma = csvOpts.Comma
	}
	if err := w.Write(e.OutputHeader()); err != nil {
		return nil, err
	}
	for n := int64(1); ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *tabular.StructureError
			if errors.As(err, &se) {
				// Report the shape, never the cells: stderr and CI logs must not
				// receive data that is being de-identified.
				quiet := *se
				quiet.Extra = nil
				err = &quiet
			}

			return nil, fmt.Errorf("reading CSV: %w", err)
		}
		row, err := e.Apply(rec.Fields)
		if err != nil {
			return nil, fmt.Errorf("record %d (line %d): %w", rec.Number, rec.Line, err)
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
		if n%65536 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(n)
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	a := e.Audit().Finish()
	a.Format = "csv"

	return a, nil
}
