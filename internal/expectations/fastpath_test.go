package expectations

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// sliceSource hands out prepared batches: Arrow columns (the typed fast
// paths) or the same columns behind an opaque wrapper (the generic path).
type sliceSource struct {
	names   []string
	types   map[string]LogicalType
	batches []*Batch
	next    int
}

func (s *sliceSource) Columns() []string             { return s.names }
func (s *sliceSource) Types() map[string]LogicalType { return s.types }
func (s *sliceSource) Close() error                  { return nil }
func (s *sliceSource) Next(context.Context) (*Batch, error) {
	if s.next == len(s.batches) {
		return nil, io.EOF
	}
	s.next++
	return s.batches[s.next-1], nil
}

// opaqueColumn hides an Arrow column from the fast paths: every value goes
// through Value and IsNull, as in the generic path.
type opaqueColumn struct{ Column }

// fastPathData builds rows with nulls, NaN (score and x), values out of every range,
// duplicates and integers beyond 2^53, as Arrow batches whose arrays are
// slices of larger ones (so validity bitmaps start mid-byte), and as the
// same columns wrapped in opaqueColumn.
func fastPathData(t *testing.T, rows, batch int, sorted bool) (arrowSrc, anySrc *sliceSource) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "grade", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "email", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "b", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	as := &sliceSource{names: []string{"id", "score", "grade", "email", "a", "b", "x", "gdict"}, types: map[string]LogicalType{}}
	ys := &sliceSource{names: as.names, types: map[string]LogicalType{}}
	for _, f := range schema.Fields() {
		as.types[f.Name] = logicalTypeOf(f.Type)
		ys.types[f.Name] = logicalTypeOf(f.Type)
	}
	as.types["gdict"], ys.types["gdict"] = as.types["grade"], as.types["grade"]
	for start := 0; start < rows; start += batch {
		n := min(batch, rows-start)
		const pad = 3 // rows before the slice
		bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		for i := -pad; i < n; i++ {
			row := start + i
			vals := []any{
				int64(row), float64(r.IntN(1200))/10 - 10, []string{"A", "B", "C", "D", "E", "F", "é", ""}[r.IntN(8)],
				fmt.Sprintf("s%d@uni.example", r.IntN(rows)), int64(r.IntN(5)), int64(r.IntN(5)), r.NormFloat64(),
			}
			if !sorted {
				vals[0] = int64(r.IntN(rows))
			}
			if r.IntN(9) == 0 {
				vals[0] = int64(1<<53 + r.IntN(2)) // distinct integers that one float64 cannot tell apart
			}
			switch r.IntN(12) {
			case 0:
				// NaN is missing on every path, row-wise and aggregate.
				vals[6] = math.NaN()
				if r.IntN(2) == 0 {
					vals[1] = math.NaN()
				}
			case 1:
				vals[3] = "s1é@uni.example"
			case 2:
				vals[3] = "not an e-mail address, and much too long for the bounds"
			case 3:
				vals[3] = "ééééééé@é.example" // 17 runes in 25 bytes
			}
			for j := range vals {
				if j != 0 && r.IntN(15) == 0 {
					vals[j] = nil
				}
			}
			if sorted && r.IntN(40) == 0 {
				vals[0] = nil
			}
			for j, v := range vals {
				fb := bld.Field(j)
				switch x := v.(type) {
				case nil:
					fb.AppendNull()
				case int64:
					fb.(*array.Int64Builder).Append(x)
				case float64:
					fb.(*array.Float64Builder).Append(x)
				case string:
					fb.(*array.StringBuilder).Append(x)
				}
			}
		}
		rec := bld.NewRecordBatch()
		bld.Release()
		// gdict: grade dictionary-encoded, as Parquet dictionary pages are
		// read; the generic side reads the plain strings.
		db := array.NewDictionaryBuilder(memory.DefaultAllocator, &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}).(*array.BinaryDictionaryBuilder)
		plain := rec.Column(2).(*array.String)
		for i := 0; i < plain.Len(); i++ {
			if plain.IsNull(i) {
				db.AppendNull()
			} else if err := db.AppendString(plain.Value(i)); err != nil {
				t.Fatal(err)
			}
		}
		gdict := db.NewArray()
		db.Release()
		ab := &Batch{Names: as.names, Cols: map[string]Column{}, Len: n, Offset: int64(start), rowsHint: int64(rows)}
		yb := &Batch{Names: as.names, Cols: map[string]Column{}, Len: n, Offset: int64(start), rowsHint: int64(rows)}
		for j, f := range schema.Fields() {
			name := f.Name
			ab.Cols[name] = NewArrowColumn(array.NewSlice(rec.Column(j), pad, int64(pad+n)), false)
			yb.Cols[name] = opaqueColumn{ab.Cols[name]}
		}
		ab.Cols["gdict"] = NewArrowColumn(array.NewSlice(gdict, pad, int64(pad+n)), false)
		yb.Cols["gdict"] = opaqueColumn{ab.Cols["grade"]}
		as.batches = append(as.batches, ab)
		ys.batches = append(ys.batches, yb)
	}
	return as, ys
}

