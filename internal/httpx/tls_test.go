package httpx_test

import (
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

func tlsRetry() httpx.RetrySettings {
	return httpx.RetrySettings{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, RequestTimeout: 10 * time.Second}
}

func TestCertPool(t *testing.T) {
	ca := tlstest.New(t)
	other := tlstest.New(t)
	_, keyPEM := ca.ServerCert(t)
	ok := []struct{ name, text string }{
		{"one certificate", ca.PEM()},
		{"a bundle with comments", "# Example University root\n" + ca.PEM() + "\n# second\n" + other.PEM()},
	}
	for _, c := range ok {
		if _, err := httpx.CertPool(c.text); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// The CA is added to the system roots, not put in their place, so public
	// services stay trusted.
	if sys, err := x509.SystemCertPool(); err == nil && !sys.Equal(x509.NewCertPool()) {
		pool, err := httpx.CertPool(ca.PEM())
		if err != nil {
			t.Fatal(err)
		}
		only := x509.NewCertPool()
		only.AppendCertsFromPEM([]byte(ca.PEM()))
		if pool.Equal(only) || pool.Equal(sys) {
			t.Error("the pool should hold the system roots and the CA")
		}
	}
	bad := []struct{ name, text, want string }{
		{"empty", "", "no PEM certificate"},
		{"not PEM", "MIIB-not-a-certificate", "no PEM certificate"},
		{"a private key", string(keyPEM), `"PRIVATE KEY" block`},
		{"a certificate then a key", ca.PEM() + string(keyPEM), "PEM block 2"},
		{"a broken certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not a valid X.509 certificate"},
	}
	for _, c := range bad {
		_, err := httpx.CertPool(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want one mentioning %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(c.text, "PRIVATE KEY") && strings.Contains(err.Error(), strings.Split(string(keyPEM), "\n")[1]) {
			t.Errorf("%s: the error quotes the key", c.name)
		}
	}
}

// A server whose certificate an internal CA signed is refused without that
// CA and trusted with it; another CA does not stand in for it.
func TestNewClientTrustsConfiguredCA(t *testing.T) {
	ca := tlstest.New(t)
	var hits atomic.Int32
	srv := ca.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))

	plain := httpx.NewClient(httpx.Options{Retry: tlsRetry(), Backend: "test"})
	_, err := plain.Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("without the CA: error = %v, want an unknown-authority error", err)
	}

	trusting := httpx.NewClient(httpx.Options{Retry: tlsRetry(), Backend: "test", TLS: httpx.TLS{CAPEM: ca.PEM()}})
	resp, err := trusting.Get(srv.URL)
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || hits.Load() != 1 {
		t.Fatalf("status %d after %d requests", resp.StatusCode, hits.Load())
	}

	// Another CA's certificate does not stand in for the server's.
	wrong := httpx.NewClient(httpx.Options{Retry: tlsRetry(), Backend: "test", TLS: httpx.TLS{CAPEM: tlstest.New(t).PEM()}})
	if _, err := wrong.Get(srv.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("with another CA: error = %v", err)
	}
}

// Bad TLS settings fail every request at once, without retries and without
// falling back to the default verification.
func TestNewClientBadCAFailsClosed(t *testing.T) {
	var hits atomic.Int32
	srv := tlstest.New(t).NewServer(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	c := httpx.NewClient(httpx.Options{Retry: tlsRetry(), Backend: "dremio", TLS: httpx.TLS{CAPEM: "not a certificate"}})
	_, err := c.Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "invalid TLS settings of the dremio backend") {
		t.Fatalf("error = %v", err)
	}
	if hits.Load() != 0 {
		t.Fatal("the request reached the server")
	}
	if retry, _ := httpx.CheckRetry(t.Context(), nil, errors.Unwrap(err)); retry {
		t.Fatal("bad TLS settings must not be retried")
	}
}
