package runnerio_test

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore/objectstoretest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
)

var server *acctest.MinIO

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, &server))
}

// A runner input that is an s3:// prefix is listed whole although the
// listing's replies are cut mid-body: each cut page is fetched again.
func TestListS3PrefixThroughCutReplies(t *testing.T) {
	if server == nil {
		t.Skip("needs MinIO; set TF_ACC=1")
	}
	p := objectstoretest.NewProxy(server.Endpoint)
	defer p.Close()
	s3 := providerdata.S3Settings{
		Configured: true, Endpoint: p.Endpoint(), Region: "us-east-1", AccessKey: server.AccessKey, SecretKey: server.SecretKey, PathStyle: true,
	}
	retry := httpx.RetrySettings{MaxAttempts: 3, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, RequestTimeout: 30 * time.Second}
	store := runnerio.NewStore(&providerdata.Data{S3: s3, Retry: retry})
	bucket := acctest.RandomName()
	c := acctest.S3Client(t, server)
	if err := c.MakeBucket(t.Context(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const n = 1200 // two pages
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			body := []byte("id,score\n1,2\n")
			if _, err := c.PutObject(t.Context(), bucket, fmt.Sprintf("scores/term-%04d.csv", i), bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	loc, err := runnerio.Parse(fmt.Sprintf("s3://%s/scores/", bucket))
	if err != nil {
		t.Fatal(err)
	}
	lists := 0 // each page is cut at its first try
	p.CutReplies(2, 500, func(op string) bool {
		if op != "ListObjects" {
			return false
		}
		lists++

		return lists%2 == 1
	})
	entries, err := store.List(t.Context(), loc)
	if err != nil {
		t.Fatal(err)
	}
	if p.Cuts() != 2 || len(entries) != n {
		t.Fatalf("%d entries after %d cuts, want %d after 2", len(entries), p.Cuts(), n)
	}
	for i, e := range entries {
		if want := fmt.Sprintf("term-%04d.csv", i); e.Rel != want {
			t.Fatalf("entry %d is %q, want %q", i, e.Rel, want)
		}
	}
}
