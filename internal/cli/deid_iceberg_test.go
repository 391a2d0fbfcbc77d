package cli

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/deid"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const icebergDeidKey = "a-test-key-of-32-bytes-exactly!!"

// icebergDeidCatalog points the runner at a SQLite catalog with a local
// warehouse holding raw.students: an id, a name, a birth date, a ZIP kept
// as text and a score, two snapshots of two rows and one row.
func icebergDeidCatalog(t *testing.T) (catalog.Catalog, int64) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	uri, wh := "file:"+filepath.Join(dir, "catalog.db"), "file://"+filepath.Join(dir, "warehouse")
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", uri)
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", wh)
	t.Setenv("LAKEHOUSE_DEID_KEY", icebergDeidKey)
	cat, err := catalog.Open(ctx, &providerdata.Data{Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql", URI: uri, Warehouse: wh}})
	deidMust(t, err)
	deidMust(t, cat.CreateNamespace(ctx, table.Identifier{"raw"}, nil))
	deidMust(t, cat.CreateNamespace(ctx, table.Identifier{"curated"}, nil))
	tbl, err := cat.CreateTable(ctx, table.Identifier{"raw", "students"}, iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "Full Name", Type: iceberg.PrimitiveTypes.String},
		iceberg.NestedField{ID: 3, Name: "birth", Type: iceberg.PrimitiveTypes.Date},
		iceberg.NestedField{ID: 4, Name: "zip", Type: iceberg.PrimitiveTypes.String},
		iceberg.NestedField{ID: 5, Name: "score", Type: iceberg.PrimitiveTypes.Int32},
	))
	deidMust(t, err)
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "Full Name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "birth", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "zip", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	day := func(s string) arrow.Date32 {
		d, err := time.Parse(time.DateOnly, s)
		deidMust(t, err)

		return arrow.Date32FromTime(d)
	}
	add := func(ids []int64, names []string, births []arrow.Date32, zips []string, scores []int32) {
		b := array.NewRecordBuilder(memory.DefaultAllocator, sc)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).AppendValues(ids, nil)
		b.Field(1).(*array.StringBuilder).AppendValues(names, nil)
		b.Field(2).(*array.Date32Builder).AppendValues(births, nil)
		b.Field(3).(*array.StringBuilder).AppendValues(zips, nil)
		b.Field(4).(*array.Int32Builder).AppendValues(scores, nil)
		rec := b.NewRecordBatch()
		defer rec.Release()
		at := array.NewTableFromRecords(sc, []arrow.RecordBatch{rec})
		defer at.Release()
		tbl, err = tbl.AppendTable(ctx, at, 1024, nil)
		deidMust(t, err)
	}
	add([]int64{1, 2}, []string{"Dana Whitfield", "Ana Ruiz"}, []arrow.Date32{day("1931-05-04"), day("2001-02-03")},
		[]string{"02451", "03601"}, []int32{70, 81})
	first := tbl.CurrentSnapshot().SnapshotID
	add([]int64{3}, []string{"Grace Okafor"}, []arrow.Date32{day("1999-12-31")}, []string{"89301"}, []int32{64})

	return cat, first
}

func icebergRows(t *testing.T, cat catalog.Catalog, ident table.Identifier) (*arrow.Schema, []map[string]string) {
	t.Helper()
	ctx := context.Background()
	tbl, err := cat.LoadTable(ctx, ident)
	deidMust(t, err)
	at, err := tbl.Scan().ToArrowTable(ctx)
	deidMust(t, err)
	defer at.Release()
	tr := array.NewTableReader(at, 0)
	defer tr.Release()
	var rows []map[string]string
	for tr.Next() {
		rec := tr.RecordBatch()
		for r := 0; r < int(rec.NumRows()); r++ {
			row := map[string]string{}
			for c, f := range rec.Schema().Fields() {
				row[f.Name] = rec.Column(c).ValueStr(r)
			}
			rows = append(rows, row)
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i]["score"] < rows[j]["score"] })

	return at.Schema(), rows
}

