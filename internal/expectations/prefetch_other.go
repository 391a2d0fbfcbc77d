//go:build !amd64 && !arm64

package expectations

// prefetch is a no-op where the package has no assembly for it.
func prefetch(uintptr) {}
