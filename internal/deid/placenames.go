package deid

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Many place names are several words, and only their distinctive word is in
// a lexicon or reads as a proper noun: "Port Paien", "New Westminster",
// "Chiclana de la Frontera", "Bashall Town", "København K". The word
// detectors find that core; extendPlaceNames grows the span over the generic
// words around it, which identify the place as much as the core does.

// placeParticles join the parts of a multi-word name ("Reguengos de
// Monsaraz", "Turkovice u Prelouce", "Cite El Farik").
var placeParticles = map[string]bool{
	"de": true, "da": true, "do": true, "dos": true, "das": true, "di": true, "du": true, "des": true,
	"del": true, "della": true, "la": true, "le": true, "les": true, "el": true, "al": true, "los": true,
	"las": true, "van": true, "von": true, "der": true, "den": true, "ter": true, "u": true, "nad": true,
	"pod": true, "na": true, "y": true, "sur": true, "am": true, "im": true, "an": true, "bei": true,
	"l'": true, "d'": true,
}

// placePrefixes are generic words that open place names in English and the
// languages of Europe and the Americas.
var placePrefixes = map[string]bool{
	"new": true, "old": true, "north": true, "south": true, "east": true, "west": true, "upper": true,
	"lower": true, "great": true, "little": true, "port": true, "porto": true, "puerto": true, "fort": true,
	"mount": true, "mt": true, "lake": true, "saint": true, "st": true, "ste": true, "san": true,
	"santa": true, "santo": true, "são": true, "sao": true, "sankt": true, "bad": true, "cite": true,
	"cité": true, "ciudad": true, "villa": true, "vila": true, "nova": true, "novo": true, "nueva": true,
	"nuevo": true, "store": true, "lille": true, "nieuw": true, "gross": true, "groß": true, "klein": true,
}

// placeSuffixWords are generic words that close place names.
var placeSuffixWords = map[string]bool{
	"town": true, "city": true, "village": true, "ext": true, "extension": true, "beach": true,
	"heights": true, "springs": true, "falls": true, "hills": true, "mills": true, "harbor": true,
	"harbour": true, "township": true, "junction": true, "valley": true, "creek": true,
}

// placeCueWords before a lower-case prefix say a place follows ("to new
// westminster"); a capitalised prefix needs no cue.
var placeCueWords = map[string]bool{"in": true, "at": true, "from": true, "to": true, "near": true, "of": true}

func placeLike(id Identifier) bool { return id == IDName || id == IDGeo || id == IDStreet }

// extendPlaceNames returns fs with spans added for the particles, prefixes,
// suffix words and district letters that belong to a found name or place;
// the caller merges them in. It looks only at the words touching each span.
func extendPlaceNames(text string, fs []Finding) []Finding {
	n := len(fs)
	for i := 0; i < n; i++ {
		f := fs[i]
		if !placeLike(f.Identifier) {
			continue
		}
		if i+1 < n && placeLike(fs[i+1].Identifier) && particleGap(text[f.End:fs[i+1].Start]) {
			fs = append(fs, Finding{Start: f.End, End: fs[i+1].Start, Identifier: f.Identifier, Detector: "place-name", Confidence: f.Confidence})
		}
		prevEnd := 0
		if i > 0 {
			prevEnd = fs[i-1].End
		}
		if st := prefixStart(text, prevEnd, f.Start); st < f.Start {
			fs = append(fs, Finding{Start: st, End: f.Start, Identifier: f.Identifier, Detector: "place-name", Confidence: f.Confidence})
		}
		nextStart := len(text)
		if i+1 < n {
			nextStart = fs[i+1].Start
		}
		if end := suffixEnd(text, f.End, nextStart); end > f.End {
			fs = append(fs, Finding{Start: f.End, End: end, Identifier: f.Identifier, Detector: "place-name", Confidence: f.Confidence})
		}
	}

	return fs
}

// particleGap: the text between two spans is one or two particles on one
// line ("Chiclana de la Frontera").
func particleGap(gap string) bool {
	if len(gap) > 12 || strings.ContainsAny(gap, "\n\r,.;:") {
		return false
	}
	words := strings.Fields(gap)
	if len(words) == 0 || len(words) > 2 {
		return false
	}
	for _, w := range words {
		if !placeParticles[strings.ToLower(w)] {
			return false
		}
	}

	return true
}

