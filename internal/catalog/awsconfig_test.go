package catalog_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

// statusError is an S3 error response as the SDK hands it to the retryer.
func statusError(code int, header http.Header) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code, Header: header}},
		Err:      fmt.Errorf("status %d", code),
	}}
}

// The AWS configuration of the S3 FileIO follows the retry block (attempts,
// retried statuses, bounded backoff, request timeout), overrides
// AWS_MAX_ATTEMPTS, carries the s3 block's credentials and region, and
// its HTTP client trusts the s3 block's CA.
func TestAWSConfig_retryAndCA(t *testing.T) {
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	ca := tlstest.New(t)
	srv := ca.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	retry := httpx.RetrySettings{MaxAttempts: 7, MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond,
		RequestTimeout: 3 * time.Second}
	build := func(tls httpx.TLS) *providerdata.Data {
		return &providerdata.Data{Retry: retry, S3: providerdata.S3Settings{Configured: true, Region: "eu-north-1",
			AccessKey: "AKIDLAKE", SecretKey: "secret", UseSSL: true, TLS: tls}}
	}
	cfg, err := catalog.AWSConfig(context.Background(), build(httpx.TLS{CAPEM: ca.PEM()}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-north-1" {
		t.Errorf("region = %q", cfg.Region)
	}
	if creds, err := cfg.Credentials.Retrieve(context.Background()); err != nil || creds.AccessKeyID != "AKIDLAKE" {
		t.Errorf("credentials = %+v, %v", creds, err)
	}
	if cfg.RetryMaxAttempts != 0 {
		t.Errorf("RetryMaxAttempts = %d: AWS_MAX_ATTEMPTS would override the retry block", cfg.RetryMaxAttempts)
	}
	r := cfg.Retryer()
	if r.MaxAttempts() != 7 {
		t.Errorf("MaxAttempts = %d, want 7", r.MaxAttempts())
	}
	for code, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true, 507: true,
		501: false, 400: false, 403: false, 404: false} {
		if got := r.IsErrorRetryable(statusError(code, nil)); got != want {
			t.Errorf("status %d retryable = %v, want %v", code, got, want)
		}
	}
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	if !r.IsErrorRetryable(dial) {
		t.Error("a connection error is not retried")
	}
	certErr := &tls.CertificateVerificationError{Err: errors.New("x509: certificate signed by unknown authority")}
	if r.IsErrorRetryable(fmt.Errorf("wrapped: %w", certErr)) {
		t.Error("a certificate failure is retried")
	}
	for attempt := 1; attempt <= 10; attempt++ {
		d, err := r.RetryDelay(attempt, statusError(503, nil))
		if err != nil || d < retry.MinBackoff || d > retry.MaxBackoff {
			t.Errorf("attempt %d: delay %v (%v), want within [%v, %v]", attempt, d, err, retry.MinBackoff, retry.MaxBackoff)
		}
	}
	// Retry-After wins, capped at max_backoff.
	if d, _ := r.RetryDelay(1, statusError(429, http.Header{"Retry-After": {"120"}})); d != retry.MaxBackoff {
		t.Errorf("Retry-After 120 s: delay %v, want max_backoff %v", d, retry.MaxBackoff)
	}
	bc, ok := catalog.S3HTTPClient(cfg).(*awshttp.BuildableClient)
	if !ok || bc.GetTimeout() != 0 || bc.GetTransport().ResponseHeaderTimeout != retry.RequestTimeout {
		t.Fatalf("HTTP client %T: want a BuildableClient that waits %v for response headers and never cuts a transfer",
			cfg.HTTPClient, retry.RequestTimeout)
	}
	if err := get(cfg.HTTPClient, srv.URL); err != nil {
		t.Errorf("with the CA: %v", err)
	}

	without, err := catalog.AWSConfig(context.Background(), build(httpx.TLS{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := get(without.HTTPClient, srv.URL); err == nil || !strings.Contains(err.Error(), "unknown authority") {
		t.Errorf("without the CA: error = %v, want an unknown-authority error", err)
	}
	if _, err := catalog.AWSConfig(context.Background(), build(httpx.TLS{CAPEM: "not a certificate"})); err == nil {
		t.Error("an invalid CA is accepted")
	}
}

func get(c interface {
	Do(*http.Request) (*http.Response, error)
}, url string,
) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}

	return resp.Body.Close()
}

// A small GET whose body is cut mid-way is sent again, within max_attempts;
// the SDK alone would retry only until the headers arrive.
func TestAWSConfig_cutBodiesAreReadAgain(t *testing.T) {
	const doc = `{"format-version":2,"table-uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1"}`
	var gets atomic.Int32
	cuts := int32(2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && gets.Add(1) <= cuts {
			w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(doc[:10]))
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}

			return
		}
		_, _ = w.Write([]byte(doc))
	}))
	t.Cleanup(srv.Close)
	data := func(attempts int) *providerdata.Data {
		return &providerdata.Data{S3: providerdata.S3Settings{Configured: true, AccessKey: "k", SecretKey: "s"},
			Retry: httpx.RetrySettings{MaxAttempts: attempts, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}}
	}
	read := func(attempts int) (string, error) {
		cfg, err := catalog.AWSConfig(context.Background(), data(attempts))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/wh/t/metadata/00000.metadata.json", nil)
		resp, err := cfg.HTTPClient.Do(req)
		if err != nil {
			return "", err
		}
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(resp.Body)

		return string(b), err
	}
	if got, err := read(3); err != nil || got != doc {
		t.Fatalf("max_attempts 3 through 2 cuts: %q, %v", got, err)
	}
	if n := gets.Load(); n != 3 {
		t.Errorf("the server saw %d GETs, want 3", n)
	}
	gets.Store(0)
	if _, err := read(2); err == nil || !strings.Contains(err.Error(), "2 attempts") {
		t.Fatalf("max_attempts 2 through 2 cuts: want the cut reported after 2 attempts, got %v", err)
	}
}
