// Package benchmem measures the peak live heap of a piece of work, for the
// benchmarks that show memory stays flat as rows stream.
package benchmem

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// PeakHeap runs f and returns the largest in-use heap, in bytes, sampled
// every interval while it ran (and once before).
func PeakHeap(interval time.Duration, f func()) uint64 {
	return PeakMemory(interval, nil, f)
}

// PeakMemory is PeakHeap plus, in each sample, the bytes that offHeap
// reports (memory the work mapped outside the Go heap, which MemStats does
// not count).
func PeakMemory(interval time.Duration, offHeap func() uint64, f func()) uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			n := ms.HeapInuse
			if offHeap != nil {
				n += offHeap()
			}
			if n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()

	return peak.Load()
}

// MiB is n bytes in mebibytes.
func MiB(n uint64) float64 { return float64(n) / (1 << 20) }
