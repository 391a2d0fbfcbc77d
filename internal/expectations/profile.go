package expectations

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// A column profile is the value distribution the HTML report charts. Its
// state is bounded whatever the row count:
//   - up to profileDistinct distinct values, an exact count per value;
//   - past that, for a numeric column, an exact histogram whose bins widen
//     (by doubling) as the range grows;
//   - past that, for any other column, a Space-Saving summary of the most
//     frequent values, whose counts are shown as guaranteed lower bounds.
//
// Values kept are copied: a string read from an Arrow batch points into the
// batch's buffer, and keeping it would keep the whole batch alive.
const (
	profileDistinct = 4096
	profileBins     = 20 // equal-width bins over [min, max] when every value is counted
	profileTop      = 15 // bars of a categorical chart
	histBins        = 40 // bins of the widening histogram (it fills 20 to 40 of them)
)

// ColumnProfile is the value distribution of one column, for the report.
type ColumnProfile struct {
	Column    string         `json:"column"`
	Rows      int64          `json:"rows"`
	Nulls     int64          `json:"nulls"`
	Histogram []HistogramBin `json:"histogram"`
	// Exact says every bar's count is exact; otherwise the note says what
	// the bars bound.
	Exact bool   `json:"exact"`
	Note  string `json:"note"`
	st    *profileState
}

// HistogramBin is one bar: a numeric range or a value.
type HistogramBin struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
}

type profileState struct {
	nonNumeric int64   // values that are not numbers: text, booleans, dates
	nonFinite  int64   // NaN and infinities, which no bin holds
	nums       int64   // finite numbers
	lo, hi     float64 // their range
	buf        []byte
	null       map[string]bool // text counted as missing (Options.TreatAsNull)

	// Exactly one of these is set, in this order of succession; all nil
	// means text arrived after the histogram took over (no chart).
	exact *exactCounts
	hist  *widthHistogram
	top   *spaceSaving
}

func newProfile(col string) *ColumnProfile {
	return &ColumnProfile{Column: col, st: &profileState{exact: newExactCounts(), lo: math.Inf(1), hi: math.Inf(-1)}}
}

func (p *ColumnProfile) observe(b *Batch) {
	c := b.Cols[p.Column]
	text := c.Type().Text
	s := p.st
	for i := 0; i < b.Len; i++ {
		p.Rows++
		v := c.Value(i)
		if str, ok := v.(string); v == nil || ok && s.null[str] {
			p.Nulls++
			continue
		}
		var f float64
		var num bool
		if text {
			f, num = toFloatLoose(v)
		} else if _, isBool := v.(bool); !isBool {
			f, num = toFloat(v)
		}
		s.add(v, f, num)
	}
}

// add counts one value; num says it is the number f (text that parses as
// one included, which is then counted as that number).
func (s *profileState) add(v any, f float64, num bool) {
	switch {
	case num && (math.IsNaN(f) || math.IsInf(f, 0)):
		s.nonFinite++
		return
	case num:
		s.nums++
		s.lo, s.hi = math.Min(s.lo, f), math.Max(s.hi, f)
	default:
		s.nonNumeric++
	}
	switch {
	case s.exact != nil:
		s.buf = profileKey(s.buf[:0], v, f, num)
		s.exact.add(xxhash.Sum64(s.buf), v, f, num)
		if len(s.exact.vals) > profileDistinct {
			s.overflow()
		}
	case s.hist != nil:
		if !num {
			// The numbers before it were binned, not counted by value:
			// there is no exact chart of a mixed column any more.
			s.hist = nil
			return
		}
		s.hist.add(f)
	case s.top != nil:
		s.buf = profileKey(s.buf[:0], v, f, num)
		s.top.add(xxhash.Sum64(s.buf), v, f, num)
	}
}

// profileKey is the value's identity, as the uniqueness checks see it (1
// and 1.0 are one value); numeric text is its number.
func profileKey(b []byte, v any, f float64, num bool) []byte {
	if n, ok := v.(int64); ok {
		return appendIntKey(b, n)
	}
	if num {
		return appendFloatKey(b, f)
	}

	return appendKey(b, v)
}

