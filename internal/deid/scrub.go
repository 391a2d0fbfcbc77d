package deid

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Finding is one detected identifier span in a text. It carries no text: the
// audit report must never hold an original value.
type Finding struct {
	Start, End int // byte offsets
	Identifier Identifier
	Detector   string
	Confidence float64
	year       string // dates: the year, kept when KeepYear is set
}

// Scrubber finds and replaces the Safe Harbor identifiers in free text with
// rules, checksums-free patterns, and the embedded name and place lexicons.
type Scrubber struct {
	lex           *lexicon
	keepYear      bool
	minConfidence float64
	skip          map[Identifier]bool
	now           time.Time
}

// NewScrubber loads the lexicons (once per process) and applies opts.
func NewScrubber(opts *ScrubOptions) (*Scrubber, error) {
	l, err := loadLexicon()
	if err != nil {
		return nil, err
	}
	s := &Scrubber{lex: l, keepYear: true, minConfidence: 0.4, skip: map[Identifier]bool{}, now: time.Now()}
	if opts != nil {
		if opts.KeepYear != nil {
			s.keepYear = *opts.KeepYear
		}
		if opts.MinConfidence > 0 {
			s.minConfidence = opts.MinConfidence
		}
		for _, id := range opts.Skip {
			s.skip[id] = true
		}
	}

	return s, nil
}

// Scrub returns text with every finding replaced by a label such as [NAME]
// or [DATE 2021], and the findings (merged, in order).
func (s *Scrubber) Scrub(text string) (string, []Finding) {
	fs := s.Find(text)
	if len(fs) == 0 {
		return text, nil
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, f := range fs {
		b.WriteString(text[last:f.Start])
		b.WriteString(s.label(f))
		last = f.End
	}
	b.WriteString(text[last:])

	return b.String(), fs
}

func (s *Scrubber) label(f Finding) string {
	switch {
	case f.Identifier == IDDate && s.keepYear && f.year != "":
		return "[DATE " + f.year + "]"
	case f.Identifier == IDAge:
		return "[AGE " + DefaultAgeLabel + "]"
	}

	return "[" + string(f.Identifier) + "]"
}

// Find returns the merged findings at or above the confidence threshold.
// Overlapping spans merge into one (so no fragment of a date or number is
// left in clear); the merged span takes the label of its most confident part.
func (s *Scrubber) Find(text string) []Finding {
	var cands []Finding
	cands = s.findPatterns(text, cands)
	cands = s.findWords(text, cands, len(cands))
	kept := cands[:0]
	for _, c := range cands {
		if c.Confidence >= s.minConfidence && !s.skip[c.Identifier] {
			kept = append(kept, c)
		}
	}

	fs := extendNumbers(text, merge(kept))
	if n := len(fs); n > 0 {
		fs = merge(extendAddressBlocks(text, fs))
		if len(fs) != n {
			fs = extendNumbers(text, fs)
		}
		n = len(fs)
		if fs = extendPlaceNames(text, fs); len(fs) != n {
			fs = extendNumbers(text, merge(fs))
		}
	}

	return fs
}

// extendAddressBlocks follows a street address to the end of a postal
// address: the rest of its line while it is place-like (capitalised words,
// codes, postcodes, commas), and up to four following short lines, which in
// an address block hold the town, region, postcode and country.
func extendAddressBlocks(text string, fs []Finding) []Finding {
	n := len(fs)
	for i := 0; i < n; i++ {
		f := fs[i]
		if f.Identifier != IDStreet {
			continue
		}
		end := placeRun(text, f.End)
		if end > f.End {
			fs = append(fs, Finding{Start: f.End, End: end, Identifier: IDStreet, Detector: "address-block", Confidence: f.Confidence})
		}
		ls := strings.IndexByte(text[end:], '\n')
		for k := 0; k < 4 && ls >= 0 && strings.TrimSpace(text[end:end+ls]) == ""; k++ {
			ls += end + 1
			le := strings.IndexByte(text[ls:], '\n')
			if le < 0 {
				le = len(text)
			} else {
				le += ls
			}
			line := strings.TrimSpace(text[ls:le])
			if line == "" || len(line) > 60 || strings.ContainsAny(line, "?!:@") || len(strings.Fields(line)) > 6 {
				break
			}
			off := ls + strings.Index(text[ls:le], line)
			fs = append(fs, Finding{Start: off, End: off + len(line), Identifier: IDStreet, Detector: "address-block", Confidence: 0.7})
			end = le
			ls = strings.IndexByte(text[end:], '\n')
		}
	}

	return fs
}

// placeRun returns how far place-like words continue from pos on one line:
// ", ISHAM, United Kingdom", " Suite 5", ", CO 80301".
func placeRun(text string, pos int) int {
	end := pos
	i := pos
	for words := 0; words < 6 && i < len(text); words++ {
		j := i
		for j < len(text) && (text[j] == ' ' || text[j] == ',' || text[j] == '\t') {
			j++
		}
		k := j
		for k < len(text) && text[k] != ' ' && text[k] != ',' && text[k] != '\n' && text[k] != '\t' {
			k++
		}
		w := strings.TrimRight(text[j:k], ".?!;:")
		if w == "" {
			break
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			break
		}
		end = j + len(w)
		if len(w) < k-j { // sentence punctuation ends the run
			break
		}
		i = k
	}

	return end
}

// extendNumbers pulls a short number standing right next to a name, place or
// address span into it: house and street numbers ("6750 Koskikatu",
// "Harjukuja 54") identify a place as much as the street name does.
func extendNumbers(text string, fs []Finding) []Finding {
	for i := range fs {
		f := &fs[i]
		if f.Identifier != IDName && f.Identifier != IDGeo && f.Identifier != IDStreet {
			continue
		}
		// Look only at the few bytes around the span: the expressions are
		// anchored there, and scanning the whole prefix would be quadratic.
		lo := max(0, f.Start-8)
		if m := leadingNumRE.FindStringIndex(text[lo:f.Start]); m != nil && (i == 0 || fs[i-1].End <= lo+m[0]) {
			if lo == 0 || m[0] > 0 || !isWordByte(text[lo-1]) {
				f.Start = lo + m[0]
			}
		}
		hi := min(len(text), f.End+10)
		if m := trailingNumRE.FindStringSubmatchIndex(text[f.End:hi]); m != nil && (i+1 == len(fs) || fs[i+1].Start >= f.End+m[1]) {
			if f.End+m[1] == hi && hi < len(text) && isWordByte(text[hi-1]) && isWordByte(text[hi]) {
				continue // the number goes on past the window
			}
			f.End += m[3] // the number, not the space or newline after it
		}
	}

	return fs
}

var (
	leadingNumRE  = regexp.MustCompile(`\b\d{1,5}[a-zA-Z]? $`)
	trailingNumRE = regexp.MustCompile(`^ (\d{1,5}[a-zA-Z]?)\b(?:[.,]? |[.,]?$|\n)`)
)

func merge(cs []Finding) []Finding {
	if len(cs) == 0 {
		return nil
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Start != cs[j].Start {
			return cs[i].Start < cs[j].Start
		}

		return cs[i].End > cs[j].End
	})
	out := []Finding{cs[0]}
	for _, c := range cs[1:] {
		last := &out[len(out)-1]
		if c.Start == last.End && c.Identifier == last.Identifier {
			last.End = c.End // touching spans of one kind read as one

			continue
		}
		if c.Start >= last.End {
			out = append(out, c)

			continue
		}
		if c.End > last.End {
			last.End = c.End
		}
		if c.Confidence > last.Confidence {
			year := last.year
			start, end := last.Start, last.End
			*last = c
			last.Start, last.End = start, end
			if last.year == "" {
				last.year = year
			}
		}
	}

	return out
}

