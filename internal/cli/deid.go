package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/deid"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func init() { register(newDeidCommand) }

type deidFlags struct {
	policy   string
	out      string
	format   string
	encoding string
	keyEnv   string
	keyFile  string
	audit    string
}

func newDeidCommand() *cobra.Command {
	var f deidFlags
	cmd := &cobra.Command{
		Use:   "deid --policy POLICY INPUT --out OUTPUT",
		Short: "De-identify a CSV, TSV or Parquet file or an Iceberg table with a de-identification policy",
		Long: `deid applies a de-identification policy (the JSON document lakehouse_deid_policy writes)
to one CSV, TSV or Parquet file, or an Iceberg table (iceberg://namespace.table[@snapshot-id]),
and writes the result in the same format. Columns are
dropped, kept, pseudonymised with a keyed HMAC-SHA-256, generalised (dates to year or a
per-subject shift, ZIP to 3 digits with the 17 restricted prefixes as 000, ages over 89 as
one category), masked, redacted, hashed or encrypted like Presidio, or scrubbed as free text.

The input is never changed. The output appears only when the whole file is done; on any
error nothing is left behind. An Iceberg output table (--out iceberg://namespace.table) gets
all rows in one atomic commit and is created from the output's columns when it does not
exist; the catalog comes from the LAKEHOUSE_CATALOG_* settings the provider reads. The report (counts per column and identifier, never a value)
goes to stdout; --audit also writes it as JSON.

The secret key comes from --key-file, --key-env, the policy's key.env or key.file (the
variable or file the policy names), or LAKEHOUSE_DEID_KEY, in that order. It is never
written anywhere, and a policy never holds the key itself.

The policy is JSON; every field, with a complete example, is in the provider's
"deid-policy" guide (docs/guides/deid-policy.md). The smallest policy is
  {"format_version": 1, "profile": "safe-harbor", "default_action": "drop"}`,
		Example: `  # 1. De-identify Synthea patients with a policy written by Terraform
  export LAKEHOUSE_DEID_KEY="$(cat /run/secrets/deid.key)"
  lakehouse-runner deid --policy s3://governance/governance/deid-policies/patients.json patients.csv --out patients.deid.csv

  # 2. The same from a local policy, key from a file, JSON report for a pipeline
  lakehouse-runner deid --policy policy.json --key-file deid.key --output json \
    s3://raw/students.parquet --out s3://curated/students.parquet

  # 3. A latin-1 TSV export, keeping the audit beside the output
  lakehouse-runner deid --policy policy.json --encoding latin1 --format tsv \
    export.tsv --out export.deid.tsv --audit export.deid.audit.json

  # 4. An Iceberg table into a curated table, created on first use
  lakehouse-runner deid --policy s3://governance/governance/deid-policies/students.json \
    iceberg://raw.student_info --out iceberg://curated.student_info`,
		Args: oneArg("a CSV, TSV or Parquet file, or an iceberg:// table", "policy"),
		RunE: func(cmd *cobra.Command, args []string) error { return runDeid(cmd, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.policy, "policy", "", "policy document: local path or s3://bucket/key (required)")
	fl.StringVar(&f.out, "out", "", "output: local path, s3://bucket/key, or iceberg://namespace.table for an Iceberg input (required)")
	fl.StringVar(&f.format, "format", "", "csv, tsv or parquet (default: from the input's extension)")
	fl.StringVar(&f.encoding, "encoding", tabular.EncodingAuto, "CSV/TSV input encoding: "+strings.Join(tabular.Encodings, ", "))
	fl.StringVar(&f.keyEnv, "key-env", "", "environment variable holding the secret key")
	fl.StringVar(&f.keyFile, "key-file", "", "file holding the secret key")
	fl.StringVar(&f.audit, "audit", "", "also write the audit report as JSON to this local path")
	_ = cmd.MarkFlagRequired("policy")
	_ = cmd.MarkFlagRequired("out")

	return cmd
}

func runDeid(cmd *cobra.Command, f deidFlags, input string) error {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if strings.HasPrefix(input, "iceberg://") {
		return runDeidIceberg(ctx, cmd, f, input)
	}
	if strings.HasPrefix(f.out, "iceberg://") {
		return Usage(errors.New("the output has the input's format: a file input writes a file (use load to append it to a table)"))
	}
	outFmt, err := outputFormat(cmd)
	if err != nil {
		return err
	}
	inLoc, err := runnerio.Parse(input)
	if err != nil {
		return Usage(fmt.Errorf("input: %w", err))
	}
	outLoc, err := runnerio.Parse(f.out)
	if err != nil {
		return Usage(fmt.Errorf("--out: %w", err))
	}
	if err := checkOutputs(map[string]string{"out": f.out, "audit": f.audit}); err != nil {
		return err
	}
	if sameLocation(inLoc, outLoc) {
		return Usage(errors.New("--out must differ from the input; the input is never overwritten"))
	}
	format, err := deidFormat(f.format, input)
	if err != nil {
		return err
	}
	if err := outputMatchesFormat(f.out, format); err != nil {
		return err
	}
	store, _, err := openStore(inLoc, outLoc)
	if err != nil {
		return err
	}
	policy, key, keyErr, err := loadDeidPolicy(ctx, f)
	if err != nil {
		return err
	}
	audit, err := deidRun(ctx, cmd, store, policy, inLoc, outLoc, format, f, key, keyErr)
	if err != nil {
		return err
	}

	return reportDeid(cmd, f, audit, input, outFmt)
}

// loadDeidPolicy reads and parses --policy and resolves the key. A missing
// key is fatal here only when the policy itself needs one; with a profile,
// the engine decides once the columns are classified.
func loadDeidPolicy(ctx context.Context, f deidFlags) (*deid.Policy, []byte, error, error) {
	polLoc, err := runnerio.Parse(f.policy)
	if err != nil {
		return nil, nil, nil, Usage(fmt.Errorf("--policy: %w", err))
	}
	store, _, err := openStore(polLoc)
	if err != nil {
		return nil, nil, nil, err
	}
	raw, err := readDocument(ctx, store, polLoc, "policy")
	if err != nil {
		return nil, nil, nil, err
	}
	policy, err := deid.ParsePolicy(raw)
	if err != nil {
		return nil, nil, nil, Usage(fmt.Errorf("%s: %w", f.policy, err))
	}
	if f.keyEnv != "" && f.keyFile != "" {
		return nil, nil, nil, Usage(errors.New("give --key-env or --key-file, not both"))
	}
	key, keyErr := deidKey(policy, f)
	if keyErr != nil && policy.NeedsKey() && policy.Profile == "" {
		return nil, nil, nil, Usage(keyErr)
	}

	return policy, key, keyErr, nil
}

// reportDeid writes the audit: as JSON to --audit, and to stdout as text or
// JSON.
func reportDeid(cmd *cobra.Command, f deidFlags, audit *deid.Audit, input, outFmt string) error {
	audit.Policy, audit.Input, audit.Output = f.policy, input, f.out
	if f.audit != "" {
		b, _ := json.MarshalIndent(audit, "", "  ")
		if err := runnerio.WriteFile(f.audit, append(b, '\n')); err != nil {
			return Runtime(fmt.Errorf("writing the audit: %w", err))
		}
	}
	var err error
	if outFmt == "json" {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		err = enc.Encode(audit)
	} else {
		err = audit.WriteText(cmd.OutOrStdout())
	}
	if err != nil {
		return Runtime(fmt.Errorf("writing the report: %w", err))
	}

	return nil
}

// deidProgress reports rows done on stderr, only when it is a terminal.
func deidProgress(cmd *cobra.Command) func(int64) {
	if !isTerminal(os.Stderr) {
		return nil
	}

	return func(n int64) { _, _ = fmt.Fprintf(cmd.ErrOrStderr(), "\rde-identified %d rows", n) }
}

// deidKey resolves the key source: flags first, then the policy, then the
// default environment variable. Whether a key is needed is known only once
// the profile has classified the input's columns, so the engine reports a
// missing key, naming the column that needs it.
func deidKey(p *deid.Policy, f deidFlags) ([]byte, error) {
	src := deid.KeySource{Env: f.keyEnv, File: f.keyFile}
	switch {
	case src != (deid.KeySource{}):
	case p.Key != nil:
		src = *p.Key
	default:
		src.Env = deid.DefaultKeyEnv
	}
	return deid.LoadKey(src)
}

func deidFormat(flag, input string) (string, error) {
	if flag == "" {
		switch strings.ToLower(filepath.Ext(strings.TrimSuffix(input, "/"))) {
		case ".parquet", ".pq":
			flag = "parquet"
		case ".tsv", ".tab":
			flag = "tsv"
		default:
			flag = "csv"
		}
	}
	switch flag {
	case "csv", "tsv", "parquet":
		return flag, nil
	}

	return "", Usage(fmt.Errorf("--format must be csv, tsv or parquet, not %q", flag))
}

// outputMatchesFormat refuses an --out whose extension names another file
// format than the one written (the input's): a CSV named .parquet would
// fail whatever reads it next, far from its cause.
func outputMatchesFormat(out, format string) error {
	if strings.HasPrefix(out, "iceberg://") {
		return nil
	}
	ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(out, "/")))
	named := map[string]string{".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv"}[ext]
	if named == "" || named == format {
		return nil // no extension, or one that names no format (.txt)
	}

	return Usage(fmt.Errorf("--out %s names a %s file, but the output is written as %s, the input's format; "+
		"give it the %s extension", out, named, format, format))
}

