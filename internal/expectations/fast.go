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
	switch a := ac.arr.(type) {
	case *array.String:
		return a.Value, true
	case *array.LargeString:
		return a.Value, true
	}

	return nil, false
}

// flag records row i of the batch as unexpected (boxing its values).
func (m *mapExp) flag(b *Batch, i int) {
	vals := make([]any, len(m.cols))
	for j, c := range m.cols {
		vals[j] = b.Cols[c].Value(i)
	}
	m.unexpected++
	m.add(b, i, vals)
}

// fastNum runs a one-column numeric predicate over the batch; it reports
// false when the column is not numeric Arrow data.
func (m *mapExp) fastNum(b *Batch, bad func(float64) bool) bool {
	c := b.Cols[m.cols[0]]
	get, ok := numReader(c)
	if !ok {
		return false
	}
	for i := 0; i < b.Len; i++ {
		m.element++
		if c.IsNull(i) {
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
	null := m.env.null
	for i := 0; i < b.Len; i++ {
		m.element++
		if c.IsNull(i) {
			m.missing++
			continue
		}
		s := get(i)
		if len(null) > 0 && null[s] {
			m.missing++
			continue
		}
		if bad(s) {
			m.flag(b, i)
		}
	}

	return true
}

// fastNulls serves not_be_null / be_null: only the validity bitmap is read.
func (m *mapExp) fastNulls(b *Batch, wantNull bool) bool {
	c := b.Cols[m.cols[0]]
	if _, ok := c.(*arrowColumn); !ok || len(m.env.null) > 0 {
		return false
	}
	for i := 0; i < b.Len; i++ {
		m.element++
		if c.IsNull(i) != wantNull {
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
	for i := 0; i < b.Len; i++ {
		m.element++
		na, nb := ca.IsNull(i), cb.IsNull(i)
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
	buf  []byte
}

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
	}

	return h, true
}

// hash returns the key hash, or ok=false when a part is null. A single
// numeric column needs no hashing: its float64 bits are the key itself
// (exact, so no collisions).
func (h *keyHasher) hash(i int) (uint64, bool) {
	if len(h.cols) == 1 && (h.nums[0] != nil || h.ints[0] != nil) {
		if h.cols[0].IsNull(i) {
			return 0, false
		}
		if h.nums[0] != nil {
			return math.Float64bits(h.nums[0](i) + 0), true
		}
		if x := h.ints[0](i); exactFloat(x) {
			return math.Float64bits(float64(x)), true
		}
	}
	h.buf = h.buf[:0]
	for j, c := range h.cols {
		if c.IsNull(i) {
			return 0, false
		}
		if g := h.ints[j]; g != nil {
			h.buf = appendIntKey(h.buf, g(i))
			continue
		}
		if g := h.nums[j]; g != nil {
			h.buf = appendFloatKey(h.buf, g(i))
			continue
		}
		s := h.strs[j](i)
		h.buf = append(h.buf, 's')
		h.buf = binary.LittleEndian.AppendUint32(h.buf, uint32(len(s)))
		h.buf = append(h.buf, s...)
	}

	return xxhash.Sum64(h.buf), true
}
