package expectations

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// treatRows: s is text with the tokens "NA" and " " among the values; x is
// numbers as text (a CSV read without a schema), with the same tokens.
var treatRows = struct{ s, x []any }{
	s: []any{"a", "NA", "b", "a", nil, "NA", "c", "a", " ", "b"},
	x: []any{"1", "NA", "3", "2", nil, "NA", "4", "2", " ", "3"},
}

var treatTokens = []string{"NA", " "}

// treatBatch builds the rows as Arrow string arrays: plain, dictionary
// encoded (as strings arrive from Parquet) or hidden from the fast paths;
// asNull writes null where a token is.
func treatBatch(t *testing.T, enc string, asNull bool) *sliceSource {
	t.Helper()
	tok := map[string]bool{}
	for _, s := range treatTokens {
		tok[s] = true
	}
	src := &sliceSource{names: []string{"s", "x"}, types: map[string]LogicalType{}}
	b := &Batch{Names: src.names, Cols: map[string]Column{}, Len: len(treatRows.s)}
	for j, rows := range [][]any{treatRows.s, treatRows.x} {
		var arr arrow.Array
		if enc == "dictionary" {
			db := array.NewDictionaryBuilder(memory.DefaultAllocator,
				&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
			for _, v := range rows {
				if s, ok := v.(string); !ok || asNull && tok[s] {
					db.AppendNull()
				} else if err := db.AppendString(s); err != nil {
					t.Fatal(err)
				}
			}
			arr = db.NewArray()
			db.Release()
		} else {
			sb := array.NewStringBuilder(memory.DefaultAllocator)
			for _, v := range rows {
				if s, ok := v.(string); !ok || asNull && tok[s] {
					sb.AppendNull()
				} else {
					sb.Append(s)
				}
			}
			arr = sb.NewArray()
			sb.Release()
		}
		c := NewArrowColumn(arr, true)
		if enc == "generic" {
			c = opaqueColumn{c}
		}
		name := src.names[j]
		b.Cols[name] = c
		src.types[name] = c.Type()
	}
	src.batches = []*Batch{b}

	return src
}

// treatSuite holds every aggregate family, over the text column s and the
// numbers-as-text column x, with row-wise checks beside them.
const treatSuite = `{"name":"treat","expectations":[
 {"type":"expect_column_distinct_values_to_be_in_set","kwargs":{"column":"s","value_set":["a","b","c"]}},
 {"type":"expect_column_distinct_values_to_contain_set","kwargs":{"column":"s","value_set":["a","b","c"]}},
 {"type":"expect_column_distinct_values_to_equal_set","kwargs":{"column":"s","value_set":["a","b","c"]}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"s","min_value":3,"max_value":3}},
 {"type":"expect_column_proportion_of_unique_values_to_be_between","kwargs":{"column":"s","min_value":0.5,"max_value":0.5}},
 {"type":"expect_column_most_common_value_to_be_in_set","kwargs":{"column":"s","value_set":["a"]}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"s","min_value":"a"}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"s","max_value":"c"}},
 {"type":"expect_column_kl_divergence_to_be_less_than","kwargs":{"column":"s","partition_object":{"values":["a","b","c"],"weights":[0.5,0.3333333333333333,0.16666666666666666]},"threshold":0.1}},
 {"type":"expect_column_chisquare_test_p_value_to_be_greater_than","kwargs":{"column":"s","partition_object":{"values":["a","b","c"],"weights":[0.5,0.3333333333333333,0.16666666666666666]}}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"s","min_value":1,"max_value":1,"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"s","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"s","result_format":"COMPLETE"}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"x","min_value":1,"max_value":1}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"x","min_value":4,"max_value":4}},
 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"x","min_value":15,"max_value":15}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"x","min_value":2.5,"max_value":2.5}},
 {"type":"expect_column_median_to_be_between","kwargs":{"column":"x","min_value":2.5,"max_value":2.5}},
 {"type":"expect_column_stdev_to_be_between","kwargs":{"column":"x","min_value":0}},
 {"type":"expect_column_quantile_values_to_be_between","kwargs":{"column":"x","quantile_ranges":{"quantiles":[0,0.5,1],"value_ranges":[[1,1],[2,3],[4,4]]}}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"x","min_value":4,"max_value":4}},
 {"type":"expect_column_kl_divergence_to_be_less_than","kwargs":{"column":"x","partition_object":{"bins":[0,2,5],"weights":[0.2,0.8]},"threshold":0.5}},
 {"type":"expect_column_parameterized_distribution_ks_test_p_value_to_be_greater_than","kwargs":{"column":"x","distribution":"norm","params":{"mean":2.5,"std_dev":1}}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"x","min_value":1,"max_value":4,"result_format":"COMPLETE"}},
 {"type":"expect_column_pair_values_to_be_equal","kwargs":{"column_A":"s","column_B":"x","ignore_row_if":"either_value_is_missing","result_format":"COMPLETE"}}
]}`

func runTreat(t *testing.T, enc string, asNull bool) *Result {
	t.Helper()
	opts := Options{Parallelism: 1, TreatAsNull: treatTokens, Profile: true}

	return runNoRaise(t, treatSuite, treatBatch(t, enc, asNull), opts)
}

// TestTreatAsNullIsNull: with --treat-as-null, every expectation (the
// column aggregates included) gives the same result whether the missing
// values are listed tokens or nulls, on plain and dictionary-encoded
// strings, on the typed fast paths and the generic path alike.
func TestTreatAsNullIsNull(t *testing.T) {
	for _, enc := range []string{"plain", "dictionary", "generic"} {
		t.Run(enc, func(t *testing.T) {
			withTokens, withNull := runTreat(t, enc, false), runTreat(t, enc, true)
			for i := range withTokens.Results {
				a, b := withTokens.Results[i], withNull.Results[i]
				aj, _ := json.Marshal(map[string]any{"success": a.Success, "result": a.Result})
				bj, _ := json.Marshal(map[string]any{"success": b.Success, "result": b.Result})
				if !bytes.Equal(aj, bj) {
					t.Errorf("%s %v:\ntokens: %.600s\nnull:   %.600s", a.ExpectationConfig.Type, a.ExpectationConfig.Kwargs, aj, bj)
				}
			}
			pa, _ := json.Marshal(withTokens.Meta["column_profiles"])
			pb, _ := json.Marshal(withNull.Meta["column_profiles"])
			if !bytes.Equal(pa, pb) {
				t.Errorf("column profiles:\ntokens: %s\nnull:   %s", pa, pb)
			}
			// The values themselves, so that both runs being wrong alike fails too.
			r := func(i int) map[string]any { return withTokens.Results[i].Result }
			wantJSON(t, "distinct s", r(0)["observed_value"], `["a","b","c"]`)
			wantJSON(t, "unique count s", r(3)["observed_value"], `3`)
			wantJSON(t, "proportion unique s", r(4)["observed_value"], `0.5`)
			wantJSON(t, "most common s", r(5)["observed_value"], `["a"]`)
			wantJSON(t, "element count", r(3)["element_count"], `10`)
			wantJSON(t, "missing count", r(3)["missing_count"], `4`)
			wantJSON(t, "sum x", r(15)["observed_value"], `15`)
			wantJSON(t, "quantiles x", r(19)["observed_value"], `{"quantiles":[0,0.5,1],"values":[1,2,4]}`)
			for i, res := range withTokens.Results {
				if i != 11 && i != 12 && i != 24 && !res.Success {
					t.Errorf("%d %s failed: %v", i, res.ExpectationConfig.Type, res.Result)
				}
			}
		})
	}
}

// TestTreatAsNullKwarg: the per-expectation treat_as_null kwarg reaches
// the aggregates as the option does.
func TestTreatAsNullKwarg(t *testing.T) {
	s := suiteOf(t, `{"name":"kw","expectations":[
	 {"type":"expect_column_distinct_values_to_equal_set","kwargs":{"column":"s","value_set":["a","b","c"],"treat_as_null":["NA"," "]}},
	 {"type":"expect_column_distinct_values_to_equal_set","kwargs":{"column":"s","value_set":["a","b","c"]}}
	]}`)
	res, err := Run(context.Background(), s, treatBatch(t, "dictionary", false), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantJSON(t, "with kwarg", res.Results[0].Result["observed_value"], `["a","b","c"]`)
	wantJSON(t, "without", res.Results[1].Result["observed_value"], `[" ","NA","a","b","c"]`)
}
