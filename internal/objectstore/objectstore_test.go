package objectstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore/objectstoretest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var server *acctest.MinIO

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, &server))
}

// client builds the project's client against endpoint (MinIO or a proxy).
func client(t *testing.T, endpoint string) *minio.Client {
	t.Helper()
	if server == nil {
		t.Skip("needs MinIO; set TF_ACC=1")
	}
	c, err := objectstore.New(providerdata.S3Settings{
		Configured: true, Endpoint: endpoint, Region: "us-east-1", AccessKey: server.AccessKey, SecretKey: server.SecretKey, PathStyle: true,
	}, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}

	return c
}

func put(ctx context.Context, c *minio.Client, bucket, key, body string, opts minio.PutObjectOptions) error {
	_, err := c.PutObject(ctx, bucket, key, bytes.NewReader([]byte(body)), int64(len(body)), opts)

	return err
}

// C03: versions, a delete marker, 2,500 objects and a pending multipart
// upload all go; deletions are batched by at most 1,000 keys and no batch
// is empty.
func TestEmptyBucketRemovesEverything(t *testing.T) {
	p := objectstoretest.NewProxy(mustEndpoint(t))
	defer p.Close()
	c := client(t, p.Endpoint())
	ctx := t.Context()
	bucket := acctest.RandomName()
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := put(ctx, c, bucket, "k1", fmt.Sprint(i), minio.PutObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.RemoveObject(ctx, bucket, "k1", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range 2500 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := put(ctx, c, bucket, fmt.Sprintf("p/%05d", i), "x", minio.PutObjectOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := (&minio.Core{Client: c}).NewMultipartUpload(ctx, bucket, "pending.bin", minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}

	p.Reset()
	if err := objectstore.EmptyBucket(ctx, c, bucket); err != nil {
		t.Fatal(err)
	}
	// 3 versions + 1 delete marker + 2,500 objects = 2,504 keys: 3 batches.
	if got := p.Counts()["PostDeleteObjects"]; got != 3 {
		t.Errorf("DeleteObjects requests = %d, want 3 (%s)", got, p)
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		t.Fatalf("bucket not empty after EmptyBucket: %v", err)
	}
	// An empty bucket sends no DeleteObjects at all.
	if err := c.MakeBucket(ctx, bucket+"-e", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	p.Reset()
	if err := objectstore.EmptyBucket(ctx, c, bucket+"-e"); err != nil {
		t.Fatal(err)
	}
	if got := p.Counts()["PostDeleteObjects"]; got != 0 {
		t.Errorf("an empty bucket got %d DeleteObjects requests", got)
	}
	_ = c.RemoveBucket(ctx, bucket+"-e")
}

// C03: objects under retention are never bypassed; the error gives their
// count and sample keys, and a second run continues with what is left.
func TestEmptyBucketReportsLockedObjects(t *testing.T) {
	c := client(t, mustEndpoint(t))
	ctx := t.Context()
	bucket := acctest.RandomName()
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(24 * time.Hour)
	mode := minio.Governance
	if err := put(ctx, c, bucket, "held/report.csv", "x", minio.PutObjectOptions{Mode: mode, RetainUntilDate: until}); err != nil {
		t.Fatal(err)
	}
	if err := put(ctx, c, bucket, "free.csv", "y", minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	err := objectstore.EmptyBucket(ctx, c, bucket)
	var locked *objectstore.LockedObjectsError
	if !errors.As(err, &locked) {
		t.Fatalf("want a LockedObjectsError, got %v", err)
	}
	if locked.Count != 1 || len(locked.Sample) != 1 || !strings.HasPrefix(locked.Sample[0], "held/report.csv (version ") {
		t.Fatalf("locked: %+v", locked)
	}
	if !strings.Contains(err.Error(), "1 object version(s)") {
		t.Errorf("message: %v", err)
	}
	// Lift the hold by hand, as an operator would, and run again.
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if err := c.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{VersionID: o.VersionID, GovernanceBypass: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := objectstore.EmptyBucket(ctx, c, bucket); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		t.Fatal(err)
	}
}

// C04: create waits until a bucket the server hides for a while is visible,
// and gives up within the bound when it never appears.
func TestWaitBucketVisible(t *testing.T) {
	p := objectstoretest.NewProxy(mustEndpoint(t))
	defer p.Close()
	c := client(t, p.Endpoint())
	ctx := t.Context()

	p.HideNewBuckets(3)
	bucket := acctest.RandomName()
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := objectstore.WaitBucketVisible(ctx, c, bucket); err != nil {
		t.Fatal(err)
	}
	if p.Faked() != 3 {
		t.Fatalf("faked %d answers, want 3", p.Faked())
	}

	old := objectstore.VisibleTimeout
	objectstore.VisibleTimeout = 700 * time.Millisecond
	defer func() { objectstore.VisibleTimeout = old }()
	p.HideNewBuckets(1000)
	start := time.Now()
	err := objectstore.WaitBucketVisible(ctx, c, "tf-acc-never-created")
	if err == nil || !strings.Contains(err.Error(), "not visible") {
		t.Fatalf("want a not-visible error, got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("the wait overran its bound: %s", time.Since(start))
	}
}

func TestRetryNoSuchBucket(t *testing.T) {
	ctx := context.Background()
	calls := 0
	err := objectstore.RetryNoSuchBucket(ctx, func(context.Context) error {
		calls++
		if calls < 3 {
			return minio.ErrorResponse{Code: "NoSuchBucket", StatusCode: 404}
		}

		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
	calls = 0
	denied := minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403}
	err = objectstore.RetryNoSuchBucket(ctx, func(context.Context) error { calls++; return denied })
	if objectstore.Code(err) != "AccessDenied" || calls != 1 {
		t.Fatalf("other errors must not be retried: %v after %d calls", err, calls)
	}
}

func mustEndpoint(t *testing.T) string {
	t.Helper()
	if server == nil {
		t.Skip("needs MinIO; set TF_ACC=1")
	}

	return server.Endpoint
}

// Only a write that got no S3 answer may have happened; an S3 refusal or a
// local failure certainly did not.
func TestOutcomeUnknown(t *testing.T) {
	reset := &url.Error{Op: "Put", URL: "http://127.0.0.1:9000/b/", Err: syscall.ECONNRESET}
	// What os.Stat really returns: its syscall.Errno is also a net.Error.
	_, missingErr := os.Stat(filepath.Join(t.TempDir(), "no-such-file"))
	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"nil":              {nil, false},
		"connection reset": {reset, true},
		"wrapped reset":    {fmt.Errorf("creating: %w", reset), true},
		"timeout":          {&net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, true},
		"s3 refusal":       {minio.ErrorResponse{Code: "AccessDenied", StatusCode: 403}, false},
		"local file":       {&fs.PathError{Op: "open", Path: "seed.csv", Err: fs.ErrNotExist}, false},
		"missing file":     {fmt.Errorf("reading source: %w", missingErr), false},
		"unreadable file":  {&fs.PathError{Op: "open", Path: "seed.csv", Err: syscall.EACCES}, false},
		"directory":        {&fs.PathError{Op: "read", Path: "seeds", Err: syscall.EISDIR}, false},
	} {
		if got := objectstore.OutcomeUnknown(c.err); got != c.want {
			t.Errorf("%s: OutcomeUnknown = %v, want %v", name, got, c.want)
		}
	}
}
