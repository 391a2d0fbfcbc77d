package cli

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go/table"
	"github.com/spf13/cobra"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/deid"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/loader"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
)

// scanReader adapts an Iceberg scan (an iterator of record batches) to the
// record reader the de-identification engine streams from.
type scanReader struct {
	schema *arrow.Schema
	next   func() (arrow.RecordBatch, error, bool)
	cur    arrow.RecordBatch
	err    error
}

func (r *scanReader) Schema() *arrow.Schema          { return r.schema }
func (r *scanReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *scanReader) Err() error                     { return r.err }

func (r *scanReader) Next() bool {
	r.release()
	rec, err, ok := r.next()
	if !ok {
		return false
	}
	if err != nil {
		r.err = fmt.Errorf("scanning: %w", err)

		return false
	}
	r.cur = rec

	return true
}

func (r *scanReader) release() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

// icebergDeid is one Iceberg-to-Iceberg run: the source table (at a
// snapshot when given) and the table the de-identified rows go to.
type icebergDeid struct {
	in, out []string
	snap    int64
}

func parseIcebergDeid(input, out string) (*icebergDeid, error) {
	if !strings.HasPrefix(out, "iceberg://") {
		return nil, Usage(errors.New("an Iceberg input is de-identified into an Iceberg table: write --out iceberg://namespace.table"))
	}
	in, snap, err := parseIcebergURI(input)
	if err != nil {
		return nil, Usage(fmt.Errorf("input: %w", err))
	}
	to, outSnap, err := parseIcebergURI(out)
	if err != nil {
		return nil, Usage(fmt.Errorf("--out: %w", err))
	}
	if outSnap != 0 {
		return nil, Usage(errors.New("--out names a table, not a snapshot"))
	}
	if catalog.FormatIdentifier(in) == catalog.FormatIdentifier(to) {
		return nil, Usage(errors.New("--out must differ from the input; the input is never overwritten"))
	}

	return &icebergDeid{in: in, out: to, snap: snap}, nil
}

// runDeidIceberg de-identifies an Iceberg table into another one. The scan
// streams through the engine into a local temporary Parquet file; only a
// complete file is appended to the output table, in one atomic commit, and
// an output table this run created is dropped again if that commit fails.
func runDeidIceberg(ctx context.Context, cmd *cobra.Command, f deidFlags, input string) error {
	outFmt, err := outputFormat(cmd)
	if err != nil {
		return err
	}
	job, err := parseIcebergDeid(input, f.out)
	if err != nil {
		return err
	}
	if f.format != "" {
		return Usage(errors.New("--format applies to files; an iceberg:// input is read as a table"))
	}
	if err := checkOutputs(map[string]string{"audit": f.audit}); err != nil {
		return err
	}
	policy, key, keyErr, err := loadDeidPolicy(ctx, f)
	if err != nil {
		return err
	}
	d, err := provider.Settings()
	if err != nil {
		return Usage(fmt.Errorf("catalog settings: %w", err))
	}
	cat, err := openCatalog(ctx, d)
	if err != nil {
		return err
	}
	tmpDir, err := os.MkdirTemp("", "lakehouse-deid-")
	if err != nil {
		return Runtime(err)
	}
	defer func() { _ = os.RemoveAll(tmpDir) }() // scratch space only
	staged := filepath.Join(tmpDir, "deid.parquet")
	audit, err := job.deidentify(ctx, cmd, cat, policy, staged, deid.Options{Key: key, KeyErr: keyErr})
	if err != nil {
		return err
	}
	if err := job.append(ctx, cat, staged); err != nil {
		return err
	}
	audit.Format = "iceberg"

	return reportDeid(cmd, f, audit, input, outFmt)
}

// deidentify scans the input table through the policy into a complete
// local Parquet file.
func (j *icebergDeid) deidentify(ctx context.Context, cmd *cobra.Command, cat catalog.Catalog, p *deid.Policy, staged string,
	opts deid.Options) (*deid.Audit, error) {
	tbl, err := cat.LoadTable(ctx, j.in)
	if err != nil {
		return nil, Runtime(fmt.Errorf("loading %s: %w", catalog.FormatIdentifier(j.in), err))
	}
	var scanOpts []table.ScanOption
	if j.snap != 0 {
		scanOpts = append(scanOpts, table.WithSnapshotID(j.snap))
	}
	schema, seq, err := tbl.Scan(scanOpts...).ToArrowRecords(catalog.IOContext(ctx, cat))
	if err != nil {
		return nil, Runtime(fmt.Errorf("scanning %s: %w", catalog.FormatIdentifier(j.in), err))
	}
	next, stop := iter.Pull2(seq)
	defer stop()
	rr := &scanReader{schema: schema, next: next}
	defer rr.release()
	af, err := runnerio.Create(staged)
	if err != nil {
		return nil, Runtime(fmt.Errorf("creating the staged output: %w", err))
	}
	defer af.Abort()
	audit, err := deid.ProcessRecords(ctx, p, rr, af, opts, deidProgress(cmd))
	if err != nil {
		return nil, deidError(err)
	}
	if err := af.Commit(); err != nil {
		return nil, Runtime(fmt.Errorf("writing the staged output: %w", err))
	}

	return audit, nil
}

// append loads the staged file into the output table in one commit,
// creating the table from the file's columns when it does not exist.
func (j *icebergDeid) append(ctx context.Context, cat catalog.Catalog, staged string) error {
	fh, err := os.Open(staged)
	if err != nil {
		return Runtime(err)
	}
	defer func() { _ = fh.Close() }() // read-only
	src, err := loader.NewParquetSource(ctx, fh, 0)
	if err != nil {
		return Runtime(fmt.Errorf("reading the staged output: %w", err))
	}
	existed, err := cat.CheckTableExists(ctx, j.out)
	if err != nil {
		return Runtime(fmt.Errorf("looking up %s: %w", catalog.FormatIdentifier(j.out), err))
	}
	if _, err := loader.Load(ctx, cat, src, loader.Options{Table: j.out, Create: true}); err != nil {
		// Load creates a missing table before it appends: drop it again so a
		// failed run leaves no output behind.
		if !existed {
			_ = cat.DropTable(ctx, j.out) // best effort; the load error is the one to report
		}

		return Runtime(fmt.Errorf("writing %s: %w", catalog.FormatIdentifier(j.out), err))
	}

	return nil
}
