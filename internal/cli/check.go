package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations/report"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations/sqlgen"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func init() { register(newCheckCommand) }

type checkFlags struct {
	suite, engine, dialect, dsn, table          string
	encoding, delimiter, format, ragged         string
	result, junit, html, resultFormat, mostlyOf string
	treatAsNull, nullValues                     []string
	columnTypes                                 map[string]string
	batchRows                                   int
	includeHidden, printSQL                     bool
}

func newCheckCommand() *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check --suite SUITE DATA",
		Short: "Check data against a Great Expectations suite",
		Long: `check evaluates an expectation suite (Great Expectations 1.x JSON; 0.18 JSON is read too)
over a table: a CSV/TSV or Parquet file, a folder or s3:// prefix of such files (one table,
same columns), or an Iceberg table (iceberg://namespace.table[@snapshot-id]).

All expectations are evaluated together in one streaming pass over Arrow record batches,
on all cores; memory stays flat in the row count except where an expectation needs state
by nature (distinct values and uniqueness keep a 64-bit hash per distinct value, with the
first row's number for uniqueness; median,
quantile, z-score and KS tests keep one 8-byte number per row).

Semantics follow GX on pandas: nulls are excluded from row-wise checks and "mostly" is
measured over non-null rows. --treat-as-null adds text values that count as missing and
--mostly-of all measures "mostly" over every row. CSV fields that are empty are null
(--null-value changes that); whitespace is a value. Without a schema every CSV column is
text: type expectations then parse each value (int, long, double, date, timestamp...).
Ragged CSV records are reported with record and line numbers and fail the check.

--engine sql compiles the aggregate-able expectations into one SQL query per table and
row condition and runs it on PostgreSQL (--dialect postgres --dsn) or on Dremio through its
SQL job API (--dialect dremio, connection from LAKEHOUSE_DREMIO_*); --print-sql shows the query.
Map results from SQL carry counts and percentages, not unexpected value lists.

Exit codes: 0 all expectations met, 1 some failed (or malformed records), 2 bad flags or
suite (unknown expectation type, bad kwarg), 3 unreadable data or backend error.`,
		Example: `  # 1. Check a local CSV against a suite; readable report on stdout
  lakehouse-runner check --suite suites/enrolment.json data/studentInfo.csv

  # 2. A folder of Parquet files in MinIO, suite written by Terraform; JSON, JUnit and HTML
  lakehouse-runner check --suite s3://governance/governance/expectation-suites/vle.json s3://curated/vle/ \
      --result result.json --junit junit.xml --html report.html

  # 3. Count nulls against "mostly" and treat "NA" as missing, for a latin-1 export
  lakehouse-runner check --suite suite.json --mostly-of all --treat-as-null NA --encoding latin1 export.csv

  # 4. Push the aggregate checks down to PostgreSQL, or to Dremio (or just print its SQL)
  lakehouse-runner check --suite suite.json --engine sql --dialect postgres --dsn postgres://u@db/lake --table public.students
  LAKEHOUSE_DREMIO_ENDPOINT=http://dremio:9047 LAKEHOUSE_DREMIO_TOKEN=... \
    lakehouse-runner check --suite suite.json --engine sql --dialect dremio lake.oulad.students
  lakehouse-runner check --suite suite.json --engine sql --dialect dremio --print-sql lake.oulad.students

  # 5. An Iceberg table at a snapshot
  lakehouse-runner check --suite suite.json iceberg://oulad.student_info@4718592134`,
		Args: func(cmd *cobra.Command, args []string) error {
			if f.engine == "sql" && len(args) == 0 {
				return nil // --table names it
			}
			return oneArg("a CSV, TSV or Parquet file, a folder or s3:// prefix of them, or an iceberg:// table", "suite")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, f, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.suite, "suite", "", "expectation suite: local path or s3://bucket/key (required)")
	fl.StringVar(&f.engine, "engine", "local", "local (stream the files) or sql (push the checks down to a database)")
	fl.StringVar(&f.dialect, "dialect", "postgres", "SQL dialect for --engine sql: postgres or dremio")
	fl.StringVar(&f.dsn, "dsn", "", "database for --engine sql, e.g. postgres://user@host/db (default $LAKEHOUSE_CHECK_DSN)")
	fl.StringVar(&f.table, "table", "", "table for --engine sql (default: DATA)")
	fl.StringVar(&f.encoding, "encoding", tabular.EncodingAuto, "CSV encoding: auto (BOM sniffing, else UTF-8), utf-8, latin1, utf-16le, utf-16be")
	fl.StringVar(&f.delimiter, "delimiter", "", "CSV delimiter (default: tab for .tsv files, comma otherwise)")
	fl.StringVar(&f.format, "format", "", "input format: csv, tsv or parquet (default: from the file extension)")
	fl.StringVar(&f.ragged, "ragged", "fail", "ragged CSV records: fail (report them, exit 1) or skip (report them as warnings)")
	fl.StringSliceVar(&f.nullValues, "null-value", nil, "CSV field text read as null (repeatable; default: the empty field)")
	fl.StringToStringVar(&f.columnTypes, "column-type", nil, "CSV column type, e.g. age=int (int, long, float, double, boolean, string, date, timestamp, timestamptz); repeatable. Values that do not parse are reported and fail the check")
	fl.StringSliceVar(&f.treatAsNull, "treat-as-null", nil, "text values every expectation counts as missing, e.g. NA (repeatable)")
	fl.StringVar(&f.mostlyOf, "mostly-of", "nonmissing", "denominator of \"mostly\": nonmissing (GX) or all rows")
	fl.StringVar(&f.resultFormat, "result-format", "", "default result_format: BOOLEAN_ONLY, BASIC, SUMMARY (GX default) or COMPLETE")
	fl.StringVar(&f.result, "result", "", "write the GX validation result JSON to this file (local or s3://)")
	fl.StringVar(&f.junit, "junit", "", "write JUnit XML to this file")
	fl.StringVar(&f.html, "html", "", "write a self-contained HTML report to this file")
	fl.IntVar(&f.batchRows, "batch-rows", tabular.DefaultBatchRows, "rows per record batch")
	fl.BoolVar(&f.includeHidden, "include-hidden", false, "read hidden and AppleDouble (._*) files in a folder as data")
	fl.BoolVar(&f.printSQL, "print-sql", false, "with --engine sql: print the generated SQL and exit without running it")
	_ = cmd.MarkFlagRequired("suite")

	return cmd
}

