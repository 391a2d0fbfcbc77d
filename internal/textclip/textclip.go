// Package textclip shortens text for messages and reports, so that a huge
// value from a data file or a server's error page cannot flood a terminal,
// a log or a diagnostic.
package textclip

import "unicode/utf8"

// Clip returns s when it has at most n characters, and otherwise its first
// n-1 characters followed by "…". It never cuts a UTF-8 character in two.
func Clip(s string, n int) string {
	if n < 1 {
		n = 1
	}
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}

	return s[:i] + "…"
}
