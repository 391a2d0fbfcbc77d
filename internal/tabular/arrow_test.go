package tabular

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// Empty fields are null, whitespace is a value, batches keep the physical
// line of each record, and ragged records go to the callback with their
// location instead of being padded.
func TestCSVStream(t *testing.T) {
	in := "id,note\n1,a\n2,\n3,\"x\ny\"\n4, \n5,a,b\n6,z\n"
	var ragged []*StructureError
	st, err := NewCSVStream(strings.NewReader(in), CSVStreamOptions{BatchRows: 2, OnStructure: func(e *StructureError) { ragged = append(ragged, e) }})
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	var lines []int
	for {
		rec, err := st.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		col := rec.Column(1).(*array.String)
		for i := 0; i < col.Len(); i++ {
			if col.IsNull(i) {
				notes = append(notes, "<null>")
			} else {
				notes = append(notes, col.Value(i))
			}
		}
		lines = append(lines, st.Lines()...)
		rec.Release()
	}
	if got := strings.Join(notes, "|"); got != "a|<null>|x\ny| |z" {
		t.Errorf("values = %q", got)
	}
	if want := []int{2, 3, 4, 6, 8}; !equalInts(lines, want) {
		t.Errorf("lines = %v, want %v", lines, want)
	}
	if len(ragged) != 1 || ragged[0].Record != 5 || ragged[0].Line != 7 {
		t.Errorf("ragged = %v", ragged)
	}
	// Without a callback a ragged record is an error.
	st, _ = NewCSVStream(strings.NewReader(in), CSVStreamOptions{})
	if _, err := st.Next(context.Background()); err == nil || !strings.Contains(err.Error(), "record 5 (line 7)") {
		t.Errorf("want the ragged record as an error, got %v", err)
	}
	// Custom null texts.
	st, _ = NewCSVStream(strings.NewReader("a\nNA\n\n"), CSVStreamOptions{NullValues: []string{"NA"}})
	rec, err := st.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rec.NumRows() != 1 || !rec.Column(0).IsNull(0) {
		t.Errorf("NA should be null: %v", rec)
	}
	if _, err := NewCSVStream(strings.NewReader("a,a\n1,2\n"), CSVStreamOptions{}); err == nil {
		t.Error("a duplicate header name must be an error")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}

	return true
}

// Parquet comes back batch by batch with its logical types.
func TestParquetStream(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int32, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	for i := 0; i < 2500; i++ {
		b.Field(0).(*array.Int32Builder).Append(int32(i))
	}
	rec := b.NewRecordBatch()
	var buf bytes.Buffer
	parquettest.Write(t, &buf, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(1000)), pqarrow.DefaultWriterProps(), rec)
	st, err := NewParquetStream(context.Background(), bytes.NewReader(buf.Bytes()), 700)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }() // read-only
	if st.Schema().Field(0).Type.ID() != arrow.INT32 || st.Text() {
		t.Errorf("schema = %v", st.Schema())
	}
	total, batches := 0, 0
	for {
		r, err := st.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.NumRows() > 700 {
			t.Errorf("batch of %d rows exceeds 700", r.NumRows())
		}
		total += int(r.NumRows())
		batches++
		r.Release()
	}
	if total != 2500 || batches < 4 {
		t.Errorf("read %d rows in %d batches", total, batches)
	}
	if _, err := NewParquetStream(context.Background(), bytes.NewReader([]byte("not parquet")), 0); err == nil {
		t.Error("garbage must not open as Parquet")
	}
}

// BenchmarkCSVStream measures decoding CSV text into Arrow batches.
func BenchmarkCSVStream(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,score,grade,email,a,b,term\n")
	const rows = 200_000
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&sb, "%d,%d.5,A,s%08d@uni.example,%d,%d,T%d\n", i, i%100, i, i%100+1, i%100, i%4)
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := NewCSVStream(strings.NewReader(data), CSVStreamOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := st.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rec.Release()
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// In a column typed float or double the NaN spellings pandas' read_csv
// reads as NaN ("NaN", "nan", "-NaN", "-nan") are NaN, which the engine
// counts missing; other text is still a value that does not parse.
func TestCSVTypedFloatNaN(t *testing.T) {
	in := "d,f\nNaN,nan\nnan,NaN\n-NaN,-nan\n-nan,-NaN\n1.5,2.5\n"
	st, err := NewCSVStream(strings.NewReader(in), CSVStreamOptions{Types: map[string]arrow.DataType{
		"d": arrow.PrimitiveTypes.Float64, "f": arrow.PrimitiveTypes.Float32}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := st.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	d, f := rec.Column(0).(*array.Float64), rec.Column(1).(*array.Float32)
	for i := 0; i < 4; i++ {
		if d.IsNull(i) || d.Value(i) == d.Value(i) || f.IsNull(i) || f.Value(i) == f.Value(i) {
			t.Errorf("row %d: want NaN, got %v and %v", i, d.Value(i), f.Value(i))
		}
	}
	if d.Value(4) != 1.5 || f.Value(4) != 2.5 {
		t.Errorf("row 4: %v %v", d.Value(4), f.Value(4))
	}
	st, _ = NewCSVStream(strings.NewReader("d\n-nanx\n"), CSVStreamOptions{Types: map[string]arrow.DataType{"d": arrow.PrimitiveTypes.Float64}})
	var ve *ValueError
	if _, err := st.Next(context.Background()); !errors.As(err, &ve) {
		t.Errorf("-nanx must not parse: %v", err)
	}
}
