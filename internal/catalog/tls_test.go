package catalog_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

// A REST catalog behind a TLS front whose certificate an internal CA
// signed: opening it fails with a certificate error without the catalog
// block's CA and works with it.
func TestOpen_restInternalCA(t *testing.T) {
	ctx := context.Background()
	srv := startFake(t)
	ca := tlstest.New(t)
	front := ca.Proxy(t, srv.URL)
	data := func(tls httpx.TLS) *providerdata.Data {
		retry := httpx.DefaultRetrySettings()
		retry.MaxAttempts = 1

		return &providerdata.Data{Retry: retry, Catalog: providerdata.CatalogSettings{
			Configured: true, Type: catalog.TypeREST, URI: front.URL, TLS: tls,
		}}
	}

	_, err := catalog.Open(ctx, data(httpx.TLS{}))
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("without the CA: error = %v, want an unknown-authority error", err)
	}
	cat, err := catalog.Open(ctx, data(httpx.TLS{CAPEM: ca.PEM()}))
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	if err := cat.CreateNamespace(ctx, []string{"lake"}, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := srv.Catalog().CheckNamespaceExists(ctx, []string{"lake"}); err != nil || !ok {
		t.Fatalf("namespace not created through the TLS front: %v %v", ok, err)
	}
}
