package deid

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

func writeParquet(t *testing.T, rec arrow.RecordBatch) []byte {
	t.Helper()
	buf := bytes.NewBuffer(parquettest.Bytes(t, rec))

	return buf.Bytes()
}

func TestParquetRoundTrip(t *testing.T) {
	mem := memory.DefaultAllocator
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "Full Name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "birth date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ZIP", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"Dana Whitfield", ""}, []bool{true, false})
	b.Field(1).(*array.Date32Builder).AppendValues([]arrow.Date32{arrow.Date32FromTime(mustDate("1931-05-04")), arrow.Date32FromTime(mustDate("2001-02-03"))}, nil)
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"02451", "03601"}, nil)
	b.Field(3).(*array.Int64Builder).AppendValues([]int64{7, 9}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	input := writeParquet(t, rec)

	p := mustPolicy(t, `{"format_version":1,"reference_date":"2026-01-01","columns":{
		"Full Name":{"action":"drop"},"birth date":{"action":"date_year","birth_date":true},
		"ZIP":{"action":"zip3"},"score":{"action":"keep"}}}`)
	var out bytes.Buffer
	a, err := ProcessParquet(context.Background(), p, bytes.NewReader(input), &out, Options{Key: testKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Rows != 2 {
		t.Fatalf("rows %d", a.Rows)
	}
	pf, err := file.NewParquetReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	fr, _ := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumCols() != 3 || tbl.Schema().Field(0).Name != "birth date" || tbl.Schema().Field(2).Type.ID() != arrow.INT64 {
		t.Fatalf("schema %v", tbl.Schema())
	}
	got := []string{}
	for c := 0; c < 2; c++ {
		col := tbl.Column(c).Data().Chunk(0)
		for r := 0; r < col.Len(); r++ {
			got = append(got, col.ValueStr(r))
		}
	}
	want := []string{DefaultAgeLabel, "2001", "024", "000"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}

	return t
}
