package catalog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	icecatalog "github.com/apache/iceberg-go/catalog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// A call that never got an answer names the service it could not reach,
// with its endpoint as configured (never a DSN's credentials); an answer
// (an error from the service) is not a transport failure.
func TestUnreachable(t *testing.T) {
	ctx := context.Background()
	port, err := acctest.FreePort() // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("127.0.0.1:%d", port)
	retry := httpx.RetrySettings{MaxAttempts: 1, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, RequestTimeout: 5 * time.Second}

	// The object store is down: the catalog (SQLite) answers, writing the
	// table's metadata file fails.
	s3 := s3Settings()
	s3.Endpoint = dead
	d := &providerdata.Data{S3: s3, Retry: retry, Catalog: providerdata.CatalogSettings{
		Configured: true, Type: "sql", URI: filepath.Join(t.TempDir(), "c.db"), Warehouse: "s3://lake/wh"}}
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	s := &catalog.TableSpec{FormatVersion: 2, Fields: fields(&catalog.Field{Name: "x", Type: "string"})}
	if err := catalog.AssignNewTableIDs(s.Fields); err != nil {
		t.Fatal(err)
	}
	_, createErr := catalog.Create(ctx, cat, []string{"ns", "t"}, s)

	pg := &providerdata.Data{Retry: retry, Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql",
		URI: fmt.Sprintf("postgres://iceberg:s3cret@%s/lake?sslmode=disable", dead)}}
	_, pgErr := catalog.Open(ctx, pg)
	rest := &providerdata.Data{Retry: retry, Catalog: providerdata.CatalogSettings{Configured: true, Type: "rest",
		URI: "http://" + dead + "/api/catalog"}}
	_, restErr := catalog.Open(ctx, rest)
	unknown := &providerdata.Data{Retry: retry, Catalog: providerdata.CatalogSettings{Configured: true, Type: "rest",
		URI: "http://catalog.invalid:8181"}}
	_, dnsErr := catalog.Open(ctx, unknown)

	for name, tc := range map[string]struct {
		d    *providerdata.Data
		err  error
		want string
	}{
		"object store down": {d, createErr, "The object store at http://" + dead + " (the provider's s3 block) could not be reached: connection refused"},
		"postgres down":     {pg, pgErr, "The PostgreSQL catalog database at " + dead + " (the provider's catalog block) could not be reached: connection refused"},
		"rest down":         {rest, restErr, "The REST catalog at http://" + dead + " (the provider's catalog block) could not be reached: connection refused"},
		"unknown host":      {unknown, dnsErr, "The REST catalog at http://catalog.invalid:8181 (the provider's catalog block) could not be reached: the host name catalog.invalid does not resolve"},
	} {
		got, ok := catalog.Unreachable(tc.d, tc.err)
		if !ok || !strings.HasPrefix(got, tc.want) || strings.Contains(got, "s3cret") {
			t.Errorf("%s: Unreachable(%v) = %q, %v; want %q", name, tc.err, got, ok, tc.want)
		}
	}
	if got, ok := catalog.Unreachable(d, fmt.Errorf("creating: %w", icecatalog.ErrNoSuchNamespace)); ok {
		t.Errorf("an answer from the catalog is not a transport failure: %q", got)
	}
}
