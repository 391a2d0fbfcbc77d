package expectations

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// profileOf profiles one column of values, fed in batches of 1000.
func profileOf(vals []any, text bool) ColumnProfile {
	p := newProfile("c")
	typ := LogicalType{Name: "mixed", Text: text}
	for i := 0; i < len(vals); i += 1000 {
		part := vals[i:min(i+1000, len(vals))]
		p.observe(&Batch{Cols: map[string]Column{"c": &AnyColumn{Values: part, Typ: typ}}, Len: len(part)})
	}
	p.finish()

	return *p
}

func binTotal(p ColumnProfile) int64 {
	var n int64
	for _, b := range p.Histogram {
		n += b.Count
	}

	return n
}

// Up to profileDistinct distinct numbers, the 20 equal-width bins over
// [min, max] hold exactly the count of each bin.
func TestProfileNumericExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var vals []any
	want := make([]int64, profileBins)
	for i := 0; i < 50_000; i++ {
		x := float64(r.IntN(1000)) / 10 // 1000 distinct values in [0, 99.9]
		if i%100 == 0 {
			vals = append(vals, nil)
			continue
		}
		vals = append(vals, x)
		want[min(int(x/(99.9/profileBins)), profileBins-1)]++
	}
	p := profileOf(vals, false)
	if !p.Exact || p.Nulls != 500 || len(p.Histogram) != profileBins {
		t.Fatalf("exact %v, nulls %d, %d bins: %s", p.Exact, p.Nulls, len(p.Histogram), p.Note)
	}
	for k, b := range p.Histogram {
		if b.Count != want[k] {
			t.Errorf("bin %d (%s): %d, want %d", k, b.Label, b.Count, want[k])
		}
	}
}

// Past profileDistinct distinct numbers the widening histogram still counts
// every number in its bin, however the range grows (both ways) and in
// whatever order the numbers come.
func TestWidthHistogramExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for name, gen := range map[string]func(i int) float64{
		"growing":   func(i int) float64 { return float64(i) * 1.5 },
		"shrinking": func(i int) float64 { return -float64(i) * 0.01 },
		"random":    func(int) float64 { return r.NormFloat64() * 1e6 },
		"outliers": func(i int) float64 {
			if i%5000 == 4999 {
				return float64(i) * 1e9
			}
			return r.Float64()
		},
	} {
		t.Run(name, func(t *testing.T) {
			var xs []float64
			s := &profileState{exact: newExactCounts(), lo: math.Inf(1), hi: math.Inf(-1)}
			for i := 0; i < 30_000; i++ {
				x := gen(i)
				xs = append(xs, x)
				s.add(x, x, true)
			}
			h := s.hist
			if h == nil || h.broken {
				t.Fatal("30000 distinct numbers: want the widening histogram")
			}
			got := h.bars()
			if len(got) < histBins/2-1 || len(got) > histBins {
				t.Errorf("%d bars, want %d to %d", len(got), histBins/2-1, histBins)
			}
			first := h.bin(h.lo)
			for k := range got {
				lo := h.origin + float64(first+k)*h.width
				var want int64
				for _, x := range xs {
					if x >= lo && x < lo+h.width {
						want++
					}
				}
				if got[k].Count != want {
					t.Errorf("bar %d [%g, %g): %d, want %d", k, lo, lo+h.width, got[k].Count, want)
				}
			}
		})
	}
}

// A categorical column with few distinct values gets its exact top counts;
// text that parses as a number counts as that number (1 and 1.0 are one).
func TestProfileCategoricalExact(t *testing.T) {
	var vals []any
	for k := 0; k < 40; k++ {
		for j := 0; j < 5*(k%17+1); j++ { // uneven counts, ties among them
			vals = append(vals, fmt.Sprintf("v%02d", k))
		}
	}
	rand.New(rand.NewPCG(7, 8)).Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
	counts := map[string]int64{}
	for _, v := range vals {
		counts[v.(string)]++
	}
	vals = append(vals, "1", "1.0", " 1")
	p := profileOf(vals, true)
	counts["1.0"] = 3
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if !p.Exact || len(p.Histogram) != min(profileTop, len(keys)) {
		t.Fatalf("exact %v, %d bars: %s", p.Exact, len(p.Histogram), p.Note)
	}
	for i, b := range p.Histogram {
		if b.Label != keys[i] || b.Count != counts[keys[i]] {
			t.Errorf("bar %d: %s=%d, want %s=%d", i, b.Label, b.Count, keys[i], counts[keys[i]])
		}
	}
	if !strings.Contains(p.Note, fmt.Sprintf("of %d distinct values", len(keys))) {
		t.Errorf("note: %s", p.Note)
	}
}

