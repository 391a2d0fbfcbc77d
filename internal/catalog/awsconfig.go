package catalog

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// AWSConfig builds the AWS SDK configuration iceberg-go's S3 FileIO uses
// for table data and metadata files: the s3 block's credentials and region,
// an HTTP client that trusts the s3 block's CA and gives up on an answer
// not begun within the retry block's request timeout, and a retryer that follows the
// retry block. iceberg-go still applies the s3.* properties (endpoint, path
// style, region, keys) on top of it.
func AWSConfig(ctx context.Context, d *providerdata.Data) (*aws.Config, error) {
	s := d.S3
	region := s.Region
	if region == "" {
		region = "us-east-1" // the SDK refuses to sign without one; MinIO ignores it
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(region)}
	if s.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, s.SessionToken)))
	}
	// Without keys the SDK's default chain (environment, shared files,
	// instance role) still supplies credentials.
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS SDK configuration for the s3 block: %w", err)
	}
	client, err := s3HTTPClient(s.TLS, d.Retry.RequestTimeout)
	if err != nil {
		return nil, fmt.Errorf("the s3 block's TLS settings: %w", err)
	}
	// Set after loading so that AWS_CA_BUNDLE, which the provider already
	// folds into the s3 block's CA, cannot replace the trusted roots.
	cfg.HTTPClient = wholeSmallGets{next: client, retry: d.Retry}
	cfg.Retryer = func() aws.Retryer { return newRetryer(d.Retry) }
	// The retry block wins over AWS_MAX_ATTEMPTS and AWS_RETRY_MODE.
	cfg.RetryMaxAttempts = 0
	cfg.RetryMode = ""

	return &cfg, nil
}

// s3HTTPClient returns the SDK's buildable client (its proxy, dial and
// HTTP/2 defaults) with the CA and the request timeout as the wait for
// response headers (as the minio-go client has it).
func s3HTTPClient(t httpx.TLS, timeout time.Duration) (*awshttp.BuildableClient, error) {
	tlsCfg, err := t.Config()
	if err != nil {
		return nil, err
	}
	client := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		// Table writes and scans open many connections to one host.
		tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
		// The timeout bounds the wait for an answer, not the transfer: a
		// large data file may take longer than that to stream.
		if timeout > 0 {
			tr.ResponseHeaderTimeout = timeout
		}
		if tlsCfg != nil {
			if tr.TLSClientConfig == nil {
				tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			tr.TLSClientConfig.InsecureSkipVerify = tlsCfg.InsecureSkipVerify
			tr.TLSClientConfig.RootCAs = tlsCfg.RootCAs
		}
	})
	return client, nil
}

// newRetryer follows the retry block: max_attempts attempts in all, with
// the shared jittered backoff between min_backoff and max_backoff (and
// Retry-After), retrying connection errors, 429 and 5xx but 501, and never
// a certificate failure. The client-side retry quota is off: the retry
// block alone bounds the retries, as for the other backends.
func newRetryer(r httpx.RetrySettings) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = max(r.MaxAttempts, 1)
		o.MaxBackoff = r.MaxBackoff
		o.Backoff = backoff(r)
		o.RateLimiter = ratelimit.None
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(noRetryCertificate)},
			o.Retryables...)
		o.Retryables = append(o.Retryables, retry.IsErrorRetryableFunc(retryStatus))
	})
}

type backoffFunc func(attempt int, err error) (time.Duration, error)

func (f backoffFunc) BackoffDelay(attempt int, err error) (time.Duration, error) {
	return f(attempt, err)
}

func backoff(r httpx.RetrySettings) retry.BackoffDelayer {
	return backoffFunc(func(attempt int, err error) (time.Duration, error) {
		// The SDK counts the first retry as attempt 1; httpx starts at 0.
		return httpx.Backoff(r.MinBackoff, r.MaxBackoff, max(attempt-1, 0), response(err)), nil
	})
}

func response(err error) *http.Response {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Response
	}

	return nil
}

// retryStatus retries 429 and every 5xx but 501, the same statuses as
// httpx.CheckRetry; the SDK's own list has only 500, 502, 503 and 504.
func retryStatus(err error) aws.Ternary {
	var v interface{ HTTPStatusCode() int }
	if !errors.As(err, &v) {
		return aws.UnknownTernary
	}
	code := v.HTTPStatusCode()
	if code == http.StatusTooManyRequests || code >= 500 && code != http.StatusNotImplemented {
		return aws.TrueTernary
	}

	return aws.UnknownTernary
}

func noRetryCertificate(err error) aws.Ternary {
	var verr *tls.CertificateVerificationError
	var uerr x509.UnknownAuthorityError
	var herr x509.HostnameError
	if errors.As(err, &verr) || errors.As(err, &uerr) || errors.As(err, &herr) {
		return aws.FalseTernary
	}

	return aws.UnknownTernary
}

// smallGet is the largest answer wholeSmallGets reads in one piece: table
// metadata, manifest lists and manifests, not data files.
const smallGet = 16 << 20

// wholeSmallGets reads the body of a small GET answer before handing it on
// and sends the request again when the body is cut in transport. The SDK
// retries a request until its headers arrive, never a body cut while it is
// read, and iceberg-go reads a metadata file in one piece, so a reset there
// would fail a whole table operation. Larger answers stream as they come.
type wholeSmallGets struct {
	next  aws.HTTPClient
	retry httpx.RetrySettings
}

func (c wholeSmallGets) Do(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		return c.next.Do(req)
	}
	for attempt := 0; ; attempt++ {
		resp, err := c.next.Do(req)
		if err != nil || resp.ContentLength < 0 || resp.ContentLength > smallGet {
			return resp, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close() // read to the end or failed: nothing is left to lose
		if err == nil {
			resp.Body = io.NopCloser(bytes.NewReader(body))

			return resp, nil
		}
		if attempt+1 >= max(c.retry.MaxAttempts, 1) {
			return nil, fmt.Errorf("reading the answer to GET %s (%d attempts): %w", req.URL.Redacted(), attempt+1, err)
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(httpx.Backoff(c.retry.MinBackoff, c.retry.MaxBackoff, attempt, nil)):
		}
	}
}
