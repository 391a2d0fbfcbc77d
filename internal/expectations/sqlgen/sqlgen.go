// Package sqlgen compiles the aggregate-able expectations of a suite into
// SQL: one SELECT per table and row filter computing every count and
// aggregate at once (what GX does on SQL backends), then builds GX results
// from the returned row with the local engine's formulas. Map results carry
// counts and percentages; unexpected value lists are not fetched.
package sqlgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
)

// SQLRunner executes generated SQL. The PostgreSQL runner is in this
// package; a Dremio runner (SQL job API) implements the same interface.
type SQLRunner interface {
	// QueryRow runs a query returning exactly one row.
	QueryRow(ctx context.Context, query string) ([]any, error)
	// Columns returns a table's column names in order.
	Columns(ctx context.Context, table string) ([]string, error)
	// FloatColumns returns the table's floating-point columns, whose NaN
	// the SQL maps to NULL.
	FloatColumns(ctx context.Context, table string) ([]string, error)
	// TextColumns returns the table's text columns, the only ones whose
	// values treat-as-null tokens match (as in the local engine).
	TextColumns(ctx context.Context, table string) ([]string, error)
}

// Dialect renders the parts of SQL that differ between engines.
type Dialect interface {
	Name() string
	Quote(ident string) string
	// Search is true when expr contains a match of the regex pattern
	// (unanchored, as GX's pandas and PostgreSQL backends match).
	Search(expr, pattern string) string
	Median(expr string) string
	Double() string
	// NaNToNull maps a float expression's NaN to NULL: GX on pandas counts
	// NaN as missing, while PostgreSQL and Dremio treat it as a value
	// (greater than every number in PostgreSQL).
	NaNToNull(expr string) string
}

type postgres struct{}

func (postgres) Name() string              { return "postgres" }
func (postgres) Quote(id string) string    { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }
func (postgres) Search(e, p string) string { return fmt.Sprintf("(%s ~ %s)", e, literal(p)) }
func (postgres) Median(e string) string {
	return fmt.Sprintf("PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %s)", e)
}
func (postgres) Double() string { return "DOUBLE PRECISION" }

// NaNToNull relies on PostgreSQL's NaN = NaN.
func (postgres) NaNToNull(e string) string { return fmt.Sprintf("NULLIF(%s, 'NaN'::float8)", e) }

type dremio struct{}

func (dremio) Name() string           { return "dremio" }
func (dremio) Quote(id string) string { return `"` + strings.ReplaceAll(id, `"`, `""`) + `"` }

// Search wraps the pattern so a whole-string matcher still searches.
func (dremio) Search(e, p string) string {
	return fmt.Sprintf("REGEXP_LIKE(%s, %s)", e, literal(".*(?:"+p+").*"))
}
func (dremio) Median(e string) string {
	return fmt.Sprintf("PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %s)", e)
}
func (dremio) Double() string { return "DOUBLE" }

// NaNToNull holds whether NaN equals itself (as in PostgreSQL) or not (as
// IEEE 754 has it, which Dremio's Java and Gandiva code follows).
func (dremio) NaNToNull(e string) string {
	return fmt.Sprintf("CASE WHEN %s = CAST('NaN' AS DOUBLE) OR %s <> %s THEN NULL ELSE %s END", e, e, e, e)
}

// DialectPostgres is PostgreSQL.
func DialectPostgres() Dialect { return postgres{} }

// DialectDremio is Dremio SQL.
func DialectDremio() Dialect { return dremio{} }

// DialectByName returns "postgres" or "dremio".
func DialectByName(name string) (Dialect, error) {
	switch name {
	case "postgres", "postgresql":
		return postgres{}, nil
	case "dremio":
		return dremio{}, nil
	}

	return nil, fmt.Errorf("unknown SQL dialect %q; use postgres or dremio", name)
}

// Plan is a compiled suite.
type Plan struct {
	suite   *expectations.Suite
	table   string
	d       Dialect
	queries []*query
	items   []*item
	floats  map[string]bool // columns whose NaN is mapped to NULL
	texts   map[string]bool // text columns, nil when unknown
	null    []string        // the compiled expectation's treat-as-null tokens
}

type query struct {
	where string
	exprs []string
	sql   string
}

type item struct {
	pd      *expectations.Pushdown
	q       *query
	slots   map[string]int // element, missing, unexpected, observed -> column index
	columns bool           // needs the column list
	err     error          // not compiled: reason
}

