package deid

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/benchmem"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// repeatReader yields a header once, then body over and over until rows
// records have been produced, without ever holding more than one copy.
type repeatReader struct {
	header, body []byte
	bodyRows     int
	left         int // body repetitions still to emit
	cur          []byte
}

func newRepeatReader(b testing.TB, path string, rows int) *repeatReader {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	i := bytes.IndexByte(raw, '\n')
	body := raw[i+1:]
	n := bytes.Count(body, []byte("\n"))

	return &repeatReader{header: raw[:i+1], body: body, bodyRows: n, left: (rows + n - 1) / n}
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.header != nil {
		n := copy(p, r.header)
		r.header = r.header[n:]
		if len(r.header) == 0 {
			r.header = nil
		}

		return n, nil
	}
	if len(r.cur) == 0 {
		if r.left == 0 {
			return 0, io.EOF
		}
		r.left--
		r.cur = r.body
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]

	return n, nil
}

// BenchmarkStructuredSynthea de-identifies Synthea patients repeated to
// 100,000 and to one million rows per iteration with the safe-harbor profile
// (HMAC ids, date generalisation, ZIP3, drops); reports rows/s and the peak
// heap, which stays flat from one size to the next because rows stream.
func BenchmarkStructuredSynthea(b *testing.B) {
	p := mustPolicy(&testing.T{}, syntheaPolicy)
	for _, rows := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			var heap float64
			start := time.Now()
			for i := 0; i < b.N; i++ {
				r := newRepeatReader(b, "testdata/synthea_patients.csv", rows)
				heap = max(heap, benchmem.MiB(benchmem.PeakHeap(20*time.Millisecond, func() {
					if _, err := ProcessCSV(context.Background(), p, r, io.Discard, tabular.CSVOptions{}, Options{Key: testKey}, nil); err != nil {
						b.Fatal(err)
					}
				})))
			}
			b.ReportMetric(float64(rows*b.N)/time.Since(start).Seconds(), "rows/s")
			b.ReportMetric(heap, "peak-heap-MB")
		})
	}
}

// BenchmarkScrubText scrubs the presidio-research sentences (all 1,500,
// about 0.3 MB of text per iteration); SetBytes makes -bench report MB/s.
func BenchmarkScrubText(b *testing.B) {
	s := newTestScrubber(b)
	var texts []string
	n := 0
	for _, smp := range loadPIISamples(&testing.T{}) {
		texts = append(texts, smp.FullText)
		n += len(smp.FullText)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			s.Scrub(t)
		}
	}
}

// BenchmarkScrubColumn is a free-text column through the CSV path: 20,000
// rows of clinical-style notes.
func BenchmarkScrubColumn(b *testing.B) {
	note := `"pt dana whitfield seen 3/4/21, call (617) 555-0134; lives at 12 Elm St, Waltham. ssn 401-55-0172"`
	body := strings.Repeat("1,"+note+"\n", 1000)
	path := b.TempDir() + "/notes.csv"
	if err := os.WriteFile(path, []byte("id,notes\n"+body), 0o600); err != nil {
		b.Fatal(err)
	}
	p := mustPolicy(&testing.T{}, `{"format_version":1,"columns":{"id":{"action":"keep"},"notes":{"action":"scrub"}}}`)
	const rows = 20_000
	b.SetBytes(int64(len(body) / 1000 * rows))
	b.ResetTimer()
	var heap float64
	for i := 0; i < b.N; i++ {
		r := newRepeatReader(b, path, rows)
		heap = max(heap, benchmem.MiB(benchmem.PeakHeap(20*time.Millisecond, func() {
			if _, err := ProcessCSV(context.Background(), p, r, io.Discard, tabular.CSVOptions{}, Options{Key: testKey}, nil); err != nil {
				b.Fatal(err)
			}
		})))
	}
	b.ReportMetric(heap, "peak-heap-MB")
}
