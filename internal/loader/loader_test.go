package loader_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/loader"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// newCatalog is a SQLite catalog with a local warehouse: the loader needs
// no object store to be tested.
func newCatalog(tb testing.TB) catalog.Catalog {
	tb.Helper()

	return newCatalogIn(tb, tb.TempDir())
}

// newCatalogIn opens a SQLite catalog in dir with its warehouse in dir/wh.
func newCatalogIn(tb testing.TB, dir string) catalog.Catalog {
	tb.Helper()
	cat, err := catalog.Open(context.Background(), &providerdata.Data{Catalog: providerdata.CatalogSettings{
		Configured: true, Type: "sql", URI: filepath.Join(dir, "cat.db"), Warehouse: "file://" + filepath.Join(dir, "wh"),
	}})
	if err != nil {
		tb.Fatal(err)
	}
	if err := cat.CreateNamespace(context.Background(), []string{"sales"}, nil); err != nil {
		tb.Fatal(err)
	}

	return cat
}

func ordersSchema() *iceberg.Schema {
	return iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "amount", Type: iceberg.DecimalTypeOf(9, 2)},
		iceberg.NestedField{ID: 3, Name: "at", Type: iceberg.PrimitiveTypes.TimestampTz},
		iceberg.NestedField{ID: 4, Name: "channel", Type: iceberg.PrimitiveTypes.String},
		iceberg.NestedField{ID: 5, Name: "paid", Type: iceberg.PrimitiveTypes.Bool},
	)
}

func loadCSV(t *testing.T, cat catalog.Catalog, ident []string, text string, create bool) (*loader.Result, error) {
	t.Helper()
	src, err := loader.NewCSVSource(strings.NewReader(text), tabular.CSVOptions{}, 2)
	if err != nil {
		t.Fatal(err)
	}

	return loader.Load(context.Background(), cat, src, loader.Options{Table: ident, Create: create})
}

func rows(t *testing.T, cat catalog.Catalog, ident []string) []map[string]any {
	t.Helper()
	ctx := context.Background()
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	_, recs, err := tbl.Scan().ToArrowRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for rec, err := range recs {
		if err != nil {
			t.Fatal(err)
		}
		js, _ := json.Marshal(rec)
		var batch []map[string]any
		_ = json.Unmarshal(js, &batch)
		out = append(out, batch...)
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]["id"]) < fmt.Sprint(out[j]["id"]) })

	return out
}

func TestLoadCSV(t *testing.T) {
	cat := newCatalog(t)
	ident := []string{"sales", "orders"}
	if _, err := cat.CreateTable(context.Background(), ident, ordersSchema()); err != nil {
		t.Fatal(err)
	}
	// Columns in another order and case; "paid" is absent and loads as null.
	res, err := loadCSV(t, cat, ident, "Channel,id,amount,at\nweb,1,4.56,2024-03-10T06:30:00Z\nshop,2,-1.20,2024-03-10T07:30:00+01:00\n,3,,\n", false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3 || res.SnapshotID == 0 || strings.Join(res.MissingColumns, ",") != "paid" {
		t.Fatalf("result %+v", res)
	}
	got := rows(t, cat, ident)
	want := `[map[amount:4.56 at:2024-03-10T06:30:00Z channel:web id:1 paid:<nil>] ` +
		`map[amount:-1.2 at:2024-03-10T06:30:00Z channel:shop id:2 paid:<nil>] ` +
		`map[amount:<nil> at:<nil> channel:<nil> id:3 paid:<nil>]]`
	if fmt.Sprint(got) != want {
		t.Fatalf("rows\n got %v\nwant %s", got, want)
	}
}

// A bad value names its record, line and column, and nothing is committed.
func TestLoadCSV_coercionError(t *testing.T) {
	cat := newCatalog(t)
	ident := []string{"sales", "orders"}
	if _, err := cat.CreateTable(context.Background(), ident, ordersSchema()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ csv, want string }{
		{"id,amount\n1,1.00\n2,1.00\n3,\"1\n\"\n4,x\n", `record 4 (line 6), column "amount": "x" does not fit decimal(9,2)`},
		{"id,amount\n1,1.234\n", `record 1 (line 2), column "amount": "1.234" has 3 decimal places; the column is decimal(9,2)`},
		{"id,at\n1,2024-03-10 06:30:00\n", `column "at": "2024-03-10 06:30:00" has no time zone, but the column is timestamptz`},
		{"id,paid\n1,maybe\n", `column "paid": "maybe" is not a boolean`},
		{"id,amount\n,1\n", `column "id": empty value in a required column`},
		{"amount\n1\n", `the input has no column "id", which the table requires`},
		{"id,extra\n1,2\n", `input column(s) "extra" are not in the table`},
		{"id,amount\n1,2,3\n", `record 1 (line 2)`},
	} {
		_, err := loadCSV(t, cat, ident, tc.csv, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.csv, err, tc.want)
		}
	}
	tbl, _ := cat.LoadTable(context.Background(), ident)
	if tbl.CurrentSnapshot() != nil {
		t.Fatal("a failed load committed a snapshot")
	}
}

