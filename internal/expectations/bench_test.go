package expectations

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/benchmem"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// genSource generates rows batch by batch, so the data itself takes no
// memory that grows with the row count.
type genSource struct {
	rows, batch, next int
	schema            *arrow.Schema
}

func newGenSource(rows int) *genSource {
	return &genSource{rows: rows, batch: 64 * 1024, schema: arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "grade", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "email", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: arrow.PrimitiveTypes.Int64},
		{Name: "term", Type: arrow.BinaryTypes.String},
	}, nil)}
}

func (g *genSource) Columns() []string {
	var out []string
	for _, f := range g.schema.Fields() {
		out = append(out, f.Name)
	}
	return out
}

func (g *genSource) Types() map[string]LogicalType {
	out := map[string]LogicalType{}
	for _, f := range g.schema.Fields() {
		out[f.Name] = logicalTypeOf(f.Type)
	}
	return out
}

var grades = []string{"A", "B", "C", "D", "E", "F"}

func (g *genSource) Next(context.Context) (*Batch, error) {
	if g.next >= g.rows {
		return nil, io.EOF
	}
	n := min(g.batch, g.rows-g.next)
	mem := memory.DefaultAllocator
	b := array.NewRecordBuilder(mem, g.schema)
	defer b.Release()
	for i := g.next; i < g.next+n; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if i%50 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Float64Builder).Append(float64(i%1000) / 10)
		}
		b.Field(2).(*array.StringBuilder).Append(grades[i%len(grades)])
		b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("s%07d@uni.example", i))
		b.Field(4).(*array.Int64Builder).Append(int64(i%100 + 1))
		b.Field(5).(*array.Int64Builder).Append(int64(i % 100))
		b.Field(6).(*array.StringBuilder).Append(fmt.Sprintf("T%d", i%4))
	}
	rec := b.NewRecordBatch()
	batch := &Batch{Names: g.Columns(), Cols: map[string]Column{}, Len: n, Offset: int64(g.next), release: rec.Release}
	for i, f := range g.schema.Fields() {
		batch.Cols[f.Name] = NewArrowColumn(rec.Column(i), false)
	}
	g.next += n

	return batch, nil
}

func (g *genSource) Close() error { return nil }

const benchSuite = `{"name":"bench","expectations":[
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"score"}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"grade","value_set":["A","B","C","D","E"]}},
 {"type":"expect_column_values_to_match_regex","kwargs":{"column":"email","regex":"^s[0-9]+@uni\\.example$"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
 {"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"email","min_value":5,"max_value":40}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"a","column_B":"b"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["id","term"]}}
]}`

// BenchmarkTenChecks1M runs the ten common checks over 1M generated rows in
// one pass (see runBench for what it reports).
func BenchmarkTenChecks1M(b *testing.B) {
	const rows = 1_000_000
	s, err := ParseSuite([]byte(benchSuite))
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, rows, s, func() Source { return newGenSource(rows) }, func(res *Result) string {
		if res.Statistics.Evaluated != 10 {
			return "not all expectations evaluated"
		}
		return ""
	})
}

// BenchmarkGenerateOnly measures the generator alone, to separate data
// production from checking in the figure above.
func BenchmarkGenerateOnly1M(b *testing.B) {
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		g := newGenSource(1_000_000)
		for {
			bt, err := g.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			bt.release()
		}
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(1e6*b.N), "cpu-ns/row")
}

// cpuTime is the process's user+system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}

	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkStreamingMemory shows that memory does not grow with the row
