package tabular

import (
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, München": "plain text, München",
		"c\x00o\x00d\x00e":    `c\x00o\x00d\x00e`,
		"a\tb\nc\rd":          `a\tb\nc\rd`,
		"\x1b[31mred\x1b[0m":  `\x1b[31mred\x1b[0m`,
		"del\x7f c1\u0085":    `del\x7f c1\u0085`,
		"abc\u202edcba":       `abc\u202edcba`,
		"line\u2028sep":       `line\u2028sep`,
		"latin-1 M\xfcnchen":  `latin-1 M\xfcnchen`,
		`C:\data\x00 stays`:   `C:\data\x00 stays`,
		"emoji 🙂 and ẞ stay":  "emoji 🙂 and ẞ stay",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// A ragged record's extra values are data echoed into reports and error
// messages: their control characters are escaped.
func TestCSV_RaggedExtraValuesEscaped(t *testing.T) {
	_, _, errs := readAll(t, []byte("a,b\n1,2,\x1b[2Jgone\x07\n"), CSVOptions{})
	want := `record 1 (line 2): 3 fields, header has 2; extra value '\x1b[2Jgone\a'`
	if len(errs) != 1 || errs[0].Error() != want {
		t.Fatalf("errors %q, want %q", errs, want)
	}
	if strings.ContainsAny(errs[0].Error(), "\x1b\x07") {
		t.Fatal("raw control characters in the message")
	}
}
