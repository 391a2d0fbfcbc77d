// Package examples_test runs the shipped Terraform configurations with the
// real terraform CLI against a freshly built provider: the quickstart (the
// main job, end to end on real data) and the dev and prod environments.
package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/cli"
)

var (
	server  *acctest.MinIO
	cliConf string // TF_CLI_CONFIG_FILE with a dev override to the built provider
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "lakehouse-examples-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}
	defer os.RemoveAll(dir)
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-lakehouse"), ".")
	build.Dir = acctest.RepoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the provider: %v\n%s", err, out)

		return 1
	}
	cliConf = filepath.Join(dir, "terraformrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/spanda-ai/lakehouse\" = %q\n  }\n  direct {}\n}\n", dir)
	if err := os.WriteFile(cliConf, []byte(rc), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}

	return acctest.RunWithMinIO(m, &server)
}

// workspace copies the examples tree (modules are referenced by relative
// path) into a temp folder and returns the path of the named configuration.
func workspace(t *testing.T, config string) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC not set: the examples run against a real MinIO with the terraform CLI")
	}
	dst := t.TempDir()
	src := filepath.Join(acctest.RepoRoot(), "examples")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".terraform" || d.Name() == "data" {
				return filepath.SkipDir
			}

			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !strings.HasSuffix(p, ".tf") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}

		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}

	return filepath.Join(dst, config)
}

// tf runs terraform in dir and returns its exit code and output.
func tf(t *testing.T, dir string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("terraform", append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConf, "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	}

	return cmd.ProcessState.ExitCode(), out.String()
}

func mustTF(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out := tf(t, dir, args...)
	if code != 0 {
		t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}

	return out
}

// catalogEnv points the provider and the runner at a fresh SQLite catalog
// whose warehouse is in the given bucket of the test MinIO.
func catalogEnv(t *testing.T, warehouseBucket string) {
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", "file:"+filepath.Join(t.TempDir(), "catalog.db"))
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", "s3://"+warehouseBucket+"/warehouse")
}

// The main job: the quickstart applies, the runner takes the real OULAD
// submission through validate, check, de-identify and load with the
// documents Terraform wrote, and the plan afterwards is empty.
func TestExamplesQuickstart_mainJob(t *testing.T) {
	dir := workspace(t, "quickstart")
	catalogEnv(t, "demo-warehouse")
	t.Setenv("LAKEHOUSE_DEID_KEY", "examples-test-key-0123456789abcdef")
	mustTF(t, dir, "get")
	mustTF(t, dir, "apply", "-auto-approve")
	defer mustTF(t, dir, "destroy", "-auto-approve")

	var outputs map[string]struct{ Value any }
	if err := json.Unmarshal([]byte(mustTF(t, dir, "output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return fmt.Sprint(outputs[name].Value) }
	var files map[string]struct{ Suite, Policy, Table *string }
	if err := json.Unmarshal([]byte(mustTF(t, dir, "output", "-json", "runner_files")), &files); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	args := []string{"submit", "--schema", out("runner_schema_uri"),
		"--out", filepath.Join(work, "deidentified"), "--result", filepath.Join(work, "report.json")}
	suites := 0
	for f, v := range files {
		if v.Suite != nil {
			args = append(args, "--suite", f+"="+*v.Suite)
			suites++
		}
		args = append(args, "--policy", f+"="+*v.Policy, "--table", f+"="+*v.Table)
	}
	if len(files) != 6 || suites != 2 {
		t.Fatalf("runner_files: %d files, %d suites; want the six OULAD files, two with suites", len(files), suites)
	}
	args = append(args, filepath.Join(acctest.RepoRoot(), "examples", "quickstart", "data", "oulad"))
	var stdout, stderr bytes.Buffer
	if code := cli.Execute(context.Background(), args, &stdout, &stderr); code != cli.ExitOK {
		t.Fatalf("submit exited %d:\n%s\n%s", code, stdout.String(), stderr.String())
	}
	var rep cli.SubmissionReport
	b, err := os.ReadFile(filepath.Join(work, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	// Every OULAD table is loaded whole (data README counts).
	want := map[string]int64{"student_info": 12489, "student_assessment": 36184, "student_registration": 12489,
		"vle": 3219, "assessments": 37, "courses": 12}
	if !rep.Success || len(rep.Stages[3].Loads) != len(want) {
		t.Fatalf("report: %s", b)
	}
	for _, l := range rep.Stages[3].Loads {
		name := l.Table[strings.LastIndex(l.Table, ".")+1:]
		if l.Rows != want[name] {
			t.Errorf("%s: %d rows loaded, want %d", l.Table, l.Rows, want[name])
		}
	}

	stdout.Reset()
	stderr.Reset()
	patients := filepath.Join(acctest.RepoRoot(), "examples", "quickstart", "data", "synthea", "patients.csv")
	code := cli.Execute(context.Background(), []string{"deid", "--policy", out("runner_patients_policy_uri"), patients,
		"--out", filepath.Join(work, "patients.csv")}, &stdout, &stderr)
	if code != cli.ExitOK {
		t.Fatalf("deid exited %d:\n%s\n%s", code, stdout.String(), stderr.String())
	}

	if code, plan := tf(t, dir, "plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after apply and runs is not empty (exit %d):\n%s", code, plan)
	}
}

// The dev environment (two institutions from one module) validates and
// plans; prod validates.
func TestExamplesEnvironments_validateAndPlan(t *testing.T) {
	dev := workspace(t, filepath.Join("environments", "dev"))
	catalogEnv(t, "dev-warehouse")
	mustTF(t, dev, "get")
	mustTF(t, dev, "validate")
	plan := mustTF(t, dev, "plan", "-no-color")
	for _, want := range []string{
		`module.institution["dev-uni-a"].lakehouse_iceberg_table.student_info will be created`,
		`module.institution["dev-uni-b"].lakehouse_deid_policy.students will be created`,
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q", want)
		}
	}

	prod := filepath.Join(filepath.Dir(dev), "prod")
	mustTF(t, prod, "get")
	mustTF(t, prod, "validate")
}
