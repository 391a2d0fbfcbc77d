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
