package expectations

import (
	"sync/atomic"
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// offHeap is memory mapped outside the Go heap; free unmaps it once.
type offHeap struct{ mem []byte }

// offHeapBytes is the size of the tables mapped and not yet freed, which
// runtime.MemStats does not count.
var offHeapBytes atomic.Int64

func (o *offHeap) free() {
	if o != nil && o.mem != nil {
		offHeapBytes.Add(-int64(len(o.mem)))
		_ = syscall.Munmap(o.mem)
		o.mem = nil
	}
}

// newTable allocates a zeroed table of n elements of a type without
// pointers. A table of hundreds of MiB is mapped outside the Go heap: in the
// heap it would double the heap size the collector lets grow before it
// runs, so the garbage of decoded batches would pile up to as much again
// (RSS, and a page fault for each fresh page). It is also backed by huge
// pages: a probe lands on a random page, so with 4 KiB pages nearly every
// probe also misses the TLB and first touches fault one page at a time.
// The caller frees the table when it is replaced, and ties it to its owner
// with runtime.AddCleanup for the rest. Small tables, or a failed mapping,
// come from the heap (and free is a no-op).
func newTable[T any](n int) ([]T, *offHeap) {
	var zero T
	size := uintptr(n) * unsafe.Sizeof(zero)
	if size < 2*hugePage {
		return make([]T, n), nil
	}
	mem, err := syscall.Mmap(-1, 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]T, n), nil
	}
	_ = syscall.Madvise(mem, syscall.MADV_HUGEPAGE) // advice only
	offHeapBytes.Add(int64(len(mem)))

	return unsafe.Slice((*T)(unsafe.Pointer(&mem[0])), n), &offHeap{mem: mem}
}
