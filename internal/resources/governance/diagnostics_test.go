package governance_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// validateConfig sends config (JSON, attributes left out are null) to the
// provider as Terraform does and returns the error diagnostics by the
// attribute path they are attached to.
func validateConfig(t *testing.T, typeName, config string) map[string][]*tfprotov6.Diagnostic {
	t.Helper()
	srv, err := acctest.ProviderFactories["lakehouse"]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.ValidateResourceConfig(t.Context(), &tfprotov6.ValidateResourceConfigRequest{
		TypeName: typeName, Config: &tfprotov6.DynamicValue{JSON: []byte(config)},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*tfprotov6.Diagnostic{}
	for _, d := range resp.Diagnostics {
		if d.Severity != tfprotov6.DiagnosticSeverityError {
			continue
		}
		at := "(no attribute)"
		if d.Attribute != nil {
			at = d.Attribute.String()
		}
		out[at] = append(out[at], d)
	}

	return out
}

// wantOnce fails unless every problem is one error at its attribute path:
// the runner's own checks and the schema's validators must not both report
// the same problem.
func wantOnce(t *testing.T, got map[string][]*tfprotov6.Diagnostic, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if n := len(got[p]); n != 1 {
			t.Errorf("%s: %d errors, want 1", p, n)
		}
	}
	if len(got) != len(paths) {
		t.Errorf("errors at %d attributes, want %d (%s)", len(got), len(paths), strings.Join(paths, ", "))
	}
	if t.Failed() {
		for p, ds := range got {
			for _, d := range ds {
				t.Logf("%s: %s: %s", p, d.Summary, d.Detail)
			}
		}
	}
}

// Every rule that both the runner's policy check and a schema validator
// enforce is reported once, at its attribute.
func TestDeidPolicy_eachProblemOnce(t *testing.T) {
	col := func(name, attr string) string {
		p := `AttributeName("columns").ElementKeyString("` + name + `")`
		if attr != "" {
			p += `.AttributeName("` + attr + `")`
		}

		return p
	}
	cases := map[string]struct {
		config string
		want   []string
	}{
		"action, length, identifier, key": {`{
		  "bucket": "governance", "name": "p", "key_env": "KEY", "key_file": "/run/key",
		  "columns": {
		    "a": {"action": "shred"},
		    "b": {"action": "pseudonymise", "length": 3},
		    "c": {"action": "drop", "identifier": "NOPE"}
		  }
		}`, []string{col("a", "action"), col("b", "length"), col("c", "identifier"), `AttributeName("key_env")`}},
		"operator settings": {`{
		  "bucket": "governance", "name": "p", "subject_column": "id",
		  "columns": {
		    "h": {"action": "hash", "hash_type": "md5"},
		    "d": {"action": "date_shift", "max_shift_days": 5000},
		    "m": {"action": "mask", "chars_to_mask": -1},
		    "r": {"action": "keep", "positions": [0]}
		  }
		}`, []string{col("h", "hash_type"), col("d", "max_shift_days"), col("m", "chars_to_mask"), col("r", "positions") + ".ElementKeyInt(0)"}},
		"scrub": {`{
		  "bucket": "governance", "name": "p",
		  "columns": {"s": {"action": "scrub", "scrub": {"min_confidence": 2, "skip": ["NOPE"]}}}
		}`, []string{col("s", "scrub") + `.AttributeName("min_confidence")`, col("s", "scrub") + `.AttributeName("skip").ElementKeyValue(tftypes.String<"NOPE">)`}},
		"policy settings": {`{"bucket": "governance", "name": "p", "profile": "hipaa", "default_action": "shred"}`,
			[]string{`AttributeName("profile")`, `AttributeName("default_action")`}},
		"no rules": {`{"bucket": "governance", "name": "p", "columns": {}}`, []string{`AttributeName("columns")`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			wantOnce(t, validateConfig(t, "lakehouse_deid_policy", c.config), c.want...)
		})
	}
}

// The same for the submission schema's check.
func TestSubmissionSchema_eachProblemOnce(t *testing.T) {
	tbl := `AttributeName("tables").ElementKeyString("scores")`
	cases := map[string]struct {
		config string
		want   []string
	}{
		"column type": {`{
		  "bucket": "governance", "name": "s",
		  "tables": {"scores": {"file_name": "scores.csv", "columns": [{"name": "n", "type": "int"}]}}
		}`, []string{tbl + `.AttributeName("columns").ElementKeyInt(0).AttributeName("type")`}},
		"table settings": {`{
		  "bucket": "governance", "name": "s",
		  "tables": {"scores": {"file_name": "scores.csv", "additional_columns": "sometimes", "columns": []}}
		}`, []string{tbl + `.AttributeName("additional_columns")`, tbl + `.AttributeName("columns")`}},
		"schema settings": {`{
		  "bucket": "governance", "name": "",
		  "entities": [{"name": "inst", "format": "word"}],
		  "dataset_description": {"required_fields": ["titel"], "licenses": ["CC BY 4.0"]},
		  "tables": {}
		}`, []string{`AttributeName("name")`, `AttributeName("entities").ElementKeyInt(0).AttributeName("format")`,
			`AttributeName("dataset_description").AttributeName("required_fields").ElementKeyInt(0)`,
			`AttributeName("dataset_description").AttributeName("licenses").ElementKeyValue(tftypes.String<"CC BY 4.0">)`,
			`AttributeName("tables")`}},
		"foreign key": {`{
		  "bucket": "governance", "name": "s",
		  "tables": {"scores": {"file_name": "scores.csv", "columns": [{"name": "n", "type": "integer"}]}},
		  "foreign_keys": [{"table": "scores", "columns": [], "references_table": "scores", "references_columns": ["n"]}]
		}`, []string{`AttributeName("foreign_keys").ElementKeyInt(0).AttributeName("columns")`,
			`AttributeName("foreign_keys").ElementKeyInt(0).AttributeName("references_columns")`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			wantOnce(t, validateConfig(t, "lakehouse_submission_schema", c.config), c.want...)
		})
	}
}

// Kwargs that are not JSON are reported by the attribute's JSON type alone.
func TestExpectationSuite_eachProblemOnce(t *testing.T) {
	got := validateConfig(t, "lakehouse_expectation_suite", `{
	  "bucket": "governance", "name": "s",
	  "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": "{column: a}"}]
	}`)
	wantOnce(t, got, `AttributeName("expectations").ElementKeyInt(0).AttributeName("kwargs")`)
}
