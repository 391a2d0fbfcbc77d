package reliability_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
)

// loadedRows returns the snapshots of an Iceberg table and the record count
// of its current one; a missing table has none of either.
func loadedRows(t *testing.T, cat catalog.Catalog, name string) (snapshots int, rows string) {
	t.Helper()
	ctx := context.Background()
	ident := table.Identifier{"kill", name}
	ok, err := cat.CheckTableExists(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return 0, ""
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	snap := tbl.CurrentSnapshot()
	if snap == nil || snap.Summary == nil {
		return len(tbl.Metadata().Snapshots()), ""
	}

	return len(tbl.Metadata().Snapshots()), snap.Summary.Properties["total-records"]
}

// killWhenDataFile starts the runner and sends SIGKILL as soon as a data
// file of the table whose folder is tableDir appears: the load is then
// writing, and has not committed.
func killWhenDataFile(t *testing.T, bin string, env []string, tableDir string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case err := <-done:
			t.Fatalf("the runner finished (%v) before it wrote a data file; make the input larger", err)
		default:
		}
		if files, _ := filepath.Glob(filepath.Join(tableDir+"*", "data", "*.parquet")); len(files) > 0 {
			break
		}
		time.Sleep(time.Millisecond) // a poll, not a wait for the runner
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the runner was not killed: %v", err)
	}
	t.Logf("killed %s after the start, while writing data files", time.Since(start).Round(time.Millisecond))
}

// lakehouse-runner load killed with SIGKILL while it writes data files
// leaves the table without any committed data (the append is one commit at
// the end), its input unchanged; the re-run appends every row exactly once.
func TestReliability_runnerLoadKilledMidway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner and writes a large file")
	}
	bin := runnerBinary(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "students.csv")
	const rows = 2_000_000
	writeKillCSV(t, in, rows)
	inHash := fileHash(t, in)
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", "file:"+filepath.Join(dir, "catalog.db"))
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", "file://"+filepath.Join(dir, "warehouse"))
	cat := createNamespace(t, "kill")
	env := os.Environ()
	args := func(name string) []string { return []string{"load", in, "--table", "kill." + name, "--create"} }

	full := runToEnd(t, bin, env, args("reference")...)
	t.Logf("uninterrupted load: %s", full.Round(time.Millisecond))
	if n, got := loadedRows(t, cat, "reference"); n != 1 || got != fmt.Sprint(rows) {
		t.Fatalf("the uninterrupted load left %d snapshots and %q records", n, got)
	}

	killWhenDataFile(t, bin, env, filepath.Join(dir, "warehouse", "kill.db", "students"), args("students")...)
	if n, got := loadedRows(t, cat, "students"); n != 0 || got != "" {
		t.Fatalf("the killed load committed %d snapshots, %q records", n, got)
	}
	if fileHash(t, in) != inHash {
		t.Fatal("the input changed")
	}

	runToEnd(t, bin, env, args("students")...)
	if n, got := loadedRows(t, cat, "students"); n != 1 || got != fmt.Sprint(rows) {
		t.Fatalf("the re-run left %d snapshots and %q records, want 1 and %d", n, got, rows)
	}
	if fileHash(t, in) != inHash {
		t.Fatal("the input changed")
	}
}
