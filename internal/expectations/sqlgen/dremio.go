package sqlgen

import (
	"context"
	"encoding/json"
	"fmt"

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
	res, err := d.client.Query(ctx, dremioapi.SQLRequest{SQL: "SELECT * FROM " + table + " LIMIT 0"})
	if err != nil {
		return nil, fmt.Errorf("reading the columns of %s: %w", table, err)
	}
	names := make([]string, len(res.Schema))
	for i, c := range res.Schema {
		names[i] = c.Name
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