// Compile builds the plan for a suite over table (a possibly qualified
// name, e.g. schema.table).
func Compile(s *expectations.Suite, table string, d Dialect) (*Plan, error) {
	return CompileOptions(s, table, d, expectations.Options{})
}

// CompileOptions is Compile with engine options: the mostly denominator
// and the treat-as-null values apply as in the local engine (a listed value
// is NULL in the SQL). The column types are unknown, so NaN is not mapped
// to NULL (see CompileFor).
func CompileOptions(s *expectations.Suite, table string, d Dialect, opts expectations.Options) (*Plan, error) {
	return compileTyped(s, table, d, opts, nil, nil)
}

// CompileFor reads the table's float and text columns through r, then
// compiles as CompileOptions does, with NaN in the float columns mapped to
// NULL (the local engine counts NaN as missing, as GX does on pandas) and
// treat-as-null tokens matched in the text columns only.
func CompileFor(ctx context.Context, r SQLRunner, s *expectations.Suite, table string, d Dialect, opts expectations.Options) (*Plan, error) {
	floats, err := r.FloatColumns(ctx, table)
	if err != nil {
		return nil, fmt.Errorf("reading the column types of %s: %w", table, err)
	}
	texts, err := r.TextColumns(ctx, table)
	if err != nil {
		return nil, fmt.Errorf("reading the column types of %s: %w", table, err)
	}
	if texts == nil {
		texts = []string{}
	}

	return compileTyped(s, table, d, opts, floats, texts)
}

// compileTyped compiles with the float and text columns known; texts nil
// means unknown, and then tokens are matched in every non-float column.
func compileTyped(s *expectations.Suite, table string, d Dialect, opts expectations.Options, floats, texts []string) (*Plan, error) {
	p := &Plan{suite: s, table: table, d: d, floats: map[string]bool{}}
	for _, c := range floats {
		p.floats[c] = true
	}
	if texts != nil {
		p.texts = map[string]bool{}
		for _, c := range texts {
			p.texts[c] = true
		}
	}
	byWhere := map[string]*query{}
	get := func(where string) *query {
		q, ok := byWhere[where]
		if !ok {
			q = &query{where: where, exprs: []string{"COUNT(*)"}}
			byWhere[where] = q
			p.queries = append(p.queries, q)
		}
		return q
	}
	for i := range s.Expectations {
		pd, err := expectations.PlanPushdown(s, i, opts)
		if err != nil {
			return nil, err
		}
		it := &item{pd: pd, slots: map[string]int{}}
		p.items = append(p.items, it)
		// The row condition reads the stored values, as the local
		// engine's does; the checks read them with the tokens as NULL.
		p.null = nil
		where := ""
		if pd.RowCondition != nil {
			where = p.condition(pd.RowCondition)
		}
		p.null = nullTokens(opts.TreatAsNull, pd.Config().Kwargs["treat_as_null"])
		q := get(where)
		it.q = q
		it.slots["element"] = 0
		if err := p.compile(it, q); err != nil {
			it.err = err
		}
	}
	for _, q := range p.queries {
		q.sql = fmt.Sprintf("SELECT\n  %s\nFROM %s", strings.Join(q.exprs, ",\n  "), p.tableRef())
		if q.where != "" {
			q.sql += "\nWHERE " + q.where
		}
	}

	return p, nil
}

func (p *Plan) tableRef() string {
	parts := strings.Split(p.table, ".")
	for i := range parts {
		parts[i] = p.d.Quote(parts[i])
	}

	return strings.Join(parts, ".")
}

// SQLText returns every generated query, separated by semicolons.
func (p *Plan) SQLText() string {
	var parts []string
	for _, q := range p.queries {
		parts = append(parts, q.sql+";")
	}

	return strings.Join(parts, "\n\n")
}

// NotCompiled lists the expectations left out of the SQL, with the reason.
func (p *Plan) NotCompiled() []string {
	var out []string
	for i, it := range p.items {
		if it.err != nil {
			out = append(out, fmt.Sprintf("expectations[%d] (%s): %v", i, it.pd.Config().Type, it.err))
		}
	}

	return out
}

// Queries returns the generated queries.
func (p *Plan) Queries() []string {
	out := make([]string, len(p.queries))
	for i, q := range p.queries {
		out[i] = q.sql
	}

	return out
}

func (p *Plan) add(q *query, it *item, slot, expr string) {
	it.slots[slot] = len(q.exprs)
	q.exprs = append(q.exprs, expr)
}

