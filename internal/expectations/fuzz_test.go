package expectations

import "testing"

// FuzzParseSuite: any document parses to a suite or an error, never a panic.
func FuzzParseSuite(f *testing.F) {
	f.Add([]byte(`{"name":"s","expectations":[{"type":"expect_column_values_to_not_be_null","kwargs":{"column":"id"}}]}`))
	f.Add([]byte(`{"expectation_suite_name":"gx","expectations":[{"expectation_type":"expect_column_values_to_be_between","kwargs":{"column":"x","min_value":0,"max_value":1,"mostly":0.9}}]}`))
	f.Add([]byte(`{"name":"s","expectations":[{"type":"expect_column_values_to_match_regex","kwargs":{"column":"c","regex":"(a+)+$"}}]}`))
	f.Add([]byte(`{"name":"s","expectations":[{"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":-1e309}}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSuite(data)
		if err == nil && s == nil {
			t.Fatal("nil suite without an error")
		}
	})
}
