package tabular

import (
	"bytes"

	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// FuzzCSVReader: any bytes, in any encoding mode and with either
// delimiter, give records or a typed error, never a panic or a hang, and
// no record handed out holds a NUL byte.
func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), uint8(0))
	f.Add([]byte("\xef\xbb\xbfid;name\r\n1;\"x\"\"y\"\r\n"), uint8(1))
	f.Add([]byte("\xff\xfea\x00,\x00b\x00\n\x00"), uint8(2))
	f.Add([]byte("a\tb\n\"open\n"), uint8(3))
	f.Add([]byte("caf\xe9,x\n1\n"), uint8(4))
	f.Add([]byte("a\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x00"), uint8(0))
	f.Add([]byte("\x00a\x00,\x00b\x00\n"), uint8(3))
	f.Add([]byte("\xff\xfe\x00\x00a\x00\x00\x00\n\x00\x00\x00"), uint8(0))
	f.Add([]byte("a,b\n1,\x002\n"), uint8(2))
	encodings := []string{EncodingAuto, "utf-8", "latin1", "utf-16le", "utf-16be"}
	commas := []rune{',', ';', '\t'}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := CSVOptions{Encoding: encodings[int(mode)%len(encodings)], Comma: commas[int(mode/8)%len(commas)]}
		r, err := NewCSVReader(bytes.NewReader(data), opts)
		if err != nil {
			return
		}
		for i := 0; i < 100_000; i++ {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				return
			}
			var se *StructureError
			if err != nil && !errors.As(err, &se) {
				return // encoding and syntax errors end the read
			}
			if err == nil && rec.Number < 1 {
				t.Fatalf("record number %d", rec.Number)
			}
			for _, v := range rec.Fields {
				if err == nil && strings.IndexByte(v, 0) >= 0 {
					t.Fatalf("record %d holds a NUL: %q", rec.Number, v)
				}
			}
		}
	})
}

// FuzzParquetStream: a corrupt or hostile Parquet file is an error, never a
// panic.
func FuzzParquetStream(f *testing.F) {
	f.Add(tinyParquet(f))
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Add([]byte("PAR1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		s, err := NewParquetStream(ctx, bytes.NewReader(data), 64)
		if err != nil {
			return
		}
		defer func() { _ = s.Close() }() // read-only
		for i := 0; i < 10_000; i++ {
			rec, err := s.Next(ctx)
			if err != nil {
				return
			}
			if rec == nil {
				return
			}
			rec.Release()
		}
	})
}

// tinyParquet is a valid two-column, three-row Parquet file.
func tinyParquet(f *testing.F) []byte {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2, 3}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"a", "", "c"}, []bool{true, false, true})
	rec := b.NewRecordBatch()
	defer rec.Release()
	buf := bytes.NewBuffer(parquettest.Bytes(f, rec))

	return buf.Bytes()
}