// An Iceberg table is de-identified into another Iceberg table: kept
// columns keep their type, identifiers are transformed as the policy says,
// the input table gains no snapshot, and the output appears in one commit.
func TestDeidCommandIceberg(t *testing.T) {
	cat, first := icebergDeidCatalog(t)
	ctx := context.Background()
	before, err := cat.LoadTable(ctx, table.Identifier{"raw", "students"})
	deidMust(t, err)
	pol := filepath.Join(t.TempDir(), "policy.json")
	deidMust(t, os.WriteFile(pol, []byte(`{"format_version":1,"reference_date":"2026-01-01","columns":{
	  "id":{"action":"pseudonymise","length":16},"Full Name":{"action":"drop"},
	  "birth":{"action":"date_year","birth_date":true},"zip":{"action":"zip3"},"score":{"action":"keep"}}}`), 0o600))

	code, stdout, stderr := runDeidCmd(t, "--policy", pol, "iceberg://raw.students", "--out", "iceberg://curated.students", "--output", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"format": "iceberg"`) || !strings.Contains(stdout, `"rows": 3`) {
		t.Errorf("report: %s", stdout)
	}
	sc, rows := icebergRows(t, cat, table.Identifier{"curated", "students"})
	if _, ok := sc.FieldsByName("Full Name"); ok || len(sc.Fields()) != 4 {
		t.Fatalf("output schema %v", sc)
	}
	if f, _ := sc.FieldsByName("score"); f[0].Type.ID() != arrow.INT32 {
		t.Errorf("a kept column keeps its type: %v", f[0].Type)
	}
	key := []byte(icebergDeidKey)
	want := []map[string]string{
		{"id": deid.Pseudonym(key, "3", 16), "birth": "1999", "zip": "000", "score": "64"},
		{"id": deid.Pseudonym(key, "1", 16), "birth": deid.DefaultAgeLabel, "zip": "024", "score": "70"},
		{"id": deid.Pseudonym(key, "2", 16), "birth": "2001", "zip": "000", "score": "81"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %v", rows)
	}
	for i, w := range want {
		for k, v := range w {
			if rows[i][k] != v {
				t.Errorf("row %d %s = %q, want %q", i, k, rows[i][k], v)
			}
		}
	}
	out, err := cat.LoadTable(ctx, table.Identifier{"curated", "students"})
	deidMust(t, err)
	if n := len(out.Metadata().Snapshots()); n != 1 {
		t.Errorf("the output has %d snapshots, want one commit", n)
	}
	after, err := cat.LoadTable(ctx, table.Identifier{"raw", "students"})
	deidMust(t, err)
	if after.CurrentSnapshot().SnapshotID != before.CurrentSnapshot().SnapshotID || len(after.Metadata().Snapshots()) != 2 {
		t.Error("the input table changed")
	}

	// A snapshot of the input: only its rows, appended to the existing output.
	code, _, stderr = runDeidCmd(t, "--policy", pol, "iceberg://raw.students@"+itoa(first), "--out", "iceberg://curated.students")
	if code != ExitOK {
		t.Fatalf("snapshot: exit %d: %s", code, stderr)
	}
	if _, rows = icebergRows(t, cat, table.Identifier{"curated", "students"}); len(rows) != 5 {
		t.Errorf("after appending snapshot %d: %d rows, want 5", first, len(rows))
	}
}

// A run that fails leaves no output table, and usage mistakes are exit 2.
func TestDeidCommandIcebergFailures(t *testing.T) {
	cat, _ := icebergDeidCatalog(t)
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	// No rule for "score" and no default action: the policy does not fit.
	deidMust(t, os.WriteFile(pol, []byte(`{"format_version":1,"columns":{"id":{"action":"pseudonymise"},
	  "Full Name":{"action":"drop"},"birth":{"action":"date_year"},"zip":{"action":"zip3"}}}`), 0o600))
	code, _, stderr := runDeidCmd(t, "--policy", pol, "iceberg://raw.students", "--out", "iceberg://curated.students")
	if code != ExitUsage || !strings.Contains(stderr, "score") {
		t.Errorf("uncovered column: exit %d, %q", code, stderr)
	}
	if ok, _ := cat.CheckTableExists(context.Background(), table.Identifier{"curated", "students"}); ok {
		t.Error("a failed run left an output table")
	}
	for _, c := range []struct{ in, out, want string }{
		{"iceberg://raw.students", "iceberg://raw.students", "never overwritten"},
		{"iceberg://raw.students", filepath.Join(dir, "out.parquet"), "into an Iceberg table"},
		{filepath.Join(dir, "in.csv"), "iceberg://curated.students", "use load"},
		{"iceberg://students", "iceberg://curated.students", "namespace.table"},
		{"iceberg://raw.students", "iceberg://curated.students@12", "not a snapshot"},
	} {
		code, _, stderr := runDeidCmd(t, "--policy", pol, c.in, "--out", c.out)
		if code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s -> %s: exit %d, %q; want exit 2 naming %q", c.in, c.out, code, stderr, c.want)
		}
	}
}