// kept is the value to keep: numeric text as its number, a string copied
// out of its batch.
func kept(v any, f float64, num bool) any {
	if _, ok := v.(string); ok && num {
		return f
	}

	return detached(v)
}

// detached copies a string value out of the batch it points into, so that
// state kept across batches (distinct values, profiles) does not keep the
// batch's whole buffer alive.
func detached(v any) any {
	if s, ok := v.(string); ok {
		return strings.Clone(s)
	}

	return v
}

// overflow leaves the exact counts: numbers go into a histogram, anything
// else into a Space-Saving summary seeded with the exact counts.
func (s *profileState) overflow() {
	vc := s.exact
	s.exact = nil
	if s.nonNumeric == 0 {
		s.hist = newWidthHistogram(s.lo, s.hi)
		for _, e := range vc.vals {
			f, _ := toFloat(e.v)
			s.hist.addN(f, e.count)
		}
		return
	}
	s.top = newSpaceSaving(len(vc.vals))
	for i, e := range vc.vals {
		s.top.seed(vc.hashes[i], e.v, e.count)
	}
}

// finish turns the state into bars and a note, and drops the state.
func (p *ColumnProfile) finish() {
	s := p.st
	p.st = nil
	values := p.Rows - p.Nulls
	switch {
	case values == 0:
		p.Note = "no values"
	case s.nums+s.nonNumeric == 0:
		p.Note = "no finite values"
	case s.exact != nil && s.nonNumeric == 0 && s.hi > s.lo:
		p.Histogram, p.Exact = s.exact.bins(s.lo, s.hi), true
		p.Note = fmt.Sprintf("all %d values", s.nums)
	case s.exact != nil:
		p.Histogram, p.Exact = s.exact.top(), true
		p.Note = fmt.Sprintf("all %d values", s.nums+s.nonNumeric)
		if n := len(s.exact.vals); n > profileTop {
			p.Note = fmt.Sprintf("the %d most frequent of %d distinct values; all %d values counted", profileTop, n, s.nums+s.nonNumeric)
		}
	case s.hist != nil && s.hist.broken:
		p.Note = "numbers span more than the float64 range; no chart"
	case s.hist != nil:
		p.Histogram, p.Exact = s.hist.bars(), true
		p.Note = fmt.Sprintf("all %d values, in bins of width %g", s.nums, s.hist.width)
	case s.top != nil:
		var rest int64
		p.Histogram, rest = s.top.bars()
		if len(p.Histogram) == 0 {
			p.Note = fmt.Sprintf("more than %d distinct values, none frequent: each occurs at most %d times", profileDistinct, rest)
		} else {
			p.Note = fmt.Sprintf("more than %d distinct values: each bar is the least count the Space-Saving summary "+
				"(%d counters) guarantees; any value not shown occurs at most %d times", profileDistinct, s.top.cap, rest)
		}
	default:
		p.Note = fmt.Sprintf("numbers and text mixed, with more than %d distinct numbers; no chart", profileDistinct)
	}
	if s.nonFinite > 0 && values > 0 {
		p.Note += fmt.Sprintf("; %d NaN or infinite values are not charted", s.nonFinite)
	}
}

// exactCounts counts each distinct value exactly, keyed by a 64-bit hash of
// its identity (appendKey: 1 and 1.0 are one value).
type exactCounts struct {
	index  map[uint64]int
	hashes []uint64
	vals   []valCount
}

func newExactCounts() *exactCounts { return &exactCounts{index: map[uint64]int{}} }

func (c *exactCounts) add(h uint64, v any, f float64, num bool) {
	if i, ok := c.index[h]; ok {
		c.vals[i].count++
		return
	}
	c.index[h] = len(c.vals)
	c.hashes = append(c.hashes, h)
	c.vals = append(c.vals, valCount{v: kept(v, f, num), count: 1})
}