// ---- pattern detectors ----------------------------------------------------

// sep is a separator inside a number: space, hyphen, dot, or a Unicode dash
// (C30: en dashes and the like must not defeat SSN matching).
const sep = `[ \t.\-\x{2010}-\x{2015}\x{2212}\x{00A0}]`

type pattern struct {
	re         *regexp.Regexp
	id         Identifier
	detector   string
	confidence float64
	group      int            // submatch that is the identifier (0 = whole match)
	need       []string       // the lower-cased text must contain one of these, or the pattern is skipped
	anchored   *regexp.Regexp // digit-led patterns: the same expression anchored, tried only where a number starts
	minSep     int            // mac-address: at least this many ':' or '-' in the text
	run        [2]int         // digit-led: allowed length of the first digit run (0 = any)
	after      string         // digit-led: bytes one of which must follow the first run ("" = any)
	check      func(m string) (Identifier, float64, bool)
}

var tldNeeds = []string{".com", ".org", ".net", ".edu", ".gov", ".io", ".info", ".biz", ".co", ".us", ".uk", ".de", ".fr",
	".es", ".it", ".nl", ".be", ".ch", ".at", ".se", ".dk", ".no", ".fi", ".pt", ".br", ".ca", ".au", ".cy", ".gr", ".pl",
	".cz", ".ie", ".in", ".jp", ".cn", ".ru"}

var monthNeeds = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

var monthRE = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

