package reliability_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// A corrupt Parquet file that made arrow-go panic (found by
// FuzzParquetStream) is a clear error with exit code 3 from every runner
// command that reads Parquet, never a panic, and leaves no output.
func TestReliability_runnerCorruptParquet(t *testing.T) {
	bin := runnerBinary(t)
	corpus := filepath.Join(acctest.RepoRoot(), "internal", "tabular", "testdata", "fuzz", "FuzzParquetStream", "invalid-logical-type")
	raw, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	lit, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.parquet")
	policy := filepath.Join(dir, "policy.json")
	suite := filepath.Join(dir, "suite.json")
	for p, s := range map[string]string{bad: lit, policy: killPolicy, suite: killSuite} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "LAKEHOUSE_DEID_KEY=reliability-test-key-0123456789abcdef",
		"LAKEHOUSE_CATALOG_TYPE=sql", "LAKEHOUSE_CATALOG_URI="+filepath.Join(dir, "cat.db"),
		"LAKEHOUSE_CATALOG_WAREHOUSE=file://"+filepath.Join(dir, "wh"))
	out := filepath.Join(dir, "out")
	for name, args := range map[string][]string{
		"check": {"check", "--suite", suite, bad},
		"deid":  {"deid", "--policy", policy, bad, "--out", out + ".parquet"},
		"load":  {"load", bad, "--table", "bench.bad", "--create"},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin, args...)
			cmd.Env = env
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 3 || strings.Contains(errb.String(), "panic") ||
				!strings.Contains(errb.String(), "corrupt") {
				t.Fatalf("want exit 3 naming a corrupt file, got %v:\n%s", err, errb.String())
			}
			if _, err := os.Stat(out + ".parquet"); err == nil {
				t.Fatal("an output was left behind")
			}
		})
	}
}
