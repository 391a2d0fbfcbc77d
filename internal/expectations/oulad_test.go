package expectations

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func csvFileSource(t *testing.T, path string) Source {
	t.Helper()
	src, err := NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, path, err
		}
		st, err := tabular.NewCSVStream(f, tabular.CSVStreamOptions{BatchRows: 128})
		return st, path, err
	})
	if err != nil {
		t.Fatal(err)
	}

	return src
}

const ouladSuite = `{"name":"oulad_student_info","expectations":[
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"final_result","value_set":["Pass","Fail","Withdrawn"]}},
 {"type":"expect_column_values_to_match_regex","kwargs":{"column":"imd_band","regex":"^[0-9]+-[0-9]+%$"}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"studied_credits","min_value":30,"max_value":240}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"studied_credits","min_value":0,"max_value":1000}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"studied_credits","max_value":400}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id_student"}},
 {"type":"expect_column_most_common_value_to_be_in_set","kwargs":{"column":"region","value_set":["East Anglian Region"]}},
 {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"num_of_prev_attempts","type_":"int"}},
 {"type":"expect_table_row_count_to_equal","kwargs":{"value":1000}}
]}`

// The real OULAD sample (its imd_band mixes "10-20" with "20-30%" and has
// blanks); every figure below was computed independently with Python's csv
// module over the same file.
func TestOULADSample(t *testing.T) {
	res, err := Run(context.Background(), suiteOf(t, ouladSuite), csvFileSource(t, "testdata/oulad/studentInfo_sample.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Results
	checks := []struct {
		i       int
		success bool
		key     string
		want    float64
		key2    string
		want2   float64
	}{
		{0, false, "unexpected_count", 87, "missing_count", 0},
		{1, false, "unexpected_count", 75, "missing_count", 23},
		{2, false, "unexpected_count", 5, "element_count", 1000},
		{3, true, "observed_value", 80.595, "missing_count", 0},
		{4, false, "observed_value", 420, "element_count", 1000},
		{5, false, "unexpected_count", 4, "missing_count", 0},
		{7, true, "unexpected_count", 0, "element_count", 1000},
		{8, true, "observed_value", 1000, "", 0},
	}
	for _, c := range checks {
		e := r[c.i]
		if e.ExceptionInfo.Raised {
			t.Errorf("%s: %s", e.ExpectationConfig.Type, e.ExceptionInfo.Message)
			continue
		}
		if e.Success != c.success || num(t, e.Result[c.key]) != c.want || (c.key2 != "" && num(t, e.Result[c.key2]) != c.want2) {
			t.Errorf("%s: success=%v %s=%v %s=%v; want %v %v %v", e.ExpectationConfig.Type, e.Success, c.key, e.Result[c.key], c.key2, e.Result[c.key2], c.success, c.want, c.want2)
		}
	}
	if !r[6].Success {
		t.Errorf("most common region: %v", r[6].Result)
	}
}

// The full OULAD table from the shared data folder, when present.
func TestOULADFull(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "oulad", "studentInfo.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared OULAD data not present (%v); the sample test covers the same suite", err)
	}
	res, err := Run(context.Background(), suiteOf(t, ouladSuite), csvFileSource(t, path), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Meta["row_count"] != int64(12489) {
		t.Errorf("row_count = %v, want 12489", res.Meta["row_count"])
	}
	if r := res.Results[1].Result; r["missing_count"] != int64(422) {
		t.Errorf("imd_band blanks: %v", r["missing_count"])
	}
}
