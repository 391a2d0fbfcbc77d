package expectations

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// csvSource reads CSV text through the shared CSV reader into the engine.
func csvSource(t testing.TB, text string) Source {
	t.Helper()
	src, err := NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
		st, err := tabular.NewCSVStream(strings.NewReader(text), tabular.CSVStreamOptions{BatchRows: 2})
		return st, "test.csv", err
	})
	if err != nil {
		t.Fatal(err)
	}

	return src
}

func suiteOf(t testing.TB, js string) *Suite {
	t.Helper()
	s, err := ParseSuite([]byte(js))
	if err != nil {
		t.Fatal(err)
	}

	return s
}

func num(t testing.TB, v any) float64 {
	t.Helper()
	f, ok := toFloat(v)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}

	return f
}

const flagsCSV = "id,active,code,score\n1,true,A-01,5\n2,true,,7\n3,true,A-03,\n4,false,A-03,11\n5,,  ,-1\n6,true,,3\n"

// C22: one null rule for every expectation; mostly over non-missing rows by
// default and over all rows on request; mostly=0 is a real threshold.
func TestNullSemantics_C22(t *testing.T) {
	s := suiteOf(t, `{"name":"c22","expectations":[
	 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"active","value_set":[true],"mostly":0.65}},
	 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"active","value_set":[true],"mostly":0}},
	 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"code"}},
	 {"type":"expect_column_values_to_match_regex","kwargs":{"column":"code","regex":"^A-[0-9]{2}$"}},
	 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":10}},
	 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"code"}},
	 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["code","score"]}},
	 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"active","value_set":[true],"mostly":0.7,"mostly_denominator":"all"}}
	]}`)
	res, err := Run(context.Background(), s, csvSource(t, flagsCSV), Options{ResultFormat: "COMPLETE"})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Results
	// active: 4 of 5 non-missing = 0.80 >= 0.65.
	if !r[0].Success || num(t, r[0].Result["unexpected_percent_nonmissing"]) != 20 || num(t, r[0].Result["missing_count"]) != 1 {
		t.Errorf("in_set mostly=0.65: %v %v", r[0].Success, r[0].Result)
	}
	for _, k := range []string{"element_count", "missing_count", "unexpected_count", "unexpected_percent_nonmissing", "unexpected_percent_total"} {
		if _, ok := r[0].Result[k]; !ok {
			t.Errorf("map result lacks %s", k)
		}
	}
	if r[0].Meta["mostly_denominator"] != "nonmissing" {
		t.Errorf("result does not state the mostly denominator: %v", r[0].Meta)
	}
	if !r[1].Success {
		t.Error("mostly=0 must always pass")
	}
	if r[2].Success || num(t, r[2].Result["unexpected_count"]) != 2 || !sameInts(r[2].Result["unexpected_index_list"], 1, 5) {
		t.Errorf("not_be_null(code): want rows 2 and 6 missing, got %v", r[2].Result)
	}
	// Whitespace is a value: row 5's "  " is unexpected, nulls are missing.
	if num(t, r[3].Result["unexpected_count"]) != 1 || num(t, r[3].Result["missing_count"]) != 2 || !sameInts(r[3].Result["unexpected_index_list"], 4) {
		t.Errorf("match_regex(code): %v", r[3].Result)
	}
	if ul, _ := r[3].Result["unexpected_list"].([]any); len(ul) != 1 || ul[0] != "  " {
		t.Errorf("match_regex unexpected_list = %v", r[3].Result["unexpected_list"])
	}
	if num(t, r[4].Result["unexpected_count"]) != 2 || num(t, r[4].Result["missing_count"]) != 1 || !sameInts(r[4].Result["unexpected_index_list"], 3, 4) {
		t.Errorf("between(score): %v", r[4].Result)
	}
	if num(t, r[5].Result["unexpected_count"]) != 2 || !sameInts(r[5].Result["unexpected_index_list"], 2, 3) {
		t.Errorf("unique(code): only A-03 (rows 3, 4) is duplicated, got %v", r[5].Result)
	}
	if !r[6].Success || num(t, r[6].Result["unexpected_count"]) != 0 {
		t.Errorf("compound unique with null parts: %v", r[6].Result)
	}
	// All rows: 4/6 = 0.67 < 0.7.
	if r[7].Success || r[7].Meta["mostly_denominator"] != "all" {
		t.Errorf("mostly=0.7 over all rows must fail: %v %v", r[7].Success, r[7].Meta)
	}

	// The same suite with the engine-wide option: 4/6 = 0.67 >= 0.65.
	s2 := suiteOf(t, `{"name":"c22b","expectations":[{"type":"expect_column_values_to_be_in_set","kwargs":{"column":"active","value_set":[true],"mostly":0.65}}]}`)
	res, err = Run(context.Background(), s2, csvSource(t, flagsCSV), Options{MostlyDenominator: "all"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Results[0].Success {
		t.Errorf("mostly 0.65 over all rows (0.67) must pass: %v", res.Results[0].Result)
	}
	// treat_as_null turns whitespace into missing for every expectation.
	res, err = Run(context.Background(), suiteOf(t, `{"name":"c22c","expectations":[{"type":"expect_column_values_to_match_regex","kwargs":{"column":"code","regex":"^A-[0-9]{2}$"}}]}`),
		csvSource(t, flagsCSV), Options{TreatAsNull: []string{"  "}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Results[0].Success || num(t, res.Results[0].Result["missing_count"]) != 3 {
		t.Errorf("treat_as_null: %v", res.Results[0].Result)
	}
}

func sameInts(v any, want ...int64) bool {
	l, ok := v.([]any)
	if !ok || len(l) != len(want) {
		return false
	}
	for i, x := range l {
		if n, ok := x.(int64); !ok || n != want[i] {
			return false
		}
	}

	return true
}

// writeParquet writes one record batch to a Parquet file.
func writeParquet(t testing.TB, path string, rec arrow.RecordBatch) {
	t.Helper()
	parquettest.File(t, path, parquet.NewWriterProperties(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()), rec)
}

func parquetSource(t testing.TB, path string) Source {
	t.Helper()
	src, err := NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, path, err
		}
		st, err := tabular.NewParquetStreamWith(context.Background(), f, tabular.ParquetOptions{DictStrings: true}) // as the runner reads
		return st, path, err
	})
	if err != nil {
		t.Fatal(err)
	}

	return src
}

// C24: type expectations judge the logical type (Arrow/Iceberg), with an
// alias table, and parse values of schemaless CSV text.
func TestTypeExpectations_C24(t *testing.T) {
	mem := memory.DefaultAllocator
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "week", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "amount", Type: &arrow.Decimal128Type{Precision: 9, Scale: 2}, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{1, 0, 3}, []bool{true, false, true})
	b.Field(1).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(1050), decimal128.FromI64(99), decimal128.FromI64(12345)}, nil)
	b.Field(2).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_700_000_000_000_000, 1_700_000_100_000_000, 1_700_000_200_000_000}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "c24.parquet")
	writeParquet(t, path, rec)

	s := suiteOf(t, `{"name":"c24","expectations":[
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"week","type_":"int32"}},
	 {"type":"expect_column_values_to_be_in_type_list","kwargs":{"column":"week","type_list":["INTEGER","BIGINT"]}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"amount","type_":"decimal"}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"amount","type_":"decimal(9,2)"}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"ts","type_":"timestamptz"}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"ts","type_":"timestamp"}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"week","type_":"bigint"}}
	]}`)
	res, err := Run(context.Background(), s, parquetSource(t, path), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, true, true, true, true, false, false}
	for i, w := range want {
		if res.Results[i].Success != w {
			t.Errorf("%s: success = %v, want %v (%v)", Describe(res.Results[i].ExpectationConfig), res.Results[i].Success, w, res.Results[i].Result)
		}
	}
	if num(t, res.Results[0].Result["missing_count"]) != 1 || res.Results[0].Result["observed_value"] != "int" {
		t.Errorf("week: the null counts as missing and the type is int: %v", res.Results[0].Result)
	}

	// Schemaless CSV: every value is judged by parsing it.
	res, err = Run(context.Background(), suiteOf(t, `{"name":"c24csv","expectations":[
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"age","type_":"int"}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"age","type_":"string"}}]}`),
		csvSource(t, "age\n1\n2\n3\ntest\n4\n"), Options{ResultFormat: "COMPLETE"})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Results[0].Result
	if res.Results[0].Success || num(t, r["unexpected_count"]) != 1 || !sameInts(r["unexpected_index_list"], 3) {
		t.Fatalf("age as int: want exactly one unexpected value, got %v", r)
	}
	if l, _ := r["unexpected_line_list"].([]int); len(l) != 1 || l[0] != 5 {
		t.Errorf("age as int: want line 5 (record 4), got %v", r["unexpected_line_list"])
	}
	if !res.Results[1].Success {
		t.Errorf("a CSV column is text: %v", res.Results[1].Result)
	}
}