func runCheck(cmd *cobra.Command, f checkFlags, args []string) error {
	format, err := outputFormat(cmd)
	if err != nil {
		return err
	}
	if err := f.validate(); err != nil {
		return Usage(err)
	}
	if err := checkOutputs(map[string]string{"result": f.result, "junit": f.junit, "html": f.html}); err != nil {
		return err
	}
	if f.engine != "sql" {
		// Silently running the local engine instead would answer another
		// question than the one asked.
		for _, name := range []string{"dialect", "dsn", "table", "print-sql"} {
			if cmd.Flags().Changed(name) {
				return Usage(fmt.Errorf("--%s needs --engine sql", name))
			}
		}
	}
	suiteLoc, err := runnerio.Parse(f.suite)
	if err != nil {
		return Usage(fmt.Errorf("--suite: %w", err))
	}
	locs := []runnerio.Location{suiteLoc}
	data := ""
	if len(args) > 0 {
		data = args[0]
		if !strings.HasPrefix(data, "iceberg://") {
			l, err := runnerio.Parse(data)
			if err != nil {
				return Usage(fmt.Errorf("data: %w", err))
			}
			locs = append(locs, l)
		}
	}
	for _, out := range []string{f.result, f.junit, f.html} {
		if strings.HasPrefix(out, "s3://") {
			l, err := runnerio.Parse(out)
			if err != nil {
				return Usage(fmt.Errorf("%s: %w", out, err))
			}
			locs = append(locs, l)
		}
	}
	store, settings, err := openStore(locs...)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	raw, err := readDocument(ctx, store, suiteLoc, "suite")
	if err != nil {
		return err
	}
	suite, err := expectations.ParseSuite(raw)
	if err != nil {
		return Usage(fmt.Errorf("suite %s: %w", suiteLoc, err))
	}
	if len(suite.Expectations) == 0 {
		// A gate that checks nothing must not pass.
		return Usage(fmt.Errorf("suite %s has no expectations, so nothing would be checked", suiteLoc))
	}
	opts := expectations.Options{TreatAsNull: f.treatAsNull, MostlyDenominator: f.mostlyOf, ResultFormat: f.resultFormat,
		Profile: f.html != ""}

	var tables []report.Table
	if f.engine == "sql" {
		if f.printSQL {
			return printCheckSQL(cmd, f, suite, data)
		}
		t, err := checkSQL(ctx, f, suite, data, opts)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	} else {
		t, err := checkLocal(ctx, cmd, f, store, settings, suite, data, opts)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	if err := writeCheckOutputs(ctx, cmd, f, store, format, tables); err != nil {
		return err
	}
	for _, t := range tables {
		if !t.Result.Success {
			return Failed
		}
	}

	return nil
}

func (f checkFlags) validate() error {
	switch {
	case f.engine != "local" && f.engine != "sql":
		return fmt.Errorf("--engine must be local or sql, not %q", f.engine)
	case f.dialect != "postgres" && f.dialect != "dremio":
		return fmt.Errorf("--dialect must be postgres or dremio, not %q", f.dialect)
	case f.mostlyOf != "nonmissing" && f.mostlyOf != "all":
		return fmt.Errorf("--mostly-of must be nonmissing or all, not %q", f.mostlyOf)
	case f.ragged != "fail" && f.ragged != "skip":
		return fmt.Errorf("--ragged must be fail or skip, not %q", f.ragged)
	case f.format != "" && f.format != "csv" && f.format != "tsv" && f.format != "parquet":
		return fmt.Errorf("--format must be csv, tsv or parquet, not %q", f.format)
	case len([]rune(f.delimiter)) > 1:
		return fmt.Errorf("--delimiter must be one character, not %q", f.delimiter)
	case f.batchRows <= 0:
		return errors.New("--batch-rows must be positive")
	}
	switch strings.ToUpper(f.resultFormat) {
	case "", "BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE":
	default:
		return fmt.Errorf("--result-format must be BOOLEAN_ONLY, BASIC, SUMMARY or COMPLETE, not %q", f.resultFormat)
	}
	for col, t := range f.columnTypes {
		if _, err := tabular.ParseColumnType(t); err != nil {
			return fmt.Errorf("--column-type %s: %w", col, err)
		}
	}
	if !tabular.KnownEncoding(f.encoding) {
		return fmt.Errorf("--encoding must be one of %v, not %q", tabular.Encodings, f.encoding)
	}

	return nil
}

// dataFile is one file of the table with its format.
type dataFile struct {
	entry  runnerio.Entry
	format string
}

func fileFormat(name, forced string) string {
	if forced != "" {
		return forced
	}
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".parquet") || strings.HasSuffix(n, ".parq"):
		return "parquet"
	case strings.HasSuffix(n, ".tsv") || strings.HasSuffix(n, ".tab"):
		return "tsv"
	case strings.HasSuffix(n, ".csv") || strings.HasSuffix(n, ".txt"):
		return "csv"
	}

	return ""
}

