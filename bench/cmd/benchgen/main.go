// Command benchgen writes the benchmark table as Parquet, row group by row
// group, so generating 10M rows needs little memory.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

var grades = []string{"A", "B", "C", "D", "E", "F"}

// idStride is prime, so i*idStride mod rows visits every id once.
const idStride = 7919

// idOf is row i's id: ascending, as exported tables usually are, or
// scrambled (-shuffle-ids), which the uniqueness checks cannot exploit.
var idOf = func(i int) int64 { return int64(i) }

func main() {
	rows := flag.Int("rows", 10_000_000, "rows to write")
	out := flag.String("out", "bench.parquet", "output Parquet file, or CSV when the name ends in .csv")
	shuffle := flag.Bool("shuffle-ids", false, "write the ids 0..rows-1 in a scrambled order instead of ascending")
	flag.Parse()
	if *shuffle {
		if *rows%idStride == 0 {
			log.Fatalf("-shuffle-ids needs a row count that is not a multiple of %d", idStride)
		}
		idOf = func(i int) int64 { return int64(i) * idStride % int64(*rows) }
	}
	if strings.HasSuffix(*out, ".csv") {
		writeCSV(*rows, *out)
		return
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "grade", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "email", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: arrow.PrimitiveTypes.Int64},
		{Name: "term", Type: arrow.BinaryTypes.String},
	}, nil)
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(schema, f, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)), pqarrow.DefaultWriterProps())
	if err != nil {
		log.Fatal(err)
	}
	const group = 1 << 20
	for start := 0; start < *rows; start += group {
		n := min(group, *rows-start)
		b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		ids, scores, grade := field[*array.Int64Builder](b, 0), field[*array.Float64Builder](b, 1), field[*array.StringBuilder](b, 2)
		email, as, bs, term := field[*array.StringBuilder](b, 3), field[*array.Int64Builder](b, 4), field[*array.Int64Builder](b, 5), field[*array.StringBuilder](b, 6)
		for i := start; i < start+n; i++ {
			ids.Append(idOf(i))
			if i%50 == 0 {
				scores.AppendNull()
			} else {
				scores.Append(float64(i%1000) / 10)
			}
			grade.Append(grades[i%len(grades)])
			email.Append(fmt.Sprintf("s%08d@uni.example", i))
			as.Append(int64(i%100 + 1))
			bs.Append(int64(i % 100))
			term.Append(fmt.Sprintf("T%d", i%4))
		}
		rec := b.NewRecordBatch()
		if err := w.Write(rec); err != nil {
			log.Fatal(err)
		}
		rec.Release()
		b.Release()
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %d rows to %s\n", *rows, *out)
}

// field is the builder of column i, of the type the schema gives it.
func field[T array.Builder](b *array.RecordBuilder, i int) T {
	f, ok := b.Field(i).(T)
	if !ok {
		log.Fatalf("column %d is a %T", i, b.Field(i))
	}

	return f
}

// writeCSV writes the same rows as CSV (an empty field is a null score),
// for tools that cannot read Parquet.
func writeCSV(rows int, out string) {
	f, err := os.Create(out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	// The writer keeps its first error, which Flush reports.
	_, _ = fmt.Fprintln(w, "id,score,grade,email,a,b,term")
	for i := 0; i < rows; i++ {
		score := ""
		if i%50 != 0 {
			score = fmt.Sprint(float64(i%1000) / 10)
		}
		_, _ = fmt.Fprintf(w, "%d,%s,%s,s%08d@uni.example,%d,%d,T%d\n", idOf(i), score, grades[i%len(grades)], i, i%100+1, i%100, i%4)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %d rows to %s\n", rows, out)
}
