package expectations

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// adviseHugePages asks Linux to back a large table with huge pages. A probe
// into a table of hundreds of MiB lands on a random page, so with 4 KiB
// pages nearly every probe also misses the TLB and first touches fault one
// page at a time; 2 MiB pages make both rare. Only advice: where
// transparent huge pages are off, or the call fails, nothing changes.
func adviseHugePages[T any](s []T) {
	if len(s) == 0 {
		return
	}
	n := uintptr(len(s)) * unsafe.Sizeof(s[0])
	if n < 2*hugePage {
		return
	}
	base := unsafe.Pointer(&s[0])
	start := uintptr(base)
	lo := (start + hugePage - 1) &^ (hugePage - 1)
	hi := (start + n) &^ (hugePage - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(base, lo-start)), hi-lo)
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) // advice only
}
