package sqlgen_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/jackc/pgx/v5"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations/sqlgen"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

var testPostgres *acctest.Postgres

func TestMain(m *testing.M) { os.Exit(acctest.RunWithServices(m, nil, &testPostgres)) }

const nRows = 5000

type row struct {
	id         int64
	grp, code  *string
	score      *float64
	a, b       *int64
	registered int64
}

func genRows() []row {
	groups := []string{"a", "b", "c", "d", "e", "x"}
	out := make([]row, nRows)
	for i := range out {
		r := row{id: int64(i), registered: int64(i % 97)}
		if i%11 != 0 {
			g := groups[(i*7)%len(groups)]
			r.grp = &g
		}
		if i%13 != 0 {
			c := fmt.Sprintf("S-%03d", i%1000)
			if i%17 == 0 {
				c = fmt.Sprintf("bad%d", i)
			}
			r.code = &c
		}
		if i%9 != 0 {
			s := float64((i*37)%1200)/10 - 5
			if i%23 == 0 {
				s = math.NaN() // missing, as a null is
			}
			r.score = &s
		}
		if i%5 != 0 {
			a := int64(i % 50)
			r.a = &a
		}
		if i%7 != 0 {
			b := int64((i * 3) % 50)
			r.b = &b
		}
		out[i] = r
	}

	return out
}

func loadPostgres(t *testing.T, rows []row) string {
	t.Helper()
	ctx := context.Background()
	dsn, err := testPostgres.CreateDatabase(strings.ReplaceAll(acctest.RandomName(), "-", "_"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }() // every statement has committed by then
	if _, err := conn.Exec(ctx, `CREATE TABLE public.students (id bigint, grp text, code text, score double precision, a bigint, b bigint, registered bigint)`); err != nil {
		t.Fatal(err)
	}
	src := make([][]any, len(rows))
	for i, r := range rows {
		src[i] = []any{r.id, r.grp, r.code, r.score, r.a, r.b, r.registered}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"public", "students"}, []string{"id", "grp", "code", "score", "a", "b", "registered"}, pgx.CopyFromRows(src)); err != nil {
		t.Fatal(err)
	}

	return dsn
}

func writeParquet(t *testing.T, rows []row) string {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "grp", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "b", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "registered", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer bld.Release()
	for _, r := range rows {
		bld.Field(0).(*array.Int64Builder).Append(r.id)
		appendStr(bld.Field(1).(*array.StringBuilder), r.grp)
		appendStr(bld.Field(2).(*array.StringBuilder), r.code)
		if r.score == nil {
			bld.Field(3).AppendNull()
		} else {
			bld.Field(3).(*array.Float64Builder).Append(*r.score)
		}
		for j, p := range []*int64{r.a, r.b} {
			if p == nil {
				bld.Field(4 + j).AppendNull()
			} else {
				bld.Field(4 + j).(*array.Int64Builder).Append(*p)
			}
		}
		bld.Field(6).(*array.Int64Builder).Append(r.registered)
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "students.parquet")
	parquettest.File(t, path, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(1500)), pqarrow.DefaultWriterProps(), rec)

	return path
}

func appendStr(b *array.StringBuilder, s *string) {
	if s == nil {
		b.AppendNull()
	} else {
		b.Append(*s)
	}
}

