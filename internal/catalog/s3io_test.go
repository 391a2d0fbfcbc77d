package catalog_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/loader"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

// throttlingProxy forwards to MinIO but answers each distinct request
// (method, path and query) first with 429 and then with 503 before letting
// it through, as an overloaded S3 gateway does.
type throttlingProxy struct {
	*httptest.Server
	mu     sync.Mutex
	seen   map[string]int
	faults map[int]int
}

func newThrottlingProxy(t *testing.T, endpoint string) *throttlingProxy {
	t.Helper()
	target := &url.URL{Scheme: "http", Host: endpoint}
	rp := httputil.NewSingleHostReverseProxy(target)
	p := &throttlingProxy{seen: map[string]int{}, faults: map[int]int{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code := p.fault(r.Method + " " + r.URL.RequestURI()); code != 0 {
			w.WriteHeader(code)

			return
		}
		rp.ServeHTTP(w, r) // Host passes through unchanged, so SigV4 stays valid
	}))
	t.Cleanup(p.Close)

	return p
}

func (p *throttlingProxy) fault(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.seen[key]
	p.seen[key] = n + 1
	code := [...]int{http.StatusTooManyRequests, http.StatusServiceUnavailable, 0}[min(n, 2)]
	if code != 0 {
		p.faults[code]++
	}

	return code
}

func (p *throttlingProxy) counts() (tooMany, unavailable int) {
	p.mu.Lock()
	defer p.mu.Unlock()

	return p.faults[http.StatusTooManyRequests], p.faults[http.StatusServiceUnavailable]
}

func writeAndRead(ctx context.Context, cat catalog.Catalog, ident []string) (int64, error) {
	if err := cat.CreateNamespace(ctx, ident[:1], nil); err != nil {
		return 0, err
	}
	sc := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "school", Type: iceberg.PrimitiveTypes.String})
	tbl, err := cat.CreateTable(ctx, ident, sc)
	if err != nil {
		return 0, err
	}
	asc, err := table.SchemaToArrowSchema(tbl.Schema(), nil, true, false)
	if err != nil {
		return 0, err
	}
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, asc,
		strings.NewReader(`[{"id":1,"school":"north"},{"id":2,"school":"south"},{"id":3,"school":null}]`))
	if err != nil {
		return 0, err
	}
	defer rec.Release()
	rdr, err := array.NewRecordReader(asc, []arrow.RecordBatch{rec})
	if err != nil {
		return 0, err
	}
	// The append and the scan reach the table's file IO with the caller's
	// context, so they take the catalog's AWS configuration from IOContext.
	ioCtx := catalog.IOContext(ctx, cat)
	if _, err := tbl.Append(ioCtx, rdr, nil); err != nil {
		return 0, err
	}
	loaded, err := cat.LoadTable(ctx, ident)
	if err != nil {
		return 0, err
	}
	arrowTbl, err := loaded.Scan().ToArrowTable(ioCtx)
	if err != nil {
		return 0, err
	}
	defer arrowTbl.Release()

	return arrowTbl.NumRows(), nil
}

// Table metadata and data files written and read through an S3 endpoint
// that answers every request 429 then 503 before serving it: with
// max_attempts = 3 the create, append and scan succeed, and so does the
// runner's load; with max_attempts = 1 the create fails on the first 429.
func TestOpen_s3RetriesFollowRetryBlock(t *testing.T) {
	ctx := context.Background()
	bucket := newBucket(t)
	proxy := newThrottlingProxy(t, testMinIO.Endpoint)
	data := func(attempts int) *providerdata.Data {
		s3 := s3Settings()
		s3.Endpoint = strings.TrimPrefix(proxy.URL, "http://")

		return &providerdata.Data{S3: s3,
			Retry: httpx.RetrySettings{MaxAttempts: attempts, MinBackoff: time.Millisecond,
				MaxBackoff: 5 * time.Millisecond, RequestTimeout: 30 * time.Second},
			Catalog: providerdata.CatalogSettings{Configured: true, Type: catalog.TypeSQL,
				URI: filepath.Join(t.TempDir(), "catalog.db"), Warehouse: "s3://" + bucket + "/wh-" + acctest.RandomName()}}
	}

	cat, err := catalog.Open(ctx, data(1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = writeAndRead(ctx, cat, []string{"lake", "once"})
	if err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("max_attempts = 1: error = %v, want the 429", err)
	}

	cat, err = catalog.Open(ctx, data(3))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := writeAndRead(ctx, cat, []string{"lake", "thrice"})
	if err != nil {
		t.Fatalf("max_attempts = 3: %v", err)
	}
	if rows != 3 {
		t.Errorf("scanned %d rows, want 3", rows)
	}
	// The runner's load appends through loader.Load with its own context.
	src, err := loader.NewCSVSource(strings.NewReader("id,school\n1,north\n2,south\n"), tabular.CSVOptions{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := loader.Load(ctx, cat, src, loader.Options{Table: []string{"lake", "loaded"}, Create: true})
	if err != nil {
		t.Fatalf("max_attempts = 3, runner load: %v", err)
	}
	if res.Rows != 2 || res.DataFiles != 1 {
		t.Errorf("runner load: %d rows in %d data files, want 2 in 1", res.Rows, res.DataFiles)
	}
	tooMany, unavailable := proxy.counts()
	if tooMany < 3 || unavailable < 3 {
		t.Errorf("the proxy answered 429 %d times and 503 %d times; the test did not exercise the retries", tooMany, unavailable)
	}
}

// MinIO over HTTPS with a certificate from an internal CA: writing a
// table's metadata and data works with the s3 block's CA and fails with a
// certificate error without it.
func TestOpen_s3InternalCA(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("starts a second MinIO; set TF_ACC=1")
	}
	ctx := context.Background()
	ca := tlstest.New(t)
	m, err := acctest.StartMinIO(acctest.WithMinIOCerts(ca.WriteServerFiles(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	s3 := providerdata.S3Settings{Configured: true, Endpoint: m.Endpoint, Region: "us-east-1", AccessKey: m.AccessKey,
		SecretKey: m.SecretKey, UseSSL: true, PathStyle: true, TLS: httpx.TLS{CAPEM: ca.PEM()}}
	mc, err := objectstore.New(s3, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	bucket := acctest.RandomName()
	if err := mc.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	data := func(tls httpx.TLS) *providerdata.Data {
		s := s3
		s.TLS = tls

		return &providerdata.Data{S3: s,
			Retry: httpx.RetrySettings{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
				RequestTimeout: 30 * time.Second},
			Catalog: providerdata.CatalogSettings{Configured: true, Type: catalog.TypeSQL,
				URI: filepath.Join(t.TempDir(), "catalog.db"), Warehouse: "s3://" + bucket + "/wh"}}
	}

	cat, err := catalog.Open(ctx, data(httpx.TLS{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writeAndRead(ctx, cat, []string{"lake", "untrusted"}); err == nil ||
		!strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("without the CA: error = %v, want an unknown-authority error", err)
	}

	cat, err = catalog.Open(ctx, data(httpx.TLS{CAPEM: ca.PEM()}))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := writeAndRead(ctx, cat, []string{"lake", "trusted"})
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	if rows != 3 {
		t.Errorf("scanned %d rows, want 3", rows)
	}
	var parquet []string
	for o := range mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "wh/", Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if strings.HasSuffix(o.Key, ".parquet") {
			parquet = append(parquet, o.Key)
		}
	}
	if len(parquet) != 1 || !strings.Contains(parquet[0], "trusted") {
		t.Errorf("data files in the bucket: %v, want the trusted table's one", parquet)
	}
}