func Describe(c Config) string { return c.Type }

// C24: the same values from CSV with a declared type and from Parquet give
// the same type verdicts.
func TestTypeExpectations_CSVWithSchema_C24(t *testing.T) {
	src, err := NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
		st, err := tabular.NewCSVStream(strings.NewReader("id,week\n1,1\n2,\n3,3\n"), tabular.CSVStreamOptions{Types: map[string]arrow.DataType{"week": arrow.PrimitiveTypes.Int32}})
		return st, "w.csv", err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), suiteOf(t, `{"name":"c24","expectations":[
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"week","type_":"int32"}},
	 {"type":"expect_column_values_to_be_in_type_list","kwargs":{"column":"week","type_list":["INTEGER","BIGINT"]}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"week","type_":"bigint"}},
	 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"week","type_":"string"}}]}`), src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false, false} {
		if res.Results[i].Success != want {
			t.Errorf("expectation %d: success=%v want %v: %v", i, res.Results[i].Success, want, res.Results[i].Result)
		}
	}
	if res.Results[0].Result["observed_value"] != "int" || res.Results[0].Result["missing_count"] != int64(1) {
		t.Errorf("week from typed CSV: %v", res.Results[0].Result)
	}
}

// Suites in GX 0.18 spelling are read and normalised to 1.x.
func TestParseSuite_018(t *testing.T) {
	s := suiteOf(t, `{"expectation_suite_name":"old","ge_cloud_id":"abc","data_asset_type":"Dataset",
	  "evaluation_parameters":{"lo":1},
	  "expectations":[{"expectation_type":"expect_column_values_to_be_between","kwargs":{"column":"x","min_value":{"$PARAMETER":"lo"}},"meta":{}}]}`)
	if s.Name != "old" || s.ID != "abc" || s.Expectations[0].Type != "expect_column_values_to_be_between" || s.SuiteParameters["lo"] != int64(1) {
		t.Fatalf("0.18 suite not normalised: %+v", s)
	}
	res, err := Run(context.Background(), s, &MemorySource{Names: []string{"x"}, Cols: []Column{InferColumn([]any{int64(0), int64(2)})}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Results[0].Success || res.Results[0].Result["unexpected_count"] != int64(1) {
		t.Errorf("suite parameter not applied: %v", res.Results[0].Result)
	}
}

// Unknown types and bad kwargs are configuration errors, never skipped.
func TestParseSuite_Errors(t *testing.T) {
	cases := map[string]string{
		"unknown type":   `{"name":"s","expectations":[{"type":"expect_column_values_to_be_nul","kwargs":{"column":"x"}}]}`,
		"unknown kwarg":  `{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x","colour":"red"}}]}`,
		"missing column": `{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{}}]}`,
		"bad mostly":     `{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x","mostly":1.5}}]}`,
		"bad regex":      `{"name":"s","expectations":[{"type":"expect_column_values_to_match_regex","kwargs":{"column":"x","regex":"("}}]}`,
		"no type":        `{"name":"s","expectations":[{"kwargs":{"column":"x"}}]}`,
		"bad format":     `{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x","result_format":"ALL"}}]}`,
		"not json":       `{"name":`,
		// Slips that would otherwise leave part of the suite unapplied.
		"no expectations":     `{"name":"s","expectation":[{"type":"expect_column_to_exist","kwargs":{"column":"x"}}]}`,
		"kwargs misspelt":     `{"name":"s","expectations":[{"type":"expect_column_to_exist","kwrags":{"column":"x"}}]}`,
		"kwarg outside":       `{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x"},"mostly":0.1}]}`,
		"condition outside":   `{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x"},"row_condition":"g==1"}]}`,
		"expectations absent": `{"name":"s"}`,
	}
	for name, js := range cases {
		_, err := ParseSuite([]byte(js))
		var ce *ConfigError
		if err == nil || !asConfigError(err, &ce) {
			t.Errorf("%s: want a ConfigError, got %v", name, err)
		}
	}
	_, err := ParseSuite([]byte(cases["unknown type"]))
	if err == nil || !strings.Contains(err.Error(), `did you mean "expect_column_values_to_be_null"`) {
		t.Errorf("unknown type should suggest the near name: %v", err)
	}
	for name, want := range map[string]string{
		"no expectations":   `suite: unknown key "expectation" (did you mean "expectations"?)`,
		"kwargs misspelt":   `expectations[0] (expect_column_to_exist): unknown key "kwrags" (did you mean "kwargs"?)`,
		"kwarg outside":     `expectations[0] (expect_column_values_to_not_be_null): "mostly" is a kwarg: put it inside "kwargs"`,
		"condition outside": `"row_condition" is a kwarg: put it inside "kwargs"`,
	} {
		if _, err := ParseSuite([]byte(cases[name])); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %s", name, err, want)
		}
	}
	// A document that is not a suite says where, or what it is instead.
	for js, want := range map[string]string{
		"name: x\nexpectations: []\n": "not valid JSON at line 1, column 3",
		"[1]":                         `a suite is a JSON object with "name" and "expectations", not an array`,
		"{\"name\":\"x\",\n\"expectations\":[{\"type\":\"a\",}]}": "line 2, column",
	} {
		if _, err := ParseSuite([]byte(js)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %s", js, err, want)
		}
	}
	// Keys of GX documents besides the ones read are left alone.
	if _, err := ParseSuite([]byte(`{"name":"s","data_asset_type":null,"x-owner":"ir","expectations":[
	 {"type":"expect_column_to_exist","kwargs":{"column":"x"},"rendered_content":[],"severity":"critical","x-ticket":"DQ-1"}]}`)); err != nil {
		t.Errorf("extra keys of a GX document: %v", err)
	}
	// A misspelt required kwarg is named with the one it stands for.
	_, err = ParseSuite([]byte(`{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"colum":"x"}}]}`))
	if err == nil || !strings.Contains(err.Error(), `kwarg "column" is required; unknown kwarg "colum" (did you mean "column"?)`) {
		t.Errorf("a misspelt kwarg should be named: %v", err)
	}
	// So is one whose absence the expectation complains of in its own
	// words, and the error says which expectation of the suite it is.
	_, err = ParseSuite([]byte(`{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x"}},
	 {"type":"expect_column_values_to_be_between","kwargs":{"column":"x","min_valu":0}}]}`))
	want := `expectations[1] (expect_column_values_to_be_between): min_value and max_value cannot both be None; unknown kwarg "min_valu" (did you mean "min_value"?)`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func asConfigError(err error, ce **ConfigError) bool {
	return errors.As(err, ce)
}

// result_format levels add GX's keys cumulatively and cap the lists.
func TestResultFormats(t *testing.T) {
	vals := make([]any, 100)
	for i := range vals {
		vals[i] = int64(i % 7)
	}
	src := func() Source {
		return &MemorySource{Names: []string{"x"}, Cols: []Column{InferColumn(vals)}}
	}
	for level, keys := range map[string][]string{
		"BOOLEAN_ONLY": {},
		"BASIC":        {"element_count", "unexpected_count", "unexpected_percent", "partial_unexpected_list", "missing_count"},
		"SUMMARY":      {"partial_unexpected_counts", "partial_unexpected_index_list"},
		"COMPLETE":     {"unexpected_list", "unexpected_index_list"},
	} {
		s := suiteOf(t, `{"name":"rf","expectations":[{"type":"expect_column_values_to_be_in_set","kwargs":{"column":"x","value_set":[0],"result_format":{"result_format":"`+level+`","partial_unexpected_count":5}}}]}`)
		res, err := Run(context.Background(), s, src(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Results[0].Result
		for _, k := range keys {
			if _, ok := r[k]; !ok {
				t.Errorf("%s: missing %s in %v", level, k, r)
			}
		}
		if level == "BOOLEAN_ONLY" && len(r) != 0 {
			t.Errorf("BOOLEAN_ONLY result not empty: %v", r)
		}
		if l, ok := r["partial_unexpected_list"].([]any); ok && len(l) != 5 {
			t.Errorf("%s: partial list not capped at 5: %d", level, len(l))
		}
		if l, ok := r["unexpected_list"].([]any); ok && len(l) != 85 {
			t.Errorf("COMPLETE: unexpected_list has %d values, want 85", len(l))
		}
		// SUMMARY counts the five values of the partial list, COMPLETE all
		// 85 (1 appears 15 times, 2 to 6 14 times each), as GX counts the
		// values it fetched; equal counts are ordered by value.
		want := map[string]string{"SUMMARY": "[map[count:1 value:1] map[count:1 value:2] map[count:1 value:3] map[count:1 value:4] map[count:1 value:5]]",
			"COMPLETE": "[map[count:15 value:1] map[count:14 value:2] map[count:14 value:3] map[count:14 value:4] map[count:14 value:5]]"}[level]
		if c, ok := r["partial_unexpected_counts"].([]map[string]any); ok && fmt.Sprint(c) != want {
			t.Errorf("%s: partial_unexpected_counts = %v, want %s", level, c, want)
		}
	}
}

// Batches split anywhere give the same answers (uniqueness across batches,
// row indexes).
func TestBatchBoundaries(t *testing.T) {
	text := "k\n"
	for i := 0; i < 50; i++ {
		text += string(rune('a'+i%20)) + "\n"
	}
	s := suiteOf(t, `{"name":"b","expectations":[{"type":"expect_column_values_to_be_unique","kwargs":{"column":"k","result_format":"COMPLETE"}},
	 {"type":"expect_table_row_count_to_equal","kwargs":{"value":50}}]}`)
	res, err := Run(context.Background(), s, csvSource(t, text), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Results[0].Result
	if r["unexpected_count"] != int64(50) {
		t.Errorf("every value repeats: %v", r["unexpected_count"])
	}
	idx, _ := r["unexpected_index_list"].([]any)
	for i := 1; i < len(idx); i++ {
		if idx[i].(int64) <= idx[i-1].(int64) {
			t.Fatalf("index list not in row order: %v", idx)
		}
	}
	if !res.Results[1].Success {
		t.Errorf("row count: %v", res.Results[1].Result)
	}
}

// A slip of the keyboard is named with the type it stands for; a type that
// is merely of the same family is not offered as one.
func TestCheckTypeSuggestions(t *testing.T) {
	cases := map[string]string{
		"expect_column_values_to_not_be_nul":  `did you mean "expect_column_values_to_not_be_null"`,
		"expect_column_vaules_to_be_unique":   `did you mean "expect_column_values_to_be_unique"`,
		"column_values_to_be_between":         `did you mean "expect_column_values_to_be_between"`,
		"expect_column_to_be_wonderful":       "is not a known expectation type;",
		"expect_table_row_count_to_equal_ten": `did you mean "expect_table_row_count_to_equal"`,
		"expect_rows_to_sparkle":              "is not a known expectation type;",
	}
	for typ, want := range cases {
		if got := CheckType(typ); !strings.Contains(got, want) {
			t.Errorf("%s: got %q, want it to contain %q", typ, got, want)
		}
	}
	if got := CheckType("expect_column_values_to_be_unique"); got != "" {
		t.Errorf("a known type: got %q", got)
	}
}

// Untyped CSV numbers are ordered as numbers: 9, 10, 11 increases.
func TestMonotoneCSVNumbersOrderAsNumbers(t *testing.T) {
	s := suiteOf(t, `{"name":"m","expectations":[
	 {"type":"expect_column_values_to_be_increasing","kwargs":{"column":"v"}},
	 {"type":"expect_column_values_to_be_decreasing","kwargs":{"column":"w"}},
	 {"type":"expect_column_values_to_be_increasing","kwargs":{"column":"w"}}]}`)
	res, err := Run(context.Background(), s, csvSource(t, "v,w\n9,11\n10,10\n11,9.5\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false} {
		if res.Results[i].Success != want {
			t.Errorf("expectation %d: success %v, want %v: %v", i, res.Results[i].Success, want, res.Results[i].Result)
		}
	}
	if n := res.Results[2].Result["unexpected_count"]; n != int64(2) {
		t.Errorf("10 after 11 and 9.5 after 10 are the two decreases; got %v", n)
	}
}

// Among equal counts GX orders partial_unexpected_counts by the value's
// str(), after most_common kept the values met first.
func TestPartialCountsTiesByValue(t *testing.T) {
	s := suiteOf(t, `{"name":"t","expectations":[{"type":"expect_column_values_to_be_in_set","kwargs":{"column":"x","value_set":["z"],
	 "result_format":{"result_format":"SUMMARY","partial_unexpected_count":2}}}]}`)
	col := InferColumn([]any{"c", "b", "a", "b", "a", "c", "d"})
	res, err := Run(context.Background(), s, &MemorySource{Names: []string{"x"}, Cols: []Column{col}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The partial list is c, b, each once: ordered by value.
	if got := fmt.Sprint(res.Results[0].Result["partial_unexpected_counts"]); got != "[map[count:1 value:b] map[count:1 value:c]]" {
		t.Errorf("got %s", got)
	}
	s = suiteOf(t, `{"name":"t","expectations":[{"type":"expect_column_values_to_be_in_set","kwargs":{"column":"x","value_set":["z"],
	 "result_format":{"result_format":"COMPLETE","partial_unexpected_count":2}}}]}`)
	res, err = Run(context.Background(), s, &MemorySource{Names: []string{"x"}, Cols: []Column{col}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// c, b and a twice each: most_common(2) keeps c and b, met first.
	if got := fmt.Sprint(res.Results[0].Result["partial_unexpected_counts"]); got != "[map[count:2 value:b] map[count:2 value:c]]" {
		t.Errorf("COMPLETE: got %s", got)
	}
}

// dateutil reads unpadded, spelled-out and clock-only forms; impossible
// dates and words stay unparseable.
func TestDateutilParseableForms(t *testing.T) {
	for _, s := range []string{"2024-1-3", "Jan 2024", "January 3, 2024", "3 Jan 2024", "03-Jan-2024", "2024/1/3", "1/3/2024",
		"2024-01-03T10:00:00Z", "Wed, 03 Jan 2024 10:00:00 GMT", "10:30", "3 PM", "jan 3, 2024"} {
		if !dateutilParseable(s) {
			t.Errorf("%q: dateutil parses it", s)
		}
	}
	for _, s := range []string{"not a date", "2024-02-30", "13/45/2024", ""} {
		if dateutilParseable(s) {
			t.Errorf("%q: dateutil does not parse it", s)
		}
	}
}