// count for checks without inherent state: the same eight checks (the ten
// above minus the two uniqueness checks) over 1M and 4M rows.
func BenchmarkStreamingMemory(b *testing.B) {
	s, err := ParseSuite([]byte(benchSuite))
	if err != nil {
		b.Fatal(err)
	}
	var keep []Config
	for _, c := range s.Expectations {
		if c.Type != "expect_column_values_to_be_unique" && c.Type != "expect_compound_columns_to_be_unique" {
			keep = append(keep, c)
		}
	}
	s.Expectations = keep
	for _, rows := range []int{1_000_000, 4_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			var peak uint64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				peak = max(peak, benchmem.PeakMemory(peakSampling, offHeapUsed, func() {
					if _, err := Run(context.Background(), s, newGenSource(rows), Options{}); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.ReportMetric(benchmem.MiB(peak), "peak-MiB")
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkTenChecksParquet1M is the runner's real path: the ten checks over
// a 1M-row Parquet file decoded by pqarrow, as `lakehouse-runner check`
// reads it.
func BenchmarkTenChecksParquet1M(b *testing.B) {
	const rows = 1_000_000
	s, err := ParseSuite([]byte(benchSuite))
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.parquet")
	g := newGenSource(rows)
	var recs []arrow.RecordBatch
	for {
		bt, err := g.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		cols := make([]arrow.Array, len(bt.Names))
		for i, n := range bt.Names {
			cols[i] = bt.Cols[n].(*arrowColumn).arr
		}
		recs = append(recs, array.NewRecordBatch(g.schema, cols, int64(bt.Len)))
	}
	writeParquetBatches(b, path, recs)
	runBench(b, rows, s, func() Source { return parquetSource(b, path) }, func(res *Result) string {
		if res.Statistics.Evaluated != 10 || res.Meta["row_count"] != int64(rows) {
			return "not all rows or expectations evaluated"
		}
		return ""
	})
}

// keySource yields an id column holding 0..rows-1 in a scrambled order
// and a term column, the keys of the two uniqueness checks, and nothing
// else, so the benchmark below times those checks rather than a generator.
type keySource struct{ rows, next int }

var keySchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "term", Type: arrow.BinaryTypes.String},
}, nil)

func (k *keySource) Columns() []string { return []string{"id", "term"} }
func (k *keySource) Types() map[string]LogicalType {
	return map[string]LogicalType{"id": logicalTypeOf(arrow.PrimitiveTypes.Int64), "term": logicalTypeOf(arrow.BinaryTypes.String)}
}
func (k *keySource) Close() error { return nil }

var terms = []string{"T0", "T1", "T2", "T3"}

func (k *keySource) Next(context.Context) (*Batch, error) {
	if k.next >= k.rows {
		return nil, io.EOF
	}
	n := min(64*1024, k.rows-k.next)
	b := array.NewRecordBuilder(memory.DefaultAllocator, keySchema)
	defer b.Release()
	ids, ts := b.Field(0).(*array.Int64Builder), b.Field(1).(*array.StringBuilder)
	for i := k.next; i < k.next+n; i++ {
		// A prime that does not divide the row count makes i -> i*p mod
		// rows a permutation: every id once, in no order.
		ids.Append(int64(i) * 1_000_003 % int64(k.rows))
		ts.Append(terms[i%len(terms)])
	}
	rec := b.NewRecordBatch()
	batch := &Batch{Names: k.Columns(), Cols: map[string]Column{}, Len: n, Offset: int64(k.next), rowsHint: int64(k.rows), release: rec.Release}
	batch.Cols["id"] = NewArrowColumn(rec.Column(0), false)
	batch.Cols["term"] = NewArrowColumn(rec.Column(1), false)
	k.next += n

	return batch, nil
}

// BenchmarkUniqueScrambled4M runs the two uniqueness checks over 4M distinct
// ids in no order: each new key is a probe of a table far larger than the
// processor's caches, the path where uniqueness costs the most.
func BenchmarkUniqueScrambled4M(b *testing.B) {
	const rows = 4_000_000
	s, err := ParseSuite([]byte(`{"name":"u","expectations":[
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["id","term"]}}]}`))
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, rows, s, func() Source { return &keySource{rows: rows} }, func(res *Result) string {
		if !res.Success {
			return "distinct ids reported as duplicates"
		}
		return ""
	})
}

// runBench runs the suite over a fresh source b.N times and reports rows/s,
// the peak memory (heap and tables mapped off it) and the CPU time a row of
// all threads, which stays meaningful on a shared, loaded machine where
// wall time does not. ok says what is wrong with a result, or "".
func runBench(b *testing.B, rows int, s *Suite, source func() Source, ok func(*Result) string) {
	b.Helper()
	var peak uint64
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		runtime.GC()
		peak = max(peak, benchmem.PeakMemory(peakSampling, offHeapUsed, func() {
			res, err := Run(context.Background(), s, source(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			if msg := ok(res); msg != "" {
				b.Fatal(msg)
			}
		}))
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(benchmem.MiB(peak), "peak-MiB")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(rows*b.N), "cpu-ns/row")
}

// peakSampling is how often the benchmarks sample memory: often enough for
// a run of a tenth of a second to be sampled several times.
const peakSampling = 10 * time.Millisecond

// offHeapUsed is the uniqueness tables mapped outside the heap, for
// benchmem.PeakMemory.
func offHeapUsed() uint64 { return uint64(max(offHeapBytes.Load(), 0)) }

func writeParquetBatches(t testing.TB, path string, recs []arrow.RecordBatch) {
	t.Helper()
	parquettest.File(t, path, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)), pqarrow.DefaultWriterProps(), recs...)
	for _, r := range recs {
		r.Release()
	}
}
