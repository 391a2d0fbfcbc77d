package objectstore_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// slowRetry has waits long enough to tell from minio-go's own (200ms
// doubling, capped at 1s, drawn from zero).
var slowRetry = httpx.RetrySettings{MaxAttempts: 3, MinBackoff: 300 * time.Millisecond, MaxBackoff: 2 * time.Second, RequestTimeout: 5 * time.Second}

func clientAt(t *testing.T, endpoint string, retry httpx.RetrySettings) *minio.Client {
	t.Helper()
	c, err := objectstore.New(providerdata.S3Settings{
		Configured: true, Endpoint: endpoint, Region: "us-east-1", AccessKey: "tf-acc-key", SecretKey: "tf-acc-secret", PathStyle: true,
	}, retry)
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// attemptsLogged is the attempt numbers of the requests in a tflogtest log.
func attemptsLogged(t *testing.T, log *bytes.Buffer) []float64 {
	t.Helper()
	entries, err := tflogtest.MultilineJSONDecode(log)
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, e := range entries {
		if e["@message"] == "sending request" && e["lakehouse.http.backend"] == "s3" {
			n, _ := e["lakehouse.http.attempt"].(float64)
			out = append(out, n)
		}
	}

	return out
}

// S3 requests follow the retry block like every backend: max_attempts
// attempts in all (minio-go's own loop does not add any), at least
// min_backoff apart, each logged with its own number.
func TestS3RetriesFollowRetryBlock(t *testing.T) {
	var (
		mu sync.Mutex
		at []time.Time
	)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>`)
	}))
	t.Cleanup(s.Close)
	var log bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &log)
	_, err := clientAt(t, strings.TrimPrefix(s.URL, "http://"), slowRetry).GetBucketVersioning(ctx, "tf-acc-bucket")
	if objectstore.Code(err) != "SlowDown" {
		t.Fatalf("want the server's SlowDown, got %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(at) != slowRetry.MaxAttempts {
		t.Fatalf("%d attempts, want max_attempts = %d", len(at), slowRetry.MaxAttempts)
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < slowRetry.MinBackoff || gap > slowRetry.MaxBackoff+time.Second {
			t.Errorf("attempts %d and %d came %s apart, want between min_backoff %s and max_backoff %s", i, i+1, gap, slowRetry.MinBackoff, slowRetry.MaxBackoff)
		}
	}
	if got := attemptsLogged(t, &log); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("logged attempts %v, want [1 2 3]", got)
	}
}

// With the server down (connection refused), the same: three attempts,
// numbered, with the retry block's waits between them.
func TestS3RetriesWhenServerIsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := l.Addr().String()
	_ = l.Close() // nothing listens there now
	var log bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &log)
	start := time.Now()
	_, err = clientAt(t, endpoint, slowRetry).BucketExists(ctx, "tf-acc-bucket")
	if err == nil || !objectstore.Transient(err) {
		t.Fatalf("want a transport error, got %v", err)
	}
	if took := time.Since(start); took < 2*slowRetry.MinBackoff {
		t.Errorf("three attempts took %s, want at least two waits of min_backoff %s", took, slowRetry.MinBackoff)
	}
	if got := attemptsLogged(t, &log); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("logged attempts %v, want [1 2 3]", got)
	}
}

// An S3 error code that asks for a retry under a 4xx status (RequestTimeout
// comes as 400) is retried, as minio-go's own loop did.
func TestS3RetriesRetryableCodes(t *testing.T) {
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `<Error><Code>RequestTimeout</Code><Message>Your socket connection to the server was not read from or written to within the timeout period.</Message></Error>`)

			return
		}
		_, _ = io.WriteString(w, `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`)
	}))
	t.Cleanup(s.Close)
	v, err := clientAt(t, strings.TrimPrefix(s.URL, "http://"), quickRetry).GetBucketVersioning(context.Background(), "tf-acc-bucket")
	if err != nil || !v.Enabled() || n.Load() != 2 {
		t.Fatalf("versioning %+v, %v after %d attempts; want Enabled after 2", v, err, n.Load())
	}
}

// A write refused with 503 SlowDown is sent again with the same body and
// signature (minio-go signs the chunks of a plain-HTTP upload as it reads
// them), and MinIO accepts it.
func TestS3RetriesReplaySignedBodies(t *testing.T) {
	p, c := cutProxy(t)
	bucket := newBucket(t, c, false)
	body := strings.Repeat("id_student,score\n", 500)
	p.Reset()
	p.Refuse(2, only("PutObject"), http.StatusServiceUnavailable, "SlowDown", "Reduce your request rate.")
	if err := put(t.Context(), c, bucket, "scores.csv", body, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("put through two SlowDown answers: %v (%s)", err, p)
	}
	if got := p.Counts()["PutObject"]; got != 3 {
		t.Errorf("PutObject sent %d times, want 3", got)
	}
	o, err := c.GetObject(t.Context(), bucket, "scores.csv", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = o.Close() }() // read-only
	if got, err := io.ReadAll(o); err != nil || string(got) != body {
		t.Fatalf("stored %d bytes, %v; want the %d sent", len(got), err, len(body))
	}
}