// deidRun writes the output to an atomic local file (a temporary file for
// s3:// outputs, uploaded once complete), so a failure leaves no output.
func deidRun(ctx context.Context, cmd *cobra.Command, store *runnerio.Store, p *deid.Policy, in, out runnerio.Location,
	format string, f deidFlags, key []byte, keyErr error) (*deid.Audit, error) {
	localOut := out.Key
	var tmpDir string
	if out.IsS3() {
		d, err := os.MkdirTemp("", "lakehouse-deid-")
		if err != nil {
			return nil, Runtime(err)
		}
		tmpDir = d
		defer os.RemoveAll(tmpDir)
		localOut = filepath.Join(tmpDir, filepath.Base(out.Key))
	}
	af, err := runnerio.Create(localOut)
	if err != nil {
		return nil, Runtime(fmt.Errorf("creating the output: %w", err))
	}
	defer af.Abort()
	progress := deidProgress(cmd)
	if progress != nil {
		defer func() { _, _ = fmt.Fprintln(cmd.ErrOrStderr()) }() // progress only
	}
	opts := deid.Options{Key: key, KeyErr: keyErr}
	var audit *deid.Audit
	if format == "parquet" {
		audit, err = deidParquet(ctx, store, p, in, af, opts, progress)
	} else {
		audit, err = deidCSV(ctx, store, p, in, af, format, f.encoding, opts, progress)
	}
	if err != nil {
		return nil, err
	}
	if err := af.Commit(); err != nil {
		return nil, Runtime(fmt.Errorf("writing the output: %w", err))
	}
	if out.IsS3() {
		ct := "text/csv"
		if format == "parquet" {
			ct = "application/vnd.apache.parquet"
		}
		if err := store.Put(ctx, out, localOut, ct); err != nil {
			return nil, Runtime(fmt.Errorf("uploading the output: %w", err))
		}
	}

	return audit, nil
}

