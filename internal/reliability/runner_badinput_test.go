package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// Corrupt Parquet files that made arrow-go panic are a clear error with
// exit code 3 from every runner command that reads Parquet, never a panic,
// and leave no output. One breaks the footer (found by FuzzParquetStream);
// the other breaks a data page header, which arrow-go decodes on a
// goroutine of its own where a panic cannot be recovered by its caller.
func TestReliability_runnerCorruptParquet(t *testing.T) {
	t.Run("footer", func(t *testing.T) { runCorruptParquet(t, fuzzCorpusBytes(t, "invalid-logical-type")) })
	t.Run("page header", func(t *testing.T) { runCorruptParquet(t, corruptPageHeader(t)) })
}

func runCorruptParquet(t *testing.T, data []byte) {
	bin := runnerBinary(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.parquet")
	policy := filepath.Join(dir, "policy.json")
	suite := filepath.Join(dir, "suite.json")
	for p, s := range map[string]string{bad: string(data), policy: killPolicy, suite: killSuite} {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("LAKEHOUSE_DEID_KEY", "reliability-test-key-0123456789abcdef")
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", "file:"+filepath.Join(dir, "cat.db"))
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", "file://"+filepath.Join(dir, "wh"))
	createNamespace(t, "bench")
	out := filepath.Join(dir, "out")
	for name, args := range map[string][]string{
		"check": {"check", "--suite", suite, bad},
		"deid":  {"deid", "--policy", policy, bad, "--out", out + ".parquet"},
		"load":  {"load", bad, "--table", "bench.bad", "--create"},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin, args...)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 3 || strings.Contains(errb.String(), "goroutine") ||
				!strings.Contains(errb.String(), "corrupt") {
				t.Fatalf("want exit 3 naming a corrupt file, got %v:\n%s", err, errb.String())
			}
			if _, err := os.Stat(out + ".parquet"); err == nil {
				t.Fatal("an output was left behind")
			}
		})
	}
}

// createNamespace opens the catalog the LAKEHOUSE_CATALOG_* variables name
// and creates a namespace in it.
func createNamespace(t *testing.T, name string) catalog.Catalog {
	t.Helper()
	d, err := provider.Settings()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Open(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(context.Background(), table.Identifier{name}, nil); err != nil {
		t.Fatal(err)
	}

	return cat
}

// fuzzCorpusBytes reads one []byte entry of FuzzParquetStream's corpus.
func fuzzCorpusBytes(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "internal", "tabular", "testdata", "fuzz", "FuzzParquetStream", name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	lit, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}

	return []byte(lit)
}

// corruptPageHeader is a valid Parquet file with the columns the policy and
// suite name whose first page header still says DATA_PAGE but has lost its
// data_page_header struct: the thrift compact marker of field 5 (0x2c)
// after the three i32 fields becomes one of an unknown field.
func corruptPageHeader(t *testing.T) []byte {
	t.Helper()
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String},
		{Name: "notes", Type: arrow.BinaryTypes.String},
		{Name: "visit", Type: arrow.BinaryTypes.String},
		{Name: "score", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"Ada", "Bo"}, nil)
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"called 617-555-0100", "ok"}, nil)
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"2021-01-02", "2021-02-03"}, nil)
	b.Field(4).(*array.Int64Builder).AppendValues([]int64{50, 60}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	buf := bytes.NewBuffer(parquettest.Bytes(t, rec))
	d := buf.Bytes()
	pos := 4 // after "PAR1"
	for range 3 {
		if d[pos] != 0x15 { // field delta 1, type i32
			t.Fatalf("unexpected page header layout at byte %d: %#x", pos, d[pos])
		}
		pos++
		for d[pos]&0x80 != 0 { // varint continuation
			pos++
		}
		pos++
	}
	if d[pos] != 0x2c { // field delta 2 (id 5), type struct
		t.Fatalf("unexpected page header layout at byte %d: %#x", pos, d[pos])
	}
	d[pos] = 0x90

	return d
}