// hiddenPath reports dot files, dot folders and macOS AppleDouble files,
// which are never data unless asked for.
func hiddenPath(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "._") || part == "__MACOSX" {
			return true
		}
	}

	return false
}

func listDataFiles(ctx context.Context, store *runnerio.Store, loc runnerio.Location, f checkFlags) ([]dataFile, error) {
	entries, err := store.List(ctx, loc)
	if err != nil {
		return nil, Runtime(fmt.Errorf("listing %s: %w", loc, err))
	}
	var out []dataFile
	var formats []string
	for _, e := range entries {
		if !f.includeHidden && hiddenPath(e.Rel) {
			continue
		}
		ff := fileFormat(e.Rel, f.format)
		if ff == "" {
			if len(entries) == 1 {
				return nil, Usage(fmt.Errorf("%s: unknown file type; name it .csv, .tsv or .parquet or give --format", e.Location))
			}
			continue
		}
		if len(formats) > 0 && (formats[0] == "parquet") != (ff == "parquet") {
			return nil, Usage(fmt.Errorf("%s mixes Parquet and text files; check them separately", loc))
		}
		formats = append(formats, ff)
		out = append(out, dataFile{entry: e, format: ff})
	}
	if len(out) == 0 {
		return nil, Runtime(fmt.Errorf("%s holds no CSV, TSV or Parquet files", loc))
	}

	return out, nil
}

