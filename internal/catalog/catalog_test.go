package catalog_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var (
	testMinIO    *acctest.MinIO
	testPostgres *acctest.Postgres
)

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithServices(m, &testMinIO, &testPostgres))
}

func s3Settings() providerdata.S3Settings {
	return providerdata.S3Settings{
		Configured: true, Endpoint: testMinIO.Endpoint, AccessKey: testMinIO.AccessKey,
		SecretKey: testMinIO.SecretKey, Region: "us-east-1", PathStyle: true,
	}
}

func newBucket(t *testing.T) string {
	t.Helper()
	mc, err := objectstore.New(s3Settings(), httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	name := acctest.RandomName()
	if err := mc.MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}

	return name
}

func TestOpen_notConfigured(t *testing.T) {
	_, err := catalog.Open(context.Background(), &providerdata.Data{})
	var nc *providerdata.NotConfiguredError
	if !errors.As(err, &nc) || nc.Block != "catalog" {
		t.Fatalf("want NotConfiguredError for the catalog block, got %v", err)
	}
}

func TestOpen_sqlite(t *testing.T) {
	d := &providerdata.Data{S3: s3Settings(), Catalog: providerdata.CatalogSettings{
		Configured: true, Type: "sql", URI: filepath.Join(t.TempDir(), "catalog.db"),
		Warehouse: "s3://" + newBucket(t) + "/wh",
	}}
	roundTrip(t, d)
}

func TestOpen_postgres(t *testing.T) {
	dsn, err := testPostgres.CreateDatabase("cat_open")
	if err != nil {
		t.Fatal(err)
	}
	d := &providerdata.Data{S3: s3Settings(), Catalog: providerdata.CatalogSettings{
		Configured: true, Type: "sql", URI: dsn, Warehouse: "s3://" + newBucket(t) + "/wh",
	}}
	roundTrip(t, d)
}

// roundTrip creates a namespace and a table whose metadata lands in MinIO,
// then reads them back through a second, independently opened catalog.
func roundTrip(t *testing.T, d *providerdata.Data) {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.FromDataCreating(d)
	if err != nil {
		t.Fatal(err)
	}
	again, err := catalog.FromData(d)
	if err != nil || again != cat {
		t.Fatalf("FromData should return the cached catalog, got %v, %v", again, err)
	}
	ns := []string{"lake", "raw zone"}
	if err := cat.CreateNamespace(ctx, []string{"lake"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, ns, iceberg.Properties{"owner": "data-office"}); err != nil {
		t.Fatal(err)
	}
	sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true})
	tbl, err := cat.CreateTable(ctx, append(slices.Clone(ns), "events"), sc)
	if err != nil {
		t.Fatal(err)
	}
	other, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := other.LoadTable(ctx, append(slices.Clone(ns), "events"))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.MetadataLocation() != tbl.MetadataLocation() || loaded.Metadata().TableUUID() != tbl.Metadata().TableUUID() {
		t.Fatalf("reloaded table differs: %s vs %s", loaded.MetadataLocation(), tbl.MetadataLocation())
	}
	props, err := other.LoadNamespaceProperties(ctx, ns)
	if err != nil || props["owner"] != "data-office" {
		t.Fatalf("namespace properties: %v, %v", props, err)
	}
	if err := other.DropNamespace(ctx, ns); !errors.Is(err, icecatalog.ErrNamespaceNotEmpty) {
		t.Fatalf("dropping a namespace with a table: want ErrNamespaceNotEmpty, got %v", err)
	}
}

