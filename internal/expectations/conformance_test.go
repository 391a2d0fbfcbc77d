package expectations

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// notApplicable lists conformance cases this engine is not expected to
// match, with the reason. Keys are "<file stem>/<test title>" or
// "<file stem>/*" for a whole file.
var notApplicable = map[string]string{
	"expect_column_pair_cramers_phi_value_to_be_less_than/*":                   "GX 1.2 cannot run it either (ExpectColumnPairCramersPhiValueToBeLessThan.__init__ raises NotImplementedError; the cases date from 0.x and their binning is undocumented); the engine rejects it with a configuration error",
	"expect_column_values_to_be_of_type/negative_pandas_datetime_expected_int": "observed_value_list names pandas/numpy classes (Timestamp, DatetimeTZDtypeType); this engine reports logical types",
}

type gxFile struct {
	ExpectationType string      `json:"expectation_type"`
	Datasets        []gxDataset `json:"datasets"`
}

type gxDataset struct {
	Name            string          `json:"dataset_name"`
	Data            json.RawMessage `json:"data"`
	Schemas         map[string]any  `json:"schemas"`
	OnlyFor         []string        `json:"only_for"`
	SuppressTestFor []string        `json:"suppress_test_for"`
	Tests           []gxTest        `json:"tests"`
}

type gxTest struct {
	Title           string         `json:"title"`
	ExactMatchOut   bool           `json:"exact_match_out"`
	In              any            `json:"in"`
	Out             map[string]any `json:"out"`
	OnlyFor         []string       `json:"only_for"`
	SuppressTestFor []string       `json:"suppress_test_for"`
	Tolerance       any            `json:"tolerance"`
	Error           map[string]any `json:"error"`
}

func appliesToPandas(only, suppress []string) bool {
	for _, s := range suppress {
		if s == "pandas" {
			return false
		}
	}
	if only == nil {
		return true
	}
	for _, s := range only {
		if s == "pandas" {
			return true
		}
	}

	return false
}

// TestGXConformance runs every conformance case that applies to GX's pandas
// backend and compares the engine's result with GX's expected output.
func TestGXConformance(t *testing.T) {
	files, err := filepath.Glob("testdata/gx/*/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no conformance files: %v", err)
	}
	var ran, passed, skipped int
	for _, f := range files {
		stem := strings.TrimSuffix(filepath.Base(f), ".json")
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var gf gxFile
		d := json.NewDecoder(bytes.NewReader(pythonJSON(raw)))
		d.UseNumber()
		if err := d.Decode(&gf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, ds := range gf.Datasets {
			if !appliesToPandas(ds.OnlyFor, ds.SuppressTestFor) {
				continue
			}
			for _, tc := range ds.Tests {
				if !appliesToPandas(tc.OnlyFor, tc.SuppressTestFor) {
					continue
				}
				name := stem + "/" + tc.Title
				if why, ok := notApplicable[name]; ok {
					skipped++
					t.Logf("not applicable: %s: %s", name, why)
					continue
				}
				if why, ok := notApplicable[stem+"/*"]; ok {
					skipped++
					t.Logf("not applicable: %s: %s", name, why)
					continue
				}
				ran++
				t.Run(name, func(t *testing.T) {
					if err := runCase(gf.ExpectationType, ds, tc); err != nil {
						t.Error(err)
						return
					}
					passed++
				})
			}
		}
	}
	t.Logf("conformance: %d run, %d passed, %d not applicable", ran, passed, skipped)
}

