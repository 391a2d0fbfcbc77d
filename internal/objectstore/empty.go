package objectstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/minio/minio-go/v7"
)

// LockedObjectsError says some object versions could not be deleted because
// retention or a legal hold protects them.
type LockedObjectsError struct {
	Bucket string
	Count  int
	Sample []string // up to 10 "key (version)" entries
	Cause  error
}

func (e *LockedObjectsError) Error() string {
	return fmt.Sprintf("%d object version(s) in bucket %q could not be deleted (retention, legal hold or permissions), for example: %s: %v",
		e.Count, e.Bucket, strings.Join(e.Sample, ", "), e.Cause)
}

func (e *LockedObjectsError) Unwrap() error { return e.Cause }

// EmptyBucket deletes everything that makes a bucket non-empty: every
// object version, every delete marker and every incomplete multipart
// upload. Listing is paginated by minio-go and deletions go out in batches
// of at most 1,000 keys, never an empty batch. It is safe to run again
// after a partial failure: it starts from what is left.
func EmptyBucket(ctx context.Context, c *minio.Client, bucket string) error {
	if err := abortUploads(ctx, c, bucket); err != nil {
		return err
	}
	failed := map[string]error{}
	objects := make(chan minio.ObjectInfo)
	listErr := make(chan error, 1)
	go func() {
		defer close(objects)
		for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
			if o.Err != nil {
				listErr <- fmt.Errorf("listing object versions: %w", o.Err)

				return
			}
			select {
			case objects <- o:
			case <-ctx.Done():
				return
			}
		}
	}()
	for e := range c.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
		if IsNotFound(e.Err) {
			continue
		}
		failed[fmt.Sprintf("%s (%s)", e.ObjectName, versionLabel(e.VersionID))] = e.Err
	}
	select {
	case err := <-listErr:
		return err
	default:
	}
	if len(failed) > 0 {
		return lockedError(bucket, failed)
	}

	// Uploads started while we were deleting would keep the bucket busy.
	return abortUploads(ctx, c, bucket)
}

func abortUploads(ctx context.Context, c *minio.Client, bucket string) error {
	seen := map[string]bool{}
	for u := range c.ListIncompleteUploads(ctx, bucket, "", true) {
		if u.Err != nil {
			return fmt.Errorf("listing incomplete uploads: %w", u.Err)
		}
		if seen[u.Key] {
			continue
		}
		seen[u.Key] = true
		// RemoveIncompleteUpload aborts every upload of this key.
		if err := c.RemoveIncompleteUpload(ctx, bucket, u.Key); err != nil && !IsNotFound(err) {
			return fmt.Errorf("aborting incomplete uploads of %q: %w", u.Key, err)
		}
	}

	return nil
}

func versionLabel(v string) string {
	if v == "" {
		return "null version"
	}

	return "version " + v
}

func lockedError(bucket string, failed map[string]error) error {
	keys := make([]string, 0, len(failed))
	for k := range failed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e := &LockedObjectsError{Bucket: bucket, Count: len(keys), Cause: failed[keys[0]]}
	e.Sample = keys[:min(len(keys), 10)]

	return e
}