// prefixStart returns where a place prefix, with any particles after it,
// starts right before pos ("Cite El |Farik", "St. |Maries"), or pos.
func prefixStart(text string, lo, pos int) int {
	st := pos
	for k := 0; k < 3; k++ {
		ws, w := wordBefore(text, lo, st)
		if ws < 0 {
			return pos
		}
		lw := strings.ToLower(strings.TrimSuffix(w, "."))
		switch {
		case strings.HasSuffix(w, ".") && lw != "st" && lw != "mt" && lw != "ste":
			return pos // a sentence ends there, unless it is an abbreviation
		case placePrefixes[lw] && (capitalised(w) || cueBefore(text, lo, ws)):
			return ws
		case placeParticles[lw]:
			st = ws // look for a prefix before the particle
		default:
			return pos
		}
	}

	return pos
}

// suffixEnd returns where a place suffix word or a one-letter postal
// district after pos ends ("Bashall| Town", "København| K 1421"), or pos.
func suffixEnd(text string, pos, hi int) int {
	we, w := wordAfter(text, pos, hi)
	if we < 0 {
		return pos
	}
	closing := atPhraseEnd(text[we:])
	switch lw := strings.ToLower(w); {
	case placeSuffixWords[lw] && (capitalised(w) || closing):
		return we
	case utf8.RuneCountInString(w) == 1 && closing && lw != "a" && lw != "i":
		return we
	}

	return pos
}

// wordBefore returns the word (letters, a trailing period allowed) that ends
// one space before pos, on the same line and at or after lo, or -1.
func wordBefore(text string, lo, pos int) (int, string) {
	if pos-lo < 2 || text[pos-1] != ' ' {
		return -1, ""
	}
	end := pos - 1
	st := end
	if st > lo && text[st-1] == '.' {
		st--
	}
	for st > lo {
		r, w := utf8.DecodeLastRuneInString(text[lo:st])
		if !unicode.IsLetter(r) && r != '\'' {
			break
		}
		st -= w
	}
	if st == end || (st > lo && !isSpaceByte(text[st-1])) {
		return -1, ""
	}

	return st, text[st:end]
}

// wordAfter returns the end and text of the word one space after pos, below
// hi, or -1.
func wordAfter(text string, pos, hi int) (int, string) {
	if pos+1 >= hi || text[pos] != ' ' {
		return -1, ""
	}
	st := pos + 1
	end := st
	for end < hi {
		r, w := utf8.DecodeRuneInString(text[end:])
		if !unicode.IsLetter(r) {
			break
		}
		end += w
	}
	if end == st {
		return -1, ""
	}

	return end, text[st:end]
}

// atPhraseEnd: what follows a word ends the place phrase: the end of the
// text or line, sentence punctuation, a comma, or a number (a postcode).
func atPhraseEnd(rest string) bool {
	if rest == "" {
		return true
	}
	switch rest[0] {
	case '\n', '\r', ',', ';', ')':
		return true
	case '.', '?', '!':
		return len(rest) == 1 || isSpaceByte(rest[1])
	case ' ':
		return len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9'
	}

	return false
}

// cueBefore: the word before ws is a place cue ("to new westminster"), or a
// comma separates it (", cite merzgui" in an address).
func cueBefore(text string, lo, ws int) bool {
	k := ws
	for k > lo && text[k-1] == ' ' {
		k--
	}
	if k > lo && text[k-1] == ',' {
		return true
	}
	st := k
	for st > lo && isWordByte(text[st-1]) {
		st--
	}

	return st < k && placeCueWords[strings.ToLower(text[st:k])]
}

// capitalised: Title case ("Port", "St."). All capitals say nothing about
// proper nouns ("IT SERVES GREAT AMERICAN FOOD"), so such a word needs the
// same context as a lower-case one.
func capitalised(w string) bool {
	return isTitle(strings.TrimSuffix(w, ".")) && !isUpper(w)
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
