// Package cli implements lakehouse-runner's commands. Each command family
// lives in its own file; main only calls Execute.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, documented in the README and in --help.
const (
	ExitOK      = 0 // everything passed
	ExitFailed  = 1 // the data did not pass: expectations failed, validation errors, identifiers left
	ExitUsage   = 2 // bad command line, configuration or governance document
	ExitRuntime = 3 // unreadable data, unreachable backend, I/O failure
)

// ExitError carries an exit code through cobra.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}

	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Usage wraps err as a usage or configuration error (exit 2).
func Usage(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

// Runtime wraps err as a data or runtime error (exit 3).
func Runtime(err error) error { return &ExitError{Code: ExitRuntime, Err: err} }

// Failed is returned when the command ran but the data did not pass (exit 1).
// The report has already been printed, so it carries no message.
var Failed = &ExitError{Code: ExitFailed}

// commands lists every subcommand constructor, in the order --help shows.
var commands []func() *cobra.Command

// register adds a subcommand; each command file calls it from init.
func register(c func() *cobra.Command) { commands = append(commands, c) }

// NewRoot builds the command tree.
func NewRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "lakehouse-runner",
		Short: "Validate, check, de-identify and load data for an education-research lakehouse",
		Long: `lakehouse-runner enforces the governance documents that terraform-provider-lakehouse
declares: submission schemas, expectation suites and de-identification policies.
It reads local files or s3:// URIs and Iceberg tables, with the same environment
variables as the provider (LAKEHOUSE_S3_*, AWS_*, LAKEHOUSE_CATALOG_*).

Exit codes:
  0  everything passed
  1  the data did not pass (failed expectations, validation errors)
  2  usage or configuration error (bad flags, bad suite, policy or schema)
  3  data or runtime error (unreadable input, backend unreachable, I/O)`,
		Example: `  # The quickstart's OULAD submission, end to end (validate, check, de-identify, load)
  lakehouse-runner submit --schema s3://governance/governance/submission-schemas/oulad.json \
    --suite studentInfo.csv=s3://governance/governance/expectation-suites/student_info.json \
    --policy studentInfo.csv=s3://governance/governance/deid-policies/oulad.json \
    --table studentInfo.csv=oulad.student_info --out curated/ --report report.html data/oulad

  # One stage at a time
  lakehouse-runner validate --schema examples/schemas/oulad.json data/oulad
  lakehouse-runner check --suite suite.json data/oulad/studentInfo.csv
  lakehouse-runner deid --policy policy.json patients.csv --out patients.deid.csv
  lakehouse-runner load patients.deid.csv --table synthea.patients --create

  # Every command explains itself, with examples
  lakehouse-runner deid --help`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringP("output", "o", "text", "output format: text or json")
	for _, c := range commands {
		root.AddCommand(c())
	}

	return root
}

// Execute runs the command line and returns the process exit code.
func Execute(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := NewRoot()
	root.SetArgs(args)
	out := &countingWriter{w: stdout}
	root.SetOut(out)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	code, cause := ExitUsage, err // anything cobra itself returns is a command-line problem
	var ee *ExitError
	if errors.As(err, &ee) {
		code, cause = ee.Code, ee.Err
	}
	if cause != nil {
		_, _ = fmt.Fprintln(stderr, "error:", cause) // nowhere left to report a failure
		if out.n == 0 && (wantsJSON(cmd) || argsWantJSON(args)) {
			writeJSONError(stdout, code, cause)
		}
	}

	return code
}

// countingWriter counts what a command wrote, so that an error document is
// written only where no result was.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)

	return n, err
}

// wantsJSON reports whether the command ran with --output json.
func wantsJSON(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup("output")

	return f != nil && f.Value.String() == "json"
}

// argsWantJSON reports whether the command line asks for --output json,
// for failures that come before the flags are parsed (an unknown flag).
func argsWantJSON(args []string) bool {
	for i, a := range args {
		switch a {
		case "-o", "--output":
			if i+1 < len(args) && args[i+1] == "json" {
				return true
			}
		case "-ojson", "-o=json", "--output=json":
			return true
		}
	}

	return false
}

// writeJSONError writes a failure as the JSON document a pipeline reading
// --output json can parse, beside the text on stderr:
// {"success": false, "error": {"exit_code": 2, "kind": "usage", "message": "..."}}.
func writeJSONError(w io.Writer, code int, cause error) {
	kind := map[int]string{ExitUsage: "usage", ExitRuntime: "runtime", ExitFailed: "failed"}[code]
	doc := map[string]any{"success": false, "error": map[string]any{"exit_code": code, "kind": kind, "message": cause.Error()}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return
	}
	_, _ = fmt.Fprintf(w, "%s\n", b) // nowhere left to report a failure
}

// oneArg is a command's positional-argument rule: exactly one input, what
// it is said in the error, and a JSON file among several arguments taken
// for the governance document that goes in docFlag (as in
// "check suite.json data.csv").
func oneArg(what, docFlag string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) == 1:
			return nil
		case len(args) == 0:
			return fmt.Errorf("%s needs its input: %s (see --help)", cmd.Name(), what)
		}
		msg := fmt.Sprintf("%s takes one input, %s, but got %d: %s", cmd.Name(), what, len(args), strings.Join(args, " "))
		for _, a := range args {
			if strings.HasSuffix(strings.ToLower(a), ".json") && docFlag != "" {
				return fmt.Errorf("%s; %s looks like the document for --%s: %s --%s %s, then the input", msg, a, docFlag, cmd.Name(), docFlag, a)
			}
		}

		return errors.New(msg)
	}
}

// outputFormat returns the --output value, validated.
func outputFormat(cmd *cobra.Command) (string, error) {
	f, _ := cmd.Flags().GetString("output")
	if f != "text" && f != "json" {
		return "", Usage(fmt.Errorf("--output must be text or json, not %q", f))
	}

	return f, nil
}