func runCase(typ string, ds gxDataset, tc gxTest) error {
	names, cols, err := loadDataset(ds)
	if err != nil {
		return fmt.Errorf("loading dataset: %w", err)
	}
	kwargs := map[string]any{}
	in, ok := tc.In.(map[string]any)
	if !ok {
		return fmt.Errorf("\"in\" is not an object: %v", tc.In)
	}
	for k, v := range in {
		kwargs[k] = special(normalize(v))
	}
	tc.Out = special(tc.Out).(map[string]any)
	tableLevel := strings.HasPrefix(typ, "expect_table_") || typ == "expect_column_to_exist"
	if !tableLevel {
		if _, ok := kwargs["result_format"]; !ok {
			kwargs["result_format"] = map[string]any{"result_format": "COMPLETE", "unexpected_index_column_names": []any{"pk_index"}}
			idx := make([]any, cols[0].Len())
			for i := range idx {
				idx[i] = int64(i)
			}
			if len(cols) == 0 {
				idx = nil
			}
			names = append(names, "pk_index")
			cols = append(cols, &AnyColumn{Values: idx, Typ: LogicalType{Name: "long"}})
		}
	}
	_, wantErr := tc.Out["traceback_substring"]
	wantErr = wantErr || tc.Error != nil
	s := &Suite{Name: "conformance", Expectations: []Config{{Type: typ, Kwargs: kwargs}}}
	res, err := Run(context.Background(), s, &MemorySource{Names: names, Cols: cols}, Options{})
	if err != nil {
		if wantErr {
			return nil
		}
		return fmt.Errorf("run: %w", err)
	}
	r := res.Results[0]
	if wantErr {
		if r.ExceptionInfo.Raised {
			return nil
		}
		return fmt.Errorf("want an error (%v%v), got success=%v result=%v", tc.Out["traceback_substring"], tc.Error, r.Success, r.Result)
	}
	if r.ExceptionInfo.Raised {
		return fmt.Errorf("unexpected exception: %s", r.ExceptionInfo.Message)
	}
	got := roundTrip(r.Result)
	if want, ok := tc.Out["success"].(bool); ok && want != r.Success {
		return fmt.Errorf("success = %v, want %v; result %s", r.Success, want, js(got))
	}
	tol := 1e-9
	if f, ok := toFloat(normalize(tc.Tolerance)); ok {
		tol = f
	}
	for k, w := range tc.Out {
		want := normalize(w)
		switch k {
		case "success", "traceback_substring":
		case "result":
			wm, _ := want.(map[string]any)
			for rk, rv := range wm {
				if err := deepEqual(rv, got[rk], tol, false); err != nil {
					return fmt.Errorf("result.%s: %w (got %s)", rk, err, js(got))
				}
			}
		case "unexpected_list", "unexpected_index_list":
			if err := deepEqual(want, got[k], tol, true); err != nil {
				return fmt.Errorf("%s: %w (got %s)", k, err, js(got[k]))
			}
		case "observed_value", "details":
			if err := deepEqual(want, got[k], tol, false); err != nil {
				return fmt.Errorf("%s: %w (got %s)", k, err, js(got))
			}
		case "observed_cdf_x_0_lt", "observed_cdf_x_0_eq", "observed_cdf_x_-1_gt", "observed_cdf_x_-1_eq":
			// GX's harness checks the ends of details.observed_cdf.x.
			d, _ := got["details"].(map[string]any)
			oc, _ := d["observed_cdf"].(map[string]any)
			xs, _ := oc["x"].([]any)
			if len(xs) == 0 {
				return fmt.Errorf("%s: no observed_cdf in %s", k, js(got))
			}
			x := xs[0]
			if strings.Contains(k, "_-1_") {
				x = xs[len(xs)-1]
			}
			xf, _ := toFloat(x)
			wf, _ := toFloat(want)
			ok := map[string]bool{"lt": xf < wf, "gt": xf > wf, "eq": xf == wf}[k[len(k)-2:]]
			if !ok {
				return fmt.Errorf("%s: observed_cdf x = %v, compared with %v", k, x, want)
			}
		default:
			// Keys such as value_counts live under details in GX 1.x results.
			v, ok := got[k]
			if !ok {
				if d, isMap := got["details"].(map[string]any); isMap {
					v, ok = d[k]
				}
			}
			if !ok {
				return fmt.Errorf("result has no %q (got %s)", k, js(got))
			}
			if err := deepEqual(want, v, tol, false); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
	}

	return nil
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func roundTrip(v any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	_ = d.Decode(&out)
	n, _ := normalize(out).(map[string]any)

	return n
}

// deepEqual compares JSON-like values with a relative float tolerance;
// unordered compares lists as multisets.
func deepEqual(want, got any, tol float64, unordered bool) error {
	if wf, ok := toFloat(want); ok {
		if _, isBool := want.(bool); !isBool {
			gf, ok := toFloat(got)
			if !ok {
				return fmt.Errorf("want %v, got %v", want, got)
			}
			if wf != gf && math.Abs(wf-gf) > tol*math.Max(1, math.Abs(wf)) {
				return fmt.Errorf("want %v, got %v", want, got)
			}
			return nil
		}
	}
	switch w := want.(type) {
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Errorf("want list %s, got %s", js(want), js(got))
		}
		if len(w) != len(g) {
			return fmt.Errorf("want %d items %s, got %d %s", len(w), js(w), len(g), js(g))
		}
		if unordered {
			w, g = sortedCanon(w), sortedCanon(g)
		}
		for i := range w {
			if err := deepEqual(w[i], g[i], tol, unordered); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	case map[string]any:
		if gi, ok := got.(int64); ok {
			// GX's harness lists {pk_index: i, col: v}; a result without
			// index columns lists i.
			return deepEqual(w["pk_index"], gi, tol, unordered)
		}
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("want object %s, got %s", js(want), js(got))
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Errorf("missing key %q in %s", k, js(g))
			}
			if err := deepEqual(wv, gv, tol, unordered); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		return nil
	case string:
		if gs, ok := got.(string); ok && gs != w {
			// Datetimes: GX prints "2016-01-01 00:00:00", we print ISO.
			wt, ok1 := parseTime(w)
			gt, ok2 := parseTime(gs)
			if ok1 && ok2 && wt.Equal(gt) {
				return nil
			}
		}
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		return fmt.Errorf("want %s, got %s", js(want), js(got))
	}

	return nil
}

func sortedCanon(l []any) []any {
	out := append([]any{}, l...)
	sort.Slice(out, func(i, j int) bool { return canon(out[i]) < canon(out[j]) })

	return out
}

func canon(v any) string {
	switch x := v.(type) {
	case int64:
		return pyFloat(float64(x))
	case float64:
		return pyFloat(x)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var sb strings.Builder
		for _, k := range keys {
			sb.WriteString(k + "=" + canon(x[k]) + ";")
		}
		return sb.String()
	case []any:
		var sb strings.Builder
		for _, e := range x {
			sb.WriteString(canon(e) + ",")
		}
		return sb.String()
	}

	return fmt.Sprint(v)
}

// loadDataset builds columns in the data's key order, typed the way pandas
// would type them (schemas.pandas where given, inference otherwise).
func loadDataset(ds gxDataset) ([]string, []Column, error) {
	d := json.NewDecoder(bytes.NewReader(ds.Data))
	d.UseNumber()
	if _, err := d.Token(); err != nil {
		return nil, nil, err
	}
	var names []string
	var cols []Column
	schema := map[string]string{}
	if m, ok := ds.Schemas["pandas"].(map[string]any); ok {
		for k, v := range m {
			schema[k], _ = v.(string)
		}
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return nil, nil, err
		}
		name := tok.(string)
		var vals []any
		if err := d.Decode(&vals); err != nil {
			return nil, nil, err
		}
		names = append(names, name)
		cols = append(cols, pandasColumn(special(vals).([]any), schema[name]))
	}

	return names, cols, nil
}

