package expectations

import (
	"math/bits"
	"runtime"
	"unsafe"
)

// rowIndex maps 64-bit keys (value hashes, or a number's float64 bits) to a
// row number: the uniqueness checks' state, one entry per distinct key.
// It is one flat open-addressing table with linear probing, 16 bytes a
// slot, so a new key costs one probe where a Go map costs a lookup and then
// an insert; at 10M distinct keys that probe is a cache miss and dominates
// the check. Key and value share a slot, so a probe that stores touches one
// cache line, not two. A CSV source adds the row's line, 4 bytes a slot, allocated
// with the first line stored (a Go map of lines cost ten times that).
type rowIndex struct {
	slots []slot
	lines []int32 // nil until a line is stored; 0 means unknown
	n     int
	mask  uint64

	slotsMem, linesMem *offHeap // where large tables live (see newTable)

	hasZero  bool
	zero     int64
	zeroLine int32
}

// slot is one key and its value; key 0 marks an empty slot (key 0 itself
// lives in rowIndex.zero).
type slot struct {
	key uint64
	val int64
}

func newRowIndex() *rowIndex {
	const initial = 1 << 10
	return &rowIndex{slots: make([]slot, initial), mask: initial - 1}
}

// mix spreads the key's bits (murmur3's finaliser): float64 bits of small
// integers differ only in their high bits.
func mix(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33

	return k
}

// getOrPut returns the value stored for k and true, or stores v for k and
// returns v and false.
func (r *rowIndex) getOrPut(k uint64, v int64) (int64, bool) {
	got, _, ok := r.getOrPutLine(k, v, 0)

	return got, ok
}

// getOrPutLine is getOrPut with a line kept beside the value (0: unknown);
// it returns the stored line too.
func (r *rowIndex) getOrPutLine(k uint64, v int64, line int32) (int64, int32, bool) {
	if k == 0 {
		if r.hasZero {
			return r.zero, r.zeroLine, true
		}
		r.hasZero, r.zero, r.zeroLine = true, v, line
		r.n++
		return v, line, false
	}
	for i := mix(k) & r.mask; ; i = (i + 1) & r.mask {
		sl := &r.slots[i]
		switch sl.key {
		case k:
			if r.lines == nil {
				return sl.val, 0, true
			}
			return sl.val, r.lines[i], true
		case 0:
			sl.key, sl.val = k, v
			if line != 0 {
				if r.lines == nil {
					r.lines, r.linesMem = ownedTable[int32](r, len(r.slots))
				}
				r.lines[i] = line
			}
			r.n++
			if uint64(r.n)*4 > (r.mask+1)*3 {
				r.grow()
			}
			return v, line, false
		}
	}
}

// prefetch asks for the slot where a probe for k starts to be brought
// into cache, ahead of the probe.
func (r *rowIndex) prefetch(k uint64) {
	prefetch(uintptr(unsafe.Pointer(&r.slots[mix(k)&r.mask])))
}

// set replaces the value of a key already stored.
func (r *rowIndex) set(k uint64, v int64) {
	if k == 0 {
		r.zero = v
		return
	}
	for i := mix(k) & r.mask; ; i = (i + 1) & r.mask {
		if r.slots[i].key == k {
			r.slots[i].val = v
			return
		}
		if r.slots[i].key == 0 {
			panic("rowIndex.set: key not stored")
		}
	}
}

// maxReserve bounds what reserve allocates ahead (16M slots, 256 MiB):
// past it the table grows only as distinct keys arrive.
const maxReserve = 12_000_000

// reserve sizes an empty table for about n distinct keys, so a table
// whose row count is known is allocated once instead of grown by doubling
// (which costs a rehash of every key and, at the last step, both tables).
func (r *rowIndex) reserve(n int64) {
	n = min(n, maxReserve)
	if r.n > 0 || n*4 <= int64(r.mask+1)*3 {
		return
	}
	size := uint64(1) << bits.Len64(uint64(n*4/3))
	r.slotsMem.free()
	r.slots, r.slotsMem = ownedTable[slot](r, int(size))
	r.mask = size - 1
	if r.lines != nil {
		r.linesMem.free()
		r.lines, r.linesMem = ownedTable[int32](r, int(size))
	}
}

// ownedTable is newTable with the table's memory freed once its owner is
// unreachable, unless freed before (when the table is replaced).
func ownedTable[T any](owner *rowIndex, n int) ([]T, *offHeap) {
	s, mem := newTable[T](n)
	if mem != nil {
		runtime.AddCleanup(owner, (*offHeap).free, mem)
	}

	return s, mem
}

// len is the number of distinct keys stored.
func (r *rowIndex) len() int { return r.n }

func (r *rowIndex) grow() {
	size := 2 * (r.mask + 1)
	slots, slotsMem := ownedTable[slot](r, int(size))
	var lines []int32
	var linesMem *offHeap
	if r.lines != nil {
		lines, linesMem = ownedTable[int32](r, int(size))
	}
	mask := size - 1
	for j, old := range r.slots {
		if old.key == 0 {
			continue
		}
		i := mix(old.key) & mask
		for slots[i].key != 0 {
			i = (i + 1) & mask
		}
		slots[i] = old
		if lines != nil {
			lines[i] = r.lines[j]
		}
	}
	r.slotsMem.free()
	r.linesMem.free()
	r.slots, r.lines, r.mask = slots, lines, mask
	r.slotsMem, r.linesMem = slotsMem, linesMem
}
