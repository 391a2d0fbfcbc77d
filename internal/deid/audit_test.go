package deid

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The audit is compliance evidence: a column's identifier label says what
// the column IS (its own rule's identifier, else the name classification,
// else UNCLASSIFIED), the same whatever action default_action or a rule
// picks; rule_source says why the action was chosen.
func TestAuditIdentifierLabels(t *testing.T) {
	const input = "Student ID,Student Name,GPA,imd_band,home_tel,final_result\n" +
		"S1,Ann Lee,3.5,20-30%,555-0100,Pass\n"
	type want struct{ id, action, source string }
	cases := []struct {
		name   string
		policy string
		want   map[string]want
	}{
		{
			name:   "drop",
			policy: `{"format_version":1,"default_action":"drop","columns":{"final_result":{"action":"keep"}}}`,
			want: map[string]want{
				"Student ID": {"ID_NUMBER", "drop", "default_action"}, "Student Name": {"NAME", "drop", "default_action"},
				"GPA": {"UNCLASSIFIED", "drop", "default_action"}, "imd_band": {"UNCLASSIFIED", "drop", "default_action"},
				"home_tel": {"PHONE", "drop", "default_action"}, "final_result": {"UNCLASSIFIED", "keep", "policy"},
			},
		},
		{
			name:   "keep",
			policy: `{"format_version":1,"default_action":"keep","columns":{"final_result":{"action":"keep"}}}`,
			want: map[string]want{
				"Student ID": {"ID_NUMBER", "keep", "default_action"}, "Student Name": {"NAME", "keep", "default_action"},
				"GPA": {"UNCLASSIFIED", "keep", "default_action"}, "imd_band": {"UNCLASSIFIED", "keep", "default_action"},
				"home_tel": {"PHONE", "keep", "default_action"}, "final_result": {"UNCLASSIFIED", "keep", "policy"},
			},
		},
		{
			name: "profile with explicit keep",
			policy: `{"format_version":1,"profile":"safe-harbor","default_action":"keep",
				"columns":{"Student ID":{"action":"keep"},"GPA":{"action":"keep","identifier":"NONE"}}}`,
			want: map[string]want{
				"Student ID": {"ID_NUMBER", "keep", "policy"}, "Student Name": {"NAME", "drop", "profile"},
				"GPA": {"NONE", "keep", "policy"}, "imd_band": {"UNCLASSIFIED", "keep", "default_action"},
				"home_tel": {"PHONE", "drop", "profile"}, "final_result": {"UNCLASSIFIED", "keep", "default_action"},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, a, err := runCSV(t, mustPolicy(t, c.policy), input)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Columns) != len(c.want) {
				t.Fatalf("%d audited columns, want %d", len(a.Columns), len(c.want))
			}
			for _, col := range a.Columns {
				w := c.want[col.Column]
				if col.Identifier != w.id || col.Action != w.action || col.RuleSource != w.source {
					t.Errorf("%s: identifier %s, action %s, rule_source %s; want %s, %s, %s",
						col.Column, col.Identifier, col.Action, col.RuleSource, w.id, w.action, w.source)
				}
				if col.Identifier == "UNCLASSIFIED" && col.SafeHarbor != "" {
					t.Errorf("%s: UNCLASSIFIED carries Safe Harbor letter %q", col.Column, col.SafeHarbor)
				}
			}
		})
	}
}

// An identifier column the policy keeps in clear is labelled with its
// identifier and flagged, in JSON and as a WARNING line in the text report.
func TestAuditKeptIdentifierWarning(t *testing.T) {
	p := mustPolicy(t, `{"format_version":1,"profile":"safe-harbor","default_action":"drop",
		"columns":{"Student ID":{"action":"keep"},"home_tel":{"action":"keep"},"GPA":{"action":"keep"},
		"Counselor Comments":{"action":"keep"}}}`)
	_, a, err := runCSV(t, p, "Student ID,home_tel,GPA,Counselor Comments\nS1,555-0100,3.5,fine\n")
	if err != nil {
		t.Fatal(err)
	}
	warned := map[string]bool{}
	for _, c := range a.Columns {
		warned[c.Column] = len(c.Warnings) > 0
	}
	for col, want := range map[string]bool{"Student ID": true, "home_tel": true, "Counselor Comments": true, "GPA": false} {
		if warned[col] != want {
			t.Errorf("%s: warned %v, want %v", col, warned[col], want)
		}
	}
	var b strings.Builder
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"WARNING: kept by policy: the column is ID_NUMBER, Safe Harbor R",
		"WARNING: kept by policy: the column is PHONE, Safe Harbor D",
		"WARNING: kept by policy: the column is FREE_TEXT",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "WARNING") != 3 {
		t.Errorf("want 3 warnings:\n%s", text)
	}
}

