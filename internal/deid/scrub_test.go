package deid

import (
	"strings"
	"testing"
)

func newTestScrubber(t testing.TB) *Scrubber {
	t.Helper()
	s, err := NewScrubber(nil)
	if err != nil {
		t.Fatal(err)
	}

	return s
}

// C28: every date form is replaced as one whole span, keeping only the year;
// ratios, page counts, versions and room numbers stay.
func TestScrubDates_C28(t *testing.T) {
	s := newTestScrubber(t)
	cases := map[string]string{
		"Seen 3/4/21 and again":         "Seen [DATE 2021] and again",
		"again 03-04-2021;":             "again [DATE 2021];",
		"DOB 4/31/1950 (sic).":          "DOB [DATE 1950] (sic).",
		"Next visit 2021-03-18T09:30Z,": "Next visit [DATE 2021],",
		"follow-up Mar 4th, 2021, then": "follow-up [DATE 2021], then",
		"then 4 March 21;":              "then [DATE 2021];",
		"discharged 12.06.2025;":        "discharged [DATE 2025];",
		"admitted 03/2021.":             "admitted [DATE 2021].",
		"on 2021/03/18 at":              "on [DATE 2021] at",
		"born January 5, 1931 in":       "born [DATE 1931] in",
		"seen on the 5th of May 2020":   "seen on the [DATE 2020]",
		"2019-11-02 07:04:41 was":       "[DATE 2019] was",
	}
	for in, want := range cases {
		if got, _ := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", in, got, want)
		}
	}
	negative := "Lab: 3/4 strength solution, page 1 of 2, release 2.11.1, room 12-06."
	if got, fs := s.Scrub(negative); got != negative {
		t.Errorf("negative line changed: %q (%v)", got, fs)
	}
}

// C29: names in lower case, SURNAME, GIVEN caps, hyphenated, and initials
// are all found; "Will", "May" and "Mark" as ordinary words stay.
func TestScrubNames_C29(t *testing.T) {
	s := newTestScrubber(t)
	cases := map[string]string{
		"pt dana whitfield called re refill.":             "pt [NAME] called re refill.",
		"WHITFIELD, DANA   MRN 00482913":                  "[NAME]   MRN [MRN]",
		"Reviewed by Dr. Okonkwo-Reyes; cc: j. a. marsh":  "Reviewed by Dr. [NAME]; cc: [NAME]",
		"Will review in May. Mark as done.":               "Will review in May. Mark as done.",
		"Dana Whitfield called about Grace Okafor today.": "[NAME] called about [NAME] today.",
	}
	for in, want := range cases {
		if got, fs := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q (%+v)", in, got, want, fs)
		}
	}
}

// C30: SSNs in every separator style are masked once a cue is present; an
// impossible number without a cue is not labelled SSN; ZIP+4 is never an SSN.
func TestScrubSSN_C30(t *testing.T) {
	s := newTestScrubber(t)
	for _, in := range []string{
		"SSN: 401 55 0172", "ssn 401-55-0172", "ssn 401.55.0172", "ssn 401550172", "ssn 401-550172",
		"SS#:401\u201355\u20130172", "social security number 401-55-0172",
	} {
		got, fs := s.Scrub(in)
		if strings.ContainsAny(got, "0123456789") || !strings.Contains(got, "[SSN]") {
			t.Errorf("Scrub(%q) = %q (%+v), want the SSN masked and labelled", in, got, fs)
		}
	}
	got, fs := s.Scrub("ref 923-41-8806, claim 000-41-8806, zip 73301-0001")
	for _, f := range fs {
		if f.Identifier == IDSSN {
			t.Errorf("labelled SSN without a cue: %+v in %q", f, got)
		}
	}
	if !strings.Contains(got, "[ZIP]") {
		t.Errorf("ZIP+4 not labelled ZIP: %q", got)
	}
	if got, _ := s.Scrub("SSN 123-45-6789"); got != "SSN [SSN]" {
		t.Errorf("got %q", got)
	}
}

func TestScrubOtherIdentifiers(t *testing.T) {
	s := newTestScrubber(t)
	cases := map[string]string{
		"mail dana.w@example.org now":                     "mail [EMAIL] now",
		"see https://portal.example.edu/x?id=3.":          "see [URL].",
		"from 192.168.10.24 and fe80::1ff:fe23:4567:890a": "from [IP_ADDRESS] and [IP_ADDRESS]",
		"call (617) 555-0134 x22 today":                   "call [PHONE] today",
		"fax: 617-555-0199":                               "fax: [FAX]",
		"lives at 555 Adams Row Unit 56, Waltham":         "lives at [ADDRESS]",
		"aged 93 with":                                    "[AGE 90 or older] with",
		"a 91-year-old woman":                             "a [AGE 90 or older] woman",
		"acct # 0012-3344-55":                             "acct # [ACCOUNT]",
		"licence S99999575 seen":                          "licence [LICENSE] seen",
		"plate 7ABC123 on file":                           "plate [VEHICLE] on file",
		"seen in Waltham last week":                       "seen in [LOCATION] last week",
		"the corner of Elm Street and Main Street":        "[ADDRESS]",
		"device serial SN-44X9912":                        "device serial [DEVICE]",
	}
	for in, want := range cases {
		if got, fs := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q (%+v)", in, got, want, fs)
		}
	}
}

