//go:build !linux

package expectations

// adviseHugePages is Linux-only advice; elsewhere it does nothing.
func adviseHugePages[T any](s []T) {}
