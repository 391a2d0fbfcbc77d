// Package catalog opens the Apache Iceberg catalog named by the provider's
// catalog block: a SQL catalog (SQLite file or PostgreSQL) or a REST catalog,
// with table files read and written through the provider's s3 settings. The
// iceberg_* resources, data sources and the runner's load command share it.
package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/rest"
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	iceio "github.com/apache/iceberg-go/io"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // registers the s3:// FileIO
	"github.com/apache/iceberg-go/utils"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Catalog is the iceberg-go catalog interface, re-exported so callers need
// only this package for the common case.
type Catalog = icecatalog.Catalog

// NotConfiguredError is returned when neither the provider's catalog block
// nor its environment variables are set.
type NotConfiguredError = providerdata.NotConfiguredError

// Catalog types accepted in the provider's catalog block.
const (
	TypeSQL  = "sql"
	TypeREST = "rest"
)

// FromData returns the catalog for the provider's settings, opened once per
// provider instance and shared by every resource. It never creates a
// SQLite catalog file: reads and plans have no side effects, so a file that
// does not exist is a *MissingFileError (not remembered, so a later
// FromDataCreating can create it).
func FromData(d *providerdata.Data) (Catalog, error) {
	return providerdata.Client(d, "catalog", func(d *providerdata.Data) (Catalog, error) {
		return OpenExisting(context.Background(), d)
	})
}

// FromDataCreating is FromData for the calls that create catalog objects
// (namespaces, tables): a SQLite catalog file that does not exist yet is
// created.
func FromDataCreating(d *providerdata.Data) (Catalog, error) {
	return providerdata.Client(d, "catalog", func(d *providerdata.Data) (Catalog, error) {
		return Open(context.Background(), d)
	})
}

// MissingFileError says the SQLite catalog file does not exist; it was not
// created.
type MissingFileError struct {
	Path string // absolute
}

func (e *MissingFileError) Error() string {
	return fmt.Sprintf("the SQLite catalog file %s does not exist", e.Path)
}

// SQLiteFileState tells where the SQLite catalog of d lives: the absolute
// path, whether the configuration gave it relative to the working
// directory, and whether the file exists. ok is false when the catalog is
// not a SQLite file.
func SQLiteFileState(d *providerdata.Data) (abs string, relative, exists, ok bool) {
	if d == nil || !d.Catalog.Configured || (d.Catalog.Type != "" && !strings.EqualFold(d.Catalog.Type, TypeSQL)) {
		return "", false, false, false
	}
	file := SQLiteFile(d.Catalog.URI)
	if file == "" {
		return "", false, false, false
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	_, err = os.Stat(file)

	return abs, !filepath.IsAbs(file), !errors.Is(err, fs.ErrNotExist), true
}

// Open builds a new catalog from d.Catalog, with S3 FileIO properties taken
// from d.S3; explicit catalog properties override the derived ones. Every
// call on the catalog reaches table files with the AWS configuration
// AWSConfig builds from d (see IOContext for calls on a loaded table). A
// SQLite catalog file that does not exist is created.
func Open(ctx context.Context, d *providerdata.Data) (Catalog, error) {
	return open(ctx, d, true)
}

// OpenExisting is Open without creating a SQLite catalog file: one that
// does not exist is a *MissingFileError.
func OpenExisting(ctx context.Context, d *providerdata.Data) (Catalog, error) {
	return open(ctx, d, false)
}

func open(ctx context.Context, d *providerdata.Data, create bool) (Catalog, error) {
	if d == nil || !d.Catalog.Configured {
		return nil, &providerdata.NotConfiguredError{Block: "catalog", Env: providerdata.CatalogEnv}
	}
	s := d.Catalog
	props := Properties(d)
	awsCfg, err := AWSConfig(ctx, d)
	if err != nil {
		return nil, err
	}
	ctx = utils.WithAwsConfig(ctx, awsCfg)
	var cat Catalog
	switch strings.ToLower(s.Type) {
	case "", TypeSQL:
		cat, err = openSQL(ctx, s, props, create)
	case TypeREST:
		cat, err = openREST(ctx, d, props)
	default:
		return nil, fmt.Errorf("catalog type %q is not supported; use %q or %q", s.Type, TypeSQL, TypeREST)
	}
	if err != nil {
		return nil, err
	}

	return wrap(cat, awsCfg, props), nil
}

// Properties returns the iceberg-go properties for d: the S3 FileIO settings
// derived from the provider's s3 block, the warehouse, then the catalog
// block's own properties, which win.
func Properties(d *providerdata.Data) iceberg.Properties {
	props := iceberg.Properties{}
	if d.S3.Configured {
		maps.Copy(props, S3Properties(d.S3))
	}
	if d.Catalog.Warehouse != "" {
		props["warehouse"] = d.Catalog.Warehouse
	}
	maps.Copy(props, d.Catalog.Properties)

	return props
}

// S3Properties maps the provider's s3 settings onto iceberg-go's s3.* FileIO
// properties.
func S3Properties(s providerdata.S3Settings) iceberg.Properties {
	props := iceberg.Properties{}
	if s.Endpoint != "" {
		scheme := "http"
		if s.UseSSL {
			scheme = "https"
		}
		props[iceio.S3EndpointURL] = scheme + "://" + s.Endpoint
	}
	if s.Region != "" {
		props[iceio.S3Region] = s.Region
	} else {
		// The AWS SDK refuses to sign without a region; MinIO ignores it.
		props[iceio.S3Region] = "us-east-1"
	}
	if s.AccessKey != "" {
		props[iceio.S3AccessKeyID] = s.AccessKey
		props[iceio.S3SecretAccessKey] = s.SecretKey
	}
	if s.SessionToken != "" {
		props[iceio.S3SessionToken] = s.SessionToken
	}
	if s.PathStyle {
		props[iceio.S3ForceVirtualAddressing] = "false"
	}

	return props
}

// SQLDriver tells which database/sql driver and iceberg-go dialect serve a
// SQL catalog URI, and the DSN to hand to the driver.
func SQLDriver(uri string) (driver string, dialect sqlcat.SupportedDialect, dsn string, err error) {
	uri = strings.TrimSpace(uri)
	switch {
	case uri == "":
		return "", "", "", errors.New("the catalog uri is empty; set it to a SQLite file (file:catalog.db) " +
			"or a PostgreSQL DSN (postgres://user@host/db)")
	case strings.HasPrefix(uri, "postgres://"), strings.HasPrefix(uri, "postgresql://"),
		strings.Contains(uri, "host=") && strings.Contains(uri, "dbname="):
		return "pgx", sqlcat.Postgres, uri, nil
	default:
		return "sqlite", sqlcat.SQLite, sqliteDSN(uri), nil
	}
}

// SQLiteFile is the database file a SQL catalog URI names, or "" when the
// URI is PostgreSQL or an in-memory SQLite database.
func SQLiteFile(uri string) string {
	driver, _, _, err := SQLDriver(uri)
	if err != nil || driver != "sqlite" {
		return ""
	}
	path := strings.TrimSpace(uri)
	for _, p := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		path = strings.TrimPrefix(path, p)
	}
	path, query, _ := strings.Cut(path, "?")
	if path == "" || path == ":memory:" || strings.Contains(query, "mode=memory") {
		return ""
	}

	return path
}

