package deid

import (
	"strings"
	"testing"
)

// FuzzParsePolicy: any document parses to a policy or an error, never a panic.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"format_version":1,"subject_column":"Id","columns":{"Id":{"action":"pseudonymise"},"notes":{"action":"scrub"}}}`))
	f.Add([]byte(`{"format_version":1,"columns":{"zip":{"action":"zip3"},"dob":{"action":"date_year"},"age":{"action":"age"}}}`))
	f.Add([]byte(`{"format_version":1,"columns":{"x":{"action":"mask","chars_to_mask":-1}}}`))
	f.Add([]byte(`{"format_version":2}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data)
		if err == nil && p == nil {
			t.Fatal("nil policy without an error")
		}
	})
}

// FuzzScrub: the free-text scrubber ends on any text, never panics, and
// what it returns is valid UTF-8 when its input was.
func FuzzScrub(f *testing.F) {
	f.Add("Called Dana Whitfield at 617-555-0134 on 2021-03-04, SSN 401-55-0172, dana@uni.example.edu")
	f.Add("MRN: 1234567 seen at 10.0.0.1, zip 02139, born 03/04/1950, age 93")
	f.Add("\u00e9\u00e8 M\u00fcller-L\u00fcdenscheidt, Stra\u00dfe 5, +49 30 1234567")
	f.Add(strings.Repeat("1", 300))
	f.Add("")
	s, err := NewScrubber(&ScrubOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		out, _ := s.Scrub(text)
		if isValidUTF8(text) && !isValidUTF8(out) {
			t.Fatalf("scrubbing valid UTF-8 %q gave invalid UTF-8 %q", text, out)
		}
	})
}

func isValidUTF8(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