func pandasColumn(raw []any, dtype string) Column {
	c := InferColumn(raw)
	switch strings.ToLower(dtype) {
	case "":
		// pandas stores integers with nulls as float64.
		if c.Typ.Name == "long" {
			for _, v := range c.Values {
				if v == nil {
					for i, x := range c.Values {
						if n, ok := x.(int64); ok {
							c.Values[i] = float64(n)
						}
					}
					c.Typ.Name = "double"
					break
				}
			}
		}
	case "int", "int64", "int64dtype", "int32":
		for i, v := range c.Values {
			if f, ok := v.(float64); ok {
				c.Values[i] = int64(f)
			}
			if s, ok := v.(string); ok {
				var n int64
				if _, err := fmt.Sscan(s, &n); err == nil {
					c.Values[i] = n
				}
			}
		}
		c.Typ.Name = "long"
	case "float", "float64":
		for i, v := range c.Values {
			if f, ok := toFloat(v); ok && v != nil {
				c.Values[i] = f
			}
		}
		c.Typ.Name = "double"
	case "str":
		for i, v := range c.Values {
			if v != nil {
				c.Values[i] = pyStr(v)
			}
		}
		c.Typ.Name = "string"
	case "bool":
		c.Typ.Name = "boolean"
	case "datetime64", "datetime64[ns]", "datetime", "timestamp", "date":
		tz := false
		for i, v := range c.Values {
			if s, ok := v.(string); ok {
				if t, ok := parseTime(s); ok {
					c.Values[i] = t
				}
				tz = tz || strings.HasSuffix(s, "Z")
			}
		}
		c.Typ.Name = "timestamp"
		if tz {
			c.Typ.Name = "timestamptz"
		}
	}

	return c
}

// pythonJSON rewrites the bare Infinity, -Infinity and NaN tokens Python's
// json module writes into marker strings that special turns into floats.
func pythonJSON(b []byte) []byte {
	var out bytes.Buffer
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			out.WriteByte(c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch {
		case c == '"':
			inStr = true
		case bytes.HasPrefix(b[i:], []byte("-Infinity")):
			out.WriteString(`"\u0000-inf"`)
			i += len("-Infinity") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("Infinity")):
			out.WriteString(`"\u0000inf"`)
			i += len("Infinity") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("NaN")):
			out.WriteString(`"\u0000nan"`)
			i += len("NaN") - 1
			continue
		}
		out.WriteByte(c)
	}

	return out.Bytes()
}

func special(v any) any {
	switch x := v.(type) {
	case string:
		switch x {
		case "\x00inf":
			return math.Inf(1)
		case "\x00-inf":
			return math.Inf(-1)
		case "\x00nan":
			return math.NaN()
		}
	case []any:
		for i := range x {
			x[i] = special(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = special(x[k])
		}
	}

	return v
}
