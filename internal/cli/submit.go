package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/deid"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/loader"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func init() { register(newSubmitCommand) }

type submitFlags struct {
	schema, out, htmlReport, result, encoding, keyEnv, keyFile string
	suites, policies, tables                                   []string
	create                                                     bool
}

func newSubmitCommand() *cobra.Command {
	var f submitFlags
	cmd := &cobra.Command{
		Use:   "submit --schema SCHEMA [--suite FILE=SUITE]... [--policy FILE=POLICY]... [--table FILE=NS.TABLE]... DATASET",
		Short: "Run a submission through validate, check, de-identify and load, stopping at the first failing stage",
		Long: `submit takes one data submission (a folder or s3:// prefix) through the platform's four gates:

  1. validate  the whole submission against its submission schema;
  2. check     each FILE named by --suite against its expectation suite;
  3. deid      each FILE named by --policy with its de-identification policy, into --out;
  4. load      each FILE named by --table into its Iceberg table: the de-identified copy, never
               the raw file, so every loaded file must also have a --policy.

FILE is a path relative to DATASET, as the validator lists it. A stage runs only when the one
before it passed; a stage that fails stops the run. One combined report is written as JSON
(--result) and as a self-contained HTML page (--report); stdout gets a short summary.

The de-identification key comes from --key-file, --key-env, the policy, or LAKEHOUSE_DEID_KEY.
The catalog and object store come from the same environment variables as the provider.

Exit codes: 0 every stage passed, 1 the data did not pass a stage, 2 bad flags or governance
document, 3 unreadable data, backend or I/O error.`,
		Example: `  # 1. The quickstart's OULAD submission, governance documents written by Terraform
  lakehouse-runner submit --schema s3://governance/governance/submission-schemas/oulad.json \
      --suite studentInfo.csv=s3://governance/governance/expectation-suites/oulad_student_info.json \
      --policy studentInfo.csv=s3://governance/governance/deid-policies/oulad-students.json \
      --table studentInfo.csv=oulad.student_info \
      --out work/deidentified --report report.html --result report.json data/oulad

  # 2. Validate and check only (no --policy, no --table), JSON summary for a pipeline
  lakehouse-runner submit --schema schema.json --suite scores.csv=suite.json --output json s3://raw/inst-a/2026-fall/`,
		Args: oneArg("the submission's folder or s3:// prefix", "schema"),
		RunE: func(cmd *cobra.Command, args []string) error { return runSubmit(cmd, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.schema, "schema", "", "submission schema: local path or s3://bucket/key (required)")
	fl.StringArrayVar(&f.suites, "suite", nil, "FILE=SUITE: check FILE against an expectation suite (repeatable)")
	fl.StringArrayVar(&f.policies, "policy", nil, "FILE=POLICY: de-identify FILE with a policy (repeatable)")
	fl.StringArrayVar(&f.tables, "table", nil, "FILE=NAMESPACE.TABLE: load the de-identified FILE into an Iceberg table (repeatable)")
	fl.BoolVar(&f.create, "create", false, "create a missing table from the file's columns")
	fl.StringVar(&f.out, "out", "submission-output", "folder for the de-identified files")
	fl.StringVar(&f.htmlReport, "report", "", "write the combined report as a self-contained HTML page")
	fl.StringVar(&f.result, "result", "", "write the combined report as JSON")
	fl.StringVar(&f.encoding, "encoding", tabular.EncodingAuto, "encoding of CSV/TSV inputs: "+strings.Join(tabular.Encodings, ", "))
	fl.StringVar(&f.keyEnv, "key-env", "", "environment variable holding the de-identification key")
	fl.StringVar(&f.keyFile, "key-file", "", "file holding the de-identification key")
	_ = cmd.MarkFlagRequired("schema")

	return cmd
}

// Stage statuses in the combined report.
const (
	StagePassed  = "passed"
	StageFailed  = "failed"
	StageError   = "error"
	StageSkipped = "skipped"
)

// SubmissionReport is the combined report of one submit run.
type SubmissionReport struct {
	Dataset string         `json:"dataset"`
	Schema  string         `json:"schema"`
	Started time.Time      `json:"started"`
	Seconds float64        `json:"seconds"`
	Success bool           `json:"success"`
	Stages  []*StageReport `json:"stages"`
}

// StageReport is one gate's outcome; exactly one of the detail fields is set.
type StageReport struct {
	Name       string             `json:"name"`
	Status     string             `json:"status"`
	Summary    string             `json:"summary"`
	Seconds    float64            `json:"seconds"`
	Error      string             `json:"error,omitempty"`
	Validation *submission.Report `json:"validation,omitempty"`
	Checks     []*FileCheck       `json:"checks,omitempty"`
	Deid       []*deid.Audit      `json:"deid,omitempty"`
	Loads      []*loader.Result   `json:"loads,omitempty"`
}

// FileCheck is one file's expectation result.
type FileCheck struct {
	File   string               `json:"file"`
	Suite  string               `json:"suite"`
	Result *expectations.Result `json:"result"`
}

type submitPlan struct {
	root     runnerio.Location
	suites   []fileArg
	policies map[string]string
	order    []string // files with a policy, in flag order
	tables   []fileArg
}

type fileArg struct{ file, value string }

func parseFileArgs(flag string, vals []string) ([]fileArg, error) {
	var out []fileArg
	seen := map[string]bool{}
	for _, v := range vals {
		file, val, ok := strings.Cut(v, "=")
		file = strings.Trim(path.Clean(filepath.ToSlash(strings.TrimSpace(file))), "/")
		if !ok || file == "" || file == "." || strings.TrimSpace(val) == "" {
			return nil, fmt.Errorf("--%s %q: write FILE=VALUE, FILE relative to the dataset", flag, v)
		}
		if seen[file] {
			return nil, fmt.Errorf("--%s names %s twice", flag, file)
		}
		seen[file] = true
		out = append(out, fileArg{file: file, value: strings.TrimSpace(val)})
	}

	return out, nil
}

func (f submitFlags) plan(dataset string) (*submitPlan, error) {
	root, err := runnerio.Parse(dataset)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	p := &submitPlan{root: root, policies: map[string]string{}}
	if p.suites, err = parseFileArgs("suite", f.suites); err != nil {
		return nil, err
	}
	pol, err := parseFileArgs("policy", f.policies)
	if err != nil {
		return nil, err
	}
	for _, a := range pol {
		p.policies[a.file] = a.value
		p.order = append(p.order, a.file)
	}
	if p.tables, err = parseFileArgs("table", f.tables); err != nil {
		return nil, err
	}
	for _, t := range p.tables {
		if _, ok := p.policies[t.file]; !ok {
			return nil, fmt.Errorf("--table %s=%s: %s has no --policy; every loaded file passes through de-identification "+
				"first (use a policy whose default action is keep for data without identifiers)", t.file, t.value, t.file)
		}
	}
	if f.keyEnv != "" && f.keyFile != "" {
		return nil, errors.New("give --key-env or --key-file, not both")
	}
	if len(p.order) > 0 && !root.IsS3() && within(f.out, root.Key) {
		return nil, fmt.Errorf("--out %s is inside the dataset %s; de-identified files must go elsewhere, "+
			"so the raw submission is never overwritten or mixed with its de-identified copy", f.out, root.Key)
	}

	return p, nil
}

// within reports whether path is dir or lies below it, after resolving both.
func within(path, dir string) bool {
	a, errA := filepath.Abs(path)
	b, errB := filepath.Abs(dir)
	if errA != nil || errB != nil {
		return false
	}
	if ea, err := filepath.EvalSymlinks(a); err == nil {
		a = ea
	}
	if eb, err := filepath.EvalSymlinks(b); err == nil {
		b = eb
	}
	rel, err := filepath.Rel(b, a)

	return err == nil && (rel == "." || !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && rel != "..")
}

// withholdValues removes data values from expectation results: submit checks
// the raw, identifiable submission, and its report goes further than the
// data. Counts, percentages and row numbers stay; an observed value stays
// only when it is a number (a mean, a count), never a string, date or list.
func withholdValues(r *expectations.Result) {
	for i := range r.Results {
		res := r.Results[i].Result
		for _, k := range []string{"partial_unexpected_list", "partial_unexpected_counts", "unexpected_list", "details"} {
			delete(res, k)
		}
		switch res["observed_value"].(type) {
		case nil, int, int64, float64, bool:
		default:
			res["observed_value"] = "(withheld: raw submission value)"
		}
	}
}

// valueFreeDataError names the record, line and column of a load error
// without the offending value.
func valueFreeDataError(de *loader.DataError) string {
	switch {
	case de.Line > 0:
		return fmt.Sprintf("record %d (line %d), column %q does not fit the table's type", de.Record, de.Line, de.Column)
	case de.Record > 0:
		return fmt.Sprintf("record %d, column %q does not fit the table's type", de.Record, de.Column)
	}

	return fmt.Sprintf("column %q does not fit the table's type", de.Column)
}

// child joins a dataset-relative file to the dataset's location.
func (p *submitPlan) child(file string) runnerio.Location {
	l := p.root
	if l.IsS3() {
		l.Key = strings.TrimSuffix(l.Key, "/") + "/" + file
		l.Key = strings.TrimPrefix(l.Key, "/")

		return l
	}
	l.Key = filepath.Join(l.Key, filepath.FromSlash(file))

	return l
}

func runSubmit(cmd *cobra.Command, f submitFlags, dataset string) error {
	format, err := outputFormat(cmd)
	if err != nil {
		return err
	}
	p, err := f.plan(dataset)
	if err != nil {
		return Usage(err)
	}
	if err := checkOutputs(map[string]string{"report": f.htmlReport, "result": f.result}); err != nil {
		return err
	}
	settings, err := provider.Settings()
	if err != nil {
		return Usage(fmt.Errorf("connection settings: %w", err))
	}
	if p.root.IsS3() && !settings.S3.Configured {
		return Usage(&providerdata.NotConfiguredError{Block: "s3", Env: providerdata.S3Env})
	}
	store := runnerio.NewStore(settings)
	rep := &SubmissionReport{Dataset: dataset, Schema: f.schema, Started: time.Now().UTC()}
	stages := []struct {
		name string
		run  func(context.Context, *StageReport) error
		skip bool
	}{
		{"validate", func(ctx context.Context, s *StageReport) error { return submitValidate(ctx, store, f, p, s) }, false},
		{"check", func(ctx context.Context, s *StageReport) error {
			return submitCheck(ctx, cmd, store, settings, f, p, s)
		}, len(p.suites) == 0},
		{"deid", func(ctx context.Context, s *StageReport) error { return submitDeid(ctx, cmd, store, f, p, s) }, len(p.order) == 0},
		{"load", func(ctx context.Context, s *StageReport) error { return submitLoad(ctx, settings, f, p, s) }, len(p.tables) == 0},
	}
	var stageErr error
	stopped := false
	for _, st := range stages {
		sr := &StageReport{Name: st.name}
		rep.Stages = append(rep.Stages, sr)
		if stopped || st.skip {
			sr.Status = StageSkipped
			if st.skip {
				sr.Summary = "nothing to do: no file was named for this stage"
			} else {
				sr.Summary = "not run: an earlier stage did not pass"
			}

			continue
		}
		start := time.Now()
		err := st.run(cmd.Context(), sr)
		sr.Seconds = time.Since(start).Seconds()
		switch {
		case err != nil:
			sr.Status, sr.Error = StageError, err.Error()
			if sr.Summary == "" {
				sr.Summary = "stopped by an error (below)"
			}
			stageErr, stopped = err, true
		case sr.Status == StageFailed:
			stopped = true
		default:
			sr.Status = StagePassed
		}
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	rep.Success = !stopped
	if err := writeSubmitOutputs(cmd, f, format, rep); err != nil {
		return err
	}
	if stageErr != nil {
		var ee *ExitError
		if errors.As(stageErr, &ee) {
			return stageErr
		}

		return Runtime(stageErr)
	}
	if !rep.Success {
		return Failed
	}

	return nil
}

func submitValidate(ctx context.Context, store *runnerio.Store, f submitFlags, p *submitPlan, s *StageReport) error {
	schemaLoc, err := runnerio.Parse(f.schema)
	if err != nil {
		return Usage(fmt.Errorf("--schema: %w", err))
	}
	raw, err := readDocument(ctx, store, schemaLoc, "schema")
	if err != nil {
		return err
	}
	schema, err := submission.ParseSchema(raw)
	if err != nil {
		return Usage(fmt.Errorf("%s: %w", schemaLoc, err))
	}
	rep, err := submission.Validate(ctx, submission.Dataset{Store: store, Root: p.root}, schema,
		submission.Options{MaxRows: -1, Encoding: f.encoding, OmitValues: true})
	if err != nil {
		return Runtime(err)
	}
	s.Validation = rep
	sum := rep.Summary
	s.Summary = fmt.Sprintf("%d files (%d data files, %d rows), %d errors, %d warnings",
		sum.TotalFiles, sum.DataFiles, sum.RowsRead, sum.Errors, sum.Warnings)
	if rep.HasErrors() {
		s.Status = StageFailed
	}

	return nil
}

// forFile puts the dataset file a stage was working on in front of its
// error, keeping the exit code: with several --suite, --policy or --table
// files, an error such as `column "age_band": named in the policy but not in
// the input header` is no use without it.
func forFile(file string, err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	if !errors.As(err, &ee) {
		return fmt.Errorf("%s: %w", file, err)
	}
	inner := err
	if top, ok := err.(*ExitError); ok { //nolint:errorlint // only the outermost ExitError is unwrapped, to re-wrap its cause
		inner = top.Err
	}

	return &ExitError{Code: ee.Code, Err: fmt.Errorf("%s: %w", file, inner)}
}

func submitCheck(ctx context.Context, cmd *cobra.Command, store *runnerio.Store, settings *providerdata.Data,
	f submitFlags, p *submitPlan, s *StageReport) error {
	passed := 0
	for _, a := range p.suites {
		res, err := submitCheckFile(ctx, cmd, store, settings, f, p, a)
		if err != nil {
			return forFile(a.file, err)
		}
		s.Checks = append(s.Checks, &FileCheck{File: a.file, Suite: a.value, Result: res})
		if res.Success {
			passed++
		}
	}
	s.Summary = fmt.Sprintf("%d of %d files met their suites", passed, len(p.suites))
	if passed < len(p.suites) {
		s.Status = StageFailed
	}

	return nil
}

// submitCheckFile checks one file against its suite.
func submitCheckFile(ctx context.Context, cmd *cobra.Command, store *runnerio.Store, settings *providerdata.Data,
	f submitFlags, p *submitPlan, a fileArg) (*expectations.Result, error) {
	loc, err := runnerio.Parse(a.value)
	if err != nil {
		return nil, Usage(fmt.Errorf("--suite %s: %w", a.value, err))
	}
	raw, err := readDocument(ctx, store, loc, "suite")
	if err != nil {
		return nil, err
	}
	suite, err := expectations.ParseSuite(raw)
	if err != nil {
		return nil, Usage(fmt.Errorf("suite %s: %w", loc, err))
	}
	cf := checkFlags{suite: a.value, engine: "local", dialect: "postgres", encoding: f.encoding, ragged: "fail",
		mostlyOf: "nonmissing", batchRows: tabular.DefaultBatchRows}
	t, err := checkLocal(ctx, cmd, cf, store, settings, suite, p.child(a.file).String(),
		expectations.Options{MostlyDenominator: cf.mostlyOf})
	if err != nil {
		return nil, err
	}
	withholdValues(t.Result)

	return t.Result, nil
}

func submitDeid(ctx context.Context, cmd *cobra.Command, store *runnerio.Store, f submitFlags, p *submitPlan, s *StageReport) error {
	var rows int64
	for _, file := range p.order {
		audit, err := submitDeidFile(ctx, cmd, store, f, p, file)
		if err != nil {
			return forFile(file, err)
		}
		s.Deid = append(s.Deid, audit)
		rows += audit.Rows
	}
	s.Summary = fmt.Sprintf("%d files, %d rows de-identified into %s", len(p.order), rows, f.out)

	return nil
}

// submitDeidFile de-identifies one file with its policy into --out.
func submitDeidFile(ctx context.Context, cmd *cobra.Command, store *runnerio.Store, f submitFlags, p *submitPlan,
	file string) (*deid.Audit, error) {
	polLoc, err := runnerio.Parse(p.policies[file])
	if err != nil {
		return nil, Usage(fmt.Errorf("--policy %s: %w", p.policies[file], err))
	}
	raw, err := readDocument(ctx, store, polLoc, "policy")
	if err != nil {
		return nil, err
	}
	policy, err := deid.ParsePolicy(raw)
	if err != nil {
		return nil, Usage(fmt.Errorf("%s: %w", polLoc, err))
	}
	df := deidFlags{encoding: f.encoding, keyEnv: f.keyEnv, keyFile: f.keyFile}
	key, keyErr := deidKey(policy, df)
	if keyErr != nil && policy.NeedsKey() && policy.Profile == "" {
		return nil, Usage(keyErr)
	}
	in := p.child(file)
	format, err := deidFormat("", file)
	if err != nil {
		return nil, err
	}
	out := runnerio.Location{Key: filepath.Join(f.out, filepath.FromSlash(file))}
	audit, err := deidRun(ctx, cmd, store, policy, in, out, format, df, key, keyErr)
	if err != nil {
		return nil, err
	}
	audit.Policy, audit.Input, audit.Output = p.policies[file], in.String(), out.String()

	return audit, nil
}

func submitLoad(ctx context.Context, settings *providerdata.Data, f submitFlags, p *submitPlan, s *StageReport) error {
	cat, err := openCatalog(ctx, settings)
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range p.tables {
		ident, err := catalog.ParseIdentifier(t.value)
		if err != nil || len(ident) < 2 {
			return forFile(t.file, Usage(fmt.Errorf("--table %q is not namespace.table", t.value)))
		}
		file := filepath.Join(f.out, filepath.FromSlash(t.file))
		res, err := loadFile(ctx, cat, file, ident, f)
		if err != nil {
			var de *loader.DataError
			if errors.As(err, &de) {
				// A value that does not fit its column: the data did not
				// pass, and nothing was committed.
				s.Status = StageFailed
				s.Summary = fmt.Sprintf("%s was not loaded into %s: %s; nothing was committed", t.file, t.value, valueFreeDataError(de))

				return nil
			}

			return forFile(t.file, Runtime(fmt.Errorf("loading into %s: %w", t.value, err)))
		}
		s.Loads = append(s.Loads, res)
		rows += res.Rows
	}
	names := make([]string, 0, len(p.tables))
	for _, t := range p.tables {
		names = append(names, t.value)
	}
	sort.Strings(names)
	s.Summary = fmt.Sprintf("%d rows appended to %s, one commit per table", rows, strings.Join(names, ", "))

	return nil
}

// loadFile appends one local, de-identified file to a table.
func loadFile(ctx context.Context, cat catalog.Catalog, file string, ident []string, f submitFlags) (*loader.Result, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var src loader.Source
	if strings.EqualFold(filepath.Ext(file), ".parquet") {
		src, err = loader.NewParquetSource(ctx, fh, loader.DefaultBatchRows)
	} else {
		opts := tabular.CSVOptions{Encoding: tabular.EncodingUTF8}
		if strings.EqualFold(filepath.Ext(file), ".tsv") {
			opts.Comma = '\t'
		}
		src, err = loader.NewCSVSource(io.Reader(fh), opts, loader.DefaultBatchRows)
	}
	if err != nil {
		return nil, err
	}

	return loader.Load(ctx, cat, src, loader.Options{Table: ident, Create: f.create, BatchRows: loader.DefaultBatchRows})
}
