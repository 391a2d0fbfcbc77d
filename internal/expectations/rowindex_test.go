package expectations

import (
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// The table agrees with a Go map through many growths, key 0 included.
func TestRowIndex(t *testing.T) {
	r := newRowIndex()
	want := map[uint64]int64{}
	for i := 0; i < 200_000; i++ {
		k := mix(uint64(i%150_000)) >> (i % 7 * 9) // small and large keys, 0 among them, repeats
		if i%3 == 0 {
			k = math.Float64bits(float64(i % 1000))
		}
		got, found := r.getOrPut(k, int64(i))
		w, ok := want[k]
		if found != ok || (ok && got != w) {
			t.Fatalf("key %x: got %d,%v want %d,%v", k, got, found, w, ok)
		}
		if !ok {
			want[k] = int64(i)
		} else if i%5 == 0 {
			r.set(k, -1)
			want[k] = -1
		}
	}
	if r.len() != len(want) {
		t.Errorf("len %d, want %d", r.len(), len(want))
	}

	// A reserved table takes its keys without growing; the reserve is capped.
	r = newRowIndex()
	r.reserve(100_000)
	size := r.mask + 1
	for i := uint64(1); i <= 100_000; i++ {
		r.getOrPut(i, 0)
	}
	if r.mask+1 != size || size > 4*100_000 {
		t.Errorf("reserved %d slots, %d after 100k keys", size, r.mask+1)
	}
	r = newRowIndex()
	r.reserve(1 << 40)
	if r.mask+1 != 1<<24 {
		t.Errorf("reserve is capped at 16M slots, got %d", r.mask+1)
	}
}

// Integers beyond 2^53 are distinct keys although they are one float64; 1
// and 1.0 stay one key. Both the Arrow fast path and the generic path.
func TestUniqueLargeIntegers(t *testing.T) {
	big := int64(1) << 53
	vals := []int64{big, big + 1, 1234567890123456789, 1234567890123456788, 7, 7}
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues(vals, nil)
	arr := b.NewArray()
	defer arr.Release()
	boxed := make([]any, len(vals))
	for i, v := range vals {
		boxed[i] = v
	}
	s := suiteOf(t, `{"name":"big","expectations":[
	 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id","result_format":"COMPLETE"}},
	 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["id","id2"],"result_format":"COMPLETE"}},
	 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"id","min_value":5,"max_value":5}},
	 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"id","value_set":[9007199254740992, 7]}}]}`)
	for name, col := range map[string]Column{"arrow": NewArrowColumn(arr, false), "generic": &AnyColumn{Values: boxed, Typ: LogicalType{Name: "long"}}} {
		res, err := Run(context.Background(), s, &MemorySource{Names: []string{"id", "id2"}, Cols: []Column{col, col}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res.Results {
			if r.Success != (i == 2) || r.ExceptionInfo.Raised {
				t.Errorf("%s %d: %v %v", name, i, r.Success, r.Result)
			}
		}
		for i := 0; i < 2; i++ {
			if !sameInts(res.Results[i].Result["unexpected_index_list"], 4, 5) {
				t.Errorf("%s %s: only the two 7s are duplicates: %v", name, res.Results[i].ExpectationConfig.Type, res.Results[i].Result)
			}
		}
		if res.Results[2].Result["observed_value"] != int64(5) {
			t.Errorf("%s: 5 distinct values, got %v", name, res.Results[2].Result["observed_value"])
		}
		if n := res.Results[3].Result["unexpected_count"]; n != int64(3) {
			t.Errorf("%s: in_set: 2^53+1 and the two large ids are not in the set, got %v", name, n)
		}
	}
}

// batchSource serves int64 columns (nil is null) as Arrow batches of size n.
type batchSource struct {
	names []string
	cols  [][]any
	n     int
	off   int
}

func (s *batchSource) Columns() []string { return s.names }
func (s *batchSource) Types() map[string]LogicalType {
	out := map[string]LogicalType{}
	for _, n := range s.names {
		out[n] = LogicalType{Name: "long"}
	}
	return out
}
func (s *batchSource) Close() error { return nil }
func (s *batchSource) Next(context.Context) (*Batch, error) {
	if s.off >= len(s.cols[0]) {
		return nil, io.EOF
	}
	end := min(s.off+s.n, len(s.cols[0]))
	b := &Batch{Names: s.names, Cols: map[string]Column{}, Len: end - s.off, Offset: int64(s.off), rowsHint: int64(len(s.cols[0]))}
	for j, name := range s.names {
		bld := array.NewInt64Builder(memory.DefaultAllocator)
		for _, v := range s.cols[j][s.off:end] {
			if v == nil {
				bld.AppendNull()
			} else {
				bld.Append(v.(int64))
			}
		}
		b.Cols[name] = NewArrowColumn(bld.NewArray(), false)
		bld.Release()
	}
	s.off = end

	return b, nil
}

// The sorted-key mode of the uniqueness checks gives exactly the answers of
// the hash table (the generic path): sorted ids, a sorted run broken late
// by a duplicate, equal neighbours, nulls and composite keys.
func TestUniqueSortedKeys(t *testing.T) {
	ids := func(f func(i int) any, n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	cases := map[string][]any{
		"sorted":            ids(func(i int) any { return int64(i) }, 3000),
		"late duplicate":    append(ids(func(i int) any { return int64(i) }, 2500), int64(1200), int64(2600), int64(7)),
		"equal neighbours":  ids(func(i int) any { return int64(i / 2) }, 300),
		"nulls in a run":    ids(func(i int) any { return map[bool]any{true: nil, false: int64(i)}[i%5 == 0] }, 1000),
		"descending":        ids(func(i int) any { return int64(5000 - i) }, 1000),
		"sorted then reset": append(ids(func(i int) any { return int64(i) }, 1000), ids(func(i int) any { return int64(i * 3) }, 600)...),
		"big integers":      ids(func(i int) any { return int64(1<<60) + int64(i%700) }, 1400),
		"across chunks":     append(ids(func(i int) any { return int64(i) }, keyChunkLen+5000), int64(keyChunkLen+2), int64(3)),
	}
	s := suiteOf(t, `{"name":"u","expectations":[
	 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id","result_format":"COMPLETE"}},
	 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["id","term"],"result_format":"COMPLETE"}}]}`)
	for name, id := range cases {
		term := ids(func(i int) any { return int64(i % 3) }, len(id))
		fast, err := Run(context.Background(), s, &batchSource{names: []string{"id", "term"}, cols: [][]any{id, term}, n: 256}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Run(context.Background(), s, &MemorySource{Names: []string{"id", "term"}, Cols: []Column{
			&AnyColumn{Values: id, Typ: LogicalType{Name: "long"}}, &AnyColumn{Values: term, Typ: LogicalType{Name: "long"}}}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range ref.Results {
			f, r := fast.Results[i], ref.Results[i]
			for _, k := range []string{"unexpected_count", "missing_count", "unexpected_index_list"} {
				if js(f.Result[k]) != js(r.Result[k]) {
					t.Errorf("%s, %s: %s = %s, the hash table says %s", name, r.ExpectationConfig.Type, k, js(f.Result[k]), js(r.Result[k]))
				}
			}
			if f.Success != r.Success {
				t.Errorf("%s, %s: success %v, want %v", name, r.ExpectationConfig.Type, f.Success, r.Success)
			}
		}
	}
}

// A duplicate in a CSV file reports the physical line of the key's first
// row, whether the keys were still increasing when it was seen (pending
// keys) or not, across batches and after quoted newlines.
func TestUniqueCSVLines(t *testing.T) {
	s := suiteOf(t, `{"name":"lines","expectations":[
	 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id","result_format":"COMPLETE"}}]}`)
	for name, tc := range map[string]struct {
		csv         string
		rows, lines []int64
	}{
		// 1 spans lines 2-3; 2 is first on line 4 and again on 6; 1 again on 8.
		"increasing first": {"id,note\n1,\"a\nb\"\n2,x\n3,y\n2,z\n5,w\n1,v\n", []int64{0, 1, 3, 5}, []int64{2, 4, 6, 8}},
		"unordered":        {"id,note\n9,\"a\nb\"\n8,x\n7,\"c\n\nd\"\n8,z\n9,w\n", []int64{0, 1, 3, 4}, []int64{2, 4, 8, 9}},
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Run(context.Background(), s, csvSource(t, tc.csv), Options{})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Results[0].Result
			if !sameInts(r["unexpected_index_list"], tc.rows...) {
				t.Errorf("rows %v, want %v", r["unexpected_index_list"], tc.rows)
			}
			got, _ := r["unexpected_line_list"].([]int)
			if fmt.Sprint(got) != fmt.Sprint(tc.lines) {
				t.Errorf("lines %v, want %v", got, tc.lines)
			}
		})
	}
}

// csvRows streams a CSV of ids without holding it: in order, or scrambled
// (a permutation), so that both uniqueness modes run.
type csvRows struct {
	n, i      int
	scrambled bool
	buf       []byte
}

func (c *csvRows) Read(p []byte) (int, error) {
	for len(c.buf) < len(p) && c.i <= c.n {
		if c.i == 0 {
			c.buf = append(c.buf, "id,note\n"...)
		} else {
			id := c.i
			if c.scrambled {
				id = (c.i * 7919) % c.n
			}
			c.buf = fmt.Appendf(c.buf, "%d,n\n", id)
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

// Uniqueness on a CSV keeps its state per distinct key within the
// table's slots: 16 bytes for key and row and 4 for the line, 20 to 40 a
// key with the free slots. (A Go map of lines beside it cost some 40 more.)
func TestUniqueCSVStatePerKey(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 700k generated rows")
	}
	s := suiteOf(t, `{"name":"u","expectations":[{"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}}]}`)
	const rows = 700_000 // 1M slots at most: 20 bytes a key
	for _, scrambled := range []bool{false, true} {
		waitOffHeapFreed(t)
		var before, at runtime.MemStats
		var atOff int64
		runtime.ReadMemStats(&before)
		src, err := NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
			st, err := tabular.NewCSVStream(&csvRows{n: rows, scrambled: scrambled}, tabular.CSVStreamOptions{})
			return st, "ids.csv", err
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), s, src, Options{Parallelism: 1, Progress: func(n int64) {
			if n == rows {
				runtime.GC()
				runtime.ReadMemStats(&at)
				atOff = offHeapBytes.Load()
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Results[0].Success {
			t.Fatalf("scrambled=%v: ids are distinct: %v", scrambled, res.Results[0].Result)
		}
		perKey := float64(int64(at.HeapAlloc)+atOff-int64(before.HeapAlloc)) / rows
		t.Logf("scrambled=%v: %.1f bytes a key", scrambled, perKey)
		if perKey > 36 {
			t.Errorf("scrambled=%v: %.1f bytes of live memory a key, want at most 36", scrambled, perKey)
		}
	}
}

// A table from newTable is zeroed and writable whatever its size; a large
// one lives outside the heap until it is replaced or its owner is gone.
func TestNewTableOffHeapLifetime(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 300_000, 1 << 20} {
		s, mem := newTable[slot](n)
		if len(s) != n {
			t.Fatalf("n=%d: len %d", n, len(s))
		}
		for i := range s {
			if s[i] != (slot{}) {
				t.Fatalf("n=%d: slot %d is %+v, want zero", n, i, s[i])
			}
			s[i] = slot{key: uint64(i), val: int64(-i)}
		}
		for i := range s {
			if s[i].key != uint64(i) || s[i].val != int64(-i) {
				t.Fatalf("n=%d: slot %d changed to %+v", n, i, s[i])
			}
		}
		mem.free()
		mem.free() // a second free is a no-op
	}
	waitOffHeapFreed(t) // the tables of earlier tests
	func() {
		r := newRowIndex()
		r.reserve(5_000_000)
		for k := uint64(1); k <= 3_000_000; k++ {
			if _, _, ok := r.getOrPutLine(k*0x9e3779b97f4a7c15, int64(k), int32(k)); ok {
				t.Fatal("a new key was found")
			}
		}
		r.grow() // the replaced tables are freed at once
		if runtime.GOOS == "linux" {
			want := int64(len(r.slots))*16 + int64(len(r.lines))*4
			if got := offHeapBytes.Load(); got != want {
				t.Fatalf("%d bytes off the heap, want %d (the live tables)", got, want)
			}
		}
		for k := uint64(1); k <= 3_000_000; k++ {
			if v, line, ok := r.getOrPutLine(k*0x9e3779b97f4a7c15, 0, 0); !ok || v != int64(k) || line != int32(k) {
				t.Fatalf("key %d: got %d, %d, %v", k, v, line, ok)
			}
		}
	}()
	waitOffHeapFreed(t)
}

// waitOffHeapFreed waits until no table is left off the heap: the cleanups
// of unreachable owners run after a collection. No test in this package
// runs in parallel, so none is in use.
func waitOffHeapFreed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for offHeapBytes.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes still off the heap after their owners are gone", offHeapBytes.Load())
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}
