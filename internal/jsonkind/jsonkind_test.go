package jsonkind

import (
	"encoding/json"
	"testing"
)

func TestOf(t *testing.T) {
	for doc, want := range map[string]string{`{}`: "an object", `[1]`: "an array", `"x"`: "a string", `1.5`: "a number", `true`: "a boolean", `null`: "null"} {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		if got := Of(v); got != want {
			t.Errorf("%s: %s, want %s", doc, got, want)
		}
	}
	if got := Of(json.Number("2")); got != "a number" {
		t.Errorf("json.Number: %s", got)
	}
}