// val is column c's value as the local engine reads it: NaN in a float
// column is NULL.
func (p *Plan) val(c string) string {
	if p.floats[c] {
		return p.d.NaNToNull(p.d.Quote(c))
	}
	if len(p.null) > 0 && (p.texts == nil || p.texts[c]) {
		// Compared as text so the SQL holds when the type is unknown.
		lits := make([]string, len(p.null))
		for i, s := range p.null {
			lits[i] = literal(s)
		}
		q := p.d.Quote(c)
		return fmt.Sprintf("CASE WHEN CAST(%s AS VARCHAR) IN (%s) THEN NULL ELSE %s END", q, strings.Join(lits, ", "), q)
	}

	return p.d.Quote(c)
}

// nullTokens merges Options.TreatAsNull with an expectation's
// treat_as_null kwarg (a list of strings), in order, without repeats.
func nullTokens(opt []string, kwarg any) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range opt {
		add(s)
	}
	if l, ok := kwarg.([]any); ok {
		for _, v := range l {
			if s, ok := v.(string); ok {
				add(s)
			}
		}
	}

	return out
}

func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "TRUE"
		}
		return "FALSE"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}

	return "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
}

func (p *Plan) condition(rc *expectations.RowCondition) string {
	var ors []string
	for _, g := range rc.Groups {
		var ands []string
		for _, t := range g {
			c := p.val(t.Column)
			switch {
			case t.Literal == nil && t.Op == "==":
				ands = append(ands, c+" IS NULL")
			case t.Literal == nil && t.Op == "!=":
				ands = append(ands, c+" IS NOT NULL")
			case t.Op == "!=":
				// pandas: a null is unequal to everything.
				ands = append(ands, fmt.Sprintf("(%s IS NULL OR %s <> %s)", c, c, literal(t.Literal)))
			default:
				op := map[string]string{"==": "=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}[t.Op]
				ands = append(ands, fmt.Sprintf("%s %s %s", c, op, literal(t.Literal)))
			}
		}
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}

	return strings.Join(ors, " OR ")
}

func sumWhen(cond string) string { return fmt.Sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END)", cond) }

func (p *Plan) kw(it *item) map[string]any { return it.pd.Config().Kwargs }

func (p *Plan) compile(it *item, q *query) error {
	k := p.kw(it)
	typ := it.pd.Config().Type
	str := func(n string) string { s, _ := k[n].(string); return s }
	c := p.val(str("column"))
	missing := c + " IS NULL"
	mapExp := func(unexpected string) {
		p.add(q, it, "missing", sumWhen(missing))
		p.add(q, it, "unexpected", sumWhen("NOT ("+missing+") AND ("+unexpected+")"))
	}
	switch typ {
	case "expect_column_values_to_not_be_null":
		p.add(q, it, "unexpected", sumWhen(c+" IS NULL"))
	case "expect_column_values_to_be_null":
		p.add(q, it, "unexpected", sumWhen(c+" IS NOT NULL"))
	case "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set":
		vals, ok := k["value_set"].([]any)
		not := typ == "expect_column_values_to_not_be_in_set"
		switch {
		case !ok:
			mapExp("FALSE")
		case len(vals) == 0:
			mapExp(map[bool]string{false: "TRUE", true: "FALSE"}[not])
		default:
			lits := make([]string, len(vals))
			for i, v := range vals {
				lits[i] = literal(v)
			}
			in := fmt.Sprintf("%s IN (%s)", c, strings.Join(lits, ", "))
			if not {
				mapExp(in)
			} else {
				mapExp("NOT " + in)
			}
		}
	case "expect_column_values_to_be_between":
		mapExp("NOT (" + p.bounds(c, k) + ")")
	case "expect_column_value_lengths_to_be_between":
		mapExp("NOT (" + p.bounds("CHAR_LENGTH("+c+")", k) + ")")
	case "expect_column_value_lengths_to_equal":
		mapExp(fmt.Sprintf("CHAR_LENGTH(%s) <> %s", c, literal(k["value"])))
	case "expect_column_values_to_match_regex":
		mapExp("NOT " + p.d.Search(c, str("regex")))
	case "expect_column_values_to_not_match_regex":
		mapExp(p.d.Search(c, str("regex")))
	case "expect_column_values_to_match_regex_list", "expect_column_values_to_not_match_regex_list":
		l, _ := k["regex_list"].([]any)
		var parts []string
		for _, r := range l {
			parts = append(parts, p.d.Search(c, fmt.Sprint(r)))
		}
		join := " OR "
		if str("match_on") == "all" {
			join = " AND "
		}
		if typ == "expect_column_values_to_not_match_regex_list" {
			mapExp(strings.Join(parts, " OR "))
		} else {
			mapExp("NOT (" + strings.Join(parts, join) + ")")
		}
	case "expect_column_values_to_match_like_pattern":
		mapExp(fmt.Sprintf("NOT (%s LIKE %s)", c, literal(k["like_pattern"])))
	case "expect_column_values_to_not_match_like_pattern":
		mapExp(fmt.Sprintf("%s LIKE %s", c, literal(k["like_pattern"])))
	case "expect_column_values_to_be_unique":
		p.add(q, it, "missing", sumWhen(missing))
		p.add(q, it, "unexpected", p.dupes([]string{str("column")}, q.where))
	case "expect_compound_columns_to_be_unique":
		cols := strs(k["column_list"])
		p.add(q, it, "missing", sumWhen(p.ignore(cols, str("ignore_row_if"), "all_values_are_missing")))
		p.add(q, it, "unexpected", p.dupes(cols, q.where))
	case "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_to_be_equal":
		a, b := p.val(str("column_A")), p.val(str("column_B"))
		skip := p.ignore([]string{str("column_A"), str("column_B")}, str("ignore_row_if"), "both_values_are_missing")
		var good string
		if typ == "expect_column_pair_values_to_be_equal" {
			good = fmt.Sprintf("%s = %s", a, b)
		} else if or, _ := k["or_equal"].(bool); or {
			good = fmt.Sprintf("%s >= %s", a, b)
		} else {
			good = fmt.Sprintf("%s > %s", a, b)
		}
		p.add(q, it, "missing", sumWhen(skip))
		p.add(q, it, "unexpected", sumWhen(fmt.Sprintf("NOT (%s) AND (%s IS NULL OR %s IS NULL OR NOT (%s))", skip, a, b, good)))
	case "expect_multicolumn_sum_to_equal":
		cols := strs(k["column_list"])
		skip := p.ignore(cols, str("ignore_row_if"), "all_values_are_missing")
		var terms []string
		for _, x := range cols {
			terms = append(terms, "COALESCE("+p.val(x)+", 0)")
		}
		p.add(q, it, "missing", sumWhen(skip))
		p.add(q, it, "unexpected", sumWhen(fmt.Sprintf("NOT (%s) AND (%s) <> %s", skip, strings.Join(terms, " + "), literal(k["sum_total"]))))
	case "expect_column_min_to_be_between":
		p.agg(it, q, c, "MIN("+c+")")
	case "expect_column_max_to_be_between":
		p.agg(it, q, c, "MAX("+c+")")
	case "expect_column_sum_to_be_between":
		p.agg(it, q, c, fmt.Sprintf("CAST(SUM(%s) AS %s)", c, p.d.Double()))
	case "expect_column_mean_to_be_between":
		p.agg(it, q, c, fmt.Sprintf("CAST(AVG(%s) AS %s)", c, p.d.Double()))
	case "expect_column_stdev_to_be_between":
		p.agg(it, q, c, fmt.Sprintf("CAST(STDDEV_SAMP(%s) AS %s)", c, p.d.Double()))
	case "expect_column_median_to_be_between":
		p.agg(it, q, c, fmt.Sprintf("CAST(%s AS %s)", p.d.Median(c), p.d.Double()))
	case "expect_column_unique_value_count_to_be_between":
		p.agg(it, q, c, "COUNT(DISTINCT "+c+")")
	case "expect_column_proportion_of_unique_values_to_be_between":
		p.agg(it, q, c, fmt.Sprintf("COALESCE(CAST(COUNT(DISTINCT %s) AS %s) / NULLIF(COUNT(%s), 0), 0)", c, p.d.Double(), c))
	case "expect_table_row_count_to_equal", "expect_table_row_count_to_be_between":
	case "expect_table_column_count_to_equal", "expect_table_column_count_to_be_between", "expect_column_to_exist",
		"expect_table_columns_to_match_ordered_list", "expect_table_columns_to_match_set":
		it.columns = true
	default:
		return fmt.Errorf("%s is not compiled to SQL; run it with --engine local", typ)
	}

	return nil
}

func (p *Plan) agg(it *item, q *query, c, expr string) {
	p.add(q, it, "missing", sumWhen(c+" IS NULL"))
	p.add(q, it, "observed", expr)
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		out = append(out, fmt.Sprint(x))
	}

	return out
}

