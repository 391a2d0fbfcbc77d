// Package objectstore builds the minio-go client for the provider's s3
// settings, used by the storage resources, the governance documents and the
// runner alike.
package objectstore

import (
	"bytes"
	"encoding/xml"
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

// New returns a minio-go client whose requests follow the shared retry
// policy (attempts, backoff, Retry-After) and are logged at debug, each
// attempt with its number, with credentials redacted. The listing helpers of
// this package repeat cut replies within the same policy.
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
		Transport: httpx.RetryingTransport(wholeSmallAnswers{next: tr}, httpx.TransportOptions{
			Retry: retry, Backend: "s3", Retryable: retryableAnswer, MaxReplayBody: maxReplayBody,
		}),
		// minio-go's own loop is off: its waits are package-wide
		// (DefaultRetryUnit, DefaultRetryCap), not the retry block's, and
		// it would multiply the transport's attempts. After a last failed
		// attempt it still sleeps once, up to DefaultRetryUnit (200ms).
		MaxRetries: 1,
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

// maxReplayBody is the largest request body the transport keeps to send
// again: every object this provider writes, and the parts minio-go uploads
// for objects up to about 600 GiB (16 MiB each up to about 150 GiB). A
// larger part is sent once.
const maxReplayBody = 64 << 20

// retryableCodes are the S3 error codes minio-go's own loop retried and a
// transport can: ExpiredToken needs fresh credentials, so it is not one.
var retryableCodes = map[string]bool{
	"RequestError": true, "RequestTimeout": true, "Throttling": true, "ThrottlingException": true,
	"RequestLimitExceeded": true, "RequestThrottled": true, "InternalError": true,
	"SlowDown": true, "SlowDownWrite": true, "SlowDownRead": true,
}

// retryableAnswer reports whether an S3 answer the shared policy does not
// retry by its status asks for another attempt, as it did in minio-go's own
// loop: a 408 or 499, a retryable error code under a 4xx status (S3 answers
// RequestTimeout with 400), or an error inside the 200 answer of
// CompleteMultipartUpload or a copy. It leaves the body readable.
func retryableAnswer(resp *http.Response) bool {
	req := resp.Request
	switch {
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == 499:
		return true
	case req == nil || req.Method == http.MethodHead:
		return false
	case resp.StatusCode >= http.StatusBadRequest:
	case resp.StatusCode == http.StatusOK && (req.Method == http.MethodPost && req.URL.Query().Has("uploadId") ||
		req.Header.Get("X-Amz-Copy-Source") != ""):
	default:
		return false
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10)) // an error comes again from the rest
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	var e struct {
		XMLName xml.Name
		Code    string
	}
	if xml.Unmarshal(head, &e) != nil || e.XMLName.Local != "Error" {
		return false
	}

	return retryableCodes[e.Code]
}

// smallAnswer is the largest GET answer wholeSmallAnswers reads in one
// piece: every bucket configuration (versioning, tags, lifecycle, policy,
// object lock) and small objects such as governance documents, never data
// files.
const smallAnswer = 1 << 20

// wholeSmallAnswers reads the body of a small GET answer inside the round
// trip, so that a body cut in transport fails the round trip itself, which
// the retrying transport then sends again within the retry block. A retry
// ends when the headers arrive: a bucket configuration whose body was cut
// would come back as an error of its own.
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
