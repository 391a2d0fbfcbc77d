package cli

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// sqlSuite holds expectations the SQL engine compiles: row-wise checks,
// aggregates, table checks and a row condition, some passing, some not.
const sqlSuite = `{"name":"pushdown","expectations":[
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"grp"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"grp","value_set":["a","b","c","d"],"mostly":0.7}},
 {"type":"expect_column_values_to_not_be_in_set","kwargs":{"column":"grp","value_set":["NA"]}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":90}},
 {"type":"expect_column_values_to_match_regex","kwargs":{"column":"code","regex":"^S-[0-9]{3}$"}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"code","min_value":5,"max_value":5}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"code"}},
 {"type":"expect_table_row_count_to_equal","kwargs":{"value":240}},
 {"type":"expect_table_column_count_to_equal","kwargs":{"value":4}},
 {"type":"expect_table_columns_to_match_set","kwargs":{"column_set":["id","grp","score","code"],"exact_match":true}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"score","min_value":40,"max_value":60}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"score","min_value":0}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"score","max_value":90}},
 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"score","min_value":0}},
 {"type":"expect_column_stdev_to_be_between","kwargs":{"column":"score","min_value":10,"max_value":50}},
 {"type":"expect_column_median_to_be_between","kwargs":{"column":"score","min_value":40,"max_value":60}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"grp","min_value":4,"max_value":4}},
 {"type":"expect_column_proportion_of_unique_values_to_be_between","kwargs":{"column":"code","min_value":0.5}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":10,"row_condition":"grp == \"a\"","condition_parser":"pandas"}}
]}`

// loadStudents creates public.students in a new database of pg and copies
// the rows in; it returns the database's DSN.
func loadStudents(t *testing.T, pg *acctest.Postgres, rows []studentRow) string {
	t.Helper()
	ctx := context.Background()
	dsn, err := pg.CreateDatabase("check_cli")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }() // every statement has committed by then
	if _, err := conn.Exec(ctx, `CREATE TABLE public.students (id bigint, grp text, score double precision, code text)`); err != nil {
		t.Fatal(err)
	}
	src := make([][]any, len(rows))
	for i, r := range rows {
		src[i] = []any{r.id, r.grp, r.score, r.code}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"public", "students"}, []string{"id", "grp", "score", "code"}, pgx.CopyFromRows(src)); err != nil {
		t.Fatal(err)
	}

	return dsn
}

// TestCheck_SQLEngineMatchesLocal runs `check --engine sql --dsn` against a
// real PostgreSQL holding the same rows as a Parquet file: the exit code and
// the results (success, counts, observed values) equal the local engine's
// on the file, with and without --treat-as-null.
func TestCheck_SQLEngineMatchesLocal(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run against a real PostgreSQL")
	}
	pg, err := acctest.StartPostgres()
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Stop()
	dir := t.TempDir()
	rows := studentData()
	dsn := loadStudents(t, pg, rows)
	data := writeStudentsParquet(t, dir, "students.parquet", rows)
	suite := writeFile(t, dir, "suite.json", []byte(sqlSuite))

	for name, extra := range map[string][]string{"plain": nil, "treat-as-null": {"--treat-as-null", "NA"}} {
		t.Run(name, func(t *testing.T) {
			localCode, local := runCheckJSON(t, append([]string{"--suite", suite}, append(extra, data)...)...)
			sqlCode, remote := runCheckJSON(t, append([]string{"--suite", suite, "--engine", "sql", "--dsn", dsn}, append(extra, "public.students")...)...)
			if sqlCode != ExitFailed || localCode != sqlCode {
				t.Errorf("exit: sql %d, local %d; want %d for both", sqlCode, localCode, ExitFailed)
			}
			if remote.Success || remote.Statistics["evaluated_expectations"] != float64(20) || len(remote.Results) != 20 {
				t.Fatalf("sql result: success %v, statistics %v, %d results", remote.Success, remote.Statistics, len(remote.Results))
			}
			passes := 0
			for i, l := range local.Results {
				r := remote.Results[i]
				if l.ExpectationConfig.Type != r.ExpectationConfig.Type {
					t.Fatalf("%d: local %s, sql %s", i, l.ExpectationConfig.Type, r.ExpectationConfig.Type)
				}
				if l.Success != r.Success {
					t.Errorf("%d %s: success local %v, sql %v\nlocal %v\nsql   %v", i, l.ExpectationConfig.Type, l.Success, r.Success, l.Result, r.Result)
				}
				if r.Success {
					passes++
				}
				for _, k := range []string{"element_count", "missing_count", "unexpected_count", "unexpected_percent", "observed_value"} {
					lv, lok := l.Result[k]
					rv, rok := r.Result[k]
					if lok != rok || !sameValue(lv, rv) {
						t.Errorf("%d %s: %s local %v (present %v), sql %v (present %v)", i, l.ExpectationConfig.Type, k, lv, lok, rv, rok)
					}
				}
			}
			if passes == 0 || passes == len(remote.Results) {
				t.Errorf("the suite should mix passing and failing expectations: %d of %d pass", passes, len(remote.Results))
			}
			// With --treat-as-null the token is missing in SQL too.
			notIn := remote.Results[2]
			if (len(extra) > 0) != notIn.Success {
				t.Errorf("not_in_set [NA] with %v: success %v, %v", extra, notIn.Success, notIn.Result)
			}
		})
	}
}
