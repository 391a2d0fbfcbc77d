package expectations

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"
)

func init() {
	register("expect_column_pair_values_a_to_be_greater_than_b", func(k *kw, env *buildEnv) (evaluator, error) {
		m, err := pairExp(k, env)
		if err != nil {
			return nil, err
		}
		orEqual := k.boolean("or_equal", false)
		m.pred = func(v []any) (bool, error) {
			if v[0] == nil || v[1] == nil {
				return true, nil
			}
			a, b := v[0], v[1]
			if m.text {
				if fa, ok := toFloatLoose(a); ok {
					if fb, ok := toFloatLoose(b); ok {
						a, b = fa, fb
					}
				}
			}
			c, ok := compare(a, b)
			if !ok {
				return false, fmt.Errorf("cannot compare %s with %s", shown(v[0]), shown(v[1]))
			}
			return c < 0 || (c == 0 && !orEqual), nil
		}
		m.fast = func(m *mapExp, b *Batch) bool {
			return m.fastPair(b, func(x, y float64) bool { return !(x > y || (orEqual && x == y)) })
		}
		return m, nil
	})
	register("expect_column_pair_values_to_be_equal", func(k *kw, env *buildEnv) (evaluator, error) {
		m, err := pairExp(k, env)
		if err != nil {
			return nil, err
		}
		m.pred = func(v []any) (bool, error) {
			if v[0] == nil || v[1] == nil {
				return true, nil
			}
			return key(v[0]) != key(v[1]), nil
		}
		return m, nil
	})
	register("expect_column_pair_values_to_be_in_set", func(k *kw, env *buildEnv) (evaluator, error) {
		m, err := pairExp(k, env)
		if err != nil {
			return nil, err
		}
		pairs, _ := k.list("value_pairs_set", true)
		set := map[[2]any]bool{}
		for _, p := range pairs {
			l, ok := p.([]any)
			if !ok || len(l) != 2 {
				return nil, errors.New("value_pairs_set must list pairs [a, b]")
			}
			set[[2]any{key(l[0]), key(l[1])}] = true
		}
		m.pred = func(v []any) (bool, error) { return !set[[2]any{key(v[0]), key(v[1])}], nil }
		return m, nil
	})
	register("expect_compound_columns_to_be_unique", func(k *kw, env *buildEnv) (evaluator, error) {
		m, err := multiExp(k, env)
		if err != nil {
			return nil, err
		}
		return withUniq(m)
	})
	register("expect_select_column_values_to_be_unique_within_record", func(k *kw, env *buildEnv) (evaluator, error) {
		m, err := multiExp(k, env)
		if err != nil {
			return nil, err
		}
		m.pred = func(v []any) (bool, error) {
			seen := map[any]bool{}
			for _, x := range v {
				if x == nil {
					continue
				}
				if seen[key(x)] {
					return true, nil
				}
				seen[key(x)] = true
			}
			return false, nil
		}
		return m, nil
	})
	register("expect_multicolumn_sum_to_equal", func(k *kw, env *buildEnv) (evaluator, error) {
		m, err := multiExp(k, env)
		if err != nil {
			return nil, err
		}
		total, ok := k.num("sum_total")
		if !ok {
			return nil, errors.New(`kwarg "sum_total" is required`)
		}
		m.pred = func(v []any) (bool, error) {
			s := 0.0
			for _, x := range v {
				if x == nil {
					continue
				}
				f, ok := toFloatLoose(x) // untyped CSV text "1" adds as the number
				if !ok {
					return false, fmt.Errorf("cannot add %s: it is not a number", shown(x))
				}
				s += f
			}
			return math.Abs(s-total) > 1e-9*math.Max(1, math.Abs(total)), nil
		}
		return m, nil
	})
}

func pairExp(k *kw, env *buildEnv) (*mapExp, error) {
	a, b := k.str("column_A", true), k.str("column_B", true)
	m := newMap(k, env, a, b)
	m.ignore = k.str("ignore_row_if", false)
	if m.ignore == "" {
		m.ignore = "both_values_are_missing"
	}
	switch m.ignore {
	case "both_values_are_missing", "either_value_is_missing", "neither":
	default:
		return nil, fmt.Errorf("ignore_row_if must be both_values_are_missing, either_value_is_missing or neither, not %q", m.ignore)
	}
	m.show = func(v []any) any { return []any{jsonValue(v[0]), jsonValue(v[1])} }

	return m, nil
}

func multiExp(k *kw, env *buildEnv) (*mapExp, error) {
	cols := k.strList("column_list", true)
	if k.err == nil && len(cols) < 2 {
		return nil, errors.New("column_list must name at least two columns")
	}
	m := newMap(k, env, cols...)
	m.ignore = k.str("ignore_row_if", false)
	if m.ignore == "" {
		m.ignore = "all_values_are_missing"
	}
	switch m.ignore {
	case "all_values_are_missing", "any_value_is_missing", "never":
	default:
		return nil, fmt.Errorf("ignore_row_if must be all_values_are_missing, any_value_is_missing or never, not %q", m.ignore)
	}
	m.hashable = false
	m.show = func(v []any) any {
		d := make(map[string]any, len(cols))
		for i, c := range cols {
			d[c] = jsonValue(v[i])
		}
		return d
	}

	return m, nil
}

