package superset

import (
	"reflect"
	"testing"
)

func TestEncodeRison(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   any
		want string
	}{
		{nil, "!n"},
		{true, "!t"},
		{false, "!f"},
		{0, "0"},
		{-1.5, "-1.5"},
		{"a", "a"},
		{"", "''"},
		{"0a", "'0a'"},
		{"-h", "'-h'"},
		{"a b", "'a b'"},
		{"don't!", "'don!'t!!'"},
		{"Orders — daily", "'Orders — daily'"},
		{[]any{}, "!()"},
		{[]any{1, "x", true}, "!(1,x,!t)"},
		{map[string]any{}, "()"},
		{
			map[string]any{"page": 0, "page_size": 100, "filters": []any{map[string]any{"col": "database_name", "opr": "eq", "value": "wh prod"}}},
			"(filters:!((col:database_name,opr:eq,value:'wh prod')),page:0,page_size:100)",
		},
	}
	for _, c := range cases {
		got, err := EncodeRison(c.in)
		if err != nil {
			t.Fatalf("EncodeRison(%#v): %v", c.in, err)
		}
		if got != c.want {
			t.Errorf("EncodeRison(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDecodeRison(t *testing.T) {
	t.Parallel()
	in := "(id:example,str:'string',num:100,yes:!t,no:!f,nil:!n,arr:!(1,2,3),q:'it!'s',empty:'',o:(a:b))"
	want := map[string]any{
		"id": "example", "str": "string", "num": 100.0, "yes": true, "no": false, "nil": nil,
		"arr": []any{1.0, 2.0, 3.0}, "q": "it's", "empty": "", "o": map[string]any{"a": "b"},
	}
	got, err := DecodeRison(in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeRison = %#v, want %#v", got, want)
	}
	for _, bad := range []string{"(a:", "!x", "'open", "(a:1,,b:2)", "!(1 2)", "(a:1)x", ""} {
		if _, err := DecodeRison(bad); err == nil {
			t.Errorf("DecodeRison(%q) succeeded, want an error", bad)
		}
	}
}

func TestRisonRoundTrip(t *testing.T) {
	t.Parallel()
	v := map[string]any{"s": "x:y(z)!'", "n": -3.25, "l": []any{"a b", nil, map[string]any{"k": "v"}}, "u": "ünï"}
	enc, err := EncodeRison(v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRison(enc)
	if err != nil {
		t.Fatalf("decode %q: %v", enc, err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Fatalf("round trip of %q = %#v, want %#v", enc, got, v)
	}
}
