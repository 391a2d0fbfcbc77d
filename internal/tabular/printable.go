package tabular

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable returns s as a text report shows a value read from data:
// control characters (C0, DEL, C1), bidirectional controls and line
// separators become Go escapes (\x00, \n, \u202e) and bytes that are not
// UTF-8 become \xNN, so a report stays one line per finding, is not taken
// for binary by grep and cannot move the cursor, recolour a terminal or
// reorder what it shows. Everything else, backslashes included, is kept:
// the JSON outputs carry the exact value.
func Printable(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}

	return b.String()
}
