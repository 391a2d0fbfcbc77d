package iceberg_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// The SQL catalog runs on SQLite and on PostgreSQL, with its warehouse in a
// real MinIO; both services start once for the package.
var (
	minioServer *acctest.MinIO
	pgServer    *acctest.Postgres
	tmpDir      string
)

func TestMain(m *testing.M) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		os.Exit(m.Run())
	}
	os.Exit(runServices(m))
}

func runServices(m *testing.M) int {
	var err error
	if tmpDir, err = os.MkdirTemp("", "iceberg-acc-"); err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}
	defer os.RemoveAll(tmpDir)

	return acctest.RunWithServices(m, &minioServer, &pgServer)
}

// providerFactories serve the whole provider, as users run it.
var providerFactories = acctest.ProviderFactories

// backend is one catalog the acceptance tests run against.
type backend struct {
	name      string
	uri       string
	warehouse string
}

// providerConfig is the provider block pointing at b; s3 comes from the
// environment MinIO set.
func (b backend) providerConfig() string {
	return fmt.Sprintf(`
provider "lakehouse" {
  catalog {
    type      = "sql"
    uri       = %[1]q
    warehouse = %[2]q
  }
}
`, b.uri, b.warehouse)
}

// open returns a catalog on b for setup and out-of-band changes.
func (b backend) open(t *testing.T) catalog.Catalog {
	t.Helper()
	cat, err := openQuiet(b)
	if err != nil {
		t.Fatal(err)
	}

	return cat
}

// openCatalogs holds one catalog per backend URI: each SQL catalog keeps a
// connection pool, and opening one per check would exhaust PostgreSQL's
// connection limit.
var openCatalogs sync.Map

// openQuiet opens (once) a catalog on b without a testing.T, for CheckDestroy.
func openQuiet(b backend) (catalog.Catalog, error) {
	if cat, ok := openCatalogs.Load(b.uri); ok {
		return cat.(catalog.Catalog), nil
	}
	cat, err := catalog.Open(context.Background(), b.data())
	if err != nil {
		return nil, err
	}
	if prev, loaded := openCatalogs.LoadOrStore(b.uri, cat); loaded {
		if c, ok := cat.(interface{ Close() error }); ok {
			_ = c.Close()
		}

		return prev.(catalog.Catalog), nil
	}

	return cat, nil
}

func (b backend) data() *providerdata.Data {
	return &providerdata.Data{
		S3: providerdata.S3Settings{Configured: true, Endpoint: minioServer.Endpoint, AccessKey: minioServer.AccessKey,
			SecretKey: minioServer.SecretKey, Region: "us-east-1", PathStyle: true},
		Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql", URI: b.uri, Warehouse: b.warehouse},
		Retry:   httpx.DefaultRetrySettings(),
	}
}

// backends gives a fresh SQLite and PostgreSQL catalog for one test, each
// with its own bucket.
func backends(t *testing.T) []backend {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	name := acctest.RandomName()
	mc, err := objectstore.New(backend{}.data().S3, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	if err := mc.MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	dbName := "c" + name[len(acctest.NamePrefix):]
	dsn, err := pgServer.CreateDatabase(dbName)
	if err != nil {
		t.Fatal(err)
	}

	return []backend{
		{name: "sqlite", uri: filepath.Join(tmpDir, name+".db"), warehouse: "s3://" + name + "/sqlite"},
		{name: "postgres", uri: dsn, warehouse: "s3://" + name + "/postgres"},
	}
}