var patterns = []pattern{
	{re: regexp.MustCompile(`(?i)\b[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}\b`), id: IDEmail, detector: "email", confidence: 0.95},
	{re: regexp.MustCompile(`(?i)\b(?:https?://|ftp://|www\.)[^\s<>"'()\[\]]+[^\s<>"'()\[\].,;:!?]`), id: IDURL, detector: "url", need: []string{"http", "ftp", "www."}, confidence: 0.95},
	{re: regexp.MustCompile(`(?i)\b[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:com|org|net|edu|gov|io|info|biz|co|us|uk|de|fr|es|it|nl|be|ch|at|se|dk|no|fi|pt|br|ca|au|cy|gr|pl|cz|ie|in|jp|cn|ru)(?:\.[a-z]{2})?(?:/[^\s<>"']*)?\b`), id: IDURL, detector: "domain", confidence: 0.7},
	{re: regexp.MustCompile(`\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b`), id: IDIP, detector: "ipv4", confidence: 0.9},
	{re: regexp.MustCompile(`(?i)\b(?:[0-9a-f]{1,4}::?){2,7}[0-9a-f]{1,4}\b|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}\b`), id: IDIP, detector: "ipv6", need: []string{":"}, confidence: 0.85, check: checkIPv6},
	{re: regexp.MustCompile(`(?i)\b(?:[0-9a-f]{2}[:\-]){5}[0-9a-f]{2}\b`), id: IDDevice, detector: "mac-address", need: []string{":", "-"}, minSep: 5, confidence: 0.85},
	// SSN with a cue: any separator style, or none (C30).
	{re: regexp.MustCompile(`(?i)(?:\bssn|\bss#|\bss\s?no\.?|\bsocial\s+security(?:\s+(?:number|no\.?|#))?|\bsoc\.?\s?sec\.?)\s*[:#=]?\s*(\d{3}` + sep + `{0,2}\d{2}` + sep + `{0,2}\d{4}|\d{3}` + sep + `\d{6})\b`), id: IDSSN, detector: "ssn-cue", need: []string{"ssn", "ss#", "ss no", "social", "soc sec", "soc."}, confidence: 0.98, group: 1},
	{re: regexp.MustCompile(`\b\d{3}[\-\x{2010}-\x{2015}\x{2212}]\d{2}[\-\x{2010}-\x{2015}\x{2212}]\d{4}\b`), id: IDSSN, detector: "ssn-shape", confidence: 0.8, check: checkSSN},
	// Dates (C28): ISO, numeric with / - . separators, month names, month/year.
	{re: regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?Z|[+\-]\d{2}:?\d{2})?)?\b`), id: IDDate, detector: "date-iso", confidence: 0.95, check: checkDateParts("ymd")},
	{re: regexp.MustCompile(`\b(\d{4})/(\d{1,2})/(\d{1,2})\b`), id: IDDate, detector: "date-ymd", confidence: 0.9, check: checkDateParts("ymd")},
	{re: regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`), id: IDDate, detector: "date-numeric", confidence: 0.9, check: checkDateParts("xxy")},
	{re: regexp.MustCompile(`\b(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})\b`), id: IDDate, detector: "date-numeric", confidence: 0.85, check: checkDateParts("xxy")},
	{re: regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b`), id: IDDate, detector: "date-numeric", confidence: 0.85, check: checkDateParts("xxy")},
	{re: regexp.MustCompile(`\b(0?[1-9]|1[0-2])[/\-](\d{4})\b`), id: IDDate, detector: "date-month-year", confidence: 0.8, check: checkMonthYear},
	{re: regexp.MustCompile(`(?i)\b` + monthRE + `\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+(\d{4}|'?\d{2}))?\b`), id: IDDate, detector: "date-month-name", need: monthNeeds, confidence: 0.85, check: checkMonthName},
	{re: regexp.MustCompile(`(?i)\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRE + `\.?(?:,?\s+(\d{4}|'?\d{2}))?\b`), id: IDDate, detector: "date-day-month", need: monthNeeds, confidence: 0.85, check: checkMonthName},
	{re: regexp.MustCompile(`(?i)\b` + monthRE + `\.?,?\s+(\d{4})\b`), id: IDDate, detector: "date-month-year", need: monthNeeds, confidence: 0.75, check: checkMonthName},
	{re: regexp.MustCompile(`\b(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\b`), id: IDDate, detector: "date-compact", confidence: 0.6, check: checkCompactDate},
	// Ages over 89 (C): "93 years old", "aged 94", "91-year-old", "92 yo".
	{re: regexp.MustCompile(`(?i)\b(9\d|1[0-2]\d)\s*(?:-\s*)?(?:years?(?:[\s\-]old)?|yrs?|y/?o|year-old)\b`), id: IDAge, detector: "age", confidence: 0.9},
	{re: regexp.MustCompile(`(?i)\b(?:aged?|age:)\s*(9\d|1[0-2]\d)\b`), id: IDAge, detector: "age", confidence: 0.9},
	// Phone and fax numbers.
	{re: regexp.MustCompile(`(?i)\b(fax|facsimile|f:)\s*(?:no\.?|number|#)?\s*[:.]?\s*(\+?[\d(][\d()\s.\-]{5,}\d)`), id: IDFax, detector: "fax-cue", need: []string{"fax", "facsimile", "f:"}, confidence: 0.95, group: 2},
	{re: regexp.MustCompile(`(?:\+\d{1,3}` + sep + `?)?(?:\(\d{1,4}\)|\b\d{3})` + sep + `?\d{3}` + sep + `?\d{4}(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?\b`), id: IDPhone, detector: "phone-nanp", confidence: 0.85, check: checkPhone},
	{re: regexp.MustCompile(`\+\d{1,3}(?:` + sep + `?\(0\))?(?:` + sep + `?\(?\d{1,5}\)?){2,6}(?:\s*(?:x|ext\.?)\s*\d{1,6})?\b`), id: IDPhone, detector: "phone-intl", confidence: 0.85, check: checkPhone},
	{re: regexp.MustCompile(`\(?\b\d{2,5}\)?(?:[ .\-]\d{2,4}){1,4}(?:\s*x\d{1,6})?\b`), id: IDPhone, detector: "phone-groups", confidence: 0.55, check: checkPhoneGroups},
	// Numbered identifiers with a cue word.
	{re: regexp.MustCompile(`(?i)\b(?:mrn|medical\s+record(?:\s+(?:number|no\.?|#))?|chart\s*(?:no\.?|#|number))\s*[:#=]?\s*([A-Z0-9\-]*\d[A-Z0-9\-]*)`), id: IDMRN, detector: "mrn-cue", need: []string{"mrn", "medical", "chart"}, confidence: 0.95, group: 1},
	{re: regexp.MustCompile(`(?i)\b(?:member\s*(?:id|no\.?|#)|policy\s*(?:no\.?|number|#)|beneficiary\s*(?:id|no\.?|number)|health\s*plan\s*(?:id|no\.?|number)|medicaid|medicare)\s*[:#=]?\s*([A-Z0-9\-]*\d[A-Z0-9\-]*)`), id: IDHealthPlan, detector: "health-plan-cue", need: []string{"member", "policy", "beneficiary", "plan", "medicaid", "medicare"}, confidence: 0.9, group: 1},
	{re: regexp.MustCompile(`(?i)\b(?:account|acct|a/c)\s*(?:no\.?|number|#)?\s*[:#=]?\s*([A-Z0-9\-]*\d[A-Z0-9\-]*)`), id: IDAccount, detector: "account-cue", need: []string{"acc", "acct", "a/c"}, confidence: 0.9, group: 1},
	{re: regexp.MustCompile(`(?i)\b(?:licen[cs]e|DL|driver'?s?\s+licen[cs]e|certificate|cert\.?|passport)\s*(?:no\.?|number|#)?\s*[:#=]?\s*([A-Z0-9\-]*\d[A-Z0-9\-]*)`), id: IDLicense, detector: "license-cue", need: []string{"licen", "dl", "driver", "cert", "passport"}, confidence: 0.9, group: 1},
	{re: regexp.MustCompile(`(?i)\b(?:plate|tag|VIN|vehicle\s*(?:id|no\.?|number))\s*(?:no\.?|number|#)?\s*[:#=]?\s*([A-Z0-9\-]*\d[A-Z0-9\-]*)`), id: IDVehicle, detector: "vehicle-cue", need: []string{"plate", "tag", "vin", "vehicle"}, confidence: 0.9, group: 1},
	{re: regexp.MustCompile(`(?i)\b(?:serial|s/n|device\s*(?:id)?|imei|udid)\s*(?:no\.?|number|#)?\s*[:#=]?\s*([A-Z0-9\-]*\d[A-Z0-9\-]*)`), id: IDDevice, detector: "device-cue", need: []string{"serial", "s/n", "device", "imei", "udid"}, confidence: 0.9, group: 1},
	{re: regexp.MustCompile(`\b[A-HJ-NPR-Z0-9]{17}\b`), id: IDVehicle, detector: "vin", confidence: 0.7, check: checkVIN},
	// Account numbers: cards (13-19 digits in groups) and IBANs.
	{re: regexp.MustCompile(`\b(?:\d[ \-]?){12,18}\d\b`), id: IDAccount, detector: "card-number", confidence: 0.8},
	{re: regexp.MustCompile(`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b`), id: IDAccount, detector: "iban", confidence: 0.85},
	// Street addresses and other geographic units.
	{re: regexp.MustCompile(`(?i)\b\d{1,6}[a-z]?\s+(?:[\p{L}0-9'.\-]+\s+){0,4}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|parkway|pkwy|circle|cir|row|parade|square|sq|highway|hwy|trail|trl|crossing|xing|alley|path|loop|pike|plaza|point|pt|ridge|run|walk|heights|hts|gardens|grove|park|landing|manor|meadows?|mews|crescent|close|route|rte)s?\b\.?(?:,?\s*(?:apt\.?|apartment|suite|ste\.?|unit|#|room|rm\.?|fl(?:oor)?\.?)\s*#?\s*[a-z0-9\-]+)?`), id: IDStreet, detector: "street-address", confidence: 0.85, check: checkStreet},
	{re: regexp.MustCompile(`(?i)\b(?:via|viale|rua|rue|calle|avenida|av\.|piazza|plaza|chemin|allee|all[eé]e|carrer|praça|strada|ulica|ul\.)\s+(?:[\p{L}'.\-]+\s+){0,4}\d{1,5}[a-z]?\b`), id: IDStreet, detector: "street-address-intl", need: []string{"via ", "viale ", "rua ", "rue ", "calle ", "avenida ", "av. ", "piazza ", "plaza ", "chemin ", "allee ", "allée ", "carrer ", "praça ", "strada ", "ulica ", "ul. "}, confidence: 0.8},
	{re: regexp.MustCompile(`\b(?:Via|Viale|Rua|Rue|Calle|Avenida|Piazza|Chemin|Carrer|Strada)\s+(?:\p{Lu}[\p{L}'\-]*\s?){1,4}`), id: IDStreet, detector: "street-address-intl", confidence: 0.75},
	{re: regexp.MustCompile(`\b\p{Lu}[\p{L}\-]*(?:strasse|straße|gasse|weg|vej|gatan|gata|gade|katu|tie|laan|straat|plein|veien|vegen|utca|ulica|cesta)\s+\d{1,5}[a-zA-Z]?\b`), id: IDStreet, detector: "street-address-intl", need: []string{"stras", "straße", "gasse", "weg", "vej", "gat", "gade", "katu", "tie", "laan", "straat", "plein", "veien", "vegen", "utca", "ulica", "cesta"}, confidence: 0.8},
	{re: regexp.MustCompile(`(?i)\b(?:the\s+)?corner\s+of\s+[^\n.,;?!|>]{1,80}`), id: IDStreet, detector: "corner-of", confidence: 0.9, need: []string{"corner of"}},
	{re: regexp.MustCompile(`(?i)\b(?:apt\.?|apartment|suite|ste\.?|unit|flat)\s*#?\s*\d+[a-z]?\b`), id: IDStreet, detector: "unit", need: []string{"apt", "apartment", "suite", "ste", "unit", "flat"}, confidence: 0.8},
	{re: regexp.MustCompile(`(?i)\b(?:p\.?\s?o\.?\s?box|psc|box)\s+\d+\b|\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\b`), id: IDStreet, detector: "po-box", need: []string{"box", "psc", "apo", "fpo", "dpo"}, confidence: 0.85},
	// ZIP codes: ZIP+4 always; a bare 5-digit number is likely a ZIP.
	{re: regexp.MustCompile(`(?i)\b(?:zip\s*code|postal\s*code|post\s*code|postcode|zip)\s*(?:is\s+)?[:#]?\s*([A-Z0-9][A-Z0-9 \-]{1,8}[A-Z0-9])\b`), id: IDZip, detector: "zip-cue", need: []string{"zip", "postal", "postcode", "post code"}, confidence: 0.9, group: 1},
	{re: regexp.MustCompile(`\b\d{5}-\d{4}\b`), id: IDZip, detector: "zip4", confidence: 0.9},
	{re: regexp.MustCompile(`\b[A-Z]{2}\s+(\d{5})\b`), id: IDZip, detector: "zip-state", confidence: 0.9, group: 1},
	{re: regexp.MustCompile(`\b\d{5}\b`), id: IDZip, detector: "zip", confidence: 0.5},
	// Other unique numbers and codes (R): long digit runs and letter-digit codes.
	{re: regexp.MustCompile(`\b\d{6,}\b`), id: IDOther, detector: "number", confidence: 0.6},
}

func (s *Scrubber) findPatterns(text string, out []Finding) []Finding {
	lower := strings.ToLower(text)
	digits := strings.ContainsAny(text, "0123456789")
	wins := digitWindows(text)
	starts := numberStarts(text)
	whole := [][2]int{{0, len(text)}}
	for i := range patterns {
		p := &patterns[i]
		if !quickHas(p, lower, digits) {
			continue
		}
		if p.anchored != nil {
			out = s.matchAnchored(p, text, starts, out)

			continue
		}
		ws := wins
		if !digits || p.id == IDURL || p.id == IDEmail {
			ws = whole
		}
		for _, w := range ws {
			out = s.matchPattern(p, text, w[0], w[1], out)
		}
	}
	if digits {
		out = findCodes(text, out)
	}

	return out
}

// digitWindows returns the parts of text around digits (whole words, up to
// about 60 bytes before and 90 after), merged. Every pattern but e-mail and
// URL needs a digit, and scanning only these windows keeps prose fast.
func digitWindows(text string) [][2]int {
	var ws [][2]int
	for i := 0; i < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			continue
		}
		lo, hi := max(0, i-60), min(len(text), i+90)
		for lo > 0 && text[lo-1] != ' ' && text[lo-1] != '\n' && i-lo < 120 {
			lo--
		}
		for hi < len(text) && text[hi] != ' ' && text[hi] != '\n' && hi-i < 180 {
			hi++
		}
		if n := len(ws); n > 0 && lo <= ws[n-1][1] {
			ws[n-1][1] = max(ws[n-1][1], hi)
		} else {
			ws = append(ws, [2]int{lo, hi})
		}
		for i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
			i++
		}
	}

	return ws
}

// digitLed lists the detectors whose matches always begin at a number (or a
// "(" or "+" right before one). They run anchored at those places only, which
// is far cheaper than scanning every position with a regular expression.
var digitLed = map[string]bool{
	"date-iso": true, "date-ymd": true, "date-numeric": true, "date-compact": true, "ssn-shape": true,
	"phone-nanp": true, "phone-intl": true, "phone-groups": true, "ipv4": true, "card-number": true,
	"zip4": true, "zip": true, "number": true, "street-address": true, "date-day-month": true,
}

// leadRules narrow where a digit-led pattern can start: the length of the
// number it begins with and the byte after it. They only skip attempts that
// could not match.
var leadRules = map[string]struct {
	run   [2]int
	after string
}{
	"date-iso": {[2]int{4, 4}, "-"}, "date-ymd": {[2]int{4, 4}, "/"}, "date-compact": {[2]int{8, 8}, ""},
	"ssn-shape": {[2]int{3, 3}, "-\xe2"}, "ipv4": {[2]int{1, 3}, "."}, "zip4": {[2]int{5, 5}, "-"},
	"zip": {[2]int{5, 5}, ""}, "number": {[2]int{6, 0}, ""}, "street-address": {[2]int{1, 6}, " \tabcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"},
	"date-day-month": {[2]int{1, 2}, " stndrh"}, "phone-groups": {[2]int{2, 5}, " .-)"},
}

func init() {
	for i := range patterns {
		p := &patterns[i]
		if r, ok := leadRules[p.detector]; ok {
			p.run, p.after = r.run, r.after
		}
		if p.detector == "date-numeric" || (p.detector == "date-month-year" && p.need == nil) {
			p.run = [2]int{1, 2}
		}
		if digitLed[p.detector] || (p.detector == "date-month-year" && p.need == nil) || (p.detector == "age" && strings.HasPrefix(p.re.String(), `(?i)\b(9`)) {
			p.anchored = regexp.MustCompile(`^(?:` + p.re.String() + `)`)
		}
	}
}

// numberStarts returns where numbers begin at a word boundary, plus the
// position of a "(" or "+" (or "+(") right before such a number.
func numberStarts(text string) []int {
	var st []int
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c < '0' || c > '9' {
			continue
		}
		if i > 0 && isWordByte(text[i-1]) {
			for i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
				i++
			}

			continue
		}
		j := i
		for j > 0 && (text[j-1] == '(' || text[j-1] == '+') && i-j < 2 {
			j--
		}
		for k := j; k <= i; k++ {
			st = append(st, k)
		}
		for i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9' {
			i++
		}
	}

	return st
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func (s *Scrubber) matchAnchored(p *pattern, text string, starts []int, out []Finding) []Finding {
	next := 0
	for _, st := range starts {
		if st < next {
			continue
		}
		if p.run != [2]int{} || p.after != "" {
			d := st
			for d < len(text) && (text[d] == '(' || text[d] == '+') {
				d++
			}
			e := d
			for e < len(text) && text[e] >= '0' && text[e] <= '9' {
				e++
			}
			if n := e - d; (p.run[0] > 0 && n < p.run[0]) || (p.run[1] > 0 && n > p.run[1]) {
				continue
			}
			if p.after != "" && (e >= len(text) || strings.IndexByte(p.after, text[e]) < 0) {
				continue
			}
		}
		end := min(len(text), st+240)
		m := p.anchored.FindStringSubmatchIndex(text[st:end])
		if m == nil {
			continue
		}
		// The expression's leading \b saw the slice start as a boundary;
		// numberStarts only offers true word starts, so that holds.
		n := len(out)
		out = s.matchPattern(p, text, st, st+m[1], out)
		if len(out) > n {
			next = out[len(out)-1].End
		} else {
			next = st + 1
		}
	}

	return out
}