const fastPathSuite = `{"name":"fast","expectations":[
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"score","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"id"}},
 {"type":"expect_column_values_to_be_null","kwargs":{"column":"grade","result_format":{"result_format":"SUMMARY","partial_unexpected_count":0}}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100,"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"strict_min":true,"mostly":0.5}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"a","max_value":3,"strict_max":true}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"grade","value_set":["A","B","C","D","E"],"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"grade","value_set":["A","B","C","D","E","F","G","H","I","J"]}},
 {"type":"expect_column_values_to_not_be_in_set","kwargs":{"column":"grade","value_set":["F",""]}},
 {"type":"expect_column_values_to_match_regex","kwargs":{"column":"email","regex":"^s[0-9]+@uni\\.example$","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_not_match_regex","kwargs":{"column":"email","regex":"é"}},
 {"type":"expect_column_values_to_match_regex_list","kwargs":{"column":"email","regex_list":["^s1","example$"],"match_on":"all"}},
 {"type":"expect_column_values_to_match_like_pattern","kwargs":{"column":"email","like_pattern":"s%@uni.example"}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"email","min_value":5,"max_value":17,"result_format":"COMPLETE"}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"email","min_value":15,"max_value":15,"result_format":"COMPLETE"}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"email","min_value":4,"max_value":16,"strict_max":true}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"email","min_value":15}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"email"}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"a","column_B":"b","result_format":"COMPLETE"}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"a","column_B":"b","or_equal":true,"ignore_row_if":"both_values_are_missing"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["id","grade"],"result_format":"COMPLETE"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["a","b","grade"],"ignore_row_if":"any_value_is_missing"}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"id","min_value":0}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"score","min_value":-100,"max_value":100}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"id","min_value":0,"max_value":1e18}},
 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"a","min_value":0}},
 {"type":"expect_column_stdev_to_be_between","kwargs":{"column":"score","min_value":0}},
 {"type":"expect_column_median_to_be_between","kwargs":{"column":"score","min_value":0}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"x","min_value":0}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"x","min_value":-100}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"x","max_value":100}},
 {"type":"expect_column_median_to_be_between","kwargs":{"column":"x","min_value":-1}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"b","min_value":0}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"gdict","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"gdict","value_set":["A","B","C","D","E"],"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_not_be_in_set","kwargs":{"column":"gdict","value_set":["F",""]}},
 {"type":"expect_column_values_to_match_regex","kwargs":{"column":"gdict","regex":"^[A-E]$","result_format":"COMPLETE"}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"gdict","min_value":1,"max_value":1}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"gdict"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["id","gdict"],"result_format":"COMPLETE"}},
 {"type":"expect_column_distinct_values_to_be_in_set","kwargs":{"column":"gdict","value_set":["A","B"]}},
 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"gdict","type_":"str"}},
 {"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"x","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_null","kwargs":{"column":"x","result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"x","min_value":-1,"max_value":1,"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"score","value_set":[0.5,1.5,10.0,50.0],"result_format":"COMPLETE"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"score","result_format":"COMPLETE"}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"score","column_B":"x","result_format":"COMPLETE"}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"score","column_B":"x","ignore_row_if":"either_value_is_missing","result_format":"COMPLETE"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["score","a"],"result_format":"COMPLETE"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["score","x"],"ignore_row_if":"any_value_is_missing"}},
 {"type":"expect_multicolumn_sum_to_equal","kwargs":{"column_list":["score","x"],"sum_total":0}},
 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"x","max_value":1e9}},
 {"type":"expect_column_stdev_to_be_between","kwargs":{"column":"x","min_value":0}},
 {"type":"expect_column_quantile_values_to_be_between","kwargs":{"column":"score","quantile_ranges":{"quantiles":[0.1,0.5,0.9],"value_ranges":[[-10,110],[-10,110],[-10,110]]}}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"score","min_value":1}},
 {"type":"expect_column_distinct_values_to_be_in_set","kwargs":{"column":"score","value_set":[1.5]}}
]}`

// TestFastPathsMatchGenericPath runs one suite over Arrow columns, which
// take the typed fast paths, and over the same columns hidden from them,
// which take the generic path every conformance case checks: the results
// must be the same, figure for figure.
func TestFastPathsMatchGenericPath(t *testing.T) {
	s := suiteOf(t, fastPathSuite)
	for _, shape := range []struct {
		name        string
		rows, batch int
		sorted      bool
	}{{"sorted ids", 3000, 700, true}, {"scrambled ids", 3000, 512, false}} {
		t.Run(shape.name, func(t *testing.T) {
			arrowSrc, anySrc := fastPathData(t, shape.rows, shape.batch, shape.sorted)
			fast, err := Run(context.Background(), s, arrowSrc, Options{Parallelism: 1})
			if err != nil {
				t.Fatal(err)
			}
			slow, err := Run(context.Background(), s, anySrc, Options{Parallelism: 1})
			if err != nil {
				t.Fatal(err)
			}
			for i := range fast.Results {
				f, g := fast.Results[i], slow.Results[i]
				fj, _ := json.Marshal(map[string]any{"success": f.Success, "result": f.Result, "exception": f.ExceptionInfo})
				gj, _ := json.Marshal(map[string]any{"success": g.Success, "result": g.Result, "exception": g.ExceptionInfo})
				if string(fj) != string(gj) {
					t.Errorf("%s %v:\nArrow:   %.600s\ngeneric: %.600s", f.ExpectationConfig.Type, f.ExpectationConfig.Kwargs, fj, gj)
				}
				if f.ExceptionInfo.Raised {
					t.Errorf("%s raised: %s", f.ExpectationConfig.Type, f.ExceptionInfo.Message)
				}
			}
		})
	}
}
