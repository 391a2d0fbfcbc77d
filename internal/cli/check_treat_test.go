package cli

import (
	"testing"
)

// treatSuite mixes column aggregates with row-wise checks over the columns
// that hold the token "NA".
const treatSuite = `{"name":"treat","expectations":[
 {"type":"expect_column_distinct_values_to_be_in_set","kwargs":{"column":"grp","value_set":["a","b","c","d"]}},
 {"type":"expect_column_distinct_values_to_equal_set","kwargs":{"column":"grp","value_set":["a","b","c","d"]}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"grp","min_value":4,"max_value":4}},
 {"type":"expect_column_most_common_value_to_be_in_set","kwargs":{"column":"grp","value_set":["a","b","c","d"],"ties_okay":true}},
 {"type":"expect_column_proportion_of_unique_values_to_be_between","kwargs":{"column":"code","min_value":0}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"code","min_value":145,"max_value":145}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"code","min_value":"S-000"}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"code","min_value":5,"max_value":5}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"grp"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"grp","value_set":["a","b","c","d"]}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"score","min_value":0}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"code"}}
]}`

// TestCheck_TreatAsNull: with --treat-as-null NA, check gives the same
// results on a file holding "NA" as on the same file with nulls in its
// place, for CSV and for Parquet (whose strings arrive as dictionaries),
// aggregates included; without the flag "NA" is a value.
func TestCheck_TreatAsNull(t *testing.T) {
	dir := t.TempDir()
	suite := writeFile(t, dir, "suite.json", []byte(treatSuite))
	rows := studentData()
	files := map[string][2]string{
		"csv":     {writeStudentsCSV(t, dir, "tokens.csv", rows), writeStudentsCSV(t, dir, "nulls.csv", nullTokens(rows))},
		"parquet": {writeStudentsParquet(t, dir, "tokens.parquet", rows), writeStudentsParquet(t, dir, "nulls.parquet", nullTokens(rows))},
	}
	for format, f := range files {
		t.Run(format, func(t *testing.T) {
			codeT, withTokens := runCheckJSON(t, "--suite", suite, "--treat-as-null", "NA", f[0])
			codeN, withNulls := runCheckJSON(t, "--suite", suite, f[1])
			if codeT != ExitFailed || codeN != ExitFailed {
				t.Errorf("exit %d with tokens, %d with nulls; want %d (not_be_null and unique fail)", codeT, codeN, ExitFailed)
			}
			if len(withTokens.Results) != 12 || len(withNulls.Results) != 12 {
				t.Fatalf("results: %d and %d, want 12", len(withTokens.Results), len(withNulls.Results))
			}
			for i, a := range withTokens.Results {
				b := withNulls.Results[i]
				if a.Success != b.Success || !sameValue(a.Result, b.Result) {
					t.Errorf("%d %s: with tokens %v %v, with nulls %v %v", i, a.ExpectationConfig.Type, a.Success, a.Result, b.Success, b.Result)
				}
			}
			r := func(i int) map[string]any { return withTokens.Results[i].Result }
			if !sameValue(r(0)["observed_value"], []any{"a", "b", "c", "d"}) || !sameValue(r(2)["observed_value"], 4.0) ||
				!sameValue(r(5)["observed_value"], float64(distinctCodes(rows))) || !sameValue(r(6)["observed_value"], "S-000") {
				t.Errorf("aggregates still count NA: distinct %v, unique grp %v, unique code %v, min code %v",
					r(0)["observed_value"], r(2)["observed_value"], r(5)["observed_value"], r(6)["observed_value"])
			}
			for _, i := range []int{0, 1, 2, 3, 4, 5, 6, 7, 9, 10} {
				if !withTokens.Results[i].Success {
					t.Errorf("%d %s failed with --treat-as-null: %v", i, withTokens.Results[i].ExpectationConfig.Type, r(i))
				}
			}

			// Without the flag "NA" is a value like any other.
			_, plain := runCheckJSON(t, "--suite", suite, f[0])
			if plain.Results[0].Success || !sameValue(plain.Results[2].Result["observed_value"], 5.0) {
				t.Errorf("without --treat-as-null: distinct %v, unique count %v", plain.Results[0].Result["observed_value"], plain.Results[2].Result["observed_value"])
			}
		})
	}
}

// distinctCodes counts the codes other than "NA".
func distinctCodes(rows []studentRow) int {
	seen := map[string]bool{}
	for _, r := range rows {
		if r.code != nil && *r.code != "NA" {
			seen[*r.code] = true
		}
	}

	return len(seen)
}