func checkLocal(ctx context.Context, cmd *cobra.Command, f checkFlags, store *runnerio.Store, settings *providerdata.Data,
	suite *expectations.Suite, data string, opts expectations.Options) (report.Table, error) {
	var structural []string
	var structuralCount, valueErrors int64
	var src expectations.Source
	if strings.HasPrefix(data, "iceberg://") {
		s, err := openIcebergSource(ctx, settings, data, f.batchRows)
		if err != nil {
			return report.Table{}, err
		}
		src = s
	} else {
		loc, _ := runnerio.Parse(data)
		files, err := listDataFiles(ctx, store, loc, f)
		if err != nil {
			return report.Table{}, err
		}
		note := func(msg string) {
			structuralCount++
			if len(structural) < 100 {
				structural = append(structural, msg)
			}
		}
		onStructure := func(se *tabular.StructureError) { note(se.Error()) }
		onValue := func(ve *tabular.ValueError) { valueErrors++; note(ve.Error()) }
		open := func(i int) (tabular.RecordStream, string, error) {
			df := files[i]
			name := df.entry.String()
			st, err := openDataFile(ctx, store, df, f, onStructure, onValue)
			var oe *tabular.OptionError
			switch {
			case errors.As(err, &oe):
				return nil, name, Usage(fmt.Errorf("%s: %w", name, err))
			case err != nil:
				return nil, name, Runtime(fmt.Errorf("%s: %w", name, err))
			}
			return st, name, nil
		}
		s, err := expectations.NewStreamSource(len(files), open)
		if err != nil {
			return report.Table{}, err
		}
		src = s
	}
	defer func() { _ = src.Close() }() // read-only
	progress, finish := checkProgress(cmd.ErrOrStderr(), isTerminal(os.Stderr))
	opts.Progress = progress
	res, err := expectations.Run(ctx, suite, src, opts)
	finish()
	if err != nil {
		var ce *expectations.ConfigError
		if errors.As(err, &ce) {
			return report.Table{}, Usage(err)
		}
		var ee *ExitError
		if errors.As(err, &ee) {
			return report.Table{}, err
		}
		return report.Table{}, Runtime(err)
	}
	if structuralCount > 0 {
		fails := f.ragged == "fail" || valueErrors > 0
		res.Meta["structural_errors"] = structural
		res.Meta["structural_error_count"] = structuralCount
		res.Meta["ragged_record_count"] = structuralCount - valueErrors
		res.Meta["unparsable_value_count"] = valueErrors
		res.Meta["structural_errors_fail_run"] = fails
		if fails {
			res.Success = false
		}
	}

	return report.Table{Name: data, Result: res}, nil
}

