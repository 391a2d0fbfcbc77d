package jsondoc

import (
	"strings"
	"testing"
	"time"
)

type testRule struct {
	Action string   `json:"action"`
	Level  int8     `json:"level,omitempty"`
	Count  uint     `json:"count,omitempty"`
	Ratio  float64  `json:"ratio,omitempty"`
	Tags   []string `json:"tags,omitempty"`
	On     *bool    `json:"on,omitempty"`
}

type testDoc struct {
	Version int                  `json:"version"`
	Rules   map[string]*testRule `json:"rules"`
	List    []testRule           `json:"list"`
	Meta    any                  `json:"meta"`
	When    time.Time            `json:"when"` // a json.Unmarshaler
	Skipped string               `json:"-"`
	Plain   string
}

// Each problem is named by its path, whatever nests it (struct fields
// dotted, map keys quoted in brackets, array elements indexed), in document
// order, all at once.
func TestDecodeProblems(t *testing.T) {
	for doc, want := range map[string]string{
		`{"version":1,"rules":{"a b":{"acton":"x"}}}`:                 `rules["a b"].acton: unknown field (did you mean "action"?)`,
		`{"version":1,"zzz":1}`:                                       `zzz: unknown field; the fields here are version, rules, list, meta, when, Plain`,
		`{"version":1,"Skipped":"x"}`:                                 `Skipped: unknown field; the fields here are version, rules, list, meta, when, Plain`,
		`{"version":1,"list":[{"action":"a"},{"action":2}]}`:          `list[1].action: must be a string, not a number`,
		`{"version":1,"rules":{"r":{"level":300}}}`:                   `rules["r"].level: 300 is out of range`,
		`{"version":1,"rules":{"r":{"count":-1}}}`:                    `rules["r"].count: must be a whole number written without a fraction or exponent, got -1`,
		`{"version":1e2}`:                                             `version: must be a whole number written without a fraction or exponent, got 1e2`,
		`{"version":1,"rules":{"r":{"ratio":1e999}}}`:                 `rules["r"].ratio: 1e999 is out of range`,
		`{"version":1,"rules":{"r":{"tags":["a",["b"]],"on":"yes"}}}`: "rules[\"r\"].tags[1]: must be a string, not an array\nrules[\"r\"].on: must be true or false, not a string",
		`{"version":1,"when":"yesterday"}`:                            `when: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`,
		`{"version":1,"version":2}`:                                   `version: given more than once in the same object; JSON readers keep only the last, so the others would be silently ignored`,
		`{"version":1,"meta":{"k":1,"k":2}}`:                          `meta.k: given more than once in the same object; JSON readers keep only the last, so the others would be silently ignored`,
		`{"version":1,"rules":{"r":{"tags":["a" "b"]}}}`:              `rules["r"].tags[1]: not valid JSON at line 1, column 40: invalid character '"' after array element`,
		`{"version":1,"rules":{"r":{}}`:                               `(document): not valid JSON: the document ends before this value is complete`,
		`"text"`:                                                      `(document): must be an object, not a string`,
		"  \n":                                                        `(document): empty: the document is a JSON object`,
		`{"version":1} x`:                                             `(document): trailing data after the JSON object`,
	} {
		var v testDoc
		probs := Decode([]byte(doc), &v)
		var got []string
		for _, p := range probs {
			got = append(got, p.String())
		}
		if strings.Join(got, "\n") != want {
			t.Errorf("%s:\n got %q\nwant %q", doc, strings.Join(got, "\n"), want)
		}
		if len(probs) > 0 && v.Version != 0 {
			t.Errorf("%s: the value was filled despite problems", doc)
		}
	}
}

// A sound document decodes exactly as encoding/json decodes it: names in
// another case, null, free-form values.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	var v testDoc
	doc := `{"Version":2,"rules":{"r":{"ACTION":"keep","on":null,"tags":[]},"s":null},"meta":{"any":[1,"x",{"y":null}]},` +
		`"when":"2026-01-02T03:04:05Z","Plain":"p"}`
	if probs := Decode([]byte(doc), &v); probs != nil {
		t.Fatal(probs)
	}
	if v.Version != 2 || v.Rules["r"].Action != "keep" || v.Rules["s"] != nil || v.Plain != "p" || v.When.Year() != 2026 {
		t.Fatalf("decoded %+v", v)
	}
}

func TestNearestAndPosition(t *testing.T) {
	for s, want := range map[string]string{"lentgh": "length", "colums": "columns", "action": "action", "xyz": ""} {
		if got := Nearest(s, []string{"length", "columns", "action", "prefix"}); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", s, got, want)
		}
	}
	data := []byte("ab\ncd\n\nef")
	for off, want := range map[int64][2]int{0: {1, 1}, 2: {1, 3}, 3: {2, 1}, 7: {4, 1}, 9: {4, 3}, 99: {4, 3}} {
		if l, c := Position(data, off); l != want[0] || c != want[1] {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", off, l, c, want[0], want[1])
		}
	}
}
