package objectstore

import (
	"context"
	"fmt"
	"maps"
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

// deleteBatch is the most keys one DeleteObjects request may carry.
const deleteBatch = 1000

// EmptyBucket deletes everything that makes a bucket non-empty: every
// object version, every delete marker and every incomplete multipart
// upload. Deletions go out in batches of at most 1,000 keys, never an empty
// batch, as the listing goes. Listings, deletions and aborts are all
// idempotent: one cut in transport is sent again within the client's retry
// settings. It is safe to run again after a failure: it starts from what is
// left.
func EmptyBucket(ctx context.Context, c *minio.Client, bucket string) error {
	if err := abortUploads(ctx, c, bucket); err != nil {
		return err
	}
	failed := map[string]error{}
	batch := make([]minio.ObjectInfo, 0, deleteBatch)
	for o, err := range ListObjects(ctx, c, bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if err != nil {
			return fmt.Errorf("listing object versions: %w", err)
		}
		if batch = append(batch, o); len(batch) == deleteBatch {
			if err := removeBatch(ctx, c, bucket, batch, failed); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if err := removeBatch(ctx, c, bucket, batch, failed); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return lockedError(bucket, failed)
	}

	// Uploads started while we were deleting would keep the bucket busy.
	return abortUploads(ctx, c, bucket)
}

// removeBatch deletes one batch in one DeleteObjects request and records
// the versions the server refused in failed. A request or an answer cut in
// transport sends the whole batch again: a version already gone is fine.
func removeBatch(ctx context.Context, c *minio.Client, bucket string, batch []minio.ObjectInfo, failed map[string]error) error {
	what := fmt.Sprintf("deleting %d object version(s) from bucket %q", len(batch), bucket)
	t := newRetrier(c)
	for {
		objects := make(chan minio.ObjectInfo, len(batch))
		for _, o := range batch {
			objects <- o
		}
		close(objects)
		refused := map[string]error{}
		var cut error
		for e := range c.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
			switch {
			case IsNotFound(e.Err):
			case Transient(e.Err):
				cut = e.Err
			default:
				refused[fmt.Sprintf("%s (%s)", e.ObjectName, versionLabel(e.VersionID))] = e.Err
			}
		}
		if cut == nil {
			maps.Copy(failed, refused)

			return nil
		}
		if !t.again(ctx, what, cut) {
			return t.exhausted(what, cut)
		}
	}
}

func abortUploads(ctx context.Context, c *minio.Client, bucket string) error {
	core := &minio.Core{Client: c}
	for u, err := range ListIncompleteUploads(ctx, c, bucket, "") {
		if err != nil {
			return fmt.Errorf("listing incomplete uploads: %w", err)
		}
		what := fmt.Sprintf("aborting the incomplete upload of %q", u.Key)
		err := Idempotent(ctx, c, what, func(ctx context.Context) error {
			err := core.AbortMultipartUpload(ctx, bucket, u.Key, u.UploadID)
			if Code(err) == "NoSuchUpload" || IsNotFound(err) {
				return nil // aborted already, maybe by a try whose answer was lost
			}

			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
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
