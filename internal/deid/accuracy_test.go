package deid

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The labelled set is microsoft/presidio-research data/synth_dataset_v2.json
// (commit 7622dec1, MIT licence, Copyright (c) Microsoft Corporation): 1,500
// synthetic sentences with character-offset PII spans.
type piiSample struct {
	FullText string `json:"full_text"`
	Spans    []struct {
		Type  string `json:"entity_type"`
		Value string `json:"entity_value"`
		Start int    `json:"start_position"`
		End   int    `json:"end_position"`
	} `json:"spans"`
}

// safeHarborLabel maps the set's labels onto the Safe Harbor identifiers.
// Labels absent here (ORGANIZATION, TITLE, NRP) are not identifiers Safe
// Harbor requires removing. GPE is B, geographic subdivisions, but only for
// the places below state level: see notSubState.
var safeHarborLabel = map[string]string{
	"PERSON": "A", "STREET_ADDRESS": "B", "ZIP_CODE": "B", "GPE": "B", "DATE_TIME": "C", "AGE": "C",
	"PHONE_NUMBER": "D", "EMAIL_ADDRESS": "F", "US_SSN": "G", "CREDIT_CARD": "J", "IBAN_CODE": "J",
	"US_DRIVER_LICENSE": "K", "DOMAIN_NAME": "N", "IP_ADDRESS": "O",
}

var (
	wordRE     = regexp.MustCompile(`[\p{L}\p{N}]+`)
	yearOnlyRE = regexp.MustCompile(`^\d{4}$`)
	weekdayRE  = regexp.MustCompile(`(?i)^(mon|tues|wednes|thurs|fri|satur|sun)day$`)
)

// inScope drops spans Safe Harbor lets stay: a bare year, a weekday, an age
// of 89 or under, and a place that is a whole country or a US state.
func inScope(label, value string, notSubState map[string]bool) bool {
	v := strings.TrimSpace(value)
	switch label {
	case "GPE":
		return !notSubState[placeKey(v)]
	case "DATE_TIME":
		return !yearOnlyRE.MatchString(v) && !weekdayRE.MatchString(v)
	case "AGE":
		return len(v) >= 2 && v >= "90" && len(v) <= 3
	}

	return true
}

type tally struct{ tp, fn int }

// evaluation is the outcome of one pass over the labelled set.
type evaluation struct {
	per                 map[string]*tally
	predTokens, correct int
	// Tokens of countries and states: left out of recall and precision,
	// counted to show how much the scrubber over-redacts.
	wideTokens, wideRedacted int
	missed                   map[string][]string // label -> missed values
}

// Token-level evaluation, as presidio-research does it: a gold token (a run
// of letters or digits) inside an in-scope span is recalled when a finding
// covers it; a finding token is correct when it lies inside any labelled
// span. A token inside a country or state span counts on neither side.
func evaluate(s *Scrubber, samples []piiSample, notSubState map[string]bool, transform func(string) string) evaluation {
	ev := evaluation{per: map[string]*tally{}, missed: map[string][]string{}}
	for _, smp := range samples {
		text := transform(smp.FullText)
		fs := s.Find(text)
		covered := func(a, b int) bool {
			for _, f := range fs {
				if a >= f.Start && b <= f.End {
					return true
				}
			}

			return false
		}
		inGold := func(a, b int) (in, wide bool) {
			for _, sp := range smp.Spans {
				if a >= sp.Start && b <= sp.End {
					if sp.Type == "GPE" && !inScope(sp.Type, sp.Value, notSubState) {
						wide = true
					} else {
						in = true
					}
				}
			}

			return in, wide && !in
		}
		for _, sp := range smp.Spans {
			if _, ok := safeHarborLabel[sp.Type]; !ok {
				continue
			}
			if !inScope(sp.Type, sp.Value, notSubState) {
				for _, loc := range wordRE.FindAllStringIndex(text[sp.Start:sp.End], -1) {
					ev.wideTokens++
					if covered(sp.Start+loc[0], sp.Start+loc[1]) {
						ev.wideRedacted++
					}
				}

				continue
			}
			tl := ev.per[sp.Type]
			if tl == nil {
				tl = &tally{}
				ev.per[sp.Type] = tl
			}
			miss := false
			for _, loc := range wordRE.FindAllStringIndex(text[sp.Start:sp.End], -1) {
				if covered(sp.Start+loc[0], sp.Start+loc[1]) {
					tl.tp++
				} else {
					tl.fn++
					miss = true
				}
			}
			if miss {
				ev.missed[sp.Type] = append(ev.missed[sp.Type], text[sp.Start:sp.End])
			}
		}
		for _, f := range fs {
			for _, loc := range wordRE.FindAllStringIndex(text[f.Start:f.End], -1) {
				in, wide := inGold(f.Start+loc[0], f.Start+loc[1])
				if wide {
					continue
				}
				ev.predTokens++
				if in {
					ev.correct++
				}
			}
		}
	}

	return ev
}

