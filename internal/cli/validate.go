package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func init() { register(newValidateCommand) }

type validateFlags struct {
	schema, config, encoding string
	maxRows                  int
	includeHidden            bool
}

func newValidateCommand() *cobra.Command {
	var f validateFlags
	cmd := &cobra.Command{
		Use:   "validate --schema SCHEMA DATASET",
		Short: "Validate a data submission's files, names, columns and metadata against a submission schema",
		Long: `validate checks a submission (a folder, or an s3:// prefix, of CSV, TSV and Parquet
tables and JSON metadata) against a submission schema (the JSON document that
lakehouse_submission_schema writes; a local path or s3://bucket/key):
dataset_description.json and its FAIR fields (title, creators with ORCID check, SPDX
licence, data-use basis, DOI), file names (exact names or entity-suffix names such as
inst-ou_term-2013J_enrolment.csv), every table's column dictionary (type, allowed values,
range, pattern, missing values), JSON sidecars merged from parent folders, primary keys
and cross-file keys (every student in a fact table appears in the roster).

Findings follow the BIDS validator's issue model (code, severity, location, message,
suggestion); a --config file reclassifies them by partial match. Hidden files, .DS_Store
and macOS AppleDouble (._*) files are listed as ignored, not validated.

Exit codes: 0 valid (warnings allowed), 1 errors remain, 2 bad flags, schema or config,
3 unreadable input.`,
		Example: `  # 1. Validate the demo's OULAD copy with the shipped schema
  lakehouse-runner validate --schema examples/schemas/oulad.json examples/quickstart/data/oulad

  # 2. Use the schema Terraform wrote, on a submission in MinIO; JSON for machines
  lakehouse-runner validate -o json --schema s3://governance/governance/submission-schemas/oulad.json s3://landing/oulad/

  # 3. Quick look: check values of the first 1000 rows only; a latin-1 export
  lakehouse-runner validate --schema oulad.json --max-rows 1000 --encoding latin1 ./export

  # 4. Downgrade a code for one folder (see examples/schemas/validate-config.json)
  lakehouse-runner validate --schema oulad.json --config examples/schemas/validate-config.json ./submission`,
		Args: oneArg("the submission's folder or s3:// prefix", "schema"),
		RunE: func(cmd *cobra.Command, args []string) error { return runValidate(cmd, f, args[0]) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.schema, "schema", "", "submission schema: local path or s3://bucket/key (required)")
	fl.StringVarP(&f.config, "config", "c", "", "JSON file reclassifying issue codes: {\"ignore\"|\"info\"|\"warning\"|\"error\": [{code, subCode, location}]}")
	fl.IntVar(&f.maxRows, "max-rows", -1, "check values of at most N records per file (0 = header only; keys and structure are always checked in full); -1 = all")
	fl.StringVar(&f.encoding, "encoding", tabular.EncodingAuto, "encoding of the tables: auto (BOM sniffing, else UTF-8), utf-8, latin1, utf-16le, utf-16be")
	fl.BoolVar(&f.includeHidden, "include-hidden", false, "validate hidden and AppleDouble (._*) files as data instead of ignoring them")
	_ = cmd.MarkFlagRequired("schema")

	return cmd
}

func runValidate(cmd *cobra.Command, f validateFlags, dataset string) error {
	format, err := outputFormat(cmd)
	if err != nil {
		return err
	}
	schemaLoc, err := runnerio.Parse(f.schema)
	if err != nil {
		return Usage(fmt.Errorf("--schema: %w", err))
	}
	dsLoc, err := runnerio.Parse(dataset)
	if err != nil {
		return Usage(fmt.Errorf("dataset: %w", err))
	}
	if dsLoc.IsS3() && dsLoc.Key != "" && !strings.HasSuffix(dsLoc.Key, "/") {
		// A dataset is a prefix: s3://b/oulad must not also list s3://b/oulad2/.
		dsLoc.Key += "/"
	}
	if !tabular.KnownEncoding(f.encoding) {
		return Usage(fmt.Errorf("--encoding must be one of %v, not %q", tabular.Encodings, f.encoding))
	}
	store, _, err := openStore(schemaLoc, dsLoc)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	raw, err := readDocument(ctx, store, schemaLoc, "schema")
	if err != nil {
		return err
	}
	schema, err := submission.ParseSchema(raw)
	if err != nil {
		return Usage(fmt.Errorf("%s: %w", schemaLoc, err))
	}
	opts := submission.Options{MaxRows: f.maxRows, Encoding: f.encoding, IncludeHidden: f.includeHidden}
	if f.config != "" {
		craw, err := os.ReadFile(f.config)
		if err != nil {
			return Usage(fmt.Errorf("--config: %w", err))
		}
		if opts.Config, err = submission.ParseConfig(craw); err != nil {
			return Usage(fmt.Errorf("--config %s: %w", f.config, err))
		}
	}
	if isTerminal(os.Stderr) {
		opts.Progress = func(rel string, size int64) {
			_, _ = fmt.Fprintf(cmd.ErrOrStderr(), "validating %s (%d bytes)\n", rel, size) // progress only
		}
	}
	report, err := submission.Validate(ctx, submission.Dataset{Store: store, Root: dsLoc}, schema, opts)
	if err != nil {
		return Runtime(err)
	}
	if format == "json" {
		err = report.WriteJSON(cmd.OutOrStdout())
	} else {
		err = report.WriteText(cmd.OutOrStdout())
	}
	if err != nil {
		return Runtime(fmt.Errorf("writing the report: %w", err))
	}
	if report.HasErrors() {
		return Failed
	}

	return nil
}
