package deid

import (
	"strings"
	"testing"
	"time"
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

// Whole years of age change on the birthday itself, in leap years and
// others alike: counting days of the year instead is a day late after 28
// February of a leap year. A 29 February birthday falls on 28 February in
// a year without one, the earlier of the two candidates, so nobody is
// counted younger than they may be.
func TestAgeAt(t *testing.T) {
	d := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}

		return v
	}
	for _, c := range []struct {
		birth, ref string
		want       int
	}{
		// Reference year not a leap year, birth year a leap year.
		{"1936-12-04", "2026-12-03", 89},
		{"1936-12-04", "2026-12-04", 90},
		{"1936-12-04", "2026-12-05", 90},
		{"1936-03-01", "2026-02-28", 89},
		{"1936-03-01", "2026-03-01", 90},
		// Reference year a leap year, birth year not.
		{"1938-12-04", "2028-12-03", 89},
		{"1938-12-04", "2028-12-04", 90},
		{"1938-12-04", "2028-12-05", 90},
		{"1938-03-01", "2028-02-29", 89},
		{"1938-03-01", "2028-03-01", 90},
		{"1938-02-28", "2028-02-28", 90},
		{"1938-02-28", "2028-02-27", 89},
		// Both leap years.
		{"1936-12-04", "2024-12-03", 87},
		{"1936-12-04", "2024-12-04", 88},
		// 29 February births.
		{"1936-02-29", "2026-02-27", 89},
		{"1936-02-29", "2026-02-28", 90}, // no 29 February in 2026: the birthday is the 28th
		{"1936-02-29", "2026-03-01", 90},
		{"1936-02-29", "2028-02-28", 91},
		{"1938-02-28", "2028-02-29", 90},
		{"1936-02-29", "2024-02-28", 87},
		{"1936-02-29", "2024-02-29", 88}, // a leap year has the real birthday
		{"1936-02-29", "2024-03-01", 88},
		// Before the birthday in the birth year itself.
		{"2000-06-15", "2000-06-15", 0},
		{"2000-06-15", "2001-06-14", 0},
	} {
		if got := ageAt(d(c.birth), d(c.ref)); got != c.want {
			t.Errorf("ageAt(%s, %s) = %d, want %d", c.birth, c.ref, got, c.want)
		}
	}
}

// A birth date is top-coded from the 90th birthday on, the day itself
// included.
func TestBirthDateTopCodedOnThe90thBirthday(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"reference_date":"2026-12-04","columns":{
		"id":{"action":"keep"},"dob":{"action":"date_year","birth_date":true}}}`)
	out, a, err := runCSV(t, p, "id,dob\n1,1936-12-03\n2,1936-12-04\n3,1936-12-05\n4,1936-02-29\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "id,dob\n1," + DefaultAgeLabel + "\n2," + DefaultAgeLabel + "\n3,1936\n4," + DefaultAgeLabel + "\n"; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	if c := a.Columns[1]; c.TopCoded != 3 {
		t.Fatalf("top-coded %d, want 3", c.TopCoded)
	}
}

// A column of birth years alone is a date element Safe Harbor keeps only
// while it shows no age over 89. With no month or day, a person born in
// the reference year minus 90 may have had the 90th birthday already, so
// that year is top-coded too; a year of 89 or less passes. A bare year in
// any date_year column is already the year, not an unparseable date.
func TestDateYearReadsBareYears(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"reference_date":"2026-01-01","columns":{
		"birth_year":{"action":"date_year","birth_date":true},"grad_year":{"action":"date_year"},
		"dob":{"action":"date_shift","birth_date":true,"max_shift_days":10}},"subject_column":"birth_year"}`)
	out, a, err := runCSV(t, p, "birth_year,grad_year,dob\n"+
		"1931,1931,1931\n"+
		"1936,2019,\n"+
		"1937, 2020 ,\n"+
		"2010,,\n"+
		"19x6,20,\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "birth_year,grad_year,dob\n" +
		DefaultAgeLabel + ",1931,\n" + // date_shift needs a whole date: a bare year is suppressed
		DefaultAgeLabel + ",2019,\n" +
		"1937,2020,\n" +
		"2010,,\n" +
		",,\n"
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	by, gy := a.Columns[0], a.Columns[1]
	if by.TopCoded != 2 || by.Transformed != 2 || by.Suppressed != 1 {
		t.Errorf("birth_year audit: %+v", by)
	}
	if gy.TopCoded != 0 || gy.Transformed != 1 || gy.Suppressed != 1 {
		t.Errorf("grad_year audit: %+v", gy)
	}
}