// Past profileDistinct distinct values, the Space-Saving bars are lower
// bounds within n/capacity of the true counts, the frequent values are all
// there, and the note's bound holds for every value not shown. A column of
// distinct values (ids, emails) shows no bars instead of invented ones.
func TestProfileSpaceSaving(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var vals []any
	truth := map[string]int64{}
	for i := 0; i < 200_000; i++ {
		v := fmt.Sprintf("u%d", i)
		if k := r.IntN(100); k < 30 {
			v = fmt.Sprintf("heavy%d", k%6) // six values, about 5% each
		}
		vals = append(vals, v)
		truth[v]++
	}
	p := profileOf(vals, false)
	if p.Exact || len(p.Histogram) < 6 {
		t.Fatalf("exact %v, %d bars: %s", p.Exact, len(p.Histogram), p.Note)
	}
	shown := map[string]bool{}
	slack := int64(len(vals)/profileDistinct) + 1
	for _, b := range p.Histogram {
		shown[b.Label] = true
		if b.Count > truth[b.Label] || truth[b.Label]-b.Count > slack {
			t.Errorf("%s: bar %d, true count %d (slack %d)", b.Label, b.Count, truth[b.Label], slack)
		}
	}
	for k := 0; k < 6; k++ {
		if !shown[fmt.Sprintf("heavy%d", k)] {
			t.Errorf("heavy%d missing from %v", k, p.Histogram)
		}
	}
	var bound int64
	if _, err := fmt.Sscanf(p.Note[strings.LastIndex(p.Note, "at most ")+len("at most "):], "%d", &bound); err != nil {
		t.Fatalf("note %q: %v", p.Note, err)
	}
	for v, n := range truth {
		if !shown[v] && n > bound {
			t.Errorf("%s occurs %d times, more than the note's %d", v, n, bound)
		}
	}

	distinct := make([]any, 50_000)
	for i := range distinct {
		distinct[i] = fmt.Sprintf("s%07d@uni.example", i)
	}
	p = profileOf(distinct, false)
	if len(p.Histogram) != 0 || !strings.Contains(p.Note, "none frequent") {
		t.Errorf("distinct values: %d bars, note %q", len(p.Histogram), p.Note)
	}
}

// NaN and infinities are counted apart; text after the histogram took over
// ends the chart; an empty column says so.
func TestProfileEdges(t *testing.T) {
	// (An AnyColumn reads NaN as missing, as pandas does.)
	vals := []any{math.NaN(), 1.0, math.Inf(1), 2.0, math.Inf(-1), 3.0}
	p := profileOf(vals, false)
	if binTotal(p) != 3 || p.Nulls != 1 || !strings.Contains(p.Note, "2 NaN or infinite") {
		t.Errorf("%v %q", p.Histogram, p.Note)
	}
	var mixed []any
	for i := 0; i < 2*profileDistinct; i++ {
		mixed = append(mixed, float64(i))
	}
	mixed = append(mixed, "text")
	if p = profileOf(mixed, false); len(p.Histogram) != 0 || !strings.Contains(p.Note, "mixed") {
		t.Errorf("%d bars, %q", len(p.Histogram), p.Note)
	}
	if p = profileOf([]any{nil, nil}, false); p.Note != "no values" || p.Nulls != 2 {
		t.Errorf("%+v", p)
	}
	huge := []any{}
	for i := 0; i < 2*profileDistinct; i++ {
		huge = append(huge, math.MaxFloat64/float64(i+1), -math.MaxFloat64/float64(i+1))
	}
	if p = profileOf(huge, false); len(p.Histogram) != 0 || !strings.Contains(p.Note, "float64 range") {
		t.Errorf("%d bars, %q", len(p.Histogram), p.Note)
	}
}

// textSource streams rows of long distinct text (what CSV notes or names
// look like) and a number, batch by batch.
type textSource struct {
	rows, next int
	perBatch   bool // one note value a batch instead of one a row
	schema     *arrow.Schema
}

