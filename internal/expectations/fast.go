package expectations

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cespare/xxhash/v2"
)

// Typed fast paths. The generic harness reads every value as an interface,
// which allocates; for the common Arrow column types these readers give
// float64 or string values directly, and only unexpected rows are boxed.

// numReader returns a reader of a numeric Arrow column as float64.
func numReader(c Column) (func(i int) float64, bool) {
	ac, ok := c.(*arrowColumn)
	if !ok {
		return nil, false
	}
	switch a := ac.arr.(type) {
	case *array.Int64:
		v := a.Int64Values()
		return func(i int) float64 { return float64(v[i]) }, true
	case *array.Int32:
		v := a.Int32Values()
		return func(i int) float64 { return float64(v[i]) }, true
	case *array.Float64:
		v := a.Float64Values()
		return func(i int) float64 { return v[i] }, true
	case *array.Float32:
		v := a.Float32Values()
		return func(i int) float64 { return float64(v[i]) }, true
	}

	return nil, false
}

// strReader returns a reader of a string Arrow column.
func strReader(c Column) (func(i int) string, bool) {
	ac, ok := c.(*arrowColumn)
	if !ok {
		return nil, false
	}
	if ac.dict != nil {
		dict, codes := ac.dict, ac.codes
		return func(i int) string { return dict.Value(int(codes[i])) }, true
	}
	switch a := ac.arr.(type) {
	case *array.String:
		return a.Value, true
	case *array.LargeString:
		return a.Value, true
	}

	return nil, false
}

// flag records row i of the batch as unexpected (boxing its values only
// when the row can still enter the list of unexpected rows).
func (m *mapExp) flag(b *Batch, i int) {
	if m.full(b.Row(i)) {
		m.unexpected++
		if b.Lines != nil {
			m.lines = true
		}
		return
	}
	vals := make([]any, len(m.cols))
	for j, c := range m.cols {
		vals[j] = b.Cols[c].Value(i)
	}
	m.unexpected++
	m.add(b, i, vals)
}

// validity returns the validity bitmap and offset of an Arrow column, or a
// nil bitmap when no value is null (arrow's IsNull reads it the same way).
// In a float column NaN is missing too (see arrowColumn.missing).
func validity(c Column) ([]byte, int) {
	ac, ok := c.(*arrowColumn)
	if !ok || ac.nullN() == 0 {
		return nil, 0
	}
	if ac.missing != nil {
		return ac.missing, 0
	}

	return ac.arr.NullBitmapBytes(), ac.arr.Data().Offset()
}

// nullAt reads a bitmap from validity.
func nullAt(bm []byte, off, i int) bool {
	if bm == nil {
		return false
	}
	j := off + i

	return bm[j>>3]&(1<<(j&7)) == 0
}

// fastNum runs a one-column numeric predicate over the batch; it reports
// false when the column is not numeric Arrow data.
func (m *mapExp) fastNum(b *Batch, bad func(float64) bool) bool {
	c := b.Cols[m.cols[0]]
	get, ok := numReader(c)
	if !ok {
		return false
	}
	bm, off := validity(c)
	m.element += int64(b.Len)
	if a, ok := c.(*arrowColumn).arr.(*array.Float64); ok {
		// The common case without a call per value.
		vals := a.Float64Values()
		for i := 0; i < b.Len; i++ {
			f := vals[i]
			if nullAt(bm, off, i) || math.IsNaN(f) {
				m.missing++
			} else if bad(f) {
				m.flag(b, i)
			}
		}
		return true
	}
	for i := 0; i < b.Len; i++ {
		if nullAt(bm, off, i) {
			m.missing++
			continue
		}
		f := get(i)
		if math.IsNaN(f) {
			m.missing++
			continue
		}
		if bad(f) {
			m.flag(b, i)
		}
	}

	return true
}

// fastStr runs a one-column string predicate over the batch.
func (m *mapExp) fastStr(b *Batch, bad func(string) bool) bool {
	c := b.Cols[m.cols[0]]
	get, ok := strReader(c)
	if !ok {
		return false
	}
	bm, off := validity(c)
	m.element += int64(b.Len)
	if ac, isArrow := c.(*arrowColumn); isArrow && ac.dict != nil && !m.text {
		m.dictStr(b, ac, bm, off, bad)
		return true
	}
	if a, ok := c.(*arrowColumn).arr.(*array.String); ok {
		// The common case, with Value inlined.
		for i := 0; i < b.Len; i++ {
			if nullAt(bm, off, i) {
				m.missing++
				continue
			}
			m.strRow(b, i, a.Value(i), bad)
		}
		return true
	}
	for i := 0; i < b.Len; i++ {
		if nullAt(bm, off, i) {
			m.missing++
			continue
		}
		m.strRow(b, i, get(i), bad)
	}

	return true
}

// Verdicts on a dictionary entry.
const (
	dictUnjudged = iota
	dictExpected
	dictUnexpected
	dictMissing // a treat_as_null value
)