func (s *Scrubber) matchPattern(p *pattern, text string, lo, hi int, out []Finding) []Finding {
	{
		for _, m := range p.re.FindAllStringSubmatchIndex(text[lo:hi], -1) {
			for k := range m {
				if m[k] >= 0 {
					m[k] += lo
				}
			}
			st, en := m[0], m[1]
			if p.group > 0 && m[2*p.group] >= 0 {
				st, en = m[2*p.group], m[2*p.group+1]
			}
			f := Finding{Start: st, End: en, Identifier: p.id, Detector: p.detector, Confidence: p.confidence}
			if p.check != nil {
				id, conf, ok := p.check(text[m[0]:m[1]])
				if !ok {
					continue
				}
				if id != "" {
					f.Identifier = id
				}
				if conf > 0 {
					f.Confidence = conf
				}
			}
			if f.Identifier == IDDate {
				f.year = s.yearOf(text[m[0]:m[1]])
			}
			if f.Identifier == IDPhone && faxCue(text, st) {
				f.Identifier = IDFax
			}
			out = append(out, f)
		}
	}

	return out
}

// findCodes marks letter-digit codes (S99999575, X8648891X, AB12-CD34): other
// unique identifying numbers (R). A token scan, as a regular expression for
// "letters and digits mixed" is slow on long text.
func findCodes(text string, out []Finding) []Finding {
	isAlnum := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	for i := 0; i < len(text); {
		if !isAlnum(text[i]) || (i > 0 && text[i-1] >= 0x80) {
			i++

			continue
		}
		j := i
		for j < len(text) && (isAlnum(text[j]) || (text[j] == '-' && j+1 < len(text) && isAlnum(text[j+1]) && j > i)) {
			j++
		}
		if j < len(text) && text[j] >= 0x80 { // part of a non-ASCII word
			for j < len(text) && text[j] != ' ' {
				j++
			}
			i = j

			continue
		}
		tok := text[i:j]
		letters, digits := 0, 0
		for k := 0; k < len(tok); k++ {
			switch c := tok[k]; {
			case c >= '0' && c <= '9':
				digits++
			case c != '-':
				letters++
			}
		}
		if letters > 0 && digits > 0 {
			if conf, ok := checkCode(tok); ok {
				if conf == 0 {
					conf = 0.6
				}
				out = append(out, Finding{Start: i, End: j, Identifier: IDOther, Detector: "code", Confidence: conf})
			}
		}
		i = j
	}

	return out
}

