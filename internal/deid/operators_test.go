package deid

import (
	"strings"
	"testing"
)

// Safe Harbor (164.514(b)(2)(i)(B)): the initial three digits of a ZIP are
// kept only when their area holds more than 20,000 people; the 17 prefixes
// of 67 FR 53182 become 000. Leading zeros survive, ZIP+4 and nine-digit
// forms are cut to the prefix, and anything else is not a ZIP.
func TestZIP3(t *testing.T) {
	restricted := []string{"036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831",
		"878", "879", "884", "890", "893"}
	if len(RestrictedZIP3) != 17 {
		t.Fatalf("%d restricted prefixes, want 17", len(RestrictedZIP3))
	}
	for _, p := range restricted {
		for _, v := range []string{p + "01", p + "99-1234", " " + p + "019999 "} {
			if got, ok := ZIP3(v); !ok || got != "000" {
				t.Errorf("ZIP3(%q) = %q, %v; want 000", v, got, ok)
			}
		}
	}
	for v, want := range map[string]string{
		"02451": "024", "2451": "024", "03701": "037", "05801": "058", "10001": "100", "20301": "000",
		"89401": "894", "88301": "883", "55701": "557", "99999-1234": "999", "00501": "005", "123456789": "123",
	} {
		if got, ok := ZIP3(v); !ok || got != want {
			t.Errorf("ZIP3(%q) = %q, %v; want %q", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "abc", "123", "1234567", "02451x", "N/A"} {
		if got, ok := ZIP3(v); ok {
			t.Errorf("ZIP3(%q) = %q; want not a ZIP", v, got)
		}
	}
}

// Ages over 89 (90 and up, fractional ages too) become one category; 89 and
// younger pass unchanged.
func TestTopCodeAge(t *testing.T) {
	for v, want := range map[string]string{
		"0": "0", "17": "17", "89": "89", "89.9": DefaultAgeLabel, "90": DefaultAgeLabel, "104": DefaultAgeLabel, " 95 ": DefaultAgeLabel,
	} {
		if got, ok := TopCodeAge(v, DefaultAgeLabel); !ok || got != want {
			t.Errorf("TopCodeAge(%q) = %q, %v; want %q", v, got, ok, want)
		}
	}
	for _, v := range []string{"", "old", "-1", "250"} {
		if got, ok := TopCodeAge(v, DefaultAgeLabel); ok {
			t.Errorf("TopCodeAge(%q) = %q; want not an age", v, got)
		}
	}
	for v, want := range map[string]string{"35-55": "35-55", "55<=": "55<=", "85-94": DefaultAgeLabel, "90+": DefaultAgeLabel} {
		if got, ok := ageBand(v, DefaultAgeLabel); !ok || got != want {
			t.Errorf("ageBand(%q) = %q, %v; want %q", v, got, ok, want)
		}
	}
}

// A policy names where the key lives, never the key: an inline key in any
// shape is refused, and the refusal does not repeat the value.
func TestPolicyRefusesInlineKey(t *testing.T) {
	const secret = "s3cr3t-key-0123456789abcdef"
	for _, doc := range []string{
		`{"format_version":1,"default_action":"drop","key":{"value":"` + secret + `"}}`,
		`{"format_version":1,"default_action":"drop","key":"` + secret + `"}`,
		`{"format_version":1,"default_action":"drop","key":{"env":"K","secret":"` + secret + `"}}`,
		`{"format_version":1,"default_action":"drop","columns":{"id":{"action":"hash","key":"` + secret + `"}}}`,
	} {
		_, err := ParsePolicy([]byte(doc))
		if err == nil {
			t.Errorf("accepted an inline key: %s", doc)

			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error repeats the key: %v", err)
		}
	}
}
