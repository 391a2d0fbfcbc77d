package sqlgen_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations/sqlgen"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// pgAsDremio answers the Dremio fake's SQL jobs from a real PostgreSQL
// holding the same table: the two Dremio spellings the dialect uses are
// mapped (CAST AS DOUBLE, REGEXP_LIKE as a SQL function), and unnamed result
// columns are named EXPR$n by position, as Dremio names them.
func pgAsDremio(t *testing.T, dsn string) func(string, []string) (*dremiotest.Result, error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(ctx) }) // every statement has committed by then
	if _, err := conn.Exec(ctx, `CREATE FUNCTION regexp_like(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 ~ $2'`); err != nil {
		t.Fatal(err)
	}

	return func(sql string, _ []string) (*dremiotest.Result, error) {
		rows, err := conn.Query(ctx, strings.ReplaceAll(sql, " AS DOUBLE)", " AS DOUBLE PRECISION)"))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		res := &dremiotest.Result{}
		names := make([]string, len(rows.FieldDescriptions()))
		for i, fd := range rows.FieldDescriptions() {
			names[i] = fmt.Sprintf("EXPR$%d", i)
			typ := "DOUBLE"
			if strings.HasPrefix(sql, "SELECT * ") { // plain columns keep their names and types
				names[i] = fd.Name
				typ = map[uint32]string{pgtype.Float8OID: "DOUBLE", pgtype.Float4OID: "FLOAT", pgtype.Int8OID: "BIGINT"}[fd.DataTypeOID]
				if typ == "" {
					typ = "VARCHAR"
				}
			}
			res.Columns = append(res.Columns, dremiotest.Column{Name: names[i], Type: typ})
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return nil, err
			}
			m := map[string]any{}
			for i, v := range vals {
				if n, ok := v.(pgtype.Numeric); ok {
					f, _ := n.Float64Value()
					v = f.Float64
				}
				m[names[i]] = v
			}
			res.Rows = append(res.Rows, m)
		}

		return res, rows.Err()
	}
}

// The Dremio path end to end: compiled checks are submitted as jobs to the
// Dremio API, polled, paged and mapped back, and agree with the local engine.
func TestPushdownThroughDremioJobAPI(t *testing.T) {
	ctx := context.Background()
	rows := genRows()
	dsn := loadPostgres(t, rows)
	suite, err := expectations.ParseSuite([]byte(suiteJSON))
	if err != nil {
		t.Fatal(err)
	}
	fake := dremiotest.New()
	defer fake.Close()
	fake.SetJobPolls(3) // each job reports RUNNING twice before COMPLETED
	fake.SetSQLHandler(pgAsDremio(t, dsn))
	client, err := dremio.NewFromSettings(providerdata.DremioSettings{Configured: true, Endpoint: fake.URL,
		Username: dremiotest.Username, Password: dremiotest.Password}, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sqlgen.CompileFor(ctx, sqlgen.NewDremio(client), suite, "public.students", sqlgen.DialectDremio(), expectations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	viaDremio, err := plan.Run(ctx, sqlgen.NewDremio(client))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlgen.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pg.Close() }() // the plan only reads
	pgPlan, err := sqlgen.CompileFor(ctx, pg, suite, "public.students", sqlgen.DialectPostgres(), expectations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := pgPlan.Run(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range direct.Results {
		r := viaDremio.Results[i]
		name := fmt.Sprintf("%d %s", i, d.ExpectationConfig.Type)
		if d.Success != r.Success || d.ExceptionInfo.Raised != r.ExceptionInfo.Raised {
			t.Errorf("%s: success direct=%v dremio=%v (%s)", name, d.Success, r.Success, r.ExceptionInfo.Message)
		}
		for _, k := range []string{"element_count", "missing_count", "unexpected_count", "observed_value"} {
			if !same(d.Result[k], r.Result[k]) {
				t.Errorf("%s: %s direct=%v dremio=%v", name, k, d.Result[k], r.Result[k])
			}
		}
	}
	if viaDremio.Meta["row_count"] != int64(nRows) {
		t.Errorf("row_count = %v", viaDremio.Meta["row_count"])
	}
}