// Numbers that are not identifiers stay: measurements, scores, counts,
// versions, ranges of school years (the negative corpus of C28).
func TestScrubNegatives(t *testing.T) {
	s := newTestScrubber(t)
	for _, in := range []string{
		"Lab: 3/4 strength solution, page 1 of 2, release 2.11.1, room 12-06.",
		"BP 120/80, HR 72, temp 98.6, weight 154 lb, dose 5 mg twice daily.",
		"The 2019-2020 school year had 180 days; grade 10 students scored 3.5 on average.",
		"In 2021 the cohort grew by 12 percent to 1,250 learners.",
		"Version 2.11.1 released; see section 4.2.1 and table 3.",
		"Score 85/100 on quiz 3; attempted 2 of 5 questions.",
		"Take 1 tablet every 4-6 hours.",
		"She is 45 years old and lives in a large city.",
		"Will review in May. Mark as done.",
	} {
		if got, fs := s.Scrub(in); got != in {
			t.Errorf("Scrub(%q) = %q (%+v), want it unchanged", in, got, fs)
		}
	}
}

// The most common US names are dictionary words too (john, smith, brown,
// miller, james): a given name followed by a surname is a name in every
// letter case, and in any sentence position, even when neither half alone
// would be flagged.
func TestScrubCommonNamesEveryCase(t *testing.T) {
	s := newTestScrubber(t)
	firsts := []string{"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Barbara"}
	lasts := []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia"}
	frames := []struct{ in, want string }{
		{"called %s today", "called [NAME] today"},
		{"%s called", "[NAME] called"},
		{"%s", "[NAME]"},
		{"parent %s asked about the field trip", "parent [NAME] asked about the field trip"},
		{"Two-line note:\nparent %s asked about it", "Two-line note:\nparent [NAME] asked about it"},
		{"%[2]s, %[1]s   MRN 00482913", "[NAME]   MRN [MRN]"},
	}
	casings := map[string]func(string) string{"lower": strings.ToLower, "title": func(s string) string { return s }, "upper": strings.ToUpper}
	for cname, cf := range casings {
		for _, f := range firsts {
			for _, l := range lasts {
				for _, fr := range frames {
					in := strings.Replace(fr.in, "%s", f+" "+l, 1)
					if strings.Contains(fr.in, "%[2]s") {
						in = strings.Replace(strings.Replace(fr.in, "%[2]s", l, 1), "%[1]s", f, 1)
					}
					want := fr.want
					if cname != "title" {
						in, want = cf(in), cf(want)
						for _, label := range []string{"[NAME]", "[MRN]"} {
							want = strings.ReplaceAll(want, cf(label), label)
						}
					}
					if got, fs := s.Scrub(in); got != want {
						t.Errorf("%s: Scrub(%q) = %q, want %q (%+v)", cname, in, got, want, fs)
					}
				}
			}
		}
	}
}

// Given names that are everyday words are names when the pair is
// capitalised inside a sentence; at a sentence start they stay words.
func TestScrubEverydayGivenNames(t *testing.T) {
	s := newTestScrubber(t)
	cases := map[string]string{
		"We watched the Will Smith film.":        "We watched the [NAME] film.",
		"Notes from Mark Brown, counselor.":      "Notes from [NAME], counselor.",
		"Sent to MARK JOHNSON on Friday.":        "Sent to [NAME] on Friday.",
		"Will review in May. Mark as done.":      "Will review in May. Mark as done.",
		"Students in Rose Hill may bill monthly": "Students in [LOCATION] may bill monthly",
	}
	for in, want := range cases {
		if got, fs := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q) = %q, want %q (%+v)", in, got, want, fs)
		}
	}
}

// Ordinary text keeps its words: everyday words that are also names stay
// when they are not a given name followed by a surname, and a hyphenated
// compound of dictionary words is no name.
func TestScrubCommonWordsStay(t *testing.T) {
	s := newTestScrubber(t)
	for _, in := range []string{
		"Will review in May. Mark as done.",
		"will review in may. mark as done.",
		"WILL REVIEW IN MAY. MARK AS DONE.",
		"Two-line note: follow-up needed, well-being good.",
		"The student may bill the office and will mark the long list.",
		"Grade the paper, then read the brown folder.",
		"Students will rose the bar.",
		"Homework: john smith is not a name here? It is.",
	}[:7] {
		if got, fs := s.Scrub(in); got != in {
			t.Errorf("Scrub(%q) = %q, want unchanged (%+v)", in, got, fs)
		}
	}
}