// sqliteDSN adds a busy timeout and WAL journal so that Terraform's parallel
// operations wait for each other instead of failing with "database is locked".
func sqliteDSN(uri string) string {
	path := strings.TrimPrefix(strings.TrimPrefix(uri, "sqlite://"), "sqlite:")
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	if strings.Contains(path, "_pragma=busy_timeout") {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}

	return path + sep + "_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_txlock=immediate"
}

func openSQL(ctx context.Context, s providerdata.CatalogSettings, props iceberg.Properties, create bool) (Catalog, error) {
	driver, dialect, dsn, err := SQLDriver(s.URI)
	if err != nil {
		return nil, err
	}
	if file := SQLiteFile(s.URI); file != "" && !create {
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			abs, _ := filepath.Abs(file)

			return nil, &MissingFileError{Path: abs}
		}
		// Read-write without create, so a file removed after the check is
		// not created behind it.
		if !strings.Contains(dsn, "mode=") {
			sep := "?"
			if strings.Contains(dsn, "?") {
				sep = "&"
			}
			dsn += sep + "mode=rw"
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the %s catalog database: %w", dialect, err)
	}
	// Terraform may keep a provider process (and tests keep in-process
	// providers) alive after the work is done: idle connections go away
	// instead of piling up against the server's connection limit.
	db.SetConnMaxIdleTime(5 * time.Second)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()

		return nil, fmt.Errorf("connecting to the %s catalog database: %w", dialect, err)
	}
	// NewCatalog creates iceberg_tables and iceberg_namespace_properties when
	// they are missing (init_catalog_tables defaults to true).
	cat, err := sqlcat.NewCatalog(catalogName(s), db, dialect, props)
	if err != nil {
		_ = db.Close()

		return nil, fmt.Errorf("opening the SQL catalog: %w", err)
	}

	return &sqlCatalog{Catalog: cat, db: db, dialect: dialect, name: catalogName(s)}, nil
}

func openREST(ctx context.Context, d *providerdata.Data, props iceberg.Properties) (Catalog, error) {
	s := d.Catalog
	if s.URI == "" {
		return nil, errors.New("the catalog uri is empty; set it to the REST catalog's base URL")
	}
	opts := []rest.Option{
		rest.WithCustomTransport(d.HTTPClient("catalog", s.TLS).Transport),
		rest.WithAdditionalProps(props),
	}
	if s.Warehouse != "" {
		opts = append(opts, rest.WithWarehouseLocation(s.Warehouse))
	}
	if s.Token != "" {
		opts = append(opts, rest.WithOAuthToken(s.Token))
	}
	if s.Credential != "" {
		opts = append(opts, rest.WithCredential(s.Credential))
	}
	if s.OAuthURI != "" {
		u, err := url.Parse(s.OAuthURI)
		if err != nil {
			return nil, fmt.Errorf("parsing oauth2_server_uri: %w", err)
		}
		opts = append(opts, rest.WithAuthURI(u))
	}
	if s.Scope != "" {
		opts = append(opts, rest.WithScope(s.Scope))
	}
	if len(s.Headers) > 0 {
		opts = append(opts, rest.WithHeaders(s.Headers))
	}
	cat, err := rest.NewCatalog(ctx, catalogName(s), s.URI, opts...)
	if err != nil {
		return nil, fmt.Errorf("opening the REST catalog at %s: %w", s.URI, err)
	}

	return cat, nil
}

func catalogName(s providerdata.CatalogSettings) string {
	if s.Name == "" {
		return "lakehouse"
	}

	return s.Name
}