const suiteJSON = `{"name":"pushdown","expectations":[
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"grp"}},
 {"type":"expect_column_values_to_be_null","kwargs":{"column":"grp"}},
 {"type":"expect_column_values_to_be_in_set","kwargs":{"column":"grp","value_set":["a","b","c","d","e"],"mostly":0.8}},
 {"type":"expect_column_values_to_not_be_in_set","kwargs":{"column":"grp","value_set":["x"]}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"max_value":100,"strict_min":true,"strict_max":true}},
 {"type":"expect_column_values_to_match_regex","kwargs":{"column":"code","regex":"^S-[0-9]{3}$"}},
 {"type":"expect_column_values_to_not_match_regex","kwargs":{"column":"code","regex":"bad"}},
 {"type":"expect_column_values_to_match_regex_list","kwargs":{"column":"code","regex_list":["^S-","^bad"],"match_on":"any"}},
 {"type":"expect_column_value_lengths_to_be_between","kwargs":{"column":"code","min_value":5,"max_value":5}},
 {"type":"expect_column_value_lengths_to_equal","kwargs":{"column":"code","value":5}},
 {"type":"expect_column_values_to_match_like_pattern","kwargs":{"column":"code","like_pattern":"S-%"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"code"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["grp","registered"]}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"a","column_B":"b","or_equal":true}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"a","column_B":"b","ignore_row_if":"either_value_is_missing"}},
 {"type":"expect_column_pair_values_to_be_equal","kwargs":{"column_A":"a","column_B":"b"}},
 {"type":"expect_multicolumn_sum_to_equal","kwargs":{"column_list":["a","b"],"sum_total":60}},
 {"type":"expect_table_row_count_to_equal","kwargs":{"value":5000}},
 {"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1,"max_value":4000}},
 {"type":"expect_table_column_count_to_equal","kwargs":{"value":7}},
 {"type":"expect_column_to_exist","kwargs":{"column":"score"}},
 {"type":"expect_table_columns_to_match_set","kwargs":{"column_set":["id","grp","code","score","a","b"],"exact_match":true}},
 {"type":"expect_column_mean_to_be_between","kwargs":{"column":"score","min_value":40,"max_value":60}},
 {"type":"expect_column_min_to_be_between","kwargs":{"column":"score","min_value":-10}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"a","max_value":48}},
 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"a","min_value":0}},
 {"type":"expect_column_stdev_to_be_between","kwargs":{"column":"score","min_value":10,"max_value":50}},
 {"type":"expect_column_median_to_be_between","kwargs":{"column":"score","min_value":50,"max_value":60}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"grp","min_value":6,"max_value":6}},
 {"type":"expect_column_proportion_of_unique_values_to_be_between","kwargs":{"column":"id","min_value":1}},
 {"type":"expect_column_values_to_be_between","kwargs":{"column":"score","min_value":0,"row_condition":"grp == \"a\"","condition_parser":"pandas"}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"code","row_condition":"registered > 50 & grp != \"x\"","condition_parser":"pandas"}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"score"}},
 {"type":"expect_column_values_to_be_null","kwargs":{"column":"score"}},
 {"type":"expect_column_values_to_be_unique","kwargs":{"column":"score"}},
 {"type":"expect_compound_columns_to_be_unique","kwargs":{"column_list":["score","grp"]}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"score","column_B":"a"}},
 {"type":"expect_column_pair_values_a_to_be_greater_than_b","kwargs":{"column_A":"score","column_B":"a","ignore_row_if":"either_value_is_missing"}},
 {"type":"expect_multicolumn_sum_to_equal","kwargs":{"column_list":["score","a"],"sum_total":60}},
 {"type":"expect_column_max_to_be_between","kwargs":{"column":"score","max_value":200}},
 {"type":"expect_column_sum_to_be_between","kwargs":{"column":"score","min_value":0}},
 {"type":"expect_column_unique_value_count_to_be_between","kwargs":{"column":"score","min_value":1}},
 {"type":"expect_column_proportion_of_unique_values_to_be_between","kwargs":{"column":"score","min_value":0.5}},
 {"type":"expect_column_values_to_not_be_null","kwargs":{"column":"code","row_condition":"score > 50","condition_parser":"pandas"}},
 {"type":"expect_table_row_count_to_be_between","kwargs":{"min_value":1,"max_value":100000,"row_condition":"grp == \"a\" | score > 90","condition_parser":"pandas"}}
]}`

// The same suite over the same data gives the same results from the local
// engine (Parquet) and from SQL pushed down to a real PostgreSQL.
func TestPushdownMatchesLocalEngine(t *testing.T) {
	ctx := context.Background()
	rows := genRows()
	dsn := loadPostgres(t, rows)
	path := writeParquet(t, rows)
	suite, err := expectations.ParseSuite([]byte(suiteJSON))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlgen.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pg.Close() }() // the plan only reads
	// Treat-as-null tokens of a text column ("x" in grp, "S-005" in code)
	// and one no value holds; "5" never matches the numbers of a, b or id.
	for name, opts := range map[string]expectations.Options{
		"plain":         {},
		"treat-as-null": {TreatAsNull: []string{"x", "S-005", "5", "absent"}},
	} {
		t.Run(name, func(t *testing.T) { pushdownMatches(ctx, t, pg, suite, path, opts) })
	}
}

