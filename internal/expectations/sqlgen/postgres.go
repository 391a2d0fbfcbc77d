package sqlgen

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Postgres runs plans on PostgreSQL through pgx.
type Postgres struct{ conn *pgx.Conn }

var _ SQLRunner = (*Postgres)(nil)

// OpenPostgres connects to a DSN such as postgres://user@host:5432/db.
func OpenPostgres(ctx context.Context, dsn string) (*Postgres, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}

	return &Postgres{conn: conn}, nil
}

// Close ends the connection.
func (p *Postgres) Close() error { return p.conn.Close(context.Background()) }

// QueryRow implements SQLRunner.
func (p *Postgres) QueryRow(ctx context.Context, query string) ([]any, error) {
	rows, err := p.conn.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, errNoRows
	}
	vals, err := rows.Values()
	if err != nil {
		return nil, err
	}
	for i, v := range vals {
		if n, ok := v.(pgtype.Numeric); ok {
			f, err := n.Float64Value()
			if err == nil && f.Valid {
				vals[i] = f.Float64
			} else {
				vals[i] = nil
			}
		}
	}

	return vals, rows.Err()
}

// Columns implements SQLRunner.
func (p *Postgres) Columns(ctx context.Context, table string) ([]string, error) {
	return p.fields(ctx, table, func(pgconn.FieldDescription) bool { return true })
}

// FloatColumns implements SQLRunner: real and double precision columns.
func (p *Postgres) FloatColumns(ctx context.Context, table string) ([]string, error) {
	return p.fields(ctx, table, func(f pgconn.FieldDescription) bool {
		return f.DataTypeOID == pgtype.Float4OID || f.DataTypeOID == pgtype.Float8OID
	})
}

// TextColumns implements SQLRunner: text, varchar and char columns.
func (p *Postgres) TextColumns(ctx context.Context, table string) ([]string, error) {
	return p.fields(ctx, table, func(f pgconn.FieldDescription) bool {
		switch f.DataTypeOID {
		case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID:
			return true
		}
		return false
	})
}

// fields lists the table's columns that keep says to.
func (p *Postgres) fields(ctx context.Context, table string, keep func(pgconn.FieldDescription) bool) ([]string, error) {
	parts := strings.Split(table, ".")
	for i := range parts {
		parts[i] = postgres{}.Quote(parts[i])
	}
	rows, err := p.conn.Query(ctx, "SELECT * FROM "+strings.Join(parts, ".")+" LIMIT 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for _, f := range rows.FieldDescriptions() {
		if keep(f) {
			out = append(out, f.Name)
		}
	}

	return out, rows.Err()
}