// dictStr judges each dictionary entry once, at its first row, and every
// row by its entry's verdict. The predicates fastStr serves depend on the
// value alone (the one that records errors serves text columns, never
// dictionaries), so the verdicts are the row-by-row ones.
func (m *mapExp) dictStr(b *Batch, ac *arrowColumn, bm []byte, off int, bad func(string) bool) {
	verdict := make([]uint8, ac.dict.Len())
	for i := 0; i < b.Len; i++ {
		if nullAt(bm, off, i) {
			m.missing++
			continue
		}
		code := ac.codes[i]
		v := verdict[code]
		if v == dictUnjudged {
			s := ac.dict.Value(int(code))
			switch {
			case len(m.env.null) > 0 && m.env.null[s]:
				v = dictMissing
			case bad(s):
				v = dictUnexpected
			default:
				v = dictExpected
			}
			verdict[code] = v
		}
		switch v {
		case dictMissing:
			m.missing++
		case dictUnexpected:
			m.flag(b, i)
		}
	}
}

// strRow judges one non-null string value.
func (m *mapExp) strRow(b *Batch, i int, s string, bad func(string) bool) {
	if len(m.env.null) > 0 && m.env.null[s] {
		m.missing++
	} else if bad(s) {
		m.flag(b, i)
	}
}

// fastNulls serves not_be_null / be_null: only the validity bitmap is read.
func (m *mapExp) fastNulls(b *Batch, wantNull bool) bool {
	c := b.Cols[m.cols[0]]
	if ac, ok := c.(*arrowColumn); !ok || !ac.bitmapNulls() || len(m.env.null) > 0 {
		return false
	}
	bm, off := validity(c)
	m.element += int64(b.Len)
	if bm == nil && !wantNull {
		return true // no null, so nothing to flag
	}
	for i := 0; i < b.Len; i++ {
		if nullAt(bm, off, i) != wantNull {
			m.flag(b, i)
		}
	}

	return true
}

// fastPair runs a numeric two-column predicate.
func (m *mapExp) fastPair(b *Batch, bad func(a, b float64) bool) bool {
	ca, cb := b.Cols[m.cols[0]], b.Cols[m.cols[1]]
	ga, ok1 := numReader(ca)
	gb, ok2 := numReader(cb)
	if !ok1 || !ok2 {
		return false
	}
	bma, offa := validity(ca)
	bmb, offb := validity(cb)
	for i := 0; i < b.Len; i++ {
		m.element++
		na, nb := nullAt(bma, offa, i), nullAt(bmb, offb, i)
		nmiss := 0
		if na {
			nmiss++
		}
		if nb {
			nmiss++
		}
		if m.skip(nmiss, 2) {
			m.missing++
			continue
		}
		if na || nb || bad(ga(i), gb(i)) {
			m.flag(b, i)
		}
	}

	return true
}

// keyHasher hashes row i's key columns without boxing. The encoding matches
// appendKey, so 1 and 1.0 are the same key.
type keyHasher struct {
	nums []func(int) float64
	ints []func(int) int64 // 64-bit integers, whose large values are no floats
	strs []func(int) string
	cols []Column
	bms  [][]byte // validity bitmaps (nil: no null in that column)
	offs []int
	buf  []byte
}

// null reports whether key column j is null at row i.
func (h *keyHasher) null(j, i int) bool { return nullAt(h.bms[j], h.offs[j], i) }

// intReader returns a reader of a 64-bit integer Arrow column.
func intReader(c Column) (func(i int) int64, bool) {
	if ac, ok := c.(*arrowColumn); ok {
		if a, ok := ac.arr.(*array.Int64); ok {
			v := a.Int64Values()
			return func(i int) int64 { return v[i] }, true
		}
	}

	return nil, false
}

func newKeyHasher(b *Batch, names []string) (*keyHasher, bool) {
	h := &keyHasher{}
	for _, n := range names {
		c := b.Cols[n]
		var num func(int) float64
		var in func(int) int64
		var str func(int) string
		if g, ok := intReader(c); ok {
			in = g
		} else if g, ok := numReader(c); ok {
			num = g
		} else if g, ok := strReader(c); ok {
			str = g
		} else {
			return nil, false
		}
		h.nums, h.ints, h.strs = append(h.nums, num), append(h.ints, in), append(h.strs, str)
		h.cols = append(h.cols, c)
		bm, off := validity(c)
		h.bms, h.offs = append(h.bms, bm), append(h.offs, off)
	}

	return h, true
}

// hash returns the key hash, or ok=false when a part is null. A single
// numeric column needs no hashing: its float64 bits are the key itself
// (exact, so no collisions).
func (h *keyHasher) hash(i int) (uint64, bool) {
	if len(h.cols) == 1 && (h.nums[0] != nil || h.ints[0] != nil) {
		if h.null(0, i) {
			return 0, false
		}
		if h.nums[0] != nil {
			return math.Float64bits(h.nums[0](i) + 0), true
		}
		if x := h.ints[0](i); exactFloat(x) {
			return math.Float64bits(float64(x)), true
		}
	}
	// A local slice: storing into h.buf on every append would cost a GC
	// write barrier each; h.buf keeps the capacity once it has grown.
	buf := h.buf[:0]
	for j := range h.cols {
		if h.null(j, i) {
			h.keep(buf)
			return 0, false
		}
		if g := h.ints[j]; g != nil {
			buf = appendIntKey(buf, g(i))
			continue
		}
		if g := h.nums[j]; g != nil {
			buf = appendFloatKey(buf, g(i))
			continue
		}
		s := h.strs[j](i)
		buf = append(buf, 's')
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
		buf = append(buf, s...)
	}
	h.keep(buf)

	return xxhash.Sum64(buf), true
}

// keep saves a grown key buffer for the next row.
func (h *keyHasher) keep(buf []byte) {
	if cap(buf) > cap(h.buf) {
		h.buf = buf
	}
}
