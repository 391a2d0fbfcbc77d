package reliability_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/minio/minio-go/v7"
)

// fillBuckets writes n objects and starts one multipart upload in every
// bucket of the lakehouse, around the proxies, as a pipeline would: the
// destroy that follows must empty them (force_destroy), and its listings
// and DeleteObjects answers are then far longer than limit_data lets
// through on a cut connection.
func (s *stack) fillBuckets(t testing.TB, n int) {
	t.Helper()
	ctx := context.Background()
	mc := minioClient(t)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	errs := make(chan error, 1)
	do := func(fn func() error) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(); err != nil {
				select {
				case errs <- err:
				default:
				}
			}
		}()
	}
	body := strings.Repeat("x", 64)
	for b := range s.buckets(t) {
		do(func() error {
			_, err := (&minio.Core{Client: mc}).NewMultipartUpload(ctx, b, "staging/upload.parquet", minio.PutObjectOptions{})

			return err
		})
		for i := range n {
			do(func() error {
				key := fmt.Sprintf("pipeline/run-%04d/part-%04d.json", i/10, i)
				_, err := mc.PutObject(ctx, b, key, bytes.NewReader([]byte(body)), int64(len(body)), minio.PutObjectOptions{})

				return err
			})
		}
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("filling the buckets: %v", err)
	default:
	}
}
