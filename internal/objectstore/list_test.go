package objectstore_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore/objectstoretest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// quickRetry is a retry block with short waits, so cut replies cost little.
var quickRetry = httpx.RetrySettings{MaxAttempts: 4, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, RequestTimeout: 30 * time.Second}

func clientWith(t *testing.T, endpoint string, retry httpx.RetrySettings) *minio.Client {
	t.Helper()
	c, err := objectstore.New(providerdata.S3Settings{
		Configured: true, Endpoint: endpoint, Region: "us-east-1", AccessKey: server.AccessKey, SecretKey: server.SecretKey, PathStyle: true,
	}, retry)
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// cutProxy is a recording proxy in front of MinIO and a client through it
// with quickRetry.
func cutProxy(t *testing.T) (*objectstoretest.Proxy, *minio.Client) {
	t.Helper()
	p := objectstoretest.NewProxy(mustEndpoint(t))
	t.Cleanup(p.Close)

	return p, clientWith(t, p.Endpoint(), quickRetry)
}

// everyOther accepts every other request of op, from the first, so each
// page of a listing is cut once and then goes through.
func everyOther(op string) func(string) bool {
	n := 0 // the proxy asks under its lock

	return func(o string) bool {
		if o != op {
			return false
		}
		n++

		return n%2 == 1
	}
}

func only(ops ...string) func(string) bool {
	return func(op string) bool {
		for _, o := range ops {
			if o == op {
				return true
			}
		}

		return false
	}
}

// putMany writes n objects named name(i), 16 at a time.
func putMany(t *testing.T, c *minio.Client, bucket string, n int, name func(int) string) {
	t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := put(t.Context(), c, bucket, name(i), fmt.Sprint(i), minio.PutObjectOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func newBucket(t *testing.T, c *minio.Client, versioned bool) string {
	t.Helper()
	bucket := acctest.RandomName()
	if err := c.MakeBucket(t.Context(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if versioned {
		if err := c.EnableVersioning(t.Context(), bucket); err != nil {
			t.Fatal(err)
		}
	}

	return bucket
}

// A plain listing of 350 keys in pages of 100, whose first three pages are
// each cut mid-body once, still yields every key exactly once, in order.
func TestListObjectsResumesAfterCutReplies(t *testing.T) {
	p, c := cutProxy(t)
	bucket := newBucket(t, c, false)
	putMany(t, c, bucket, 350, func(i int) string { return fmt.Sprintf("d/%04d", i) })

	p.Reset()
	p.CutReplies(3, 400, everyOther("ListObjects"))
	var keys []string
	for o, err := range objectstore.ListObjects(t.Context(), c, bucket, minio.ListObjectsOptions{Prefix: "d/", Recursive: true, MaxKeys: 100}) {
		if err != nil {
			t.Fatalf("after %d keys: %v", len(keys), err)
		}
		keys = append(keys, o.Key)
	}
	if p.Cuts() != 3 {
		t.Fatalf("%d replies cut, want 3 (%s)", p.Cuts(), p)
	}
	if len(keys) != 350 {
		t.Fatalf("listed %d keys, want 350", len(keys))
	}
	for i, k := range keys {
		if want := fmt.Sprintf("d/%04d", i); k != want {
			t.Fatalf("key %d is %q, want %q", i, k, want)
		}
	}
	// 4 pages plus one repeat per cut.
	if got := p.Counts()["ListObjects"]; got != 4+3 {
		t.Errorf("ListObjects requests = %d, want 7", got)
	}
}

// A listing of versions in pages that end among the versions of one key,
// whose first four pages are each cut once, yields every version once: the
// key in progress is listed again and its versions already seen are skipped.
func TestListVersionsResumesWithinAKey(t *testing.T) {
	p, c := cutProxy(t)
	bucket := newBucket(t, c, true)
	for range 3 {
		putMany(t, c, bucket, 70, func(i int) string { return fmt.Sprintf("v/%03d", i) })
	}
	want := map[string]bool{}
	for o := range c.ListObjects(t.Context(), bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		want[o.Key+"@"+o.VersionID] = true
	}
	if len(want) != 210 {
		t.Fatalf("setup made %d versions, want 210", len(want))
	}

	p.Reset()
	p.CutReplies(4, 300, everyOther("GetListVersions"))
	got := map[string]int{}
	for o, err := range objectstore.ListObjects(t.Context(), c, bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true, MaxKeys: 50}) {
		if err != nil {
			t.Fatalf("after %d versions: %v", len(got), err)
		}
		got[o.Key+"@"+o.VersionID]++
	}
	if p.Cuts() != 4 {
		t.Fatalf("%d replies cut, want 4 (%s)", p.Cuts(), p)
	}
	for v, n := range got {
		if n != 1 || !want[v] {
			t.Errorf("version %s listed %d time(s), known %v", v, n, want[v])
		}
	}
	if len(got) != len(want) {
		t.Errorf("listed %d versions, want %d", len(got), len(want))
	}
}

// When every try is cut, the listing fails after max_attempts tries with an
// error that says so and keeps the transport cause.
func TestListObjectsGivesUpAfterMaxAttempts(t *testing.T) {
	p, c := cutProxy(t)
	bucket := newBucket(t, c, true)
	putMany(t, c, bucket, 5, func(i int) string { return fmt.Sprintf("k%d", i) })

	p.Reset()
	p.CutReplies(1000, 10, only("GetListVersions", "GetUploads"))
	var err error
	n := 0
	for _, e := range objectstore.ListObjects(t.Context(), c, bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if err = e; err == nil {
			n++
		}
	}
	if err == nil || n != 0 {
		t.Fatalf("want an error and no entries, got %d entries, err %v", n, err)
	}
	if !strings.Contains(err.Error(), "failed in transport 4 time(s) in a row") || !objectstore.Transient(err) {
		t.Errorf("error: %v", err)
	}
	if got := p.Counts()["GetListVersions"]; got != quickRetry.MaxAttempts {
		t.Errorf("GetListVersions requests = %d, want %d", got, quickRetry.MaxAttempts)
	}
	for _, e := range objectstore.ListIncompleteUploads(t.Context(), c, bucket, "") {
		err = e
	}
	if err == nil || !strings.Contains(err.Error(), "listing incomplete uploads") {
		t.Errorf("incomplete uploads: %v", err)
	}
	// An S3 answer is not a transport failure: no repeat.
	p.CutReplies(0, 0, nil)
	p.Reset()
	for _, e := range objectstore.ListObjects(t.Context(), c, "tf-acc-no-such-bucket", minio.ListObjectsOptions{Recursive: true}) {
		err = e
	}
	if !objectstore.IsNoSuchBucket(err) || p.Counts()["ListObjects"] != 1 {
		t.Errorf("NoSuchBucket: %v after %d requests", err, p.Counts()["ListObjects"])
	}
}

func TestListBucketsRepeatsCutReply(t *testing.T) {
	p, c := cutProxy(t)
	bucket := newBucket(t, c, false)
	p.CutReplies(2, 50, only("ListBuckets"))
	all, err := objectstore.ListBuckets(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range all {
		found = found || b.Name == bucket
	}
	if !found || p.Cuts() != 2 {
		t.Fatalf("bucket found %v after %d cuts", found, p.Cuts())
	}
}

// C03 under a failing network: a versioned bucket with several hundred
// versions, delete markers and an incomplete multipart upload is emptied and
// deleted although the listings of versions and uploads and the
// DeleteObjects answers are each cut mid-body twice.
func TestEmptyBucketThroughCutReplies(t *testing.T) {
	p, c := cutProxy(t)
	ctx := t.Context()
	bucket := newBucket(t, c, true)
	for range 2 {
		putMany(t, c, bucket, 300, func(i int) string { return fmt.Sprintf("obs/%04d.csv", i) })
	}
	for i := range 60 {
		if err := c.RemoveObject(ctx, bucket, fmt.Sprintf("obs/%04d.csv", i), minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err) // a delete marker on top of two versions
		}
	}
	if _, err := (&minio.Core{Client: c}).NewMultipartUpload(ctx, bucket, "pending.parquet", minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	cut := map[string]int{}
	p.Reset()
	p.CutReplies(6, 100, func(op string) bool {
		mu.Lock()
		defer mu.Unlock()
		if !only("GetListVersions", "GetUploads", "PostDeleteObjects")(op) || cut[op] == 2 {
			return false
		}
		cut[op]++

		return true
	})
	if err := objectstore.EmptyBucket(ctx, c, bucket); err != nil {
		t.Fatalf("EmptyBucket through cut replies: %v (%s)", err, p)
	}
	if p.Cuts() != 6 {
		t.Errorf("%d replies cut, want 6: %v (%s)", p.Cuts(), cut, p)
	}
	if err := c.RemoveBucket(ctx, bucket); err != nil {
		t.Fatalf("bucket not empty after EmptyBucket: %v", err)
	}
	if ok, err := c.BucketExists(ctx, bucket); err != nil || ok {
		t.Fatalf("bucket still exists (%v, %v)", ok, err)
	}
}

// A DeleteObjects answer cut every time is a transport failure after
// max_attempts tries, not a claim that the versions are locked.
func TestEmptyBucketCutDeletesAreNotLocks(t *testing.T) {
	p, c := cutProxy(t)
	bucket := newBucket(t, c, false)
	putMany(t, c, bucket, 3, func(i int) string { return fmt.Sprintf("k%d", i) })
	p.CutReplies(1000, 10, only("PostDeleteObjects"))
	err := objectstore.EmptyBucket(t.Context(), c, bucket)
	var locked *objectstore.LockedObjectsError
	if err == nil || errors.As(err, &locked) || !strings.Contains(err.Error(), "failed in transport 4 time(s)") {
		t.Fatalf("want a transport failure, got %v", err)
	}
	p.CutReplies(0, 0, nil)
	if err := objectstore.EmptyBucket(t.Context(), c, bucket); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveBucket(t.Context(), bucket); err != nil {
		t.Fatal(err)
	}
}

func TestTransient(t *testing.T) {
	for name, c := range map[string]struct {
		err  error
		want bool
	}{
		"nil":            {nil, false},
		"body cut":       {fmt.Errorf("listing: %w", io.ErrUnexpectedEOF), true},
		"reset on read":  {fmt.Errorf("read tcp: %w", syscall.ECONNRESET), true},
		"request failed": {&url.Error{Op: "Get", URL: "http://127.0.0.1:1/", Err: syscall.ECONNREFUSED}, true},
		"xml cut":        {&xml.SyntaxError{Msg: "unexpected EOF", Line: 1}, true},
		"xml broken":     {&xml.SyntaxError{Msg: "element <a> closed by </b>", Line: 1}, false},
		"s3 answer":      {minio.ErrorResponse{Code: "SlowDown", StatusCode: 503}, false},
		"canceled":       {context.Canceled, false},
		"local file":     {&fs.PathError{Op: "open", Path: "seed.csv", Err: syscall.ENOENT}, false},
	} {
		if got := objectstore.Transient(c.err); got != c.want {
			t.Errorf("%s: Transient = %v, want %v", name, got, c.want)
		}
	}
}

// Small answers (bucket configurations, small objects) cut mid-body are
// asked for again within the retry block: the client reads them whole
// inside the round trip, where a cut is a transport error it retries.
func TestSmallAnswersThroughCutReplies(t *testing.T) {
	p, c := cutProxy(t)
	ctx := t.Context()
	bucket := newBucket(t, c, true)
	tags, err := tags.NewTags(map[string]string{"zone": "raw", "owner": "research-data"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetBucketTagging(ctx, bucket, tags); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("student,score\n", 40)
	if _, err := c.PutObject(ctx, bucket, "suite.json", strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	p.Reset()
	cut := map[string]int{} // the proxy asks under its lock
	p.CutReplies(6, 20, func(op string) bool {
		if !only("GetVersioning", "GetTagging", "GetObject")(op) || cut[op] == 2 {
			return false
		}
		cut[op]++

		return true
	})
	if v, err := c.GetBucketVersioning(ctx, bucket); err != nil || !v.Enabled() {
		t.Fatalf("versioning through cut replies: %+v, %v (%s)", v, err, p)
	}
	if got, err := c.GetBucketTagging(ctx, bucket); err != nil || got.ToMap()["owner"] != "research-data" {
		t.Fatalf("tags through cut replies: %v, %v (%s)", got, err, p)
	}
	obj, err := c.GetObject(ctx, bucket, "suite.json", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = obj.Close() }() // read-only
	if got, err := io.ReadAll(obj); err != nil || string(got) != body {
		t.Fatalf("object through cut replies: %d bytes, %v (%s)", len(got), err, p)
	}
	if p.Cuts() != 6 {
		t.Errorf("%d replies cut, want 6: %v (%s)", p.Cuts(), cut, p)
	}
}
