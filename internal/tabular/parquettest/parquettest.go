// Package parquettest writes Arrow record batches as Parquet files for
// tests, failing the test on any error.
package parquettest

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Write writes recs, which share one schema, to w as one Parquet file. A
// nil props means the Parquet defaults; arrowProps is the Arrow side
// (pqarrow.DefaultWriterProps() for none).
func Write(t testing.TB, w io.Writer, props *parquet.WriterProperties, arrowProps pqarrow.ArrowWriterProperties, recs ...arrow.RecordBatch) {
	t.Helper()
	if len(recs) == 0 {
		t.Fatal("parquettest: no record batch to write")
	}
	fw, err := pqarrow.NewFileWriter(recs[0].Schema(), w, props, arrowProps)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if err := fw.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

// Bytes is recs as a Parquet file in memory, with default properties.
func Bytes(t testing.TB, recs ...arrow.RecordBatch) []byte {
	t.Helper()
	var buf bytes.Buffer
	Write(t, &buf, nil, pqarrow.DefaultWriterProps(), recs...)

	return buf.Bytes()
}

// File writes recs to path as Write does (the writer closes the file).
func File(t testing.TB, path string, props *parquet.WriterProperties, arrowProps pqarrow.ArrowWriterProperties, recs ...arrow.RecordBatch) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	Write(t, f, props, arrowProps, recs...)
}