// bins spreads numeric values over profileBins equal-width bins.
func (c *exactCounts) bins(lo, hi float64) []HistogramBin {
	counts := make([]int64, profileBins)
	w := (hi - lo) / profileBins
	for _, e := range c.vals {
		f, _ := toFloat(e.v)
		k := min(int((f-lo)/w), profileBins-1)
		counts[k] += e.count
	}
	out := make([]HistogramBin, profileBins)
	for k, n := range counts {
		out[k] = HistogramBin{Label: fmt.Sprintf("%.4g", lo+w*float64(k)), Count: n}
	}

	return out
}

// top lists the most frequent values, ties by label.
func (c *exactCounts) top() []HistogramBin {
	out := make([]HistogramBin, len(c.vals))
	for i, e := range c.vals {
		out[i] = HistogramBin{Label: pyStr(e.v), Count: e.count}
	}

	return topBins(out)
}

func topBins(b []HistogramBin) []HistogramBin {
	sort.Slice(b, func(i, j int) bool {
		if b[i].Count != b[j].Count {
			return b[i].Count > b[j].Count
		}
		return b[i].Label < b[j].Label
	})

	return b[:min(len(b), profileTop)]
}

// widthHistogram counts numbers exactly in histBins bins of one width, a
// power of two, with edges at multiples of it. A number outside the bins
// doubles the width (as often as needed) and moves the first edge; every
// old bin then lies inside one new bin, so the counts stay exact.
type widthHistogram struct {
	origin, width float64 // bin i is [origin+i*width, origin+(i+1)*width)
	counts        [histBins]int64
	lo, hi        float64 // range of the numbers counted
	broken        bool    // the range overflows float64
}

func newWidthHistogram(lo, hi float64) *widthHistogram {
	h := &widthHistogram{lo: lo, hi: hi}
	w := math.Ldexp(1, math.Ilogb((hi-lo)/histBins))
	if w == 0 || math.IsInf(w, 0) || math.IsNaN(w) {
		w = math.SmallestNonzeroFloat64
	}
	h.origin, h.width, h.broken = h.fit(lo, hi, w)

	return h
}

// fit returns the first edge and the least width from w up at which
// [lo, hi] fits in histBins bins.
func (h *widthHistogram) fit(lo, hi, w float64) (float64, float64, bool) {
	for {
		o := math.Floor(lo/w) * w
		end := o + histBins*w
		if math.IsInf(end, 0) || math.IsNaN(end) || math.IsInf(o, 0) || math.IsNaN(o) {
			return 0, w, true
		}
		if hi < end {
			return o, w, false
		}
		w *= 2
	}
}

func (h *widthHistogram) add(f float64) { h.addN(f, 1) }

func (h *widthHistogram) addN(f float64, n int64) {
	if h.broken {
		return
	}
	if f < h.lo || f > h.hi {
		h.widen(math.Min(h.lo, f), math.Max(h.hi, f))
		if h.broken {
			return
		}
	}
	h.counts[h.bin(f)] += n
}

func (h *widthHistogram) bin(f float64) int {
	return max(0, min(int((f-h.origin)/h.width), histBins-1))
}

func (h *widthHistogram) widen(lo, hi float64) {
	h.lo, h.hi = lo, hi
	o, w, broken := h.fit(lo, hi, h.width)
	if broken {
		h.broken = true
		return
	}
	if o == h.origin && w == h.width {
		return
	}
	var next [histBins]int64
	for j, n := range h.counts {
		if n == 0 {
			continue
		}
		// An old bin's midpoint is well inside the new bin holding it.
		mid := h.origin + (float64(j)+0.5)*h.width
		next[max(0, min(int((mid-o)/w), histBins-1))] += n
	}
	h.origin, h.width, h.counts = o, w, next
}

// bars are the bins from the lowest number's to the highest's.
func (h *widthHistogram) bars() []HistogramBin {
	var out []HistogramBin
	for k := h.bin(h.lo); k <= h.bin(h.hi); k++ {
		out = append(out, HistogramBin{Label: fmt.Sprintf("%.4g", h.origin+float64(k)*h.width), Count: h.counts[k]})
	}

	return out
}