// quickHas skips a pattern when the text cannot match it: most patterns need
// a digit, and text without digits is the common case in notes.
func quickHas(p *pattern, lower string, digits bool) bool {
	switch p.detector {
	case "email":
		return strings.IndexByte(lower, '@') >= 0
	case "domain":
		for _, tld := range tldNeeds {
			if strings.Contains(lower, tld) {
				return true
			}
		}

		return false
	}
	if p.minSep > 0 && strings.Count(lower, ":") < p.minSep && strings.Count(lower, "-") < p.minSep {
		return false
	}
	if !digits && p.id != IDURL && p.detector != "corner-of" {
		return false // every other pattern needs a digit
	}
	if len(p.need) == 0 {
		return true
	}
	for _, n := range p.need {
		if strings.Contains(lower, n) {
			return true
		}
	}

	return false
}

func faxCue(text string, at int) bool {
	lo := max(0, at-32)

	return strings.Contains(strings.ToLower(text[lo:at]), "fax")
}

var (
	digitRE     = regexp.MustCompile(`\d+`)
	yearRangeRE = regexp.MustCompile(`^(?:19|20)\d\d[\-/ ](?:19|20)\d\d$`)
)

func (s *Scrubber) yearOf(m string) string {
	nums := digitRE.FindAllString(m, -1)
	for _, n := range nums {
		if len(n) == 4 {
			return n
		}
		if len(n) == 8 { // compact yyyymmdd
			return n[:4]
		}
	}
	if len(nums) > 0 {
		last := nums[len(nums)-1]
		if len(last) == 2 && len(nums) >= 2 {
			y, _ := strconv.Atoi(last)
			if 2000+y <= s.now.Year() {
				return strconv.Itoa(2000 + y)
			}

			return strconv.Itoa(1900 + y)
		}
	}

	return ""
}

func checkIPv6(m string) (Identifier, float64, bool) {
	// Times such as 09:30:00 have colons but no hex letters and no "::".
	if strings.Count(m, "::") > 1 {
		return "", 0, false
	}
	if strings.Contains(m, "::") {
		return "", 0, strings.Count(m, ":") >= 2 && len(m) > 3
	}
	if strings.Count(m, ":") >= 5 {
		return "", 0, true
	}

	return "", 0, strings.ContainsAny(strings.ToLower(m), "abcdef") && strings.Count(m, ":") >= 3
}

// checkSSN keeps a cue-less ddd-dd-dddd as an SSN only when it could have
// been issued; an impossible one is still an identifying number (R), so it is
// scrubbed either way, just not labelled SSN (C30).
func checkSSN(m string) (Identifier, float64, bool) {
	d := digitRE.FindAllString(m, -1)
	if len(d) != 3 {
		return "", 0, false
	}
	area, group, serial := d[0], d[1], d[2]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return IDOther, 0.6, true
	}

	return "", 0, true
}

func checkDateParts(order string) func(string) (Identifier, float64, bool) {
	return func(m string) (Identifier, float64, bool) {
		d := digitRE.FindAllString(m, 3)
		if len(d) < 3 {
			return "", 0, false
		}
		a, _ := strconv.Atoi(d[0])
		b, _ := strconv.Atoi(d[1])
		c, _ := strconv.Atoi(d[2])
		if order == "ymd" {
			return "", 0, b >= 1 && b <= 12 && c >= 1 && c <= 31
		}
		// Month and day in either order; impossible days such as 4/31 are still
		// dates (C28), but both parts must look like a day or month.
		if a < 1 || b < 1 || a > 31 || b > 31 || (a > 12 && b > 12) {
			return "", 0, false
		}
		if len(d[2]) == 2 {
			return "", 0.75, true
		}
		_ = c

		return "", 0, true
	}
}

func checkMonthYear(m string) (Identifier, float64, bool) {
	d := digitRE.FindAllString(m, 2)
	y, _ := strconv.Atoi(d[1])

	return "", 0, y >= 1900 && y <= 2100
}

var monthWordRE = regexp.MustCompile(`(?i)^` + monthRE + `\.?$`)

// checkMonthName rejects "may"/"mar"/"march" used as a verb or noun when the
// match is lowercase and has no year ("we may 3 times" is not a date).
func checkMonthName(m string) (Identifier, float64, bool) {
	fields := strings.Fields(m)
	for _, f := range fields {
		w := strings.Trim(f, ".,")
		if monthWordRE.MatchString(w) {
			lw := strings.ToLower(w)
			if (lw == "may" || lw == "mar" || lw == "march") && w == lw && !digitRE.MatchString(strings.Join(fields[1:], " ")) {
				return "", 0, false
			}
			if (lw == "may" || lw == "mar") && w == lw && len(digitRE.FindAllString(m, -1)) < 2 {
				return "", 0.45, true
			}
		}
	}

	return "", 0, true
}

func checkCompactDate(m string) (Identifier, float64, bool) {
	_, err := time.Parse("20060102", m)

	return "", 0, err == nil
}

// checkPhone needs 10 to 15 digits.
func checkPhone(m string) (Identifier, float64, bool) {
	n := countDigits(strings.SplitN(strings.ToLower(m), "x", 2)[0])

	return "", 0, n >= 10 && n <= 15
}

// checkPhoneGroups accepts digit groups of 7 to 13 digits: local and many
// national formats ("450 0840", "51 516 33 75").
func checkPhoneGroups(m string) (Identifier, float64, bool) {
	if yearRangeRE.MatchString(m) { // "2019-2020 school year"
		return "", 0, false
	}
	n := countDigits(strings.SplitN(m, "x", 2)[0])

	return "", 0, n >= 7 && n <= 13
}

