package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A suite, policy or schema file that does not exist is a configuration
// error (exit 2) naming it, from every command that reads one.
func TestMissingGovernanceDocumentIsUsageError(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.csv")
	if err := os.WriteFile(data, []byte("id\n1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	t.Setenv("LAKEHOUSE_DEID_KEY", "a-test-key-of-32-bytes-exactly!!")
	for name, tc := range map[string]struct {
		args []string
		what string
	}{
		"check suite":   {[]string{"check", "--suite", missing, data}, "suite"},
		"deid policy":   {[]string{"deid", "--policy", missing, data, "--out", filepath.Join(dir, "out.csv")}, "policy"},
		"validate":      {[]string{"validate", "--schema", missing, dir}, "schema"},
		"submit schema": {[]string{"submit", "--schema", missing, dir}, "schema"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Execute(context.Background(), tc.args, &out, &errb)
			if want := "the " + tc.what + " " + missing + " does not exist"; code != ExitUsage || !strings.Contains(errb.String(), want) {
				t.Fatalf("exit %d, want %d with %q; stderr:\n%s", code, ExitUsage, want, errb.String())
			}
		})
	}
}
