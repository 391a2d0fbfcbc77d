package runnerio

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Until Commit the output has no name in its folder (on Linux not even a
// hidden one, so a SIGKILL leaves nothing); Commit makes it appear whole
// with mode 0644, replacing an older file; Abort leaves nothing.
func TestAtomicFileCommitAndAbort(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(final, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Create(final)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("a,b\n1,2\n"); err != nil {
		t.Fatal(err)
	}
	es, _ := os.ReadDir(dir)
	if runtime.GOOS == "linux" && len(es) != 1 {
		t.Fatalf("while writing, the folder holds %d entries, want only the old file", len(es))
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(final)
	if err != nil || string(got) != "a,b\n1,2\n" {
		t.Fatalf("after Commit: %q, %v", got, err)
	}
	if st, _ := os.Stat(final); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", st.Mode().Perm())
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("after Commit the folder holds %d entries", len(es))
	}
	f.Abort() // after Commit: a no-op

	g, err := Create(filepath.Join(dir, "other.csv"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = g.WriteString("x")
	g.Abort()
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("after Abort the folder holds %d entries", len(es))
	}
}

// An output that cannot take its final name leaves nothing behind under a
// hidden one: neither when the name is a folder from the start (refused
// before anything is written) nor when it becomes one while writing.
func TestAtomicFileFolderLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "out")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(folder); err == nil {
		t.Fatal("Create accepted a folder as the output")
	}
	final := filepath.Join(dir, "late")
	f, err := Create(final)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("rows")
	if err := os.Mkdir(final, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("Commit onto a folder succeeded")
	}
	es, _ := os.ReadDir(dir)
	if len(es) != 2 {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Fatalf("after a failed Commit the folder holds %v, want only the two folders", names)
	}
}