// uniq tracks duplicates with 64-bit hashes: a 64-bit key and its first
// row per distinct key (16 bytes a slot, 20-40 bytes a key with the
// table's free slots; a CSV source adds 4 a slot for the first row's
// line), whatever the row count. A value seen twice flags
// both rows (GX flags every occurrence), the first one late, out of row
// order. Hash collisions (about
// 2^-64 per pair) would report two distinct keys as duplicates.
type uniq struct {
	seen *rowIndex        // first row (and CSV line) of the key, or flagged once it repeats
	idx  map[uint64][]any // index-column values of first rows, only when asked for
	buf  []byte
	hs   []uint64 // a batch's key hashes
	oks  []bool

	// While the first key column strictly increases (sorted ids), no key
	// can repeat, so keys are appended in row order (sequential memory)
	// instead of probed in seen, one cache miss each; the first row that
	// does not increase moves them into seen. Fixed-size chunks, so the
	// list never copies itself as it grows.
	ordered bool
	started bool
	last    float64 // strictly greater floats are distinct integers too
	pending []*keyChunk
	npend   int64
}

const keyChunkLen = 1 << 16

// keyChunk holds pending keys and their rows (and CSV lines, when known).
type keyChunk struct {
	keys  []uint64
	rows  []int64
	lines []int32
}

func (u *uniq) appendPending(h uint64, row int64, line int32) {
	n := len(u.pending)
	if n == 0 || len(u.pending[n-1].keys) == keyChunkLen {
		u.pending = append(u.pending, &keyChunk{keys: make([]uint64, 0, keyChunkLen), rows: make([]int64, 0, keyChunkLen)})
		n++
	}
	c := u.pending[n-1]
	if line != 0 && c.lines == nil {
		c.lines = make([]int32, len(c.keys), keyChunkLen)
	}
	// One append a statement: the compiler then grows in place, writing
	// the length alone, where a tuple assignment also writes the pointers
	// (behind a GC write barrier) on every row.
	c.keys = append(c.keys, h)
	c.rows = append(c.rows, row)
	if c.lines != nil {
		c.lines = append(c.lines, line)
	}
	u.npend++
}

const flagged = -1

func newUniq() *uniq { return &uniq{seen: newRowIndex(), ordered: true} }

// withUniq makes m a uniqueness check. A key's first row is known to be
// unexpected only once a later row repeats the key, when the first row's
// batch has streamed past and its other columns are gone, so
// include_unexpected_rows is refused rather than answered in part.
func withUniq(m *mapExp) (*mapExp, error) {
	if m.env.rf.IncludeRows {
		return nil, errors.New("result_format.include_unexpected_rows is not supported by uniqueness checks: a value's first row " +
			"is known to be unexpected only after it has streamed past; name the columns that identify a row in " +
			"result_format.unexpected_index_column_names instead")
	}
	u := newUniq()
	m.statefulPred, m.fast = u.pred, u.fast

	return m, nil
}

// increases reports whether row i's first key column is greater than the
// previous key row's, for numeric columns.
func (u *uniq) increases(kh *keyHasher, i int) bool {
	var x float64
	switch {
	case kh.ints[0] != nil:
		x = float64(kh.ints[0](i))
	case kh.nums[0] != nil:
		x = kh.nums[0](i)
	default:
		return false
	}
	ok := !u.started || x > u.last // false for NaN
	u.started, u.last = true, x

	return ok
}

// flush leaves the ordered mode: the pending keys go into seen, sized for
// the table when its row count is known.
func (u *uniq) flush(hint int64) {
	u.ordered = false
	u.seen.reserve(max(hint, u.npend))
	for _, c := range u.pending {
		for j, k := range c.keys {
			if j+probeAhead < len(c.keys) {
				u.seen.prefetch(c.keys[j+probeAhead])
			}
			var line int32
			if c.lines != nil {
				line = c.lines[j]
			}
			// Distinct keys; a hash collision among them keeps the first row.
			u.seen.getOrPutLine(k, c.rows[j], line)
		}
	}
	u.pending, u.npend = nil, 0
}

func (u *uniq) pred(m *mapExp, b *Batch, i int, vals []any) (bool, error) {
	if u.ordered {
		u.flush(b.rowsHint)
	}
	// A composite key with a missing part is never a duplicate (C22).
	for _, v := range vals {
		if v == nil {
			return false, nil
		}
	}
	if len(vals) == 1 {
		// Same key as the typed fast path: a number's float64 bits.
		if f, ok := toFloat(vals[0]); ok {
			n, isInt := vals[0].(int64)
			if _, isBool := vals[0].(bool); !isBool && (!isInt || exactFloat(n)) {
				return u.seenRow(m, b, i, math.Float64bits(f+0), vals), nil
			}
		}
	}
	u.buf = u.buf[:0]
	for _, v := range vals {
		u.buf = appendKey(u.buf, v)
	}

	return u.seenRow(m, b, i, xxhash.Sum64(u.buf), vals), nil
}

