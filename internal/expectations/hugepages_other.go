//go:build !linux

package expectations

import "sync/atomic"

// offHeap is memory outside the Go heap, which only Linux builds map.
type offHeap struct{}

func (*offHeap) free() {}

// offHeapBytes counts nothing where nothing is mapped.
var offHeapBytes atomic.Int64

// newTable allocates a zeroed table of n elements from the Go heap.
func newTable[T any](n int) ([]T, *offHeap) { return make([]T, n), nil }
