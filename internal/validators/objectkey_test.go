package validators

import "testing"

func TestObjectKeyProblem(t *testing.T) {
	ok := []string{"governance/suites/a.json", "a", "dir [x] y/ü.json"}
	bad := map[string]string{
		"":                         "is empty",
		"/lead":                    "starts with a slash",
		"a//b":                     "contains an empty segment (//)",
		"a/../b":                   "contains a . or .. segment",
		"a/./b":                    "contains a . or .. segment",
		"\xff":                     "is not valid UTF-8",
		string(make([]byte, 1025)): "is longer than 1024 bytes",
	}
	for _, k := range ok {
		if p := ObjectKeyProblem(k); p != "" {
			t.Errorf("%q: %s", k, p)
		}
	}
	for k, want := range bad {
		if got := ObjectKeyProblem(k); got != want {
			t.Errorf("%q: got %q, want %q", k, got, want)
		}
	}
}