// ignore renders ignore_row_if as the condition of a skipped row.
func (p *Plan) ignore(cols []string, rule, def string) string {
	if rule == "" {
		rule = def
	}
	var nulls []string
	for _, c := range cols {
		nulls = append(nulls, p.val(c)+" IS NULL")
	}
	switch rule {
	case "both_values_are_missing", "all_values_are_missing":
		return "(" + strings.Join(nulls, " AND ") + ")"
	case "either_value_is_missing", "any_value_is_missing":
		return "(" + strings.Join(nulls, " OR ") + ")"
	}

	return "FALSE"
}

// dupes counts rows whose (non-null) key occurs more than once, every
// occurrence included, as GX does.
func (p *Plan) dupes(cols []string, where string) string {
	var qc, nn []string
	for _, c := range cols {
		qc = append(qc, p.val(c))
		nn = append(nn, p.val(c)+" IS NOT NULL")
	}
	if where != "" {
		nn = append(nn, "("+where+")")
	}

	return fmt.Sprintf("(SELECT COALESCE(SUM(n), 0) FROM (SELECT COUNT(*) AS n FROM %s WHERE %s GROUP BY %s HAVING COUNT(*) > 1) dup)",
		p.tableRef(), strings.Join(nn, " AND "), strings.Join(qc, ", "))
}