// checkProgress returns the engine's progress callback, drawing rows read
// and rows/s on w, and the function that clears the bar; on no terminal
// there is no bar.
func checkProgress(w io.Writer, tty bool) (func(rows int64), func()) {
	if !tty {
		return nil, func() {}
	}
	bar := progressbar.NewOptions64(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("checking"),
		progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
	var last int64

	return func(rows int64) {
		_ = bar.Add64(rows - last) // drawing errors never fail the check
		last = rows
	}, func() { _ = bar.Finish() }
}

func openDataFile(ctx context.Context, store *runnerio.Store, df dataFile, f checkFlags, onStructure func(*tabular.StructureError),
	onValue func(*tabular.ValueError)) (tabular.RecordStream, error) {
	rc, err := store.Open(ctx, df.entry.Location)
	if err != nil {
		return nil, err
	}
	if df.format == "parquet" {
		ras, ok := rc.(interface {
			io.ReaderAt
			io.Seeker
			io.Closer
		})
		if !ok {
			rc.Close()
			return nil, errors.New("object does not support random access")
		}
		// Strings of dictionary pages stay dictionaries: the checks judge each
		// distinct value once.
		return tabular.NewParquetStreamWith(ctx, ras, tabular.ParquetOptions{BatchRows: f.batchRows, DictStrings: true})
	}
	comma := ','
	if df.format == "tsv" {
		comma = '\t'
	}
	if f.delimiter != "" {
		comma = []rune(f.delimiter)[0]
	}
	enc := f.encoding // the reader knows its spellings
	types := map[string]arrow.DataType{}
	for col, t := range f.columnTypes {
		types[col], _ = tabular.ParseColumnType(t) // validated with the flags
	}
	st, err := tabular.NewCSVStream(rc, tabular.CSVStreamOptions{CSVOptions: tabular.CSVOptions{Comma: comma, Encoding: enc},
		NullValues: f.nullValues, BatchRows: f.batchRows, OnStructure: onStructure, Types: types, OnValue: onValue})
	if err != nil {
		rc.Close()
		return nil, err
	}

	return st, nil
}

func writeCheckOutputs(ctx context.Context, cmd *cobra.Command, f checkFlags, store *runnerio.Store, format string, tables []report.Table) error {
	outputs := []struct {
		target string
		write  func(io.Writer, []report.Table) error
		ctype  string
	}{
		{f.result, report.WriteJSON, "application/json"},
		{f.junit, report.WriteJUnit, "application/xml"},
		{f.html, report.WriteHTML, "text/html"},
	}
	for _, o := range outputs {
		if o.target == "" {
			continue
		}
		if err := writeOutput(ctx, store, o.target, o.ctype, func(w io.Writer) error { return o.write(w, tables) }); err != nil {
			return Runtime(fmt.Errorf("writing %s: %w", o.target, err))
		}
	}
	var err error
	if format == "json" {
		err = report.WriteJSON(cmd.OutOrStdout(), tables)
	} else {
		err = report.WriteText(cmd.OutOrStdout(), tables)
	}
	if err != nil {
		return Runtime(fmt.Errorf("writing the report: %w", err))
	}

	return nil
}

// writeOutput writes a file atomically; an s3:// target is written to a
// temporary file first and uploaded when complete.
func writeOutput(ctx context.Context, store *runnerio.Store, target, ctype string, write func(io.Writer) error) error {
	loc, err := runnerio.Parse(target)
	if err != nil {
		return err
	}
	local := target
	if loc.IsS3() {
		dir, err := os.MkdirTemp("", "lakehouse-check-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		local = filepath.Join(dir, path.Base(loc.Key))
	}
	af, err := runnerio.Create(local)
	if err != nil {
		return err
	}
	if err := write(af); err != nil {
		af.Abort()
		return err
	}
	if err := af.Commit(); err != nil {
		return err
	}
	if loc.IsS3() {
		return store.Put(ctx, loc, local, ctype)
	}

	return nil
}

// checkSQL runs the suite's aggregate-able expectations as SQL.
func checkSQL(ctx context.Context, f checkFlags, suite *expectations.Suite, data string, opts expectations.Options) (report.Table, error) {
	table := f.table
	if table == "" {
		table = data
	}
	if table == "" {
		return report.Table{}, Usage(errors.New("--engine sql needs --table or a DATA argument naming the table"))
	}
	d, err := sqlgen.DialectByName(f.dialect)
	if err != nil {
		return report.Table{}, Usage(err)
	}
	// Compiled before connecting, so a suite the SQL engine cannot take is
	// a usage error whatever the database.
	if _, err := sqlgen.CompileOptions(suite, table, d, opts); err != nil {
		return report.Table{}, Usage(err)
	}
	dsn := f.dsn
	if dsn == "" {
		dsn = os.Getenv("LAKEHOUSE_CHECK_DSN")
	}
	var runner sqlgen.SQLRunner
	if f.dialect == "dremio" {
		// Dremio is reached with the provider's dremio settings
		// (LAKEHOUSE_DREMIO_*), through its SQL job API.
		settings, err := provider.Settings()
		if err != nil {
			return report.Table{}, Usage(fmt.Errorf("dremio settings: %w", err))
		}
		c, err := dremio.NewFromSettings(settings.Dremio, settings.Retry)
		if err != nil {
			return report.Table{}, Usage(err)
		}
		runner = sqlgen.NewDremio(c)
	} else {
		if dsn == "" {
			return report.Table{}, Usage(errors.New("--engine sql needs --dsn (or LAKEHOUSE_CHECK_DSN)"))
		}
		pg, err := sqlgen.OpenPostgres(ctx, dsn)
		if err != nil {
			return report.Table{}, Runtime(err)
		}
		defer func() { _ = pg.Close() }() // the queries only read
		runner = pg
	}
	// Compiled again with the column types: NaN in a float column is
	// missing, as in the local engine.
	plan, err := sqlgen.CompileFor(ctx, runner, suite, table, d, opts)
	if err != nil {
		return report.Table{}, Runtime(err)
	}
	res, err := plan.Run(ctx, runner)
	if err != nil {
		return report.Table{}, Runtime(err)
	}

	return report.Table{Name: table, Result: res}, nil
}

func printCheckSQL(cmd *cobra.Command, f checkFlags, suite *expectations.Suite, data string) error {
	table := f.table
	if table == "" {
		table = data
	}
	if table == "" {
		return Usage(errors.New("--print-sql needs --table or a DATA argument naming the table"))
	}
	d, err := sqlgen.DialectByName(f.dialect)
	if err != nil {
		return Usage(err)
	}
	plan, err := sqlgen.Compile(suite, table, d)
	if err != nil {
		return Usage(err)
	}
	if _, err := fmt.Fprintln(cmd.OutOrStdout(), plan.SQLText()); err != nil {
		return Runtime(err)
	}
	for _, n := range plan.NotCompiled() {
		_, _ = fmt.Fprintf(cmd.ErrOrStderr(), "note: %s\n", n) // a diagnostic only
	}
	// A diagnostic only: without a connection the column types are unknown.
	_, _ = fmt.Fprintln(cmd.ErrOrStderr(), "note: the column types are not read here; a check run maps NaN to NULL in float columns (NULLIF or CASE), as the local engine counts NaN missing")

	return nil
}
