package expectations

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

var nan = math.NaN()

// nanRows is a float column with NaN and nulls (f, and g as float32), an
// integer column (k) and a text column (s).
var nanRows = struct{ f, g, k, s []any }{
	f: []any{1.5, nan, 3.5, nil, nan, 2.0, 1.5},
	g: []any{1.0, 2.0, nan, nil, nan, 1.0, 3.0},
	k: []any{int64(1), int64(1), int64(1), int64(1), int64(1), int64(2), int64(1)},
	s: []any{"a", "b", "c", "d", "e", "f", "g"},
}

// nanBatch builds the rows as Arrow arrays sliced out of larger ones (so
// the validity bitmaps start mid-byte); nanAsNull writes null where NaN is.
func nanBatch(t *testing.T, nanAsNull, opaque bool) *sliceSource {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "g", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	const pad = 5
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer bld.Release()
	cols := [][]any{nanRows.f, nanRows.g, nanRows.k, nanRows.s}
	n := len(nanRows.f)
	for i := -pad; i < n+2; i++ {
		for j, col := range cols {
			var v any = 0.0
			if j == 2 {
				v = int64(0)
			}
			if j == 3 {
				v = "pad"
			}
			if i >= 0 && i < n {
				v = col[i]
			}
			if f, ok := v.(float64); ok && math.IsNaN(f) && nanAsNull {
				v = nil
			}
			fb := bld.Field(j)
			switch x := v.(type) {
			case nil:
				fb.AppendNull()
			case float64:
				if b, ok := fb.(*array.Float32Builder); ok {
					b.Append(float32(x))
				} else {
					fb.(*array.Float64Builder).Append(x)
				}
			case int64:
				fb.(*array.Int64Builder).Append(x)
			case string:
				fb.(*array.StringBuilder).Append(x)
			}
		}
	}
	rec := bld.NewRecordBatch()
	src := &sliceSource{names: []string{"f", "g", "k", "s"}, types: map[string]LogicalType{}}
	b := &Batch{Names: src.names, Cols: map[string]Column{}, Len: n}
	for j, f := range schema.Fields() {
		src.types[f.Name] = logicalTypeOf(f.Type)
		c := NewArrowColumn(array.NewSlice(rec.Column(j), pad, int64(pad+n)), false)
		if opaque {
			c = opaqueColumn{c}
		}
		b.Cols[f.Name] = c
	}
	src.batches = []*Batch{b}

	return src
}

const nanSuite = `{"name":"nan","expectations":[
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"f","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_null","kwargs":{"column":"f","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"f","min_value":0,"max_value":3,"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"f","value_set":[1.5,2.0,3.5]}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"f","result_format":"COMPLETE"}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"f","min_value":0}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"f","min_value":0}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"f","min_value":0}},
 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"f","min_value":0}},
 {"type":"expect_column_median_to_be_between","kwargs":{"column":"f","min_value":0}},
 {"type":"expect_column_stdev_to_be_between","kwargs":{"column":"f","min_value":0}},
 {"type":"expect_column_quantile_values_to_be_between","kwargs":{"column":"f","quantile_ranges":{"quantiles":[0,0.5,1],"value_ranges":[[0,2],[0,3],[3,4]]}}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"f","min_value":3,"max_value":3}},
 {"type":"expect_column_proportion_of_unique_values_to_be_between","kwargs":{"column":"f","min_value":0.75,"max_value":0.75}},
 {"type":"expect_column_distinct_values_to_equal_set","kwargs":{"column":"f","value_set":[1.5,2.0,3.5]}},
 {"type":"expect_column_most_common_value_to_be_in_set","kwargs":{"column":"f","value_set":[1.5]}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"f","column_B":"g","result_format":"COMPLETE"}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"f","column_B":"g","ignore_row_if":"either_value_is_missing","result_format":"COMPLETE"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["f","k"],"result_format":"COMPLETE"}},
 {"type":"expect_multicolumn_sum_to_equal","kwargs":{"column_list":["f","g"],"sum_total":2.5,"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"g","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"g","min_value":0,"max_value":2,"result_format":"COMPLETE"}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"g","min_value":0}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"g","min_value":0}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"s","value_set":["a","c","f","g"],"row_condition":"f>0","condition_parser":"pandas"}}
]}`

func runNaN(t *testing.T, nanAsNull, opaque bool) *Result {
	t.Helper()

	return runNoRaise(t, nanSuite, nanBatch(t, nanAsNull, opaque), Options{Parallelism: 1})
}

