package reliability_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// stack is every backend of one test: the shared MinIO, a SQLite Iceberg
// catalog whose warehouse is in it, and the Dremio, Superset and Label
// Studio fakes, each behind its own fault proxy.
type stack struct {
	prefix     string
	warehouse  string // bucket holding the Iceberg warehouse
	catalogURI string

	dremio   *dremiotest.Server
	superset *supersettest.Server
	ls       *labelstudiotest.Server

	s3P, dremioP, supersetP, lsP *faultProxy
}

func newStack(t *testing.T, cfg faultConfig) *stack {
	t.Helper()
	s := &stack{prefix: acctest.RandomName()}
	s.warehouse = s.prefix + "-wh"
	s.catalogURI = filepath.Join(t.TempDir(), "catalog.db")
	if err := minioClient(t).MakeBucket(context.Background(), s.warehouse, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	s.dremio = dremiotest.New()
	t.Cleanup(s.dremio.Close)
	s.superset = supersettest.New(t, supersettest.Options{})
	s.ls = labelstudiotest.New()
	t.Cleanup(s.ls.Close)
	s.ls.CheckBucket = func(labelstudiotest.BucketConnection) error { return nil }
	proxy := func(target string, n uint64) *faultProxy {
		c := cfg
		c.Seed = cfg.Seed + n

		return newFaultProxy(t, target, c)
	}
	// S3 servers signal throttling with 503 SlowDown, never 429, and the
	// AWS SDK under iceberg-go's FileIO does not retry a 429.
	s3 := cfg
	s3.Seed = cfg.Seed + 1
	s3.Answers = []string{"500", "502", "503"}
	s.s3P = newFaultProxy(t, minioServer.Endpoint, s3)
	s.dremioP = proxy(s.dremio.URL, 2)
	s.supersetP = proxy(s.superset.URL, 3)
	s.lsP = proxy(s.ls.URL, 4)

	return s
}

func (s *stack) proxies() []*faultProxy { return []*faultProxy{s.s3P, s.dremioP, s.supersetP, s.lsP} }

func (s *stack) stats() string {
	names := []string{"s3", "dremio", "superset", "labelstudio"}
	parts := make([]string, 0, 4)
	for i, p := range s.proxies() {
		parts = append(parts, names[i]+": "+p.String())
	}

	return strings.Join(parts, "; ")
}

// provider is the provider block: every backend through its proxy, with the
// given retry block body.
func (s *stack) provider(retry string) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  s3 {
    endpoint   = %[1]q
    access_key = %[2]q
    secret_key = %[3]q
    use_ssl    = false
    path_style = true
    region     = "us-east-1"
  }
  catalog {
    type      = "sql"
    uri       = %[4]q
    warehouse = "s3://%[5]s/warehouse"
  }
  dremio {
    endpoint = %[6]q
    username = %[7]q
    password = %[8]q
  }
  superset {
    endpoint = %[9]q
    username = "admin"
    password = "admin"
  }
  labelstudio {
    endpoint = %[10]q
    api_key  = %[11]q
  }
  retry {
%[12]s
  }
}
`, s.s3P.HostPort(), minioServer.AccessKey, minioServer.SecretKey, s.catalogURI, s.warehouse,
		s.dremioP.URL, dremiotest.Username, dremiotest.Password, s.supersetP.URL, s.lsP.URL, s.ls.APIKey, retry)
}

// fastRetry retries often and briefly: the proxies never fault one request
// more than twice in a row.
const fastRetry = `    max_attempts    = 8
    min_backoff     = "5ms"
    max_backoff     = "40ms"
    request_timeout = "20s"`

// minioClient talks to MinIO directly, around any proxy.
func minioClient(t testing.TB) *minio.Client {
	t.Helper()
	c, err := objectstore.New(providerdata.S3Settings{
		Configured: true, Endpoint: minioServer.Endpoint, AccessKey: minioServer.AccessKey,
		SecretKey: minioServer.SecretKey, Region: "us-east-1", PathStyle: true,
	}, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// bucketsWithPrefix lists the buckets (and their object keys) whose name
// starts with prefix and are not the warehouse.
func (s *stack) buckets(t testing.TB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	mc := minioClient(t)
	all, err := mc.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, b := range all {
		if !strings.HasPrefix(b.Name, s.prefix) || b.Name == s.warehouse {
			continue
		}
		keys := []string{}
		for o := range mc.ListObjects(ctx, b.Name, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			keys = append(keys, o.Key)
		}
		out[b.Name] = keys
	}

	return out
}
