package datasets_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite/datacitetest"
	datasetsds "github.com/spanda-ai/terraform-provider-lakehouse/internal/datasources/datasets"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/datasets"
)

// The resource runs against a real MinIO (records, bucket tags), a SQLite
// Iceberg catalog with its warehouse in that MinIO (table properties) and
// the in-process DataCite fake (DOIs). The provider reaches all three
// through its environment variables.
var (
	server    *acctest.MinIO
	fake      *datacitetest.Server
	warehouse string
)

func TestMain(m *testing.M) {
	fake = datacitetest.New("DEMO.LAKEHOUSE", "test-password", "10.5072")
	code := 0
	for k, v := range fake.Env() {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			fake.Close()
			os.Exit(1)
		}
	}
	if os.Getenv(resource.EnvTfAcc) == "" {
		code = m.Run()
	} else {
		code = runServices(m)
	}
	fake.Close()
	os.Exit(code)
}

func runServices(m *testing.M) int {
	var err error
	if server, err = acctest.StartMinIO(); err != nil {
		fmt.Fprintln(os.Stderr, "starting MinIO:", err)

		return 1
	}
	defer server.Stop()
	server.Setenv()
	dir, err := os.MkdirTemp("", "datasets-acc-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}
	defer os.RemoveAll(dir)
	warehouse = acctest.RandomName()
	if err := s3client().MakeBucket(context.Background(), warehouse, minio.MakeBucketOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}
	for k, v := range map[string]string{
		"LAKEHOUSE_CATALOG_TYPE":      "sql",
		"LAKEHOUSE_CATALOG_URI":       "file:" + filepath.Join(dir, "c.db"),
		"LAKEHOUSE_CATALOG_WAREHOUSE": "s3://" + warehouse + "/wh",
	} {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintln(os.Stderr, err)

			return 1
		}
	}

	return m.Run()
}

// providerFactories serve the real provider with only the dataset types,
// so a schema problem in another backend cannot stop these tests.
var providerFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"lakehouse": providerserver.NewProtocol6WithError(datasetsOnly{provider.New("test")()}),
}

type datasetsOnly struct{ fwprovider.Provider }

func (datasetsOnly) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{datasets.NewDatasetResource}
}

func (datasetsOnly) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{datasetsds.NewDatasetsDataSource}
}

func settings() *providerdata.Data {
	return &providerdata.Data{
		S3: providerdata.S3Settings{Configured: true, Endpoint: server.Endpoint, AccessKey: server.AccessKey,
			SecretKey: server.SecretKey, Region: "us-east-1", PathStyle: true},
		Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql", URI: os.Getenv("LAKEHOUSE_CATALOG_URI"),
			Warehouse: os.Getenv("LAKEHOUSE_CATALOG_WAREHOUSE")},
		Retry: httpx.DefaultRetrySettings(),
	}
}

// s3client is a direct client for setup and out-of-band changes.
func s3client() *minio.Client {
	c, err := objectstore.New(settings().S3, httpx.DefaultRetrySettings())
	if err != nil {
		panic(err)
	}

	return c
}

func testBucket(t *testing.T) string {
	t.Helper()
	if server == nil {
		t.Skip("acceptance test: set TF_ACC=1 (starts MinIO and a SQLite catalog)")
	}
	name := acctest.RandomName()
	if err := s3client().MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}

	return name
}

// testCatalog opens the same SQLite catalog the provider uses.
func testCatalog(t *testing.T) catalog.Catalog {
	t.Helper()
	cat, err := catalog.Open(context.Background(), settings())
	if err != nil {
		t.Fatal(err)
	}

	return cat
}

// testTable creates namespace.table with one column and returns its dotted
// identifier.
func testTable(t *testing.T, props iceberg.Properties) string {
	t.Helper()
	ctx := context.Background()
	cat := testCatalog(t)
	ns := "ns_" + acctest.RandomName()[len(acctest.NamePrefix):]
	if err := cat.CreateNamespace(ctx, []string{ns}, nil); err != nil {
		t.Fatal(err)
	}
	sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "id_student", Type: iceberg.PrimitiveTypes.Int64, Required: true})
	if _, err := cat.CreateTable(ctx, []string{ns, "student_info"}, sc, catalogProps(props)...); err != nil {
		t.Fatal(err)
	}

	return ns + ".student_info"
}

func tableProps(t *testing.T, ident string) iceberg.Properties {
	t.Helper()
	levels, err := catalog.ParseIdentifier(ident)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := testCatalog(t).LoadTable(context.Background(), levels)
	if err != nil {
		t.Fatal(err)
	}

	return tbl.Properties()
}

// outOfBand runs fn as a step's Check, to simulate an edit made by hand.
func outOfBand(t *testing.T, fn func(ctx context.Context) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		t.Helper()

		return fn(context.Background())
	}
}

func catalogProps(props iceberg.Properties) []icecatalog.CreateTableOpt {
	if len(props) == 0 {
		return nil
	}

	return []icecatalog.CreateTableOpt{icecatalog.WithProperties(props)}
}
