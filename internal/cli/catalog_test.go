package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A read of an Iceberg table through a SQLite catalog file that does not
// exist (a relative path read from another directory) is a configuration
// error naming the file, and the runner creates no empty catalog there.
func TestOpenCatalog_missingSQLiteFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", "file:catalog.db")
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", "file://"+filepath.Join(dir, "wh"))
	suite := filepath.Join(dir, "suite.json")
	if err := os.WriteFile(suite, []byte(`{"name":"s","expectations":[{"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"check": {"check", "--suite", suite, "iceberg://ns.t"},
		"load":  {"load", suite, "--format", "csv", "--table", "ns.t"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Execute(context.Background(), args, &out, &errb)
			if code != ExitUsage || !strings.Contains(errb.String(), filepath.Join(dir, "catalog.db")+" does not exist") {
				t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
			}
			if names, _ := filepath.Glob(filepath.Join(dir, "catalog.db*")); len(names) != 0 {
				t.Fatalf("the runner created %v", names)
			}
		})
	}
}

// An empty file where the catalog should be is refused the same way, and
// left empty.
func TestOpenCatalog_emptySQLiteFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "catalog.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", "file:"+db)
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", "file://"+filepath.Join(dir, "wh"))
	suite := filepath.Join(dir, "suite.json")
	if err := os.WriteFile(suite, []byte(`{"name":"s","expectations":[{"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Execute(context.Background(), []string{"check", "--suite", suite, "iceberg://ns.t"}, &out, &errb)
	if code != ExitUsage || !strings.Contains(errb.String(), db+" is an empty file, not a catalog") {
		t.Fatalf("exit %d, stderr:\n%s", code, errb.String())
	}
	if st, err := os.Stat(db); err != nil || st.Size() != 0 {
		t.Fatalf("the runner wrote into the empty file: %v", err)
	}
}