// seenRow records the key of row i and reports whether it is a duplicate.
func (u *uniq) seenRow(m *mapExp, b *Batch, i int, h uint64, vals []any) bool {
	first, line, ok := u.seen.getOrPutLine(h, b.Row(i), lineOf(b, i))
	if !ok {
		u.noteFirst(m, b, i, h)
		return false
	}
	if first != flagged {
		if vals == nil {
			vals = make([]any, len(m.cols))
			for j, c := range m.cols {
				vals[j] = b.Cols[c].Value(i)
			}
		}
		m.unexpected++
		m.insert(unexRow{row: first, val: m.show(vals), idx: u.idx[h], line: int(line)})
		u.seen.set(h, flagged)
		delete(u.idx, h)
	}

	return true
}

// noteFirst keeps what a later duplicate reports about the key's first row
// besides its row and line (which seen keeps).
func (u *uniq) noteFirst(m *mapExp, b *Batch, i int, h uint64) {
	if len(m.env.rf.IndexColumns) > 0 {
		if u.idx == nil {
			u.idx = map[uint64][]any{}
		}
		var idx []any
		for _, c := range m.env.rf.IndexColumns {
			idx = append(idx, jsonValue(b.Cols[c].Value(i)))
		}
		u.idx[h] = idx
	}
}

// fast hashes typed Arrow columns directly.
func (u *uniq) fast(m *mapExp, b *Batch) bool {
	if len(m.env.null) > 0 {
		return false
	}
	kh, ok := newKeyHasher(b, m.cols)
	if !ok {
		return false
	}
	hs, oks := u.hashes(kh, b.Len)
	for i := 0; i < b.Len; i++ {
		if !u.ordered && i+probeAhead < b.Len && oks[i+probeAhead] {
			u.seen.prefetch(hs[i+probeAhead])
		}
		m.element++
		nmiss := 0
		for j := range kh.cols {
			if kh.null(j, i) {
				nmiss++
			}
		}
		if m.skip(nmiss, len(m.cols)) {
			m.missing++
			continue
		}
		h, ok := hs[i], oks[i]
		if !ok {
			continue
		}
		if u.ordered {
			if u.increases(kh, i) {
				u.noteFirst(m, b, i, h)
				u.appendPending(h, b.Row(i), lineOf(b, i))
				continue
			}
			u.flush(b.rowsHint)
		}
		if u.seenRow(m, b, i, h, nil) {
			m.flag(b, i)
		}
	}

	return true
}

// probeAhead is how many probes ahead of the one being made the table
// slot of a key is prefetched. In a table of millions nearly every key's
// slot is a cache miss; prefetched this far ahead, the misses of many keys
// wait on memory together.
const probeAhead = 16

// hashes is the key hash of each of a batch's n rows (ok false where a
// part is null), in buffers reused from batch to batch.
func (u *uniq) hashes(kh *keyHasher, n int) ([]uint64, []bool) {
	if cap(u.hs) < n {
		u.hs, u.oks = make([]uint64, n), make([]bool, n)
	}
	hs, oks := u.hs[:n], u.oks[:n]
	for i := range n {
		hs[i], oks[i] = kh.hash(i)
	}

	return hs, oks
}

// lineOf is row i's CSV line, 0 when unknown.
func lineOf(b *Batch, i int) int32 {
	if b.Lines == nil {
		return 0
	}

	return int32(b.Lines[i])
}

func appendFloatKey(b []byte, x float64) []byte {
	b = append(b, 'n')

	return binary.LittleEndian.AppendUint64(b, math.Float64bits(x+0))
}

// appendIntKey encodes an integer as its float when that is exact (1 and
// 1.0 are one key), and by its own bits otherwise.
func appendIntKey(b []byte, x int64) []byte {
	if exactFloat(x) {
		return appendFloatKey(b, float64(x))
	}
	b = append(b, 'i')

	return binary.LittleEndian.AppendUint64(b, uint64(x))
}

// appendKey encodes a value so that equal values (1 and 1.0 included) give
// equal bytes.
func appendKey(b []byte, v any) []byte {
	switch x := v.(type) {
	case int64:
		return appendIntKey(b, x)
	case float64:
		return appendFloatKey(b, x)
	case Decimal:
		return appendFloatKey(b, x.F)
	case string:
		b = append(b, 's')
		b = binary.LittleEndian.AppendUint32(b, uint32(len(x)))
		return append(b, x...)
	case bool:
		if x {
			return append(b, 'T')
		}
		return append(b, 'F')
	case time.Time:
		b = append(b, 't')
		return binary.LittleEndian.AppendUint64(b, uint64(x.UnixNano()))
	}
	s := fmt.Sprint(v)
	b = append(b, 'x')

	return append(b, strings.ToValidUTF8(s, "")...)
}
