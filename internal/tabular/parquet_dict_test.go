package tabular

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// With DictStrings, a string column whose pages are all dictionary-encoded
// comes back as a dictionary array; a column that fell back to plain pages,
// one written without a dictionary, and numbers come back as usual; every
// value reads the same either way.
func TestParquetStreamDictStrings(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "grade", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "email", Type: arrow.BinaryTypes.String},
		{Name: "plain", Type: arrow.BinaryTypes.String},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	const rows = 5000
	for i := 0; i < rows; i++ {
		if i%7 == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.StringBuilder).Append([]string{"A", "B", "C"}[i%3])
		}
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("s%08d@uni.example", i))
		b.Field(2).(*array.StringBuilder).Append([]string{"x", "y"}[i%2])
		b.Field(3).(*array.Int64Builder).Append(int64(i % 3))
	}
	rec := b.NewRecordBatch()
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(2000), parquet.WithDictionaryPageSizeLimit(4096),
		parquet.WithDictionaryFor("plain", false))
	parquettest.Write(t, &buf, props, pqarrow.DefaultWriterProps(), rec)
	read := func(dict bool) (map[string][]string, map[string]arrow.Type) {
		st, err := NewParquetStreamWith(context.Background(), bytes.NewReader(buf.Bytes()), ParquetOptions{BatchRows: 1500, DictStrings: dict})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = st.Close() }() // read-only
		vals, kinds := map[string][]string{}, map[string]arrow.Type{}
		for {
			r, err := st.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			for j, f := range r.Schema().Fields() {
				col := r.Column(j)
				kinds[f.Name] = col.DataType().ID()
				for i := 0; i < col.Len(); i++ {
					vals[f.Name] = append(vals[f.Name], col.ValueStr(i))
				}
			}
			r.Release()
		}
		return vals, kinds
	}
	plainVals, plainKinds := read(false)
	dictVals, dictKinds := read(true)
	want := map[string]arrow.Type{"grade": arrow.DICTIONARY, "email": arrow.STRING, "plain": arrow.STRING, "n": arrow.INT64}
	for name, k := range want {
		if dictKinds[name] != k {
			t.Errorf("%s read as %v with DictStrings, want %v", name, dictKinds[name], k)
		}
		if plainKinds[name] == arrow.DICTIONARY {
			t.Errorf("%s read as a dictionary without DictStrings", name)
		}
		if len(dictVals[name]) != rows || fmt.Sprint(dictVals[name]) != fmt.Sprint(plainVals[name]) {
			t.Errorf("%s: %d values read with DictStrings differ from the %d read plainly", name, len(dictVals[name]), len(plainVals[name]))
		}
	}
}