func newTextSource(rows int) *textSource {
	return &textSource{rows: rows, schema: arrow.NewSchema([]arrow.Field{
		{Name: "note", Type: arrow.BinaryTypes.String},
		{Name: "n", Type: arrow.BinaryTypes.String},
	}, nil)}
}

func (g *textSource) Columns() []string { return []string{"note", "n"} }
func (g *textSource) Types() map[string]LogicalType {
	return map[string]LogicalType{"note": {Name: "string", Text: true}, "n": {Name: "string", Text: true}}
}
func (g *textSource) Close() error { return nil }

func (g *textSource) Next(context.Context) (*Batch, error) {
	if g.next >= g.rows {
		return nil, io.EOF
	}
	n := min(64*1024, g.rows-g.next)
	b := array.NewRecordBuilder(memory.DefaultAllocator, g.schema)
	defer b.Release()
	pad := strings.Repeat("x", 80)
	for i := g.next; i < g.next+n; i++ {
		note := i
		if g.perBatch {
			note = g.next
		}
		b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("note %d %s", note, pad))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("%d.%d", i%997, i%10))
	}
	rec := b.NewRecordBatch()
	batch := &Batch{Names: g.Columns(), Cols: map[string]Column{}, Len: n, Offset: int64(g.next), release: rec.Release}
	for i := range g.schema.Fields() {
		batch.Cols[g.Columns()[i]] = NewArrowColumn(rec.Column(i), true)
	}
	g.next += n

	return batch, nil
}

// heapAtEnd runs the suite with profiles over rows and returns the live heap
// after the last batch, while every expectation and profile still holds its
// state.
func heapAtEnd(t testing.TB, s *Suite, src *textSource, profile bool) uint64 {
	t.Helper()
	var live uint64
	rows := src.rows
	res, err := Run(context.Background(), s, src, Options{Profile: profile, Parallelism: 1, Progress: func(n int64) {
		if n == int64(rows) {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			live = ms.HeapAlloc
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if profs, _ := res.Meta["column_profiles"].([]ColumnProfile); profile && len(profs) != 2 {
		t.Fatalf("want two profiles, got %v", res.Meta["column_profiles"])
	}

	return live
}

// The HTML report's profiles keep no per-row state: the live heap at the
// end of a pass over 10x the rows stays within a few MiB of the smaller
// pass's, where keeping the values (or any string pointing into a batch)
// would keep about 90 bytes a row, 80 MiB more.
func TestProfileMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1M generated rows")
	}
	s := suiteOf(t, `{"name":"flat","expectations":[
	 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"note"}},
	 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"n"}}]}`)
	small := heapAtEnd(t, s, newTextSource(100_000), true)
	large := heapAtEnd(t, s, newTextSource(1_000_000), true)
	t.Logf("live heap at the end of the pass: %d MiB at 100k rows, %d MiB at 1M", small>>20, large>>20)
	if grown := int64(large) - int64(small); grown > 16<<20 {
		t.Errorf("live heap grew by %d MiB from 100k to 1M rows (%d -> %d MiB): profiles keep per-row state",
			grown>>20, small>>20, large>>20)
	}
}

// Distinct values kept by the value-set checks are copied out of their
// batch: a column gaining a new value in every batch (dates, terms as a
// file goes on) keeps those values, not every batch they came in.
func TestDistinctValuesKeepNoBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1M generated rows")
	}
	s := suiteOf(t, `{"name":"distinct","expectations":[
	 {"type":"expect_column_distinct_values_to_be_in_set","kwargs":{"column":"note","value_set":[]}},
	 {"type":"expect_column_most_common_value_to_be_in_set","kwargs":{"column":"note","value_set":[]}}]}`)
	small := heapAtEnd(t, s, &textSource{rows: 100_000, perBatch: true, schema: newTextSource(0).schema}, false)
	large := heapAtEnd(t, s, &textSource{rows: 1_000_000, perBatch: true, schema: newTextSource(0).schema}, false)
	t.Logf("live heap at the end of the pass: %d MiB at 100k rows, %d MiB at 1M", small>>20, large>>20)
	if grown := int64(large) - int64(small); grown > 16<<20 {
		t.Errorf("live heap grew by %d MiB from 100k to 1M rows (%d -> %d MiB): distinct values keep their batches",
			grown>>20, small>>20, large>>20)
	}
}
