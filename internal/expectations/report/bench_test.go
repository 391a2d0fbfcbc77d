package report

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/benchmem"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// benchCSV streams the rows scripts/benchdata writes (ids, names, emails,
// scores, terms) without holding them.
type benchCSV struct {
	n, i int
	buf  []byte
}

var terms = []string{"2023J", "2024B", "2024J"}

func (c *benchCSV) Read(p []byte) (int, error) {
	for len(c.buf) < len(p) && c.i <= c.n {
		if c.i == 0 {
			c.buf = append(c.buf, "id,name,email,score,term\n"...)
		} else {
			i := c.i - 1
			c.buf = fmt.Appendf(c.buf, "%d,Student %d,s%d@uni.example.edu,%d.%d,%s\n", i, i, i, i%101, i%10, terms[i%3])
		}
		c.i++
	}
	if len(c.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]

	return n, nil
}

const benchSuite = `{"name":"bench","expectations":[
  {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"id"}},
  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
  {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"term","value_set":["2023J","2024B","2024J"]}},
  {"type":"expect_column_values_to_match_regex","kwargs":{"column":"email","regex":"^[^@]+@[^@]+$"}},
  {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"name","min_value":1,"max_value":64}},
  {"type":"expect_column_mean_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
  {"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1}}]}`

// BenchmarkCheckHTML1M is `lakehouse-runner check --html` on the bench
// suite: 1M CSV rows read, checked and profiled in one pass, then the page
// written. It reports rows/s and the peak heap, which the profiles must
// not raise above plain check's (the uniqueness state dominates both).
func BenchmarkCheckHTML1M(b *testing.B) {
	const rows = 1_000_000
	s, err := expectations.ParseSuite([]byte(benchSuite))
	if err != nil {
		b.Fatal(err)
	}
	for _, html := range []bool{false, true} {
		b.Run(fmt.Sprintf("html=%v", html), func(b *testing.B) {
			var peak uint64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				peak = max(peak, benchmem.PeakHeap(100*time.Millisecond, func() {
					src, err := expectations.NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
						st, err := tabular.NewCSVStream(&benchCSV{n: rows}, tabular.CSVStreamOptions{})
						return st, "bench.csv", err
					})
					if err != nil {
						b.Fatal(err)
					}
					res, err := expectations.Run(context.Background(), s, src, expectations.Options{Profile: html})
					if err != nil {
						b.Fatal(err)
					}
					// Scores of 100.1 to 100.9 fail the range check, as in scripts/bench.sh.
					if res.Meta["row_count"] != int64(rows) || res.Statistics.Successful != 7 {
						b.Fatalf("rows %v, %d of 8 expectations met", res.Meta["row_count"], res.Statistics.Successful)
					}
					if html {
						if err := WriteHTML(io.Discard, []Table{{Name: "bench.csv", Result: res}}); err != nil {
							b.Fatal(err)
						}
					}
				}))
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}