// checkStreet rejects "21 by Dr. Okafor": a number followed by a function
// word is not a house number.
func checkStreet(m string) (Identifier, float64, bool) {
	f := strings.Fields(m)
	if len(f) < 2 {
		return "", 0, false
	}

	return "", 0, !isFunctionWord(strings.ToLower(f[1])) && strings.ToLower(f[1]) != "by"
}

func checkVIN(m string) (Identifier, float64, bool) {
	letters := 0
	for _, r := range m {
		if r >= 'A' && r <= 'Z' {
			letters++
		}
	}

	return "", 0, letters >= 2 && countDigits(m) >= 3
}

var unitSuffixRE = regexp.MustCompile(`(?i)^\d+(?:\.\d+)?(?:st|nd|rd|th|s|am|pm|h|hr|hrs|min|mins|sec|ms|mg|mcg|ml|l|g|kg|lb|lbs|oz|mm|cm|m|km|mi|ft|in|x|k|kb|mb|gb|tb|d|yr|yrs|mo|wk|wks|bpm|mmhg|iu|u|v|hz|khz|mhz|ghz|px|pt|c|f)$`)

// checkCode accepts letter-digit codes (S99999575, X8648891X, AB12CD34) but
// not measurements (500mg), ordinals (21st), or short tokens (B12, 3D, A1C).
// A confidence of 0 leaves the caller's default.
func checkCode(m string) (float64, bool) {
	if len(m) < 5 || unitSuffixRE.MatchString(m) {
		return 0, false
	}
	digits := countDigits(m)
	if digits < 2 {
		return 0, false
	}
	if digits >= 4 || len(m) >= 8 {
		return 0, true
	}

	return 0.45, true
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}

	return n
}

// ---- word detectors: names and places ------------------------------------

type token struct {
	start, end int
	text       string // original
	lower      string
}

// tokenize splits text into words: letters with inner apostrophes, hyphens
// and dots-as-initials kept apart.
func tokenize(text string) []token {
	var toks []token
	i := 0
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += w

			continue
		}
		st := i
		for i < len(text) {
			r, w = utf8.DecodeRuneInString(text[i:])
			if unicode.IsLetter(r) || ((r == '\'' || r == '-' || r == '\u2019') && i+w < len(text) && isLetterAt(text, i+w)) {
				i += w

				continue
			}

			break
		}
		toks = append(toks, token{start: st, end: i, text: text[st:i], lower: strings.ToLower(text[st:i])})
	}

	return toks
}

// tokenizeOutside tokenizes text, leaving out words inside spans already
// found by a pattern (the "dana" in an e-mail address is not a name here).
func tokenizeOutside(text string, found []Finding) []token {
	toks := tokenize(text)
	if len(found) == 0 {
		return toks
	}
	spans := merge(append([]Finding(nil), found...)) // sorted, disjoint
	kept := toks[:0]
	k := 0
	for _, t := range toks {
		for k < len(spans) && spans[k].End <= t.start {
			k++
		}
		if k < len(spans) && spans[k].Start < t.end {
			continue // overlaps a pattern finding
		}
		kept = append(kept, t)
	}

	return kept
}

// nameGap reports whether the text between two name words joins them into
// one name: spaces, a comma, or initials.
func nameGap(text string, a, b int) bool {
	gap := strings.TrimSpace(text[a:b])
	if gap == "" || gap == "," {
		return true
	}
	for _, f := range strings.Fields(gap) {
		if utf8.RuneCountInString(strings.TrimSuffix(f, ".")) != 1 || !strings.HasSuffix(f, ".") {
			return false
		}
	}

	return true
}

func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])

	return unicode.IsLetter(r)
}

// titles are words after which the next word is a name.
var titles = map[string]bool{
	"dr": true, "mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "prof": true, "professor": true,
	"doctor": true, "pt": true, "patient": true, "nurse": true, "rn": true, "sister": true, "brother": true,
	"father": true, "mother": true, "rev": true, "sr": true, "sra": true, "herr": true, "frau": true,
	"mme": true, "mlle": true, "sig": true, "dott": true, "student": true, "pupil": true, "teacher": true,
	"mister": true, "madam": true, "dear": true, "signed": true, "named": true, "called": true, "hi": true, "hello": true,
	"says": true, "said": true, "thanks": true, "attn": true,
}

// notNames are lexicon hits that are cue words or abbreviations in clinical
// and school text, never names on their own.
var notNames = map[string]bool{
	"mrn": true, "dob": true, "ssn": true, "pt": true, "dr": true, "cc": true, "re": true, "rx": true,
	"hx": true, "dx": true, "tx": true, "st": true, "ave": true, "rd": true, "apt": true, "suite": true,
	"unit": true, "md": true, "phd": true, "rn": true, "np": true, "pa": true, "iv": true, "er": true,
	"icu": true, "id": true, "no": true, "ref": true, "fax": true, "tel": true, "mr": true, "mrs": true,
	"ms": true, "jr": true, "ii": true, "iii": true, "usa": true, "us": true, "uk": true, "eu": true,
	"am": true, "pm": true, "ok": true, "na": true, "nd": true, "th": true, "rd.": true, "inc": true,
	"llc": true, "ltd": true, "co": true, "corp": true, "monday": true, "tuesday": true, "wednesday": true,
	"thursday": true, "friday": true, "saturday": true, "sunday": true, "january": true, "february": true,
	"april": true, "june": true, "july": true, "august": true, "september": true, "october": true,
	"november": true, "december": true, "covid": true, "ssa": true, "dl": true, "vin": true, "ip": true,
	"url": true, "email": true, "phone": true, "mobile": true, "ii.": true, "gpa": true, "sat": true,
	"act": true, "iep": true, "ell": true, "frl": true, "licence": true, "acct": true,
	"imei": true, "udid": true, "iban": true, "psc": true, "apo": true, "fpo": true, "utc": true,
	"gmt": true, "est": true, "pst": true, "yrs": true, "ssn's": true, "tel.": true, "ext": true,
}

