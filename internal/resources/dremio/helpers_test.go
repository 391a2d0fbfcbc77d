package dremio_test

import (
	"fmt"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

// testAccProviderConfig points the provider at the fake, with short
// backoffs so retry tests stay fast, and an s3 block that sources can take
// their endpoint and keys from.
func testAccProviderConfig(f *dremiotest.Server) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  dremio {
    endpoint = %[1]q
    username = %[2]q
    password = %[3]q
  }
  s3 {
    endpoint   = "minio.internal:9000"
    use_ssl    = false
    path_style = true
    access_key = "lakehouse-admin"
    secret_key = "provider-secret-key"
  }
  retry {
    max_attempts = 6
    min_backoff  = "5ms"
    max_backoff  = "20ms"
  }
}
`, f.URL, dremiotest.Username, dremiotest.Password)
}

func newFake(t *testing.T) *dremiotest.Server {
	t.Helper()
	f := dremiotest.New()
	t.Cleanup(f.Close)

	return f
}

// cfgOf returns the stored config of the source named name, secrets in clear.
func cfgOf(t *testing.T, f *dremiotest.Server, name string) map[string]any {
	t.Helper()
	e := f.Entity(name)
	if e == nil {
		t.Fatalf("source %q not on the fake", name)
	}
	cfg, _ := e["config"].(map[string]any)

	return cfg
}

func propsOf(cfg map[string]any) map[string]string {
	out := map[string]string{}
	list, _ := cfg["propertyList"].([]any)
	for _, it := range list {
		m, _ := it.(map[string]any)
		out[fmt.Sprint(m["name"])] = fmt.Sprint(m["value"])
	}

	return out
}
