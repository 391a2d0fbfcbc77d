package expectations

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"
)

// Values GX's suite-parameter parser gives for the same expressions
// (Python semantics: ints stay ints, / is a float, ^ is right-associative
// and a sign binds tighter than it).
func TestEvalParameterExpr(t *testing.T) {
	params := map[string]any{"lo": int64(10000), "half": 0.5, "since": "2024-01-31", "label": "A", "flag": true, "n$2": int64(3)}
	cases := []struct {
		expr string
		want any
	}{
		{"lo", int64(10000)},
		{"label", "A"}, // a bare name keeps its type
		{"lo * 2", int64(20000)},
		{"lo*2+1", int64(20001)},
		{"(lo + 1) * 2", int64(20002)},
		{"lo / 4", 2500.0},
		{"lo * half", 5000.0},
		{"2^3^2", int64(512)},
		{"-2^2", int64(4)},
		{"--3", int64(3)},
		{"- 3 + 1", int64(-2)},
		{"2^-1", 0.5},
		{"1.5e3", 1500.0},
		{".5 * 4", 2.0},
		{"n$2 * 2", int64(6)},
		{"trunc(lo / 3)", int64(3333)},
		{"round(2.5)", int64(2)},
		{"round(3.5)", int64(4)},
		{"round(2.675, 1)", 2.7},
		{"abs(-4)", int64(4)},
		{"sgn(-0.5)", int64(-1)},
		{"sgn(0)", int64(0)},
		{"exp(0)", 1.0},
		{"2 * pi", 2 * math.Pi},
		{"E", math.E},
		{"datetime(2003, 1, 1)", "2003-01-01T00:00:00"},
		{"datetime(year=2020, month=2, day=29, hour=12)", "2020-02-29T12:00:00"},
		{"datetime(2020, 1, 1) - timedelta(days=1)", "2019-12-31T00:00:00"},
		{"datetime(2020, 1, 1) + timedelta(1, 30)", "2020-01-02T00:00:30"},
		{"datetime(2020, 1, 1) - timedelta(weeks=52*100)", "1920-05-05T00:00:00"},
		{"datetime(2020, 1, 1) + timedelta(milliseconds=1.5)", "2020-01-01T00:00:00.001500"},
		{"datetime(2020,1,1) + timedelta(hours=1) * 2", "2020-01-01T02:00:00"},
		{"since + timedelta(days=1)", "2024-02-01T00:00:00"},
		{"(datetime(2020,1,2) - datetime(2020,1,1)) / timedelta(hours=1)", 24.0},
		{"9223372036854775807 + 1", 9223372036854775808.0},
	}
	for _, c := range cases {
		got, err := evalParameterExpr(c.expr, params)
		if err != nil {
			t.Errorf("%s: %v", c.expr, err)
			continue
		}
		if f, ok := c.want.(float64); ok {
			if g, ok := got.(float64); !ok || math.Abs(g-f) > 1e-9*math.Max(1, math.Abs(f)) {
				t.Errorf("%s = %#v, want %#v", c.expr, got, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s = %#v, want %#v", c.expr, got, c.want)
		}
	}
}

func TestEvalParameterExpr_now(t *testing.T) {
	before := time.Now()
	got, err := evalParameterExpr("now() - timedelta(days=1)", nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := got.(string)
	tm, err := time.ParseInLocation("2006-01-02T15:04:05.999999", s, time.Local)
	if err != nil {
		t.Fatalf("now() - timedelta(days=1) = %#v: %v", got, err)
	}
	if d := before.Sub(tm); d < 24*time.Hour-time.Second || d > 24*time.Hour+time.Minute {
		t.Errorf("now() - timedelta(days=1) = %s, %v before the run", s, d)
	}
}

func TestEvalParameterExpr_errors(t *testing.T) {
	params := map[string]any{"lo": int64(1), "flag": true, "word": "many"}
	for expr, want := range map[string]string{
		"hi":                           `suite parameter "hi" is not defined`,
		"hi * 2":                       `suite parameter "hi" is not defined`,
		"urn:great_expectations:x":     `is not defined`,
		"flag + 1":                     `reads as neither a number nor a date`,
		"word * 2":                     `reads as neither a number nor a date`,
		"lo / 0":                       "division by zero",
		"lo +":                         "ends where a value is expected",
		"(lo + 1":                      "missing )",
		"lo 2":                         `unexpected "2"`,
		"foo(1)":                       "unknown function foo()",
		"datetime(2021, 2, 29)":        "day 29 is out of range",
		"datetime(2021, 13, 1)":        "month 13 is out of range",
		"datetime(2021.5, 1, 1)":       "year must be an integer",
		"timedelta(fortnights=1)":      `no argument "fortnights"`,
		"timedelta(days=1)":            "is a timedelta",
		"datetime(2020,1,1) + 1":       "cannot apply + to a datetime and an integer",
		"datetime(2020, 1, day=1)":     "all by position or all by name",
		"(-8) ^ 0.5":                   "is not a real number",
		"now(1)":                       "now() takes no arguments",
		"trunc(datetime(2020, 1, 1))":  "trunc() needs a number, not a datetime",
		"round(1.5, 0.5)":              "number of digits must be an integer",
		"timedelta(days=100000000000)": "longer than 292 years",
	} {
		_, err := evalParameterExpr(expr, params)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to say %q", expr, err, want)
		}
	}
}

// Arithmetic in a suite parameter reaches the expectation's kwargs.
func TestSuiteParameterArithmetic(t *testing.T) {
	s := suiteOf(t, `{"name":"p","suite_parameters":{"lo":2},"expectations":[
	  {"type":"expect_column_values_to_be_between","kwargs":{"column":"x","max_value":{"$PARAMETER":"lo * 2"}}}]}`)
	res, err := Run(context.Background(), s, &MemorySource{Names: []string{"x"}, Cols: []Column{InferColumn([]any{int64(3), int64(4), int64(5)})}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Results[0]; r.Success || r.Result["unexpected_count"] != int64(1) {
		t.Errorf("max_value lo * 2 = 4 should flag only 5: %v", r.Result)
	}
}

// FuzzParameterExpr: any expression evaluates or fails with an error,
// never a panic or a hang.
func FuzzParameterExpr(f *testing.F) {
	for _, s := range []string{"lo * 2", "now() - timedelta(weeks=52)", "datetime(2003, 1, 1)", "2^3^2", "-(-1)^63",
		"round(2.675, 1)", "(-1)^9223372036854775807", "trunc(1e300)", "timedelta(1, 2, 3, 4, 5, 6, 7)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		v, err := evalParameterExpr(expr, map[string]any{"lo": int64(3), "d": "2024-01-01"})
		if err == nil && v == nil {
			t.Fatalf("%q: no value and no error", expr)
		}
	})
}
