package sqlgen

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	dremioapi "github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
)

// Dremio runs compiled checks through Dremio's SQL job API: each query is
// submitted as a job, polled until it ends, and its result pages are read.
type Dremio struct {
	client *dremioapi.Client
}

// NewDremio wraps a Dremio client (see dremioapi.NewFromSettings).
func NewDremio(c *dremioapi.Client) *Dremio { return &Dremio{client: c} }

// QueryRow implements SQLRunner; values come back in the query's column order.
func (d *Dremio) QueryRow(ctx context.Context, query string) ([]any, error) {
	res, err := d.client.Query(ctx, dremioapi.SQLRequest{SQL: query})
	if err != nil {
		return nil, err
	}
	if len(res.Rows) == 0 {
		return nil, errNoRows
	}
	row := make([]any, len(res.Schema))
	for i, c := range res.Schema {
		row[i] = jsonValue(res.Rows[0][c.Name])
	}

	return row, nil
}

// Columns implements SQLRunner with an empty query, which gives the schema.
func (d *Dremio) Columns(ctx context.Context, table string) ([]string, error) {
	return d.fields(ctx, table, func(string) bool { return true })
}

// FloatColumns implements SQLRunner: FLOAT and DOUBLE columns.
func (d *Dremio) FloatColumns(ctx context.Context, table string) ([]string, error) {
	return d.fields(ctx, table, func(t string) bool { return t == "FLOAT" || t == "DOUBLE" })
}

// TextColumns implements SQLRunner: VARCHAR and CHAR columns.
func (d *Dremio) TextColumns(ctx context.Context, table string) ([]string, error) {
	return d.fields(ctx, table, func(t string) bool { return t == "VARCHAR" || t == "CHAR" })
}

// fields lists the table's columns whose type keep accepts.
func (d *Dremio) fields(ctx context.Context, table string, keep func(typ string) bool) ([]string, error) {
	res, err := d.client.Query(ctx, dremioapi.SQLRequest{SQL: "SELECT * FROM " + table + " LIMIT 0"})
	if err != nil {
		return nil, fmt.Errorf("reading the schema of %s: %w", table, err)
	}
	names := []string{}
	for _, c := range res.Schema {
		if keep(strings.ToUpper(c.Type.Name)) {
			names = append(names, c.Name)
		}
	}

	return names, nil
}

// jsonValue turns the job API's JSON numbers into the int64 or float64 the
// result builder expects from a database driver.
func jsonValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()

		return f
	case float64:
		if x == float64(int64(x)) && x < 1<<53 && x > -(1<<53) {
			return int64(x)
		}
	}

	return v
}
