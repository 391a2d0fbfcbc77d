package governance

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestNormalizeJSON(t *testing.T) {
	got, err := NormalizeJSON([]byte(`{"b": [3, 1.50, 12345678901234567890], "a": {"y": true, "x": "<&>"}}`))
	if err != nil {
		t.Fatal(err)
	}
	// Keys sorted, numbers kept digit for digit (no float64 rounding), no
	// HTML escaping, two-space indent, final newline.
	want := "{\n  \"a\": {\n    \"x\": \"<&>\",\n    \"y\": true\n  },\n  \"b\": [\n    3,\n    1.50,\n    12345678901234567890\n  ]\n}\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{`{"a": 1} {"b": 2}`, `{"a": `, ``} {
		if _, err := NormalizeJSON([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestProblemPath(t *testing.T) {
	tables := []string{"enrolment", "roster"}
	cases := map[string]path.Path{
		"tables[1].columns[0].type":              path.Root("tables").AtMapKey("roster").AtName("columns").AtListIndex(0).AtName("type"),
		"tables[0].columns[2].allowed_values[3]": path.Root("tables").AtMapKey("enrolment").AtName("columns").AtListIndex(2).AtName("allowed_values"),
		"dataset_description.licenses[0]":        path.Root("dataset_description").AtName("licenses"),
		"foreign_keys[0].references_columns[1]":  path.Root("foreign_keys").AtListIndex(0).AtName("references_columns").AtListIndex(1),
		"version":                                path.Root("schema_version"),
		"tables":                                 path.Root("tables"),
	}
	for in, want := range cases {
		if got := problemPath(in, tables); !got.Equal(want) {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}
