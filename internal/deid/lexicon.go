package deid

import (
	"bufio"
	"compress/gzip"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The lists in names/ are public-domain US Census, SSA and 12dicts data; see
// names/README.md for provenance and checksums.
//
//go:embed names/*.gz
var lexiconFS embed.FS

// lexicon holds the lower-cased word sets the scrubber consults.
type lexicon struct {
	first   map[string]bool // SSA given names
	firstN  map[string]int  // SSA given-name counts, both sexes summed
	last    map[string]bool // Census surnames
	lastN   map[string]int  // Census surname counts
	english map[string]bool // 12dicts 2of12 common words
	places  map[string]bool // Census places and counties, 1-4 words, suffix stripped
	states  map[string]bool // state and territory names and USPS codes (not identifiers)
	maxLen  int             // longest place name in words
}

var (
	lexOnce sync.Once
	lex     *lexicon
	lexErr  error
)

// loadLexicon parses the embedded lists once per process (about 0.2 s).
func loadLexicon() (*lexicon, error) {
	lexOnce.Do(func() {
		l := &lexicon{
			first: map[string]bool{}, firstN: map[string]int{}, last: map[string]bool{}, lastN: map[string]int{}, english: map[string]bool{},
			places: map[string]bool{}, states: map[string]bool{},
		}
		steps := []struct {
			file string
			fn   func(line string)
		}{
			{"census2010_surnames.csv.gz", func(s string) {
				n := strings.ToLower(field(s, ',', 0))
				l.last[n] = true
				l.lastN[n], _ = strconv.Atoi(field(s, ',', 1))
			}},
			{"ssa_first_names_1880_2019.csv.gz", func(s string) {
				if n := strings.ToLower(field(s, ',', 0)); n != "name" {
					l.first[n] = true
					c, _ := strconv.Atoi(field(s, ',', 2))
					l.firstN[n] += c
				}
			}},
			{"english_words_2of12.txt.gz", func(s string) { l.english[strings.ToLower(s)] = true }},
			{"census_states.txt.gz", func(s string) {
				if field(s, '|', 0) != "STATE" {
					l.states[strings.ToLower(field(s, '|', 1))] = true
					l.states[strings.ToLower(field(s, '|', 2))] = true
				}
			}},
			{"census2020_places.txt.gz", func(s string) {
				if field(s, '|', 0) == "STATE" {
					return
				}
				l.addPlace(stripPlaceSuffix(field(s, '|', 4)))
				for _, c := range strings.Split(field(s, '|', 8), ",") {
					l.addPlace(c)
				}
			}},
			{"census2010_counties.txt.gz", func(s string) {
				if field(s, ',', 0) != "State" {
					l.addPlace(field(s, ',', 3))
				}
			}},
		}
		for _, st := range steps {
			if err := eachLine(st.file, st.fn); err != nil {
				lexErr = fmt.Errorf("loading lexicon %s: %w", st.file, err)

				return
			}
		}
		lex = l
	})

	return lex, lexErr
}

func (l *lexicon) addPlace(name string) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return
	}
	n := len(strings.Fields(name))
	if n > 4 {
		return
	}
	if n > l.maxLen {
		l.maxLen = n
	}
	l.places[strings.Join(strings.Fields(name), " ")] = true
	// "Middlesex County" is also written "Middlesex"; the bare form is a
	// place only with context, which the scrubber applies to one-word hits.
}

// placeSuffixes are the legal/statistical descriptions the Census appends.
var placeSuffixes = []string{
	" city and borough", " consolidated government (balance)", " metropolitan government (balance)",
	" unified government (balance)", " (balance)", " city", " town", " village", " borough", " CDP",
	" municipality", " comunidad", " zona urbana", " urban county", " corporation", " plantation",
}

func stripPlaceSuffix(s string) string {
	for _, suf := range placeSuffixes {
		if strings.HasSuffix(s, suf) {
			return strings.TrimSuffix(s, suf)
		}
	}

	return s
}

func field(s string, sep byte, n int) string {
	for i := 0; i < n; i++ {
		j := strings.IndexByte(s, sep)
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, sep); j >= 0 {
		return s[:j]
	}

	return s
}

func eachLine(name string, fn func(string)) error {
	f, err := lexiconFS.Open("names/" + name)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // read-only
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if line := strings.TrimRight(sc.Text(), "\r"); line != "" {
			fn(line)
		}
	}
	if err := sc.Err(); err != nil { // never io.EOF: Scanner reports only other errors
		return err
	}

	return nil
}

// isEnglish reports whether w (lower case) is a common English word, also in
// a regular inflected form (plurals, -ed, -ing, -ly, -er), so "called" or
// "banks" count as words and not as surnames.
func (l *lexicon) isEnglish(w string) bool {
	if l.english[w] {
		return true
	}
	for _, suf := range []string{"s", "es", "ed", "d", "ing", "ly", "er", "ers", "'s"} {
		if stem, ok := strings.CutSuffix(w, suf); ok && len(stem) > 2 {
			if l.english[stem] || l.english[stem+"e"] {
				return true
			}
			// doubled consonant: "planned" -> "plan"
			if n := len(stem); n > 3 && stem[n-1] == stem[n-2] && l.english[stem[:n-1]] {
				return true
			}
			if strings.HasSuffix(stem, "i") && l.english[strings.TrimSuffix(stem, "i")+"y"] {
				return true
			}
		}
	}

	return false
}

func (l *lexicon) isName(w string) bool { return l.first[w] || l.last[w] }
