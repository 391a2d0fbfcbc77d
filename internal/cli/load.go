package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/loader"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func init() { register(newLoadCommand) }

type loadFlags struct {
	table     string
	create    bool
	format    string
	encoding  string
	delimiter string
	batchRows int
}

func newLoadCommand() *cobra.Command {
	var f loadFlags
	cmd := &cobra.Command{
		Use:   "load INPUT --table NAMESPACE.TABLE",
		Short: "Append a CSV, TSV or Parquet file to an Iceberg table in one commit",
		Long: `Append a CSV, TSV or Parquet file (local or s3://bucket/key) to an Iceberg table in the catalog
configured by the LAKEHOUSE_CATALOG_* and LAKEHOUSE_S3_* environment variables (the provider's settings).

Input columns are matched to table columns by name (exactly, else case-insensitively when unambiguous).
Optional table columns missing from the input are loaded as null; input columns the table lacks, and
required columns the input lacks, are errors. Each value is converted to its column's type; a value that
does not fit (a bad number, a decimal that would be rounded, a timestamp without a zone for a timestamptz
column) stops the load with its record, line and column. All rows are appended in one atomic commit, so a
failed load leaves the table unchanged. Rows stream through in batches; memory does not grow with the input.

The table name is namespace levels and table joined with ".", a dot inside a level escaped as "\.".`,
		Example: `  # 1. Load a curated CSV into a table declared with lakehouse_iceberg_table
  lakehouse-runner load curated/studentInfo.csv --table oulad.student_info

  # 2. Load Parquet from the object store, creating the table from the file's schema
  lakehouse-runner load s3://curated/encounters.parquet --table synthea.encounters --create

  # 3. A latin-1 TSV, with a JSON report for a pipeline
  lakehouse-runner load export.tsv --table 'lake.raw zone.events' --encoding latin1 --output json`,
		Args: oneArg("a CSV, TSV or Parquet file, a folder or s3:// prefix of them", ""),
		RunE: func(cmd *cobra.Command, args []string) error { return runLoad(cmd, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.table, "table", "", "target table: namespace.table (required)")
	fl.BoolVar(&f.create, "create", false, "create the table when it does not exist (CSV column types are inferred from the first 1000 records; numbers written with leading zeros, such as ZIP codes, stay text; a failed load drops the table again)")
	fl.StringVar(&f.format, "format", "", "input format: csv, tsv or parquet (default: from the file extension)")
	fl.StringVar(&f.encoding, "encoding", tabular.EncodingAuto, "CSV encoding: auto, utf-8, latin1, utf-16le, utf-16be")
	fl.StringVar(&f.delimiter, "delimiter", "", "CSV delimiter (default: tab for tsv, comma otherwise)")
	fl.IntVar(&f.batchRows, "batch-rows", loader.DefaultBatchRows, "rows per record batch")
	_ = cmd.MarkFlagRequired("table")

	return cmd
}

func (f *loadFlags) inputFormat(input string) (string, error) {
	format := strings.ToLower(f.format)
	if format == "" {
		switch strings.ToLower(path.Ext(strings.TrimSuffix(input, "/"))) {
		case ".parquet", ".pq":
			format = "parquet"
		case ".tsv", ".tab":
			format = "tsv"
		default:
			format = "csv"
		}
	}
	if format != "csv" && format != "tsv" && format != "parquet" {
		return "", fmt.Errorf("--format must be csv, tsv or parquet, not %q", f.format)
	}

	return format, nil
}

func runLoad(cmd *cobra.Command, f loadFlags, input string) error {
	out, err := outputFormat(cmd)
	if err != nil {
		return err
	}
	ident, err := catalog.ParseIdentifier(f.table)
	if err == nil && len(ident) < 2 {
		err = errors.New("write namespace.table")
	}
	if err != nil {
		return Usage(fmt.Errorf("--table: %w", err))
	}
	format, err := f.inputFormat(input)
	if err != nil {
		return Usage(err)
	}
	loc, err := runnerio.Parse(input)
	if err != nil {
		return Usage(fmt.Errorf("input: %w", err))
	}
	d, err := provider.Settings()
	if err != nil {
		return Usage(fmt.Errorf("settings: %w", err))
	}
	ctx := cmd.Context()
	cat, err := openCatalog(ctx, d)
	if err != nil {
		return err
	}
	rc, err := runnerio.NewStore(d).Open(ctx, loc)
	if err != nil {
		return Runtime(err)
	}
	defer rc.Close()
	var src loader.Source
	if format == "parquet" {
		ras, ok := rc.(parquet.ReaderAtSeeker)
		if !ok {
			return Runtime(fmt.Errorf("%s cannot be read at random offsets", loc))
		}
		src, err = loader.NewParquetSource(ctx, ras, f.batchRows)
	} else {
		comma := ','
		if format == "tsv" {
			comma = '\t'
		}
		if f.delimiter != "" {
			comma = []rune(f.delimiter)[0]
		}
		src, err = loader.NewCSVSource(rc, tabular.CSVOptions{Comma: comma, Encoding: f.encoding}, f.batchRows)
	}
	if err != nil {
		return Runtime(fmt.Errorf("reading %s: %w", loc, err))
	}
	opts := loader.Options{Table: ident, Create: f.create, BatchRows: f.batchRows}
	if isTerminal(os.Stderr) {
		bar := progressbar.NewOptions64(-1, progressbar.OptionSetWriter(cmd.ErrOrStderr()), progressbar.OptionSetDescription("loading"),
			progressbar.OptionShowCount(), progressbar.OptionSetItsString("rows"), progressbar.OptionShowIts(),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		opts.Progress = func(n int64) { _ = bar.Set64(n) }
		defer bar.Finish() //nolint:errcheck // progress only
	}
	res, err := loader.Load(ctx, cat, src, opts)
	if err != nil {
		var de *loader.DataError
		if errors.As(err, &de) {
			printLoadFailure(cmd, out, input, f.table, err)

			return Failed
		}

		return Runtime(fmt.Errorf("%s: %w", input, err))
	}
	if out == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")

		return enc.Encode(struct {
			Input string `json:"input"`
			*loader.Result
		}{input, res})
	}
	verb := "appended"
	if res.Created {
		verb = "created the table and appended"
	}
	if _, err := fmt.Fprintf(cmd.OutOrStdout(), "%s: %s %d rows in %.1fs (snapshot %d, %d data files)\n",
		res.Table, verb, res.Rows, res.Seconds, res.SnapshotID, res.DataFiles); err != nil {
		return Runtime(err)
	}
	if len(res.MissingColumns) > 0 {
		if _, err := fmt.Fprintf(cmd.OutOrStdout(), "  loaded as null (not in the input): %s\n", strings.Join(res.MissingColumns, ", ")); err != nil {
			return Runtime(err)
		}
	}

	return nil
}

func printLoadFailure(cmd *cobra.Command, out, input, table string, err error) {
	if out == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"input": input, "table": table, "error": err.Error(), "committed": false})

		return
	}
	// Like the JSON form above, a failure to print is not reported: the
	// command already fails with Failed.
	_, _ = fmt.Fprintf(cmd.OutOrStdout(), "%s: nothing loaded into %s: %v\n", input, table, err)
}
