package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	icecatalog "github.com/apache/iceberg-go/catalog"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	"github.com/apache/iceberg-go/table"
)

// registrar is a catalog that can adopt a table from an existing metadata
// file (the REST catalog's POST .../namespaces/{ns}/register).
type registrar interface {
	RegisterTable(ctx context.Context, ident table.Identifier, metadataLoc string) (*table.Table, error)
}

// sqlCatalog is iceberg-go's SQL catalog plus the database handle, because
// that catalog has no RegisterTable: registering is one row in the
// iceberg_tables table that every SQL (JDBC) catalog implementation shares.
type sqlCatalog struct {
	*sqlcat.Catalog
	db      *sql.DB
	dialect sqlcat.SupportedDialect
	name    string
}

func (c *sqlCatalog) RegisterTable(ctx context.Context, ident table.Identifier, metadataLoc string) (*table.Table, error) {
	return RegisterSQLTable(ctx, c.Catalog, c.db, c.dialect, c.name, ident, metadataLoc)
}

// RegisterSQLTable records the table ident with the metadata file at
// metadataLoc in the SQL catalog cat (named catalogName, stored in db) and
// loads it. It fails with ErrNoSuchNamespace or ErrTableAlreadyExists like
// CreateTable.
func RegisterSQLTable(ctx context.Context, cat *sqlcat.Catalog, db *sql.DB, dialect sqlcat.SupportedDialect,
	catalogName string, ident table.Identifier, metadataLoc string,
) (*table.Table, error) {
	if len(ident) < 2 {
		return nil, fmt.Errorf("%w: %v has no namespace", icecatalog.ErrNoSuchNamespace, ident)
	}
	ns, name := ident[:len(ident)-1], ident[len(ident)-1]
	q := func(s string) string { return placeholders(dialect, s) }
	// The namespace is stored under the key iceberg-go's SQL catalog gives
	// it; an existing namespace has a row under exactly one of its keys.
	var key string
	for _, k := range namespaceKeys(ns) {
		var n int
		err := db.QueryRowContext(ctx, q(`SELECT COUNT(*) FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?`),
			catalogName, k).Scan(&n)
		if err == nil && n == 0 {
			err = db.QueryRowContext(ctx, q(`SELECT COUNT(*) FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ?`),
				catalogName, k).Scan(&n)
		}
		if err != nil {
			return nil, fmt.Errorf("looking up namespace %s: %w", FormatIdentifier(ns), err)
		}
		if n > 0 {
			key = k

			break
		}
	}
	if key == "" {
		return nil, fmt.Errorf("%w: %s", icecatalog.ErrNoSuchNamespace, FormatIdentifier(ns))
	}
	cols, vals := "catalog_name, table_namespace, table_name, metadata_location", "?, ?, ?, ?"
	args := []any{catalogName, key, name, metadataLoc}
	// Catalogs created before iceberg_type existed lack the column.
	if rows, err := db.QueryContext(ctx, `SELECT iceberg_type FROM iceberg_tables WHERE 1 = 0`); err == nil {
		_ = rows.Close()
		cols, vals, args = cols+", iceberg_type", vals+", ?", append(args, sqlcat.TableType)
	}
	exists := func() error {
		var n int
		err := db.QueryRowContext(ctx, q(`SELECT COUNT(*) FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?`),
			catalogName, key, name).Scan(&n)
		if err == nil && n > 0 {
			err = fmt.Errorf("%w: %s", icecatalog.ErrTableAlreadyExists, FormatIdentifier(ident))
		}

		return err
	}
	if err := exists(); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, q(`INSERT INTO iceberg_tables (`+cols+`) VALUES (`+vals+`)`), args...); err != nil {
		// A concurrent create of the same name loses on the primary key.
		if exErr := exists(); errors.Is(exErr, icecatalog.ErrTableAlreadyExists) {
			return nil, exErr
		}

		return nil, fmt.Errorf("registering table %s: %w", FormatIdentifier(ident), err)
	}

	return cat.LoadTable(ctx, ident)
}

// placeholders turns the ? placeholders of s into PostgreSQL's $n.
func placeholders(dialect sqlcat.SupportedDialect, s string) string {
	if dialect != sqlcat.Postgres {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)

			continue
		}
		b.WriteRune(r)
	}

	return b.String()
}

// namespaceEncodedPrefix marks a namespace key that iceberg-go's SQL
// catalog stores as a JSON array, because a level holds a dot.
const namespaceEncodedPrefix = "__iceberg_namespace_v1__:"

// namespaceKeys are the keys under which iceberg-go's SQL catalog may have
// stored ns, the one it writes first: levels joined with "." unless a level
// holds a dot (or the joined text looks like an encoded key), then the JSON
// form.
func namespaceKeys(ns []string) []string {
	legacy := strings.Join(ns, ".")
	dotted := slices.ContainsFunc(ns, func(l string) bool { return strings.Contains(l, ".") })
	if !dotted && !strings.Contains(legacy, namespaceEncodedPrefix) {
		return []string{legacy}
	}
	b, _ := json.Marshal(ns) // a list of strings always encodes
	encoded := namespaceEncodedPrefix + string(b)
	if dotted {
		return []string{encoded}
	}

	return []string{encoded, legacy}
}
