package deid

import "testing"

// Multi-word place names are replaced whole: the particles, generic prefix
// and suffix words and postal-district letters around a found core go with
// it; the same words elsewhere, or in all capitals without a place cue, stay.
func TestScrubPlaceNameParts(t *testing.T) {
	s := newTestScrubber(t)
	cases := map[string]string{
		"Mr. Auðbjörnsson flew to Reguengos de Monsaraz on Tuesday.": "Mr. [NAME] flew to [NAME] on Tuesday.",
		"in Chiclana de la Frontera\nSpain":                          "in [NAME]",
		"Ms. Barajas flew to New Westminster on Saturday.":           "Ms. [NAME] flew to [LOCATION] on Saturday.",
		"ms. barajas flew to new westminster on saturday.":           "ms. [NAME] flew to [LOCATION] on saturday.",
		"MS. BARAJAS FLEW TO NEW WESTMINSTER ON SATURDAY.":           "MS. [NAME] FLEW TO [LOCATION] ON SATURDAY.",
		"The family moved to St. Maries in the spring.":              "The family moved to [NAME] in the spring.",
		"We moved here from Cite Guedouala":                          "We moved here from [NAME]",
		"lives on Rue de Kairouan, Cite El Farik":                    "lives on Rue de [NAME], [NAME]",
		"She studied at the University of BASHALL TOWN.":             "She studied at the University of [NAME].",
		"Send it to 450 Præstevænget 15, København V":                "Send it to [NAME], [NAME]",
		"Looking to support them in København K 1421 next year.":     "Looking to support them in [NAME] next year.",
		// The generic words stay when no place core is next to them, after a
		// sentence end, or in all capitals without a cue.
		"We bought a new car at the store.":                "We bought a new car at the store.",
		"He went west. Ochoa stayed home.":                 "He went west. [NAME] stayed home.",
		"IT SERVES GREAT AMERICAN FOOD.":                   "IT SERVES GREAT [NAME] FOOD.",
		"bought it at the store dana ochoa runs weekends.": "bought it at the store [NAME] runs weekends.",
		"Dr. Whitfield saw Dana Ochoa a week later.":       "Dr. [NAME] saw [NAME] a week later.",
	}
	for in, want := range cases {
		if got, _ := s.Scrub(in); got != want {
			t.Errorf("Scrub(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
