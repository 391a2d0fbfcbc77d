package catalog

import (
	"context"
	"fmt"
	"iter"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/utils"
	"github.com/aws/aws-sdk-go-v2/aws"
)

// ioCatalog hands every call the catalog's AWS configuration on its
// context: iceberg-go's S3 FileIO reads it from there whenever a call
// reads or writes a metadata or data file, for SQL and REST catalogs
// alike.
type ioCatalog struct {
	inner icecatalog.Catalog
	aws   *aws.Config
	props iceberg.Properties // the FileIO and warehouse properties the catalog was opened with
}

// purgeableCatalog is an ioCatalog whose catalog can also purge table files.
type purgeableCatalog struct {
	*ioCatalog
	purger icecatalog.PurgeableTable
}

func wrap(inner icecatalog.Catalog, cfg *aws.Config, props iceberg.Properties) Catalog {
	c := &ioCatalog{inner: inner, aws: cfg, props: props}
	if p, ok := inner.(icecatalog.PurgeableTable); ok {
		return &purgeableCatalog{ioCatalog: c, purger: p}
	}

	return c
}

// IOContext returns ctx carrying cat's AWS configuration, for the calls on
// a table that cat loaded (scans, appends, transactions): they reach the
// table's file IO with the caller's context, not through cat.
func IOContext(ctx context.Context, cat Catalog) context.Context {
	switch c := cat.(type) {
	case *ioCatalog:
		return c.ctx(ctx)
	case *purgeableCatalog:
		return c.ctx(ctx)
	default:
		return ctx
	}
}

func (c *ioCatalog) ctx(ctx context.Context) context.Context {
	if c.aws == nil {
		return ctx
	}

	return utils.WithAwsConfig(ctx, c.aws)
}

func (p *purgeableCatalog) PurgeTable(ctx context.Context, ident table.Identifier) error {
	return p.purger.PurgeTable(p.ctx(ctx), ident)
}

// Close releases the catalog's resources (the SQL catalog's connection pool).
func (c *ioCatalog) Close() error {
	if cl, ok := c.inner.(interface{ Close() error }); ok {
		return cl.Close()
	}

	return nil
}

// RegisterTable adopts the table whose metadata file is at metadataLoc
// under ident, on catalogs that can (REST; SQL through sqlCatalog).
func (c *ioCatalog) RegisterTable(ctx context.Context, ident table.Identifier, metadataLoc string) (*table.Table, error) {
	r, ok := c.inner.(registrar)
	if !ok {
		return nil, fmt.Errorf("the %s catalog cannot register a table from a metadata file", c.inner.CatalogType())
	}

	return r.RegisterTable(c.ctx(ctx), ident, metadataLoc)
}

func (c *ioCatalog) CatalogType() icecatalog.Type { return c.inner.CatalogType() }

func (c *ioCatalog) CreateTable(ctx context.Context, ident table.Identifier, sc *iceberg.Schema,
	opts ...icecatalog.CreateTableOpt,
) (*table.Table, error) {
	return c.inner.CreateTable(c.ctx(ctx), ident, sc, opts...)
}

func (c *ioCatalog) CommitTable(ctx context.Context, ident table.Identifier, reqs []table.Requirement,
	ups []table.Update,
) (table.Metadata, string, error) {
	return c.inner.CommitTable(c.ctx(ctx), ident, reqs, ups)
}

func (c *ioCatalog) ListTables(ctx context.Context, ns table.Identifier) iter.Seq2[table.Identifier, error] {
	return c.inner.ListTables(c.ctx(ctx), ns)
}

func (c *ioCatalog) LoadTable(ctx context.Context, ident table.Identifier) (*table.Table, error) {
	return c.inner.LoadTable(c.ctx(ctx), ident)
}

func (c *ioCatalog) DropTable(ctx context.Context, ident table.Identifier) error {
	return c.inner.DropTable(c.ctx(ctx), ident)
}

func (c *ioCatalog) RenameTable(ctx context.Context, from, to table.Identifier) (*table.Table, error) {
	return c.inner.RenameTable(c.ctx(ctx), from, to)
}

func (c *ioCatalog) CheckTableExists(ctx context.Context, ident table.Identifier) (bool, error) {
	return c.inner.CheckTableExists(c.ctx(ctx), ident)
}

func (c *ioCatalog) ListNamespaces(ctx context.Context, parent table.Identifier) ([]table.Identifier, error) {
	return c.inner.ListNamespaces(c.ctx(ctx), parent)
}

func (c *ioCatalog) CreateNamespace(ctx context.Context, ns table.Identifier, props iceberg.Properties) error {
	return c.inner.CreateNamespace(c.ctx(ctx), ns, props)
}

func (c *ioCatalog) DropNamespace(ctx context.Context, ns table.Identifier) error {
	return c.inner.DropNamespace(c.ctx(ctx), ns)
}

func (c *ioCatalog) CheckNamespaceExists(ctx context.Context, ns table.Identifier) (bool, error) {
	return c.inner.CheckNamespaceExists(c.ctx(ctx), ns)
}

func (c *ioCatalog) LoadNamespaceProperties(ctx context.Context, ns table.Identifier) (iceberg.Properties, error) {
	return c.inner.LoadNamespaceProperties(c.ctx(ctx), ns)
}

func (c *ioCatalog) UpdateNamespaceProperties(ctx context.Context, ns table.Identifier, removals []string,
	updates iceberg.Properties,
) (icecatalog.PropertiesUpdateSummary, error) {
	return c.inner.UpdateNamespaceProperties(c.ctx(ctx), ns, removals, updates)
}