// Reads never create a SQLite catalog: a missing file (absolute, or
// relative to the working directory) is a MissingFileError naming its
// absolute path, and no file (nor -wal, -shm) appears. Creating opens make
// the file.
func TestFromData_missingSQLiteFileIsNotCreated(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, uri := range []string{filepath.Join(dir, "x", "..", "catalgo.db"), "catalog.db", "file:catalog2.db"} {
		d := &providerdata.Data{S3: s3Settings(), Catalog: providerdata.CatalogSettings{
			Configured: true, Type: "sql", URI: uri, Warehouse: "s3://" + newBucket(t) + "/wh",
		}}
		want := filepath.Join(dir, strings.TrimPrefix(filepath.Base(uri), "file:"))
		abs, relative, exists, ok := catalog.SQLiteFileState(d)
		if !ok || exists || abs != want || relative == filepath.IsAbs(uri) {
			t.Errorf("SQLiteFileState(%q) = %q, relative %v, exists %v, ok %v; want %q", uri, abs, relative, exists, ok, want)
		}
		_, err := catalog.FromData(d)
		var missing *catalog.MissingFileError
		if !errors.As(err, &missing) || missing.Path != want {
			t.Errorf("FromData(%q): %v, want a MissingFileError for %s", uri, err, want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("reading %q left files behind: %v", uri, entries)
		}
		if _, err := catalog.FromDataCreating(d); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(want); err != nil {
			t.Errorf("a creating open of %q did not create the file: %v", uri, err)
		}
		if _, err := catalog.FromData(d); err != nil {
			t.Errorf("FromData after the file exists: %v", err)
		}
		_ = os.Remove(want)
		_ = os.Remove(want + "-wal")
		_ = os.Remove(want + "-shm")
	}
}

func TestSQLDriver(t *testing.T) {
	for uri, want := range map[string]string{
		"postgres://u@h/db":         "pgx",
		"postgresql://u@h/db":       "pgx",
		"host=h dbname=db user=u":   "pgx",
		"file:catalog.db":           "sqlite",
		"/var/lib/lakehouse/cat.db": "sqlite",
	} {
		got, _, _, err := catalog.SQLDriver(uri)
		if err != nil || got != want {
			t.Errorf("SQLDriver(%q) = %q, %v; want %q", uri, got, err, want)
		}
	}
	if _, _, _, err := catalog.SQLDriver(""); err == nil {
		t.Error("an empty uri must be an error")
	}
}

// C14: identifiers are lists of levels; the string form used in import IDs
// must be reversible, so a dot inside a level never splits it.
func TestIdentifierRoundTrip(t *testing.T) {
	for _, levels := range [][]string{
		{"team_a"}, {"lake", "raw zone"}, {"lake", "v1.2"}, {"lake", "50%_off"}, {"lake", `back\slash`},
		{"données", "élèves"}, {`"quoted"`, "x"},
	} {
		s := catalog.FormatIdentifier(levels)
		got, err := catalog.ParseIdentifier(s)
		if err != nil || !slices.Equal(got, levels) {
			t.Errorf("round trip of %q via %q gave %q, %v", levels, s, got, err)
		}
	}
	if got, _ := catalog.ParseIdentifier("lake.v1.2"); !slices.Equal(got, []string{"lake", "v1", "2"}) {
		t.Errorf("unescaped dots split levels; got %q", got)
	}
	if got, _ := catalog.ParseIdentifier(`["lake","v1.2"]`); !slices.Equal(got, []string{"lake", "v1.2"}) {
		t.Errorf("JSON form: got %q", got)
	}
	// C14 runner side: SQL-style quoted levels.
	for in, want := range map[string][]string{
		`lake."raw zone".events`: {"lake", "raw zone", "events"},
		`lake."v1.2".events`:     {"lake", "v1.2", "events"},
		`"say ""hi""".t`:         {`say "hi"`, "t"},
	} {
		if got, err := catalog.ParseIdentifier(in); err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseIdentifier(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a..b", "a.", `a\`, `lake."raw`, `lake."a"b.c`} {
		if _, err := catalog.ParseIdentifier(bad); err == nil {
			t.Errorf("ParseIdentifier(%q) should fail", bad)
		}
	}
}

func TestSQLiteFile(t *testing.T) {
	for uri, want := range map[string]string{
		"file:catalog.db":               "catalog.db",
		"/var/lib/lake/catalog.db":      "/var/lib/lake/catalog.db",
		"sqlite:///tmp/c.db?_pragma=x":  "/tmp/c.db",
		"file:/tmp/c.db?cache=shared":   "/tmp/c.db",
		"file::memory:":                 "",
		"file:x?mode=memory":            "",
		"postgres://u@db/iceberg":       "",
		"host=db dbname=iceberg user=u": "",
		"":                              "",
	} {
		if got := catalog.SQLiteFile(uri); got != want {
			t.Errorf("SQLiteFile(%q) = %q, want %q", uri, got, want)
		}
	}
}
