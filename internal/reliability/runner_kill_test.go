package reliability_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const killPolicy = `{"format_version":1,"subject_column":"id","columns":{
  "id":{"action":"pseudonymise"},
  "name":{"action":"drop"},
  "notes":{"action":"scrub"},
  "visit":{"action":"date_shift"},
  "score":{"action":"keep"}}}`

const killSuite = `{"name":"kill","expectations":[
  {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"id"}},
  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
  {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
  {"type":"expect_column_values_to_match_regex","kwargs":{"column":"visit","regex":"^\\d{4}-\\d{2}-\\d{2}$"}}]}`

// writeKillCSV writes n rows of student-like records with free text.
func writeKillCSV(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	// A bufio.Writer keeps its first error, and Flush below reports it.
	_, _ = fmt.Fprintln(w, "id,name,notes,visit,score")
	for i := 0; i < n; i++ {
		_, _ = fmt.Fprintf(w, "%d,Student %d,\"called 617-555-%04d about module %d, email s%d@uni.example.edu\",2021-%02d-%02d,%d\n",
			i, i, i%10000, i%7, i, i%12+1, i%28+1, i%101)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}

	return hex.EncodeToString(h.Sum(nil))
}

// dirNames lists a folder, hidden files included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(es))
	for _, e := range es {
		names = append(names, e.Name())
	}

	return names
}

// runToEnd runs the runner and returns how long it took.
func runToEnd(t *testing.T, bin string, env []string, args ...string) time.Duration {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var errb bytes.Buffer
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		// check exits 1 when an expectation fails; only a crash matters here.
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() > 1 {
			t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, errb.String())
		}
	}

	return time.Since(start)
}

// readOffset returns how far the process pid has read into the file at
// path (its descriptor's offset in /proc), or -1 while it has it not open.
func readOffset(pid int, path string) int64 {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	for _, fd := range fds {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err != nil || target != path {
			continue
		}
		info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/%s", pid, fd.Name()))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "pos:"); ok {
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if err == nil {
					return n
				}
			}
		}
	}

	return -1
}

// killMidway starts the runner and sends SIGKILL once it has read half of
// its input (seen in /proc, so the kill lands mid-way however fast the
// machine is), after checking it was still running. Where /proc cannot
// tell, it kills after half the time of the uninterrupted run.
func killMidway(t *testing.T, bin string, env []string, full time.Duration, in string, args ...string) {
	t.Helper()
	st, err := os.Stat(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	fallback := time.After(full / 2)
	_, procOK := os.Stat("/proc/self/fdinfo")
	for halfway := false; !halfway; {
		select {
		case err := <-done:
			t.Fatalf("the runner finished (%v) before it could be killed; make the input larger", err)
		case <-fallback:
			halfway = procOK != nil
		case <-time.After(time.Millisecond): // a poll of /proc, not a wait for the runner
			halfway = procOK == nil && readOffset(cmd.Process.Pid, in) >= st.Size()/2
		}
	}
	at := readOffset(cmd.Process.Pid, in)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the runner was not killed: %v", err)
	}
	t.Logf("killed at input offset %d of %d", at, st.Size())
}

// The runner killed with SIGKILL half-way through deid and check --html on
// a large CSV leaves no output at all (not even a hidden partial file), its
// input byte-identical; running it again gives the same output as an
// uninterrupted run (byte-identical for deid with a fixed key).
func TestReliability_runnerKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner and writes a large file")
	}
	bin := runnerBinary(t)
	dir := t.TempDir()
	// deid scrubs free text (~10k rows/s here), check streams much faster:
	// each input is sized for a run of a few seconds.
	small, large := filepath.Join(dir, "small.csv"), filepath.Join(dir, "large.csv")
	writeKillCSV(t, small, 40_000)
	writeKillCSV(t, large, 400_000)
	policy := filepath.Join(dir, "policy.json")
	suite := filepath.Join(dir, "suite.json")
	for p, s := range map[string]string{policy: killPolicy, suite: killSuite} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "LAKEHOUSE_DEID_KEY=reliability-test-key-0123456789abcdef")

	cases := []struct {
		name, in string
		args     func(in, out string) []string
	}{
		{"deid", small, func(in, out string) []string { return []string{"deid", "--policy", policy, in, "--out", out} }},
		{"check_html", large, func(in, out string) []string { return []string{"check", "--suite", suite, "--html", out, in} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			inHash := fileHash(t, in)
			refDir, outDir := t.TempDir(), t.TempDir()
			ref := filepath.Join(refDir, "out")
			full := runToEnd(t, bin, env, c.args(in, ref)...)
			t.Logf("uninterrupted run: %s", full.Round(time.Millisecond))

			out := filepath.Join(outDir, "out")
			killMidway(t, bin, env, full, in, c.args(in, out)...)
			if names := dirNames(t, outDir); len(names) != 0 {
				t.Fatalf("the killed run left files in the output folder: %v", names)
			}
			if got := fileHash(t, in); got != inHash {
				t.Fatal("the input changed")
			}

			runToEnd(t, bin, env, c.args(in, out)...)
			if c.name == "deid" {
				if fileHash(t, out) != fileHash(t, ref) {
					t.Fatal("the re-run's output differs from an uninterrupted run's")
				}
			} else if st, err := os.Stat(out); err != nil || st.Size() == 0 {
				t.Fatalf("the re-run wrote no report: %v", err)
			}
			if names := dirNames(t, outDir); len(names) != 1 {
				t.Fatalf("the re-run left extra files: %v", names)
			}
			if got := fileHash(t, in); got != inHash {
				t.Fatal("the input changed")
			}
		})
	}
}