// runNoRaise runs suite over src and fails the test on any expectation that
// raised instead of judging.
func runNoRaise(t *testing.T, suite string, src Source, opts Options) *Result {
	t.Helper()
	res, err := Run(context.Background(), suiteOf(t, suite), src, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Results {
		if r.ExceptionInfo.Raised {
			t.Errorf("%s raised: %s", r.ExpectationConfig.Type, r.ExceptionInfo.Message)
		}
	}

	return res
}

// TestNaNIsMissing: on float columns NaN is missing, as in GX on pandas:
// not-null flags it, row-wise checks leave it out of `mostly`, and the
// aggregates skip it, on the typed fast paths and the generic path alike.
func TestNaNIsMissing(t *testing.T) {
	for _, opaque := range []bool{false, true} {
		name := map[bool]string{false: "fast paths", true: "generic path"}[opaque]
		t.Run(name, func(t *testing.T) {
			res := runNaN(t, false, opaque)
			r := func(i int) map[string]any { return res.Results[i].Result }
			wantJSON(t, "not_be_null f", r(0)["unexpected_index_list"], `[1,3,4]`)
			wantJSON(t, "be_null f", r(1)["unexpected_count"], `4`)
			wantJSON(t, "between f missing", r(2)["missing_count"], `3`)
			wantJSON(t, "between f unexpected", r(2)["unexpected_index_list"], `[2]`)
			wantJSON(t, "between f percent", r(2)["unexpected_percent"], `25`)
			wantJSON(t, "in_set f", r(3)["missing_count"], `3`)
			wantJSON(t, "unique f", r(4)["unexpected_index_list"], `[0,6]`)
			want := map[int]float64{5: 2.125, 6: 1.5, 7: 3.5, 8: 8.5, 9: 1.75, 10: math.Sqrt(2.6875 / 3), 12: 3, 13: 0.75}
			for i, w := range want {
				got, ok := toFloat(r(i)["observed_value"])
				if !ok || math.Abs(got-w) > 1e-12 {
					t.Errorf("%s: observed_value %v, want %v", res.Results[i].ExpectationConfig.Type, r(i)["observed_value"], w)
				}
				if r(i)["missing_count"] != int64(3) || r(i)["element_count"] != int64(7) {
					t.Errorf("%s: missing %v of %v, want 3 of 7", res.Results[i].ExpectationConfig.Type, r(i)["missing_count"], r(i)["element_count"])
				}
			}
			wantJSON(t, "quantiles f", r(11)["observed_value"], `{"quantiles":[0,0.5,1],"values":[1.5,2,3.5]}`)
			for _, i := range []int{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15} {
				if !res.Results[i].Success {
					t.Errorf("%s failed: %v", res.Results[i].ExpectationConfig.Type, r(i))
				}
			}
			wantJSON(t, "pair f>g", r(16)["unexpected_index_list"], `[1,2,6]`)
			wantJSON(t, "pair f>g missing", r(16)["missing_count"], `2`)
			wantJSON(t, "pair f>g either", r(17)["unexpected_index_list"], `[6]`)
			wantJSON(t, "pair f>g either missing", r(17)["missing_count"], `4`)
			wantJSON(t, "compound f,k", r(18)["unexpected_index_list"], `[0,6]`)
			wantJSON(t, "not_be_null g", r(20)["unexpected_index_list"], `[2,3,4]`)
			wantJSON(t, "between g", r(21)["unexpected_index_list"], `[6]`)
			wantJSON(t, "mean g", r(22)["observed_value"], `1.75`)
			wantJSON(t, "max g", r(23)["observed_value"], `3`)
			// row_condition f>0 keeps the rows whose f is a number.
			wantJSON(t, "row_condition f>0", r(24)["element_count"], `4`)
		})
	}
}

// TestNaNIsNull: every expectation gives the same result whether the
// missing floats are NaN or null.
func TestNaNIsNull(t *testing.T) {
	for _, opaque := range []bool{false, true} {
		withNaN, withNull := runNaN(t, false, opaque), runNaN(t, true, opaque)
		for i := range withNaN.Results {
			a, b := withNaN.Results[i], withNull.Results[i]
			aj, _ := json.Marshal(map[string]any{"success": a.Success, "result": a.Result})
			bj, _ := json.Marshal(map[string]any{"success": b.Success, "result": b.Result})
			if !bytes.Equal(aj, bj) {
				t.Errorf("%s %v (generic %v):\nNaN:  %.600s\nnull: %.600s", a.ExpectationConfig.Type, a.ExpectationConfig.Kwargs, opaque, aj, bj)
			}
		}
	}
}

// TestNaNInTypedCSV: "NaN" and "nan" in a CSV column typed as double parse
// as NaN, which is missing; in an untyped (text) column they stay text.
func TestNaNInTypedCSV(t *testing.T) {
	text := "x,y\n1.5,1.5\nNaN,NaN\nnan,nan\n,\n2.5,2.5\n"
	src, err := NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
		st, err := tabular.NewCSVStream(strings.NewReader(text), tabular.CSVStreamOptions{Types: map[string]arrow.DataType{"x": arrow.PrimitiveTypes.Float64}})
		return st, "t.csv", err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := suiteOf(t, `{"name":"csv","expectations":[
	 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x","result_format":"COMPLETE"}},
	 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"x","min_value":0}},
	 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"y","result_format":"COMPLETE"}}
	]}`)
	res, err := Run(context.Background(), s, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON(t, "typed not_be_null", res.Results[0].Result["unexpected_index_list"], `[1,2,3]`)
	wantJSON(t, "typed mean", res.Results[1].Result["observed_value"], `2`)
	wantJSON(t, "text not_be_null", res.Results[2].Result["unexpected_index_list"], `[3]`)
}

// TestNaNInParquet: a Parquet double column stores NaN apart from null;
// both are missing.
func TestNaNInParquet(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	bld := array.NewFloat64Builder(memory.DefaultAllocator)
	bld.AppendValues([]float64{1, nan, 3}, nil)
	bld.AppendNull()
	arr := bld.NewArray()
	rec := array.NewRecordBatch(schema, []arrow.Array{arr}, 4)
	buf := bytes.NewBuffer(parquettest.Bytes(t, rec))
	src, err := NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
		st, err := tabular.NewParquetStream(context.Background(), bytes.NewReader(buf.Bytes()), 0)
		return st, "t.parquet", err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := suiteOf(t, `{"name":"pq","expectations":[
	 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"v","result_format":"COMPLETE"}},
	 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"v","min_value":2,"max_value":2}},
	 {"type":"expect_column_values_to_be_between","kwargs":{"column":"v","min_value":0,"max_value":5}}
	]}`)
	res, err := Run(context.Background(), s, src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON(t, "parquet not_be_null", res.Results[0].Result["unexpected_index_list"], `[1,3]`)
	wantJSON(t, "parquet mean", res.Results[1].Result["observed_value"], `2`)
	wantJSON(t, "parquet between missing", res.Results[2].Result["missing_count"], `2`)
}

func wantJSON(t *testing.T, what string, got any, want string) {
	t.Helper()
	g, _ := json.Marshal(got)
	var w any
	_ = json.Unmarshal([]byte(want), &w)
	wj, _ := json.Marshal(w)
	var gv any
	_ = json.Unmarshal(g, &gv)
	gj, _ := json.Marshal(gv)
	if !bytes.Equal(gj, wj) {
		t.Errorf("%s: got %s, want %s", what, g, want)
	}
}

// An infinite value is a value: the max and the sum of a column holding
// +Inf are +Inf (so a lower bound passes), shown as Python's JSON writes it;
// +Inf and -Inf together sum to NaN (no observed value); and one infinity
// leaves the sum of a finite column after it intact.
func TestInfinityInAggregates(t *testing.T) {
	s := suiteOf(t, `{"name":"inf","expectations":[
	 {"type":"expect_column_max_to_be_between","kwargs":{"column":"v","min_value":0}},
	 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"v","min_value":0}},
	 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"v","max_value":0}},
	 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"both","min_value":0}},
	 {"type":"expect_column_values_to_be_between","kwargs":{"column":"v","min_value":0,"max_value":10}}]}`)
	v := InferColumn([]any{1.0, math.Inf(1), 3.0, 2.0})
	both := InferColumn([]any{1.0, math.Inf(1), math.Inf(-1), 2.0})
	res, err := Run(context.Background(), s, &MemorySource{Names: []string{"v", "both"}, Cols: []Column{v, both}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		ok       bool
		observed any
	}{{true, "Infinity"}, {true, "Infinity"}, {false, "Infinity"}, {false, nil}} {
		r := res.Results[i]
		if r.Success != want.ok || r.Result["observed_value"] != want.observed {
			t.Errorf("expectation %d: success %v, observed %v; want %v, %v", i, r.Success, r.Result["observed_value"], want.ok, want.observed)
		}
	}
	if l := res.Results[4].Result["partial_unexpected_list"]; fmt.Sprint(l) != "[Infinity]" {
		t.Errorf("unexpected list %v, want [Infinity]", l)
	}
}

// Untyped CSV text that is not a number, "NaN" included, is text in every
// check alike: where numbers are needed it is an error naming the value,
// never a value quietly left out of one check and counted by another; a
// column of words alone still has a min and a max.
func TestUntypedTextIsTextInEveryCheck(t *testing.T) {
	s := suiteOf(t, `{"name":"t","expectations":[
	 {"type":"expect_column_max_to_be_between","kwargs":{"column":"v","min_value":0}},
	 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"v","min_value":0}},
	 {"type":"expect_column_values_to_be_between","kwargs":{"column":"v","min_value":0,"max_value":5}},
	 {"type":"expect_column_min_to_be_between","kwargs":{"column":"w","min_value":"a"}},
	 {"type":"expect_column_max_to_be_between","kwargs":{"column":"n","max_value":100}}]}`)
	for _, text := range []string{"v,w,n\n1,b,1\nNaN,a,10\n3,c,9\n", "v,w,n\n1,b,1\nabc,a,10\n3,c,9\n"} {
		word := strings.Split(strings.Split(text, "\n")[2], ",")[0]
		res, err := Run(context.Background(), s, csvSource(t, text), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			ex := res.Results[i].ExceptionInfo
			if !ex.Raised || !strings.Contains(ex.Message, `"`+word+`"`) {
				t.Errorf("%s, expectation %d: want an error naming %q, got %+v %v", word, i, word, ex, res.Results[i].Result)
			}
		}
		if r := res.Results[3]; !r.Success || r.Result["observed_value"] != "a" {
			t.Errorf("min of words: %+v", r)
		}
		if r := res.Results[4]; !r.Success || r.Result["observed_value"] != 10.0 {
			t.Errorf("max of numbers as text: %+v", r)
		}
	}
}