func (s *Scrubber) findWords(text string, out []Finding, nPattern int) []Finding {
	toks := tokenizeOutside(text, out[:nPattern])
	if len(toks) == 0 {
		return out
	}
	caseless := caselessText(toks)
	names := make([]float64, len(toks))
	for i, t := range toks {
		names[i] = s.nameScore(text, toks, i, t, caseless)
	}
	// A frequent given name followed by a frequent surname is a name even
	// when both are dictionary words ("John Smith", "james brown"): scoring
	// token by token vetoes each half as English and leaves no anchor.
	for i := 0; i+1 < len(toks); i++ {
		if s.givenSurname(text, toks[i], toks[i+1], caseless, false) || s.givenSurname(text, toks[i+1], toks[i], caseless, true) {
			names[i], names[i+1] = max(names[i], 0.8), max(names[i+1], 0.8)
		}
	}
	// Context: a weak name candidate next to a strong one, or after initials,
	// becomes a name ("Grace Whitfield", "j. a. marsh").
	for i, t := range toks {
		if names[i] > 0 || !s.lex.isName(t.lower) || notNames[t.lower] || titles[t.lower] || len(t.lower) < 2 {
			continue
		}
		// Next to a name, a word that is also a name counts only when it is
		// capitalised in text that uses case ("Grace Whitfield", not "Whitfield was").
		if (i > 0 && names[i-1] >= 0.7 && adjacent(text, toks[i-1], t) &&
			((!caseless && isTitle(t.text)) || (caseless && s.commonSurname(t.lower)))) ||
			(i+1 < len(toks) && names[i+1] >= 0.7 && adjacent(text, t, toks[i+1]) && ((caseless && s.commonGiven(t.lower, toks[i+1].lower)) || (!caseless && isTitle(t.text)))) ||
			afterInitials(text, t.start) {
			names[i] = 0.7
		}
	}
	for i := 1; i+1 < len(toks); i++ {
		t := toks[i]
		// A middle initial without a period: "Ravil G Yefimov", "Ruth R Montez".
		prevOK := names[i-1] > 0 || s.lex.isName(toks[i-1].lower)
		nextOK := names[i+1] > 0 || s.lex.isName(toks[i+1].lower)
		if names[i] == 0 && len(t.text) == 1 && (names[i-1] > 0 || names[i+1] > 0) &&
			((!caseless && isUpper(t.text) && isTitle(toks[i-1].text) && isTitle(toks[i+1].text)) || (caseless && prevOK && nextOK)) &&
			adjacent(text, toks[i-1], t) && adjacent(text, t, toks[i+1]) {
			names[i] = 0.7
			for _, j := range []int{i - 1, i + 1} {
				if names[j] == 0 && !notNames[toks[j].lower] && !isFunctionWord(toks[j].lower) {
					names[j] = 0.6
				}
			}
		}
	}
	for i, t := range toks {
		// Capitalised names that are also words, listed with a name:
		// "Monjeau, Graves and Reed".
		if names[i] > 0 || caseless || !isTitle(t.text) || !s.lex.isName(t.lower) || notNames[t.lower] || len(t.lower) < 3 {
			continue
		}
		for _, j := range []int{i - 1, i + 1} {
			if j < 0 || j >= len(toks) || names[j] < 0.5 {
				continue
			}
			a, b := min(i, j), max(i, j)
			if gap := strings.TrimSpace(text[toks[a].end:toks[b].start]); gap == "," || gap == "and" || gap == "&" {
				names[i] = 0.6
			}
		}
	}
	for i := 0; i < len(toks); i++ {
		if names[i] == 0 {
			continue
		}
		st := toks[i].start
		// Pull preceding initials ("j. a. marsh", "Ken N. Fukuda") into the span.
		for {
			j := initialBefore(text, st)
			if j < 0 {
				break
			}
			st = j
		}
		// One span for a whole name: "WHITFIELD, DANA", "Ken N. Fukuda".
		conf, j := names[i], i
		for j+1 < len(toks) && names[j+1] > 0 && nameGap(text, toks[j].end, toks[j+1].start) {
			j++
			conf = max(conf, names[j])
		}
		out = append(out, Finding{Start: st, End: toks[j].end, Identifier: IDName, Detector: "name", Confidence: conf})
		i = j
	}

	return s.findPlaces(text, toks, caseless, out)
}

// nameScore rates one token as a person name.
func (s *Scrubber) nameScore(text string, toks []token, i int, t token, caseless bool) float64 {
	w := t.lower
	if len(w) < 2 || notNames[w] || s.lex.states[w] {
		return 0
	}
	if i > 0 && titles[strings.TrimSuffix(toks[i-1].lower, ".")] && adjacent(text, toks[i-1], t) && !s.lex.isEnglish(w) {
		return 0.9
	}
	if i > 0 && titles[toks[i-1].lower] && adjacent(text, toks[i-1], t) && (isTitle(t.text) || caseless) && !isFunctionWord(w) {
		return 0.85
	}
	// "my name is Martin", "everyone calls me Ján".
	if i > 1 && (isTitle(t.text) || caseless) && !isFunctionWord(w) &&
		((toks[i-1].lower == "is" && toks[i-2].lower == "name") || (toks[i-1].lower == "me" && (toks[i-2].lower == "call" || toks[i-2].lower == "calls"))) {
		return 0.85
	}
	// A given name is a name unless it is itself a dictionary word: the
	// inflection rules must not turn "James" into "jam" + "es".
	english := s.lex.english[w] || (!s.lex.first[w] && s.lex.isEnglish(w)) || s.englishCompound(w)
	// Hyphenated surnames: a name if any part is.
	if strings.ContainsAny(w, "-'’") && !english {
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '\'' || r == '’' }) {
			if s.lex.isName(part) && !s.lex.isEnglish(part) {
				return 0.85
			}
		}
	}
	if s.lex.isName(w) && !english {
		if len(w) < 3 {
			return 0
		}
		if !caseless && !isTitle(t.text) && !isUpper(t.text) {
			// lowercase in mixed-case text: still a name, less sure (C29).
			return 0.6
		}

		return 0.85
	}
	// A capitalised word that is no English word, in mixed-case text, is a
	// proper noun: most often a name or a place, sometimes an organisation.
	// In all-caps or all-lower text the same holds for any word outside the
	// dictionary (the whitelist idea of Philter): recall first.
	if !english && !s.lex.english[w] && len(w) >= 3 && !hasDigitRune(t.text) {
		switch {
		case !caseless && isTitle(t.text):
			return 0.5
		case !caseless && isUpper(t.text) && len(w) >= 4:
			return 0.45
		case caseless:
			return 0.45
		}
	}

	return 0
}

// findPlaces marks city, town, CDP and county names (Safe Harbor B).
func (s *Scrubber) findPlaces(text string, toks []token, caseless bool, out []Finding) []Finding {
	for i := 0; i < len(toks); i++ {
		// Places are capitalised unless the text is caseless; skip the
		// lookups for every other word.
		if !caseless && !isTitle(toks[i].text) && !isUpper(toks[i].text) {
			continue
		}
		for n := min(s.lex.maxLen, len(toks)-i); n >= 1; n-- {
			j := i + n - 1
			if n > 1 && !adjacentRun(text, toks[i:j+1]) {
				continue
			}
			key := joinLower(toks[i : j+1])
			if !s.lex.places[key] || s.lex.states[key] || monthWordRE.MatchString(key) {
				continue
			}
			capital := caseless || allTitle(toks[i:j+1])
			english := n == 1 && s.lex.isEnglish(key)
			conf := 0.0
			switch {
			case n > 1 && capital:
				conf = 0.8
			case n == 1 && capital && !english && len(key) >= 3:
				conf = 0.65
			case capital && placeCue(toks, i):
				conf = 0.6
			}
			if conf > 0 {
				out = append(out, Finding{Start: toks[i].start, End: toks[j].end, Identifier: IDGeo, Detector: "place", Confidence: conf})
				i = j

				break
			}
		}
	}

	return out
}

// Frequency floors for givenSurname: about the 1,500 most common US given
// names (SSA births 1880-2019) and the 1,000 most common surnames (Census
// 2010); rarer pairs of dictionary words are more often ordinary words.
const (
	pairFirstMin = 20000
	pairLastMin  = 20000
)

