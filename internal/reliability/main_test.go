// Package reliability_test holds the cross-cutting fault, secret-hygiene and
// crash tests: the real terraform CLI drives a provider binary built from
// this checkout (through a dev_overrides CLI configuration, so the provider
// runs as its own process and TF_LOG=trace sees everything it logs) against a
// real MinIO, a SQLite Iceberg catalog and the contract fakes, often through
// a fault-injecting proxy. Runner tests build lakehouse-runner and kill it.
package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

var (
	minioServer *acctest.MinIO
	binDir      string // provider and runner binaries, the CLI configuration

	buildOnce sync.Once
	buildErr  error
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if binDir, err = os.MkdirTemp("", "lakehouse-reliability-"); err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}
	defer os.RemoveAll(binDir)
	if os.Getenv("TF_ACC") != "" {
		if minioServer, err = acctest.StartMinIO(); err != nil {
			fmt.Fprintln(os.Stderr, "starting MinIO:", err)

			return 1
		}
		defer func() { minioServer.Stop() }()
	}

	return m.Run()
}

// requireAcc skips a test that drives terraform unless TF_ACC is set.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform CLI not on PATH")
	}
}

// binaries builds the provider and the runner once per test binary.
func binaries(t *testing.T) {
	t.Helper()
	buildOnce.Do(func() {
		root := acctest.RepoRoot()
		for _, b := range []struct{ out, pkg string }{
			{"terraform-provider-lakehouse", "."},
			{"lakehouse-runner", "./cmd/lakehouse-runner"},
		} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, b.out), b.pkg)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("go build %s: %w\n%s", b.pkg, err, out)

				return
			}
		}
		rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
			"registry.terraform.io/spanda-ai/lakehouse", binDir)
		buildErr = os.WriteFile(filepath.Join(binDir, "terraformrc"), []byte(rc), 0o600)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

func providerBinary(t *testing.T) string {
	binaries(t)

	return filepath.Join(binDir, "terraform-provider-lakehouse")
}

func runnerBinary(t *testing.T) string {
	binaries(t)

	return filepath.Join(binDir, "lakehouse-runner")
}

// requiredProviders pins the provider address dev_overrides replaces.
const requiredProviders = `
terraform {
  required_providers {
    lakehouse = { source = "spanda-ai/lakehouse" }
  }
}
`

// workspace is one terraform working directory.
type workspace struct {
	t   *testing.T
	dir string
	env []string
}

func newWorkspace(t *testing.T, config string) *workspace {
	t.Helper()
	binaries(t)
	w := &workspace{t: t, dir: t.TempDir()}
	w.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+filepath.Join(binDir, "terraformrc"),
		"TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1",
		// The provider's environment fallbacks must not pick up anything
		// from the developer's shell: every test configures its blocks.
		"LAKEHOUSE_S3_ENDPOINT=", "LAKEHOUSE_S3_ACCESS_KEY=", "AWS_ACCESS_KEY_ID=",
	)
	w.write(config)

	return w
}

func (w *workspace) write(config string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(requiredProviders+config), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// tf runs terraform with a deadline and returns stdout, stderr and the error.
func (w *workspace) tf(timeout time.Duration, extraEnv []string, args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, w.env...), extraEnv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("terraform %s: timed out after %s: %w", strings.Join(args, " "), timeout, err)
	}

	return out.String(), errb.String(), err
}

// must runs terraform and fails the test on a non-zero exit.
func (w *workspace) must(timeout time.Duration, args ...string) string {
	w.t.Helper()
	out, errb, err := w.tf(timeout, nil, args...)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s\n%s", strings.Join(args, " "), err, tail(out, 4000), tail(errb, 4000))
	}

	return out
}

// planIsEmpty runs `terraform plan -detailed-exitcode`: 0 means no changes.
func (w *workspace) planIsEmpty(timeout time.Duration) (bool, string) {
	w.t.Helper()
	out, errb, err := w.tf(timeout, nil, "plan", "-no-color", "-detailed-exitcode", "-lock=false")
	if err == nil {
		return true, out
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 2 {
		return false, out
	}
	w.t.Fatalf("terraform plan: %v\n%s\n%s", err, tail(out, 4000), tail(errb, 4000))

	return false, ""
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}

	return "..." + s[len(s)-n:]
}