// C08 runner side: 4.56 written as decimal(9,2) reads back as 4.56 after
// the column is widened to decimal(12,2).
func TestLoad_readAfterWidening(t *testing.T) {
	ctx := context.Background()
	cat := newCatalog(t)
	ident := []string{"sales", "prices"}
	s := &catalog.TableSpec{Fields: []*catalog.Field{{Name: "id", Type: "long", Required: true}, {Name: "price", Type: "decimal(9,2)"}}, FormatVersion: 2}
	if err := catalog.AssignFreshIDs(s.Fields); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Create(ctx, cat, ident, s); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCSV(t, cat, ident, "id,price\n1,4.56\n", false); err != nil {
		t.Fatal(err)
	}
	s.Fields[1].Type = "decimal(12,2)"
	if _, err := catalog.Apply(ctx, cat, ident, s, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCSV(t, cat, ident, "id,price\n2,1234567890.12\n", false); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rows(t, cat, ident)); got != "[map[id:1 price:4.56] map[id:2 price:1234567890.12]]" {
		t.Fatalf("rows after widening: %s", got)
	}
}

func TestLoadCSV_create(t *testing.T) {
	cat := newCatalog(t)
	ident := []string{"sales", "new"}
	res, err := loadCSV(t, cat, ident, "id,score,ok,day,at,name\n1,1.5,true,2024-01-02,2024-01-02T03:04:05Z,Ana\n2,2,false,2024-01-03,2024-01-02T03:04:05Z,\n", true)
	if err != nil {
		t.Fatal(err)
	}
	tbl, _ := cat.LoadTable(context.Background(), ident)
	if !res.Created || tbl.Schema().String() == "" || res.Rows != 2 {
		t.Fatalf("result %+v", res)
	}
	var types []string
	for _, f := range tbl.Schema().Fields() {
		types = append(types, f.Type.String())
	}
	if got := strings.Join(types, ","); got != "long,double,boolean,date,timestamptz,string" {
		t.Fatalf("inferred types %s", got)
	}
}

// A number written with a leading zero is a code (ZIP, id), so --create
// infers its column as text and the zeros survive; plain numbers beside
// it are still numbers.
func TestLoadCSV_createKeepsLeadingZeros(t *testing.T) {
	cat := newCatalog(t)
	ident := []string{"sales", "zips"}
	if _, err := loadCSV(t, cat, ident, "id,zip,code,score\n1,02451,007,0.5\n2,10001,12,0\n", true); err != nil {
		t.Fatal(err)
	}
	tbl, err := cat.LoadTable(context.Background(), ident)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, f := range tbl.Schema().Fields() {
		types = append(types, f.Type.String())
	}
	if got := strings.Join(types, ","); got != "long,string,string,double" {
		t.Fatalf("inferred types %s, want long,string,string,double", got)
	}
	if got := rows(t, cat, ident); got[0]["zip"] != "02451" || got[0]["code"] != "007" {
		t.Fatalf("rows %v", got)
	}
}

// A load that fails after --create made its table drops the table again:
// a failed load leaves the catalog as it was.
func TestLoadCSV_createDroppedOnFailure(t *testing.T) {
	dir := t.TempDir()
	cat := newCatalogIn(t, dir)
	ident := []string{"sales", "broken"}
	var b strings.Builder
	b.WriteString("id,score\n")
	for i := range 1500 {
		fmt.Fprintf(&b, "%d,%d\n", i, i%100)
	}
	b.WriteString("1500,not-a-number\n") // past the rows types are inferred from
	if _, err := loadCSV(t, cat, ident, b.String(), true); err == nil {
		t.Fatal("the load succeeded")
	}
	if ok, err := cat.CheckTableExists(context.Background(), ident); err != nil || ok {
		t.Fatalf("table left behind: exists %v, %v", ok, err)
	}
	// Nor any of its files: the table was this load's own.
	var left []string
	_ = filepath.WalkDir(filepath.Join(dir, "wh"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, path)
		}
		return nil
	})
	if len(left) > 0 {
		t.Fatalf("files left in the warehouse: %v", left)
	}
}