// givenSurname reports whether a and b read as "Given Surname" (or, with
// inverted, b and a as "SURNAME, GIVEN"): a frequent given name and a
// frequent surname on one line, both Title case or both upper case, or in
// any case when the text is caseless; lower case in mixed-case text only for
// the most frequent names. Everyday words ("will", "mark", "well") and
// months stay words unless the pair is capitalised inside a sentence ("the
// Will Smith film"), and a pair that is a place ("Rose Hill") is left to the
// place lexicon.
func (s *Scrubber) givenSurname(text string, a, b token, caseless, inverted bool) bool {
	f, l := a.lower, b.lower
	fn, ln := s.lex.firstN[f], s.lex.lastN[l]
	if fn < pairFirstMin || ln < pairLastMin {
		return false // most word pairs end here, on two map lookups
	}
	first, second := a, b
	if inverted {
		first, second = b, a
	}
	gap := strings.Trim(text[first.end:second.start], " \t")
	if (!inverted && gap != "") || (inverted && gap != ",") || strings.ContainsAny(text[first.end:second.start], "\n\r") {
		return false
	}
	if notNames[f] || notNames[l] || titles[f] || titles[l] ||
		isFunctionWord(f) || isFunctionWord(l) || s.lex.states[f] || s.lex.states[l] ||
		monthWordRE.MatchString(f) || s.lex.places[first.lower+" "+second.lower] {
		return false
	}
	capital := (isTitle(a.text) && isTitle(b.text)) || (isUpper(a.text) && isUpper(b.text))
	if (everyday[f] || everyday[l]) && (caseless || !capital || sentenceStart(text, first.start)) {
		return false
	}
	switch {
	case caseless, capital:
		return true
	}
	// Lower case in text that otherwise uses case (C29): only the most
	// frequent names, where the pair is far likelier a person than a phrase.
	return a.text == f && b.text == l && fn >= 10*pairFirstMin && ln >= 10*pairLastMin
}

// sentenceStart reports whether pos begins the text, a line or a sentence,
// where capitals say nothing about names.
func sentenceStart(text string, pos int) bool {
	k := pos
	for k > 0 && (text[k-1] == ' ' || text[k-1] == '\t' || text[k-1] == '"' || text[k-1] == '(') {
		k--
	}

	return k == 0 || strings.IndexByte(".!?:;\n\r", text[k-1]) >= 0
}

// englishCompound reports whether a hyphenated word is made of dictionary
// words and is not a double-barrelled name: "two-line", "follow-up" are
// words, "Smith-Jones" is not.
func (s *Scrubber) englishCompound(w string) bool {
	if !strings.ContainsAny(w, "-") {
		return false
	}
	names := true
	for _, part := range strings.Split(w, "-") {
		if part == "" || !s.lex.isEnglish(part) {
			return false
		}
		names = names && s.lex.isName(part)
	}

	return !names
}

// commonSurname: in caseless text, a surname that is also a word ("heath",
// "king", "dale") follows a given name as a name only when it is a frequent
// surname and not one of the everyday words that follow names in sentences.
func (s *Scrubber) commonSurname(w string) bool {
	return len(w) >= 3 && s.lex.lastN[w] >= 2000 && !everyday[w]
}

// commonGiven: in caseless text, a word before a given name joins it only
// when it is no dictionary word or is itself a frequent given name
// ("parent john smith": the role word "parent" is also a Census surname, but
// no given name). Before a surname any name word joins ("lake johnson").
func (s *Scrubber) commonGiven(w, next string) bool {
	return s.lex.firstN[next] < pairFirstMin || !s.lex.isEnglish(w) || (s.lex.firstN[w] >= pairFirstMin && !everyday[w])
}

var everyday = map[string]bool{
	"the": true, "and": true, "for": true, "are": true, "but": true, "not": true, "you": true, "all": true,
	"any": true, "can": true, "had": true, "her": true, "was": true, "one": true, "our": true, "out": true,
	"day": true, "get": true, "has": true, "him": true, "his": true, "how": true, "man": true, "new": true,
	"now": true, "old": true, "see": true, "two": true, "way": true, "who": true, "did": true, "its": true,
	"let": true, "put": true, "say": true, "she": true, "too": true, "use": true, "said": true, "will": true,
	"may": true, "mark": true, "come": true, "good": true, "well": true, "long": true, "little": true,
	"very": true, "just": true, "like": true, "over": true, "also": true, "back": true, "after": true,
	"much": true, "then": true, "them": true, "some": true, "more": true, "here": true, "time": true,
	"home": true, "care": true, "last": true, "first": true, "next": true, "only": true, "still": true,
	"called": true, "lives": true, "says": true, "seen": true, "saw": true, "went": true, "came": true,
	"gave": true, "made": true, "told": true, "asked": true, "left": true, "right": true, "best": true,
	"love": true, "free": true, "early": true, "late": true, "soon": true, "today": true, "again": true,
}

func placeCue(toks []token, i int) bool {
	if i == 0 {
		return false
	}
	switch toks[i-1].lower {
	case "in", "at", "from", "near", "of", "to", "county", "city", "town":
		return true
	}

	return false
}

func joinLower(ts []token) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.lower
	}

	return strings.Join(parts, " ")
}

func adjacentRun(text string, ts []token) bool {
	for k := 1; k < len(ts); k++ {
		if strings.TrimSpace(text[ts[k-1].end:ts[k].start]) != "" {
			return false
		}
	}

	return true
}

// adjacent: only spaces, a comma, or a period (initial/title) between.
func adjacent(text string, a, b token) bool {
	gap := strings.TrimSpace(text[a.end:b.start])

	return gap == "" || gap == "," || gap == "." || gap == ".,"
}

// initialBefore returns the start of a single-letter initial ("j." or "J.")
// directly before pos, or -1.
func initialBefore(text string, pos int) int {
	k := pos
	for k > 0 && text[k-1] == ' ' {
		k--
	}
	if k < 2 || text[k-1] != '.' {
		return -1
	}
	r, w := utf8.DecodeLastRuneInString(text[:k-1])
	if !unicode.IsLetter(r) {
		return -1
	}
	st := k - 1 - w
	if st > 0 {
		p, _ := utf8.DecodeLastRuneInString(text[:st])
		if unicode.IsLetter(p) {
			return -1
		}
	}

	return st
}

func afterInitials(text string, pos int) bool { return initialBefore(text, pos) >= 0 }

// caselessText reports whether capitalisation says nothing about names here:
// the text is (almost) all upper case or all lower case.
func caselessText(toks []token) bool {
	upper, lower, title := 0, 0, 0
	for _, t := range toks {
		switch {
		case isUpper(t.text) && len(t.text) == 1:
			title++ // "A", "I" at a sentence start
		case isUpper(t.text):
			upper++
		case t.text == t.lower:
			lower++
		default:
			title++
		}
	}
	n := upper + lower + title

	// Any capitalised word (a sentence start included) means the writer uses
	// case, so case carries information; otherwise only all caps is caseless.
	return title == 0 && upper*10 < n || upper*10 >= n*8
}

func hasDigitRune(s string) bool { return strings.ContainsAny(s, "0123456789") }

func isUpper(s string) bool { return s == strings.ToUpper(s) && s != strings.ToLower(s) }

func isTitle(s string) bool {
	r, w := utf8.DecodeRuneInString(s)

	return unicode.IsUpper(r) && (len(s) == w || !isUpper(s))
}

func allTitle(ts []token) bool {
	for _, t := range ts {
		if !isTitle(t.text) && !isUpper(t.text) && !isFunctionWord(t.lower) {
			return false
		}
	}

	return true
}

func isFunctionWord(w string) bool {
	switch w {
	case "the", "a", "an", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "de", "la", "le", "du", "del", "von", "van", "der":
		return true
	}

	return false
}