// With the safe-harbor profile and default_action keep, a column the
// profile does not recognise passes through unjudged: the audit names every
// such column (unclassified_kept in JSON, one WARNING line in text). A
// column kept by its own rule was judged by the steward, one the profile
// classifies was judged by the profile, and a column default_action drops
// leaks nothing, so none of them is listed.
func TestAuditNamesUnclassifiedKeptColumns(t *testing.T) {
	const input = "student_id,first_nm,favourite_colour,shoe size,GPA,final_result\nS1,Ann,red,38,3.5,Pass\n"
	p := mustPolicy(t, `{"format_version":1,"profile":"safe-harbor","default_action":"keep",
		"columns":{"GPA":{"action":"keep"}}}`)
	_, a, err := runCSV(t, p, input)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(a.UnclassifiedKept, ","); got != "favourite_colour,shoe size,final_result" {
		t.Fatalf("unclassified_kept = %q", got)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"unclassified_kept":["favourite_colour","shoe size","final_result"]`) {
		t.Errorf("JSON audit lacks unclassified_kept: %s", b)
	}
	var text strings.Builder
	if err := a.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	want := `WARNING: the safe-harbor profile does not recognise 3 columns, which default_action "keep" passes ` +
		`through unchanged: "favourite_colour", "shoe size", "final_result"`
	if !strings.Contains(text.String(), want) {
		t.Errorf("text report lacks %q:\n%s", want, text.String())
	}
	for _, policy := range []string{
		`{"format_version":1,"profile":"safe-harbor","default_action":"drop","columns":{"GPA":{"action":"keep"}}}`,
		`{"format_version":1,"default_action":"keep","columns":{"GPA":{"action":"keep"}}}`,
	} {
		_, a, err := runCSV(t, mustPolicy(t, policy), input)
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		if err := a.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		if len(a.UnclassifiedKept) != 0 || strings.Contains(text.String(), "does not recognise") {
			t.Errorf("%s: unclassified_kept %q\n%s", policy, a.UnclassifiedKept, text.String())
		}
	}
}

// The policy guide's JSON examples are real policies: each parses, and the
// complete example runs over a header that has every column it names.
func TestPolicyGuideExamples(t *testing.T) {
	doc, err := os.ReadFile("../../templates/guides/deid-policy.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 2 {
		t.Fatalf("%d json examples in the guide, want 2", len(blocks))
	}
	var full *Policy
	for _, b := range blocks {
		p, err := ParsePolicy([]byte(b[1]))
		if err != nil {
			t.Fatalf("guide example does not parse: %v\n%s", err, b[1])
		}
		full = p
	}
	fields := []string{"format_version", "name", "description", "profile", "default_action", "key", "subject_column",
		"reference_date", "age_label", "columns", "action", "identifier", "positions", "new_value", "masking_char",
		"chars_to_mask", "from_end", "hash_type", "length", "prefix", "max_shift_days", "birth_date", "scrub",
		"keep_year", "min_confidence", "skip"}
	for _, f := range fields {
		if !strings.Contains(blocks[len(blocks)-1][1], `"`+f+`"`) {
			t.Errorf("the complete example lacks %q", f)
		}
	}
	header := "Student ID,Student Name,home_tel,guardian_email,student_ssn,card_number,lunch_account,date_of_birth," +
		"notes,enrollment_date,zip_code,age,Counselor Comments,notes,GPA\n"
	row := "1,Ann Lee,555-0100,a@b.org,123-45-6789,4111111111111111,77,2001-02-03,called John Smith,2024-09-01,02139,17,fine,ok,3.5\n"
	out, _, err := runCSV(t, full, header+row)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "John Smith") || strings.Contains(out, "Ann Lee") || strings.Contains(out, "123-45-6789") {
		t.Errorf("identifier left in the output: %q", out)
	}
}

// The text audit escapes control characters in what it echoes from the
// input (column names, locations): it stays text and cannot drive the
// terminal it is printed on.
func TestAuditTextEscapesControlCharacters(t *testing.T) {
	_, a, err := runCSV(t, mustPolicy(t, `{"format_version":1,"default_action":"keep","columns":{"id":{"action":"keep"}}}`), "id,note\x1b[31m\u202e\n1,x\n")
	if err != nil {
		t.Fatal(err)
	}
	a.Input, a.Output = "in\x1b[2J.csv", "out\x7f.csv"
	var b strings.Builder
	if err := a.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`note\x1b[31m\u202e`, `input:  in\x1b[2J.csv`, `output: out\x7f.csv`} {
		if !strings.Contains(out, want) {
			t.Errorf("the audit lacks %s:\n%s", want, out)
		}
	}
	for _, r := range out {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r < 0xa0) || r == '\u202e' {
			t.Fatalf("raw control character %U in the audit:\n%s", r, out)
		}
	}
}
