package objectstore

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"
)

// VisibleTimeout bounds how long a create waits for a new bucket to become
// readable. Some S3-compatible stores answer NoSuchBucket for a moment after
// a successful create.
var VisibleTimeout = 2 * time.Minute

// pollInterval is the first wait between polls; it doubles up to 5s.
var pollInterval = 200 * time.Millisecond

// WaitBucketVisible polls until the bucket exists, with bounded backoff that
// respects ctx. Only create paths call it: on refresh a missing bucket is
// gone, not late.
func WaitBucketVisible(ctx context.Context, c *minio.Client, bucket string) error {
	ctx, cancel := context.WithTimeout(ctx, VisibleTimeout)
	defer cancel()
	wait := pollInterval
	for attempt := 1; ; attempt++ {
		ok, err := c.BucketExists(ctx, bucket)
		if err == nil && ok {
			return nil
		}
		tflog.Debug(ctx, "bucket not visible yet", map[string]any{
			"lakehouse.s3.bucket": bucket, "lakehouse.s3.attempt": attempt,
		})
		select {
		case <-ctx.Done():
			if err == nil {
				err = fmt.Errorf("the server still says the bucket does not exist")
			}

			return fmt.Errorf("bucket %q not visible after %d attempts within %s: %w", bucket, attempt, VisibleTimeout, err)
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Second)
	}
}

// RetryNoSuchBucket runs fn until it stops failing with NoSuchBucket, for at
// most VisibleTimeout. Resources that configure a bucket created in the same
// apply call it on their create path only.
func RetryNoSuchBucket(ctx context.Context, fn func(context.Context) error) error {
	deadline, cancel := context.WithTimeout(ctx, VisibleTimeout)
	defer cancel()
	wait := pollInterval
	for {
		err := fn(deadline)
		if err == nil || !IsNoSuchBucket(err) {
			return err
		}
		tflog.Debug(ctx, "bucket not visible yet; retrying", map[string]any{"lakehouse.s3.error": err.Error()})
		select {
		case <-deadline.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Second)
	}
}