// placeKey normalises a place name for the country and state lists: lower
// case, single spaces, parenthesised qualifiers dropped ("Cyprus (Greek)").
func placeKey(v string) string {
	v = parenRE.ReplaceAllString(strings.ToLower(v), " ")

	return strings.Join(strings.Fields(v), " ")
}

var parenRE = regexp.MustCompile(`\([^)]*\)`)

// loadNotSubState returns the places Safe Harbor lets stay: HIPAA's
// identifier B is "all geographic subdivisions smaller than a state", so a
// whole country, a US state or territory (name or USPS code, from the
// Census list the scrubber ships) is no identifier. The countries are
// testdata/countries.txt (see testdata/README.md).
func loadNotSubState(t *testing.T) map[string]bool {
	t.Helper()
	l, err := loadLexicon()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/countries.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if k := placeKey(line); k != "" {
			out[k] = true
		}
	}
	if len(out) < 250 {
		t.Fatalf("testdata/countries.txt has %d names, want the whole list of countries", len(out))
	}
	for st := range l.states {
		out[st] = true
	}

	return out
}

func loadPIISamples(t *testing.T) []piiSample {
	t.Helper()
	b, err := os.ReadFile("testdata/synth_dataset_v2.json")
	if err != nil {
		t.Fatal(err)
	}
	var samples []piiSample
	if err := json.Unmarshal(b, &samples); err != nil {
		t.Fatal(err)
	}
	// The offsets count Unicode code points (Python); Go slices strings by
	// byte, so convert them.
	for i := range samples {
		text := samples[i].FullText
		byteAt := make([]int, 0, len(text)+1)
		for j := range text {
			byteAt = append(byteAt, j)
		}
		byteAt = append(byteAt, len(text))
		for k := range samples[i].Spans {
			sp := &samples[i].Spans[k]
			sp.Start, sp.End = byteAt[sp.Start], byteAt[sp.End]
		}
	}

	return samples
}

// TestScrubAccuracyPresidioResearch asserts recall >= 0.95 over the Safe
// Harbor identifier types and for each of them, and reports precision, in
// the original casing and in lower and upper case (C29: the drop between
// casings stays under 0.05).
//
// Places (GPE) count only below state level: a span that is a country or a
// US state or territory (see loadNotSubState) is neither a miss when kept
// nor a hit when redacted, and its tokens are left out of precision too;
// how many of them the scrubber redacts anyway is logged. Every other GPE
// span (city, town, county, district, a postal-district letter such as the
// "K" of "København K") is identifier B and held to 0.95 like the rest.
func TestScrubAccuracyPresidioResearch(t *testing.T) {
	s := newTestScrubber(t)
	samples := loadPIISamples(t)
	notSubState := loadNotSubState(t)
	casings := []struct {
		name string
		fn   func(string) string
	}{
		{"original", func(x string) string { return x }},
		{"lower", strings.ToLower},
		{"upper", strings.ToUpper},
	}
	var recalls []float64
	for _, c := range casings {
		ev := evaluate(s, samples, notSubState, c.fn)
		keys := make([]string, 0, len(ev.per))
		for k := range ev.per {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		tp, fn := 0, 0
		for _, k := range keys {
			tl := ev.per[k]
			r := float64(tl.tp) / float64(max(1, tl.tp+tl.fn))
			t.Logf("%-8s %-18s recall %.3f (%d/%d tokens)", c.name, k, r, tl.tp, tl.tp+tl.fn)
			// Per type as well as overall. ZIP_CODE is held to the overall
			// figure only: its misses are non-US postal codes (Swedish
			// "840 24"); US ZIPs are measured per type in
			// TestScrubAccuracyGenerated.
			if k != "ZIP_CODE" && r < 0.95 {
				t.Errorf("%s casing: %s recall %.3f, want >= 0.95 for every Safe Harbor type; missed %q", c.name, k, r, ev.missed[k])
			}
			tp += tl.tp
			fn += tl.fn
		}
		if c.name == "original" {
			t.Logf("missed sub-state places: %q", ev.missed["GPE"])
		}
		recall := float64(tp) / float64(tp+fn)
		precision := float64(ev.correct) / float64(max(1, ev.predTokens))
		t.Logf("%-8s SAFE HARBOR recall %.3f, precision %.4f (%d of %d predicted tokens); countries and states: %d of %d tokens redacted",
			c.name, recall, precision, ev.correct, ev.predTokens, ev.wideRedacted, ev.wideTokens)
		recalls = append(recalls, recall)
		if recall < 0.95 {
			t.Errorf("%s casing: Safe Harbor recall %.3f, want >= 0.95", c.name, recall)
		}
	}
	for i := 1; i < len(recalls); i++ {
		if recalls[0]-recalls[i] > 0.05 {
			t.Errorf("recall drops %.3f from original to %s casing, want <= 0.05", recalls[0]-recalls[i], casings[i].name)
		}
	}
}