// writeParquet writes one batch given as JSON rows in schema sc.
func writeParquet(t *testing.T, sc *arrow.Schema, rowsJSON string) *bytes.Reader {
	t.Helper()
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sc, strings.NewReader(rowsJSON))
	if err != nil {
		t.Fatal(err)
	}
	buf := bytes.NewBuffer(parquettest.Bytes(t, rec))

	return bytes.NewReader(buf.Bytes())
}

// C12: UTC, Etc/UTC and +00:00 are one zone and America/New_York is an
// instant; all load into timestamptz, a zone-less column does not.
func TestLoadParquet_zones(t *testing.T) {
	ctx := context.Background()
	cat := newCatalog(t)
	ident := []string{"sales", "times"}
	sc := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "t_utc", Type: iceberg.PrimitiveTypes.TimestampTz},
		iceberg.NestedField{ID: 3, Name: "t_etc", Type: iceberg.PrimitiveTypes.TimestampTz},
		iceberg.NestedField{ID: 4, Name: "t_off", Type: iceberg.PrimitiveTypes.TimestampTz},
		iceberg.NestedField{ID: 5, Name: "t_ny", Type: iceberg.PrimitiveTypes.TimestampTz},
		iceberg.NestedField{ID: 6, Name: "n", Type: iceberg.PrimitiveTypes.Int64})
	if _, err := cat.CreateTable(ctx, ident, sc); err != nil {
		t.Fatal(err)
	}
	ts := func(z string) arrow.DataType { return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: z} }
	psc := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "t_utc", Type: ts("UTC"), Nullable: true}, {Name: "t_etc", Type: ts("Etc/UTC"), Nullable: true},
		{Name: "t_off", Type: ts("+00:00"), Nullable: true}, {Name: "t_ny", Type: ts("America/New_York"), Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	const at = `"2024-03-10T06:30:00Z"`
	r := writeParquet(t, psc, `[{"id":1,"t_utc":`+at+`,"t_etc":`+at+`,"t_off":`+at+`,"t_ny":`+at+`,"n":7}]`)
	src, err := loader.NewParquetSource(ctx, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loader.Load(ctx, cat, src, loader.Options{Table: ident}); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(rows(t, cat, ident))
	if want := "[map[id:1 n:7 t_etc:2024-03-10T06:30:00Z t_ny:2024-03-10T06:30:00Z t_off:2024-03-10T06:30:00Z t_utc:2024-03-10T06:30:00Z]]"; got != want {
		t.Fatalf("rows\n got %s\nwant %s", got, want)
	}

	ntz := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "t_utc", Type: ts(""), Nullable: true}}, nil)
	src, err = loader.NewParquetSource(ctx, writeParquet(t, ntz, `[{"id":2,"t_utc":"2024-03-10T06:30:00"}]`), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = loader.Load(ctx, cat, src, loader.Options{Table: ident})
	var de *loader.DataError
	if !errors.As(err, &de) || de.Column != "t_utc" || !strings.Contains(err.Error(), "no time zone") {
		t.Fatalf("loading a zone-less column into timestamptz: %v", err)
	}
}

func BenchmarkLoadCSV(b *testing.B) {
	const n = 100_000
	var sb strings.Builder
	sb.WriteString("id,amount,at,channel,paid\n")
	for i := range n {
		fmt.Fprintf(&sb, "%d,%d.%02d,2024-03-10T06:30:00Z,web,true\n", i, i%1000, i%100)
	}
	data := sb.String()
	cat := newCatalog(b)
	ident := []string{"sales", "bench"}
	if _, err := cat.CreateTable(context.Background(), ident, ordersSchema()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		src, err := loader.NewCSVSource(strings.NewReader(data), tabular.CSVOptions{}, 0)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := loader.Load(context.Background(), cat, src, loader.Options{Table: ident}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
}