// spaceSaving is the Space-Saving summary (Metwally, Agrawal and El Abbadi,
// 2005): cap counters; a value not counted takes over the smallest counter,
// whose count becomes its error. A counted value's true count lies in
// [count-err, count]; a value not counted occurs at most min-count times.
// Counters stay in their slots; a min-heap of slot numbers finds the
// smallest, so moving in the heap touches no map.
type spaceSaving struct {
	cap   int
	slots []ssEntry
	heap  []int32          // slot numbers, min-heap by count
	pos   []int32          // slot -> heap position
	index map[uint64]int32 // hash -> slot
}

// ssEntry is one counter. A value that took over a counter is kept only
// when it is seen again: until then its guaranteed count is 1 and it is
// never shown, so a column of distinct values copies nothing per row.
type ssEntry struct {
	h          uint64
	v          any
	known      bool // v is set
	count, err int64
}

func newSpaceSaving(capacity int) *spaceSaving {
	return &spaceSaving{cap: capacity, index: make(map[uint64]int32, capacity)}
}

// seed adds a kept value with an exact count (capacity permitting).
func (s *spaceSaving) seed(h uint64, v any, n int64) {
	slot := int32(len(s.slots))
	s.slots = append(s.slots, ssEntry{h: h, v: v, known: true, count: n})
	s.heap = append(s.heap, slot)
	s.pos = append(s.pos, slot)
	s.index[h] = slot
	s.up(len(s.heap) - 1)
}

func (s *spaceSaving) add(h uint64, v any, f float64, num bool) {
	if slot, ok := s.index[h]; ok {
		e := &s.slots[slot]
		e.count++
		if !e.known {
			e.v, e.known = kept(v, f, num), true
		}
		s.down(int(s.pos[slot]))
		return
	}
	if len(s.slots) < s.cap {
		s.seed(h, kept(v, f, num), 1)
		return
	}
	slot := s.heap[0]
	m := &s.slots[slot]
	delete(s.index, m.h)
	*m = ssEntry{h: h, count: m.count + 1, err: m.count}
	s.index[h] = slot
	s.down(0)
}

func (s *spaceSaving) less(i, j int) bool {
	return s.slots[s.heap[i]].count < s.slots[s.heap[j]].count
}

func (s *spaceSaving) swap(i, j int) {
	s.heap[i], s.heap[j] = s.heap[j], s.heap[i]
	s.pos[s.heap[i]], s.pos[s.heap[j]] = int32(i), int32(j)
}

func (s *spaceSaving) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !s.less(i, p) {
			return
		}
		s.swap(i, p)
		i = p
	}
}

func (s *spaceSaving) down(i int) {
	for {
		l, small := 2*i+1, i
		if l < len(s.heap) && s.less(l, small) {
			small = l
		}
		if r := l + 1; r < len(s.heap) && s.less(r, small) {
			small = r
		}
		if small == i {
			return
		}
		s.swap(i, small)
		i = small
	}
}

// bars are the values whose guaranteed count (count-err) is at least 2,
// most frequent first, with that count; rest bounds the true count of
// every value not shown.
func (s *spaceSaving) bars() ([]HistogramBin, int64) {
	if len(s.slots) == 0 {
		return nil, 0
	}
	rest := s.slots[s.heap[0]].count // a value never counted occurs at most this often
	type cand struct {
		bin   HistogramBin
		upper int64
	}
	var all []cand
	for _, e := range s.slots {
		if !e.known || e.count-e.err < 2 {
			rest = max(rest, e.count)
			continue
		}
		all = append(all, cand{HistogramBin{Label: pyStr(e.v), Count: e.count - e.err}, e.count})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].bin.Count != all[j].bin.Count {
			return all[i].bin.Count > all[j].bin.Count
		}
		return all[i].bin.Label < all[j].bin.Label
	})
	var out []HistogramBin
	for _, c := range all {
		if len(out) < profileTop {
			out = append(out, c.bin)
			continue
		}
		rest = max(rest, c.upper)
	}

	return out, rest
}
