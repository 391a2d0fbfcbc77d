// Package objectstore builds the minio-go client for the provider's s3
// settings, used by the storage resources, the governance documents and the
// runner alike.
package objectstore

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// New returns a minio-go client whose retry count follows the shared retry
// policy and whose requests are logged at debug with credentials redacted.
// The listing helpers of this package repeat cut replies within the same
// policy.
func New(s providerdata.S3Settings, retry httpx.RetrySettings) (*minio.Client, error) {
	tr := cleanhttp.DefaultPooledTransport()
	tlsCfg, err := s.Config()
	if err != nil {
		return nil, fmt.Errorf("the s3 block's TLS settings: %w", err)
	}
	if tlsCfg != nil {
		tr.TLSClientConfig = tlsCfg
	}
	tr.ResponseHeaderTimeout = retry.RequestTimeout
	lookup := minio.BucketLookupAuto
	if s.PathStyle {
		lookup = minio.BucketLookupPath
	}
	var creds *credentials.Credentials
	if s.AccessKey != "" {
		creds = credentials.NewStaticV4(s.AccessKey, s.SecretKey, s.SessionToken)
	} else {
		creds = credentials.NewChainCredentials([]credentials.Provider{&credentials.EnvAWS{}, &credentials.IAM{}})
	}

	c, err := minio.New(s.Endpoint, &minio.Options{
		Creds:        creds,
		Secure:       s.UseSSL,
		Region:       s.Region,
		BucketLookup: lookup,
		Transport:    httpx.LoggingTransport(wholeSmallAnswers{next: tr}, "s3"),
		MaxRetries:   max(retry.MaxAttempts, 1),
	})
	if err != nil {
		return nil, err
	}
	remember(c, retry)

	return c, nil
}

// FromData returns the cached client for the provider's s3 block, or a
// NotConfiguredError naming the block and its environment variables.
func FromData(d *providerdata.Data) (*minio.Client, error) {
	return providerdata.Client(d, "s3", func(d *providerdata.Data) (*minio.Client, error) {
		if !d.S3.Configured {
			return nil, &providerdata.NotConfiguredError{Block: "s3", Env: providerdata.S3Env}
		}

		return New(d.S3, d.Retry)
	})
}

var _ http.RoundTripper = httpx.LoggingTransport(nil, "")

// smallAnswer is the largest GET answer wholeSmallAnswers reads in one
// piece: every bucket configuration (versioning, tags, lifecycle, policy,
// object lock) and small objects such as governance documents, never data
// files.
const smallAnswer = 1 << 20

// wholeSmallAnswers reads the body of a small GET answer inside the round
// trip, so that a body cut in transport fails the round trip itself, which
// minio-go then sends again within the retry block. minio-go retries only
// until the headers arrive: a bucket configuration whose body was cut came
// back as an error of its own.
type wholeSmallAnswers struct{ next http.RoundTripper }

func (t wholeSmallAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodGet || resp.ContentLength < 0 || resp.ContentLength > smallAnswer {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close() // read to the end or failed: nothing is left to lose
	if err != nil {
		return nil, fmt.Errorf("reading the answer to GET %s: %w", req.URL.Redacted(), err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))

	return resp, nil
}

var policyLocks sync.Map // endpoint/bucket -> *sync.Mutex

// LockBucketPolicy serialises read-modify-write cycles on one bucket's
// policy within this process: Terraform applies resources in parallel, and
// several resources may own statements of the same policy.
func LockBucketPolicy(c *minio.Client, bucket string) (unlock func()) {
	v, _ := policyLocks.LoadOrStore(c.EndpointURL().Host+"/"+bucket, &sync.Mutex{})
	mu := v.(*sync.Mutex) //nolint:forcetypeassert // only *sync.Mutex is stored
	mu.Lock()

	return mu.Unlock
}