func pushdownMatches(ctx context.Context, t *testing.T, pg *sqlgen.Postgres, suite *expectations.Suite, path string, opts expectations.Options) {
	src, err := expectations.NewStreamSource(1, func(int) (tabular.RecordStream, string, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, path, err
		}
		st, err := tabular.NewParquetStream(ctx, f, 1000)
		return st, path, err
	})
	if err != nil {
		t.Fatal(err)
	}
	local, err := expectations.Run(ctx, suite, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sqlgen.CompileFor(ctx, pg, suite, "public.students", sqlgen.DialectPostgres(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(plan.Queries()); n != 5 {
		t.Errorf("want one query per row filter (5), got %d:\n%s", n, plan.SQLText())
	}
	if !strings.Contains(plan.SQLText(), `NULLIF("score", 'NaN'::float8)`) {
		t.Errorf("NaN in the float column is not mapped to NULL:\n%s", plan.SQLText())
	}
	if len(opts.TreatAsNull) > 0 && !strings.Contains(plan.SQLText(), `CASE WHEN CAST("grp" AS VARCHAR) IN ('x', 'S-005', '5', 'absent') THEN NULL ELSE "grp" END`) {
		t.Errorf("treat-as-null tokens are not mapped to NULL:\n%s", plan.SQLText())
	}
	if nc := plan.NotCompiled(); len(nc) > 0 {
		t.Errorf("not compiled: %v", nc)
	}
	remote, err := plan.Run(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	passes, fails := 0, 0
	for i, l := range local.Results {
		r := remote.Results[i]
		name := fmt.Sprintf("%d %s", i, l.ExpectationConfig.Type)
		if r.ExceptionInfo.Raised || l.ExceptionInfo.Raised {
			t.Errorf("%s: exception local=%q sql=%q", name, l.ExceptionInfo.Message, r.ExceptionInfo.Message)
			continue
		}
		if l.Success != r.Success {
			t.Errorf("%s: success local=%v sql=%v\nlocal %v\nsql   %v", name, l.Success, r.Success, l.Result, r.Result)
		}
		if l.Success {
			passes++
		} else {
			fails++
		}
		for _, k := range []string{"element_count", "missing_count", "unexpected_count", "unexpected_percent", "observed_value"} {
			lv, lok := l.Result[k]
			rv, rok := r.Result[k]
			if lok != rok {
				t.Errorf("%s: %s present local=%v sql=%v", name, k, lok, rok)
				continue
			}
			if !same(lv, rv) {
				t.Errorf("%s: %s local=%v (%T) sql=%v (%T)", name, k, lv, lv, rv, rv)
			}
		}
	}
	t.Logf("%d expectations agree: %d pass, %d fail", len(local.Results), passes, fails)
	if passes == 0 || fails == 0 {
		t.Errorf("the suite should mix passing and failing expectations: %d pass, %d fail", passes, fails)
	}
	if remote.Meta["row_count"] != int64(nRows) {
		t.Errorf("row_count = %v", remote.Meta["row_count"])
	}
}

func same(a, b any) bool {
	fa, aok := toF(a)
	fb, bok := toF(b)
	if aok && bok {
		return fa == fb || math.Abs(fa-fb) <= 1e-9*math.Max(1, math.Abs(fa))
	}

	return fmt.Sprint(a) == fmt.Sprint(b)
}

func toF(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int:
		return float64(x), true
	}

	return 0, false
}

// The Dremio dialect is checked on its text: regex search semantics kept
// with REGEXP_LIKE, DOUBLE casts, quoted identifiers and one query per filter.
func TestDremioDialectText(t *testing.T) {
	suite, err := expectations.ParseSuite([]byte(suiteJSON))
	if err != nil {
		t.Fatal(err)
	}
	d, err := sqlgen.DialectByName("dremio")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sqlgen.Compile(suite, "lake.oulad.students", d)
	if err != nil {
		t.Fatal(err)
	}
	sql := plan.SQLText()
	for _, want := range []string{
		`FROM "lake"."oulad"."students"`,
		`REGEXP_LIKE("code", '.*(?:^S-[0-9]{3}$).*')`,
		`CAST(AVG("score") AS DOUBLE)`,
		`CAST(STDDEV_SAMP("score") AS DOUBLE)`,
		`PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "score")`,
		`SUM(CASE WHEN "grp" IS NULL THEN 1 ELSE 0 END)`,
		`WHERE ("grp" = 'a')`,
		`WHERE ("registered" > 50 AND ("grp" IS NULL OR "grp" <> 'x'))`,
		`HAVING COUNT(*) > 1`,
	} {
		if !strings.Contains(sql, want) {
			t.Errorf("Dremio SQL lacks %q:\n%s", want, sql)
		}
	}
	if strings.Contains(sql, "~") || strings.Contains(sql, "DOUBLE PRECISION") {
		t.Errorf("PostgreSQL syntax in Dremio SQL:\n%s", sql)
	}
	if n := strings.Count(sql, "SELECT\n"); n != 5 {
		t.Errorf("want 5 top-level queries, got %d", n)
	}
	if strings.Contains(sql, "NaN") {
		t.Errorf("NaN mapped without the column types:\n%s", sql)
	}
}

// floatsOnly reports a table's float columns and runs nothing.
type floatsOnly []string

func (f floatsOnly) QueryRow(context.Context, string) ([]any, error) {
	return nil, errors.New("not run")
}
func (f floatsOnly) Columns(context.Context, string) ([]string, error) {
	return nil, errors.New("not run")
}
func (f floatsOnly) FloatColumns(context.Context, string) ([]string, error) { return f, nil }
func (f floatsOnly) TextColumns(context.Context, string) ([]string, error)  { return nil, nil }

// With the column types known, every reading of a float column maps NaN
// to NULL (PostgreSQL and Dremio treat NaN as a value); other columns are
// read as they are.
func TestNaNMappedToNullInFloatColumns(t *testing.T) {
	suite, err := expectations.ParseSuite([]byte(suiteJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		d    sqlgen.Dialect
		want []string
	}{
		{sqlgen.DialectPostgres(), []string{
			`SUM(CASE WHEN NULLIF("score", 'NaN'::float8) IS NULL THEN 1 ELSE 0 END)`,
			`CAST(AVG(NULLIF("score", 'NaN'::float8)) AS DOUBLE PRECISION)`,
			`MAX(NULLIF("score", 'NaN'::float8))`,
			`GROUP BY NULLIF("score", 'NaN'::float8), "grp"`,
			`COALESCE(NULLIF("score", 'NaN'::float8), 0) + COALESCE("a", 0)`,
			`WHERE (NULLIF("score", 'NaN'::float8) > 50)`,
		}},
		{sqlgen.DialectDremio(), []string{
			`MAX(CASE WHEN "score" = CAST('NaN' AS DOUBLE) OR "score" <> "score" THEN NULL ELSE "score" END)`,
		}},
	} {
		plan, err := sqlgen.CompileFor(context.Background(), floatsOnly{"score"}, suite, "t", tc.d, expectations.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sql := plan.SQLText()
		for _, w := range tc.want {
			if !strings.Contains(sql, w) {
				t.Errorf("%s SQL lacks %s:\n%s", tc.d.Name(), w, sql)
			}
		}
		if strings.Contains(sql, `NULLIF("grp"`) || strings.Contains(sql, `WHEN "a" = CAST('NaN'`) {
			t.Errorf("%s: NaN mapped in a column that is not float:\n%s", tc.d.Name(), sql)
		}
	}
}

// A string literal with a quote cannot break out of the SQL.
func TestLiteralQuoting(t *testing.T) {
	suite, err := expectations.ParseSuite([]byte(`{"name":"q","expectations":[{"type":"expect_column_values_to_be_in_set","kwargs":{"column":"na\"me","value_set":["O'Brien"]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sqlgen.Compile(suite, "t", sqlgen.DialectPostgres())
	if err != nil {
		t.Fatal(err)
	}
	if sql := plan.SQLText(); !strings.Contains(sql, `"na""me" IN ('O''Brien')`) {
		t.Errorf("quoting: %s", sql)
	}
}
