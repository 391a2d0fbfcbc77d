//go:build amd64 || arm64

package expectations

// prefetch asks the processor to bring the cache line at addr into cache
// and returns at once. Unlike a load, it does not hold back the
// instructions after it while memory answers, so many can be in flight.
// An address outside mapped memory is ignored, never a fault.
func prefetch(addr uintptr)
