package expectations

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

const conditionCSV = "g,n,r\nM,5,Pass\nF,200,Pass\nM,300,Fail\nF,,Pass\n"

// runOn runs a suite over CSV text, with columns typed where asked.
func runOn(t *testing.T, suite, csv string) *Result {
	t.Helper()
	res, err := Run(context.Background(), suiteOf(t, suite), csvSource(t, csv), Options{})
	if err != nil {
		t.Fatal(err)
	}

	return res
}

// A number in a row_condition compares with untyped CSV text that reads as
// a number as that number, as pandas, which reads such a column as
// numbers, does; text literals still compare with text.
func TestRowCondition_untypedCSVNumbers(t *testing.T) {
	for cond, want := range map[string]int64{
		`n > 100`:            2,
		`n >= 200`:           2,
		`n == 5`:             1,
		`n < 100.5`:          1,
		`n != 5`:             3, // the empty n is null, and null != 5
		`col("n")>100`:       2,
		`n > 100 & g == "F"`: 1,
		`r == "Pass"`:        3,
	} {
		suite := `{"name":"rc","expectations":[{"type":"expect_column_values_to_be_in_set","kwargs":{"column":"g","value_set":["F"],` +
			`"row_condition":` + jsonString(cond) + `,"condition_parser":"pandas"}}]}`
		res := runOn(t, suite, conditionCSV)
		if got := res.Results[0].Result["element_count"]; got != want {
			t.Errorf("%s: element_count %v, want %d (%v)", cond, got, want, res.Results[0].Result)
		}
	}
}

// Ordering a value that is not a number against a number fails the
// expectation naming the value, as pandas raises, instead of a filter that
// keeps no rows and lets the check pass on nothing.
func TestRowCondition_incomparableIsAnError(t *testing.T) {
	suite := `{"name":"rc","expectations":[
	  {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"n","row_condition":"g > 100","condition_parser":"pandas"}},
	  {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"n","row_condition":"g == 100","condition_parser":"pandas"}}]}`
	res := runOn(t, suite, conditionCSV)
	r := res.Results[0]
	if r.Success || !r.ExceptionInfo.Raised || !strings.Contains(r.ExceptionInfo.Message, `cannot compare "M" > 100`) ||
		!strings.Contains(r.ExceptionInfo.Message, "line 2") {
		t.Errorf("g > 100 on text: %+v %+v", r.Result, r.ExceptionInfo)
	}
	if r := res.Results[1]; !r.Success || r.Result["element_count"] != int64(0) {
		t.Errorf("g == 100 on text keeps no row without an error: %+v %+v", r.Result, r.ExceptionInfo)
	}
}

// Table row counts count the rows a row_condition keeps (GX's
// element_count after filtering), in the local engine as in SQL.
func TestRowCondition_tableRowCount(t *testing.T) {
	suite := `{"name":"rc","expectations":[
	  {"type":"expect_table_row_count_to_equal","kwargs":{"value":3,"row_condition":"r == \"Pass\"","condition_parser":"pandas"}},
	  {"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1,"max_value":1,"row_condition":"n > 250","condition_parser":"pandas"}},
	  {"type":"expect_table_row_count_to_equal","kwargs":{"value":4}}]}`
	res := runOn(t, suite, conditionCSV)
	for i, want := range []int64{3, 1, 4} {
		if r := res.Results[i]; !r.Success || r.Result["observed_value"] != want {
			t.Errorf("expectation %d: %+v %+v, want observed %d", i, r.Result, r.ExceptionInfo, want)
		}
	}
}

// include_unexpected_rows returns the first partial_unexpected_count rows,
// every column, as GX does.
func TestIncludeUnexpectedRows(t *testing.T) {
	suite := `{"name":"u","expectations":[{"type":"expect_column_values_to_be_in_set","kwargs":{"column":"g","value_set":["F"],
	  "result_format":{"result_format":"SUMMARY","partial_unexpected_count":1,"include_unexpected_rows":true}}}]}`
	res := runOn(t, suite, conditionCSV)
	rows, _ := res.Results[0].Result["unexpected_rows"].([]any)
	if len(rows) != 1 {
		t.Fatalf("unexpected_rows: %#v", res.Results[0].Result)
	}
	if got := js(rows[0]); got != `{"g":"M","n":"5","r":"Pass"}` {
		t.Errorf("unexpected_rows[0] = %s", got)
	}
	for _, typ := range []string{"expect_column_values_to_be_unique", "expect_column_value_z_scores_to_be_less_than"} {
		extra := ""
		if strings.Contains(typ, "z_scores") {
			extra = `,"threshold":3`
		}
		_, err := ParseSuite([]byte(`{"name":"u","expectations":[{"type":"` + typ + `","kwargs":{"column":"n"` + extra + `,
		  "result_format":{"result_format":"COMPLETE","include_unexpected_rows":true}}}]}`))
		if err == nil || !strings.Contains(err.Error(), "include_unexpected_rows is not supported") {
			t.Errorf("%s with include_unexpected_rows: %v", typ, err)
		}
	}
}

// z-scores name their rows by unexpected_index_column_names and CSV line.
func TestZScoreIndexColumns(t *testing.T) {
	csv := "id,x\na,1\nb,1\nc,1\nd,1\ne,1\nf,1\ng,1\nh,1\ni,1\nj,100\n"
	res := runOn(t, `{"name":"z","expectations":[{"type":"expect_column_value_z_scores_to_be_less_than","kwargs":{"column":"x","threshold":2,
	  "result_format":{"result_format":"COMPLETE","unexpected_index_column_names":["id"]}}}]}`, csv)
	r := res.Results[0].Result
	if got := js(r["unexpected_index_list"]); got != `[{"id":"j","x":100}]` {
		t.Errorf("unexpected_index_list = %s", got)
	}
	if got := js(r["unexpected_line_list"]); got != `[11]` {
		t.Errorf("unexpected_line_list = %s", got)
	}
}

func jsonString(s string) string { return js(s) }

// A table read from several CSV files names the file of each unexpected
// row beside its line, including a uniqueness check's first row, flagged
// after its file was read.
func TestUnexpectedRowsNameTheirFile(t *testing.T) {
	files := []string{"g,id\nA,1\nB,2\n", "g,id\nA,3\n", "g,id\nC,1\nA,5\n"}
	src, err := NewStreamSource(len(files), func(i int) (tabular.RecordStream, string, error) {
		st, err := tabular.NewCSVStream(strings.NewReader(files[i]), tabular.CSVStreamOptions{BatchRows: 1})
		return st, fmt.Sprintf("part-%d.csv", i), err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), suiteOf(t, `{"name":"f","expectations":[
	  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"g","value_set":["A"],"result_format":"COMPLETE"}},
	  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id","result_format":"COMPLETE"}}]}`), src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{`["part-0.csv","part-2.csv"] [3,2]`, `["part-0.csv","part-2.csv"] [2,2]`} {
		r := res.Results[i].Result
		if got := js(r["unexpected_file_list"]) + " " + js(r["unexpected_line_list"]); got != want {
			t.Errorf("expectation %d: files and lines %s, want %s", i, got, want)
		}
	}
	one, err := Run(context.Background(), suiteOf(t, `{"name":"f","expectations":[
	  {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"g","value_set":["A"]}}]}`), csvSource(t, files[0]), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := one.Results[0].Result["partial_unexpected_file_list"]; ok {
		t.Error("a table from one file lists files")
	}
}
