package governance

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"
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

// fakeState records what refresh does to the state.
type fakeState struct {
	set     any
	removed bool
}

func (f *fakeState) Set(_ context.Context, v any) diag.Diagnostics { f.set = v; return nil }
func (f *fakeState) RemoveResource(context.Context)                { f.removed = true }

// A stored document the runner refuses keeps the resource in the state,
// with its content, and the warning names the part that cannot be read.
func TestRefreshUnreadableDocument(t *testing.T) {
	r, ok := NewSubmissionSchemaResource().(*DocumentResource[submissionSchemaResourceModel, *submissionSchemaResourceModel])
	if !ok {
		t.Fatal("not a document resource")
	}
	cases := map[string]struct {
		raw, warn, content string
	}{
		"unknown key": {`{"format": "lakehouse.submission-schema/v1", "name": "s", "x_custom": 1,
		  "tables": [{"name": "t", "file_name": "t.csv", "columns": [{"name": "n", "type": "string"}]}]}`, `x_custom`, `"x_custom": 1`},
		"no JSON": {"format: v1\n", `parsing JSON`, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			state := submissionSchemaResourceModel{Name: types.StringValue("s")}
			state.Content = jsontypes.NewNormalizedValue(`{"name": "s"}`)
			st := &fakeState{}
			d := r.refresh(t.Context(), &state, []byte(c.raw), minio.ObjectInfo{ETag: "e2"}, "b/k", st)
			if st.removed || st.set == nil {
				t.Fatalf("removed %v, set %v: the resource must stay in the state", st.removed, st.set != nil)
			}
			if d.WarningsCount() != 1 || !strings.Contains(d.Warnings()[0].Detail(), c.warn) {
				t.Fatalf("want one warning naming %q, got %v", c.warn, d)
			}
			if state.Name.ValueString() != "s" {
				t.Errorf("typed attributes changed: name %s", state.Name)
			}
			if c.content == "" && !state.Content.IsNull() || c.content != "" && !strings.Contains(state.Content.ValueString(), c.content) {
				t.Errorf("content %s, want %q", state.Content, c.content)
			}
		})
	}
}