func deidCSV(ctx context.Context, store *runnerio.Store, p *deid.Policy, in runnerio.Location, w io.Writer, format, encoding string,
	opts deid.Options, progress func(int64)) (*deid.Audit, error) {
	if !tabular.KnownEncoding(encoding) {
		return nil, Usage(fmt.Errorf("--encoding must be one of %s", strings.Join(tabular.Encodings, ", ")))
	}
	r, err := store.Open(ctx, in)
	if err != nil {
		return nil, Runtime(fmt.Errorf("opening the input: %w", err))
	}
	defer r.Close()
	copts := tabular.CSVOptions{Encoding: encoding}
	if format == "tsv" {
		copts.Comma = '\t'
	}
	a, err := deid.ProcessCSV(ctx, p, r, w, copts, opts, progress)
	if err != nil {
		err = fmt.Errorf("%s: %w", in, err) // the other commands name the input too
	}

	return a, deidError(err)
}

func deidParquet(ctx context.Context, store *runnerio.Store, p *deid.Policy, in runnerio.Location, w io.Writer,
	opts deid.Options, progress func(int64)) (*deid.Audit, error) {
	path := in.Key
	if in.IsS3() {
		// Parquet needs random access: stage the object in a temporary file.
		tmp, err := os.CreateTemp("", "lakehouse-deid-in-*.parquet")
		if err != nil {
			return nil, Runtime(err)
		}
		defer os.Remove(tmp.Name())
		r, err := store.Open(ctx, in)
		if err != nil {
			tmp.Close()

			return nil, Runtime(fmt.Errorf("opening the input: %w", err))
		}
		_, err = io.Copy(tmp, r)
		r.Close()
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, Runtime(fmt.Errorf("downloading the input: %w", err))
		}
		path = tmp.Name()
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, Runtime(fmt.Errorf("opening the input: %w", err))
	}
	defer fh.Close()
	a, err := deid.ProcessParquet(ctx, p, fh, w, opts, progress)

	return a, deidError(err)
}

// deidError sorts failures: a policy that does not fit the input is a
// configuration error (exit 2), anything else a data or runtime error (3).
func deidError(err error) error {
	if err == nil {
		return nil
	}
	var ce *deid.ColumnError
	var fe *deid.FitError
	if errors.As(err, &ce) || errors.As(err, &fe) {
		return Usage(err)
	}

	return Runtime(err)
}

// sameLocation reports whether two locations name the same file or object:
// ./a.csv, a.csv, an absolute path and a symbolic link to it are one file.
func sameLocation(a, b runnerio.Location) bool {
	if a.IsS3() || b.IsS3() {
		return a.Bucket == b.Bucket && strings.TrimPrefix(a.Key, "/") == strings.TrimPrefix(b.Key, "/")
	}
	if fa, err := os.Stat(a.Key); err == nil {
		if fb, err := os.Stat(b.Key); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	pa, errA := filepath.Abs(a.Key)
	pb, errB := filepath.Abs(b.Key)

	return errA == nil && errB == nil && pa == pb
}