func (p *Plan) bounds(expr string, k map[string]any) string {
	var parts []string
	if v, ok := k["min_value"]; ok && v != nil {
		op := ">="
		if s, _ := k["strict_min"].(bool); s {
			op = ">"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", expr, op, literal(v)))
	}
	if v, ok := k["max_value"]; ok && v != nil {
		op := "<="
		if s, _ := k["strict_max"].(bool); s {
			op = "<"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", expr, op, literal(v)))
	}
	if len(parts) == 0 {
		return "TRUE"
	}

	return strings.Join(parts, " AND ")
}

// Run executes the plan and assembles the suite result. An expectation
// whose query fails is reported failed with the error, the others still
// run (a failing metric does not sink the suite).
func (p *Plan) Run(ctx context.Context, r SQLRunner) (*expectations.Result, error) {
	rows := map[*query][]any{}
	qerr := map[*query]error{}
	for _, q := range p.queries {
		row, err := r.QueryRow(ctx, q.sql)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			qerr[q] = err
			continue
		}
		rows[q] = row
	}
	var cols []string
	var colErr error
	for _, it := range p.items {
		if it.columns && cols == nil && colErr == nil {
			cols, colErr = r.Columns(ctx, p.table)
		}
	}
	var total int64
	results := make([]expectations.ExpectationResult, len(p.items))
	for i, it := range p.items {
		switch {
		case it.err != nil:
			results[i] = it.pd.Failed(it.err)
			continue
		case qerr[it.q] != nil:
			results[i] = it.pd.Failed(fmt.Errorf("query failed: %w", qerr[it.q]))
			continue
		case it.columns && colErr != nil:
			results[i] = it.pd.Failed(fmt.Errorf("reading columns: %w", colErr))
			continue
		}
		row := rows[it.q]
		c := expectations.Counts{Columns: cols}
		c.Element = asInt(row[it.slots["element"]])
		if it.q.where == "" {
			total = c.Element
		}
		if j, ok := it.slots["missing"]; ok {
			c.Missing = asInt(row[j])
		}
		if j, ok := it.slots["unexpected"]; ok {
			c.Unexpected = asInt(row[j])
		}
		if j, ok := it.slots["observed"]; ok {
			c.Observed = asValue(row[j])
		}
		results[i] = it.pd.Result(c)
	}

	return expectations.Assemble(p.suite, results, total, "sql:"+p.d.Name()), nil
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case float64:
		return int64(math.Round(x))
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	if f, ok := v.(interface{ Float64Value() (float64, error) }); ok {
		if x, err := f.Float64Value(); err == nil {
			return int64(math.Round(x))
		}
	}

	return 0
}

// asValue converts a driver value to the engine's value set.
func asValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64, float64, string, bool:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case float32:
		return float64(x)
	case time.Time:
		return x.UTC()
	case []byte:
		return string(x)
	}
	if f, ok := v.(interface{ Float64Value() (float64, error) }); ok {
		if x, err := f.Float64Value(); err == nil {
			return x
		}
	}

	return fmt.Sprint(v)
}

var errNoRows = errors.New("query returned no row")
