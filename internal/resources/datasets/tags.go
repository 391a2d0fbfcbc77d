package datasets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
)

// TagKey is the table property and bucket tag that links a table or bucket
// to a dataset record. Each dataset owns its own key, so a table shared by
// two datasets carries two keys and tagging never overwrites another
// dataset's link. The value is the record's location.
func TagKey(datasetID string) string { return "lakehouse.dataset." + datasetID }

// tableTagValue is where the record lives, as the table property holds it.
func tableTagValue(bucket, prefix, datasetID string) string {
	return "s3://" + bucket + "/" + prefix + datasetID + "/"
}

// bucketTagValue is the record location in the characters S3 tag values
// allow (no scheme).
func bucketTagValue(bucket, prefix, datasetID string) string {
	return bucket + "/" + prefix + datasetID
}

// prefixBucket returns the bucket of an s3://bucket/prefix location.
func prefixBucket(loc string) string {
	b, _, _ := strings.Cut(strings.TrimPrefix(loc, "s3://"), "/")

	return b
}

// tagTable sets the dataset's property on one table; other properties are
// left alone. A commit that loses a race with another writer is retried on
// a fresh load, since the change does not depend on the table's state.
func tagTable(ctx context.Context, cat catalog.Catalog, ident, key, value string) error {
	return commitProps(ctx, cat, ident, func(props iceberg.Properties, txn *table.Transaction) (bool, error) {
		if props[key] == value {
			return false, nil
		}

		return true, txn.SetProperties(iceberg.Properties{key: value})
	})
}

// untagTable removes the dataset's property; a table that is gone needs no
// untagging.
func untagTable(ctx context.Context, cat catalog.Catalog, ident, key string) error {
	err := commitProps(ctx, cat, ident, func(props iceberg.Properties, txn *table.Transaction) (bool, error) {
		if _, ok := props[key]; !ok {
			return false, nil
		}

		return true, txn.RemoveProperties([]string{key})
	})
	if errors.Is(err, icecatalog.ErrNoSuchTable) {
		return nil
	}

	return err
}

// tableTagged reports whether the table exists and carries key.
func tableTagged(ctx context.Context, cat catalog.Catalog, ident, key string) (bool, error) {
	levels, err := catalog.ParseIdentifier(ident)
	if err != nil {
		return false, err
	}
	tbl, err := cat.LoadTable(ctx, levels)
	if errors.Is(err, icecatalog.ErrNoSuchTable) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, ok := tbl.Properties()[key]

	return ok, nil
}

func commitProps(ctx context.Context, cat catalog.Catalog, ident string,
	change func(iceberg.Properties, *table.Transaction) (bool, error),
) error {
	levels, err := catalog.ParseIdentifier(ident)
	if err != nil {
		return err
	}
	var lastErr error
	for range 4 {
		tbl, err := cat.LoadTable(ctx, levels)
		if err != nil {
			return err
		}
		txn := tbl.NewTransaction()
		changed, err := change(tbl.Properties(), txn)
		if err != nil || !changed {
			return err
		}
		if _, err = txn.Commit(catalog.IOContext(ctx, cat)); err == nil {
			return nil
		}
		if !errors.Is(err, table.ErrCommitFailed) {
			return err
		}
		lastErr = err
	}

	return fmt.Errorf("gave up after repeated commit conflicts: %w", lastErr)
}

// bucketTags reads a bucket's tags; a bucket without tags has an empty map.
func bucketTags(ctx context.Context, c *minio.Client, bucket string) (map[string]string, error) {
	t, err := c.GetBucketTagging(ctx, bucket)
	if objectstore.IsAbsentConfig(err) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}

	return t.ToMap(), nil
}

// bucketLocks serialises the read-modify-write of one bucket's tags inside
// this provider process: S3 has no conditional write for tag sets, and two
// datasets tagging the same bucket in one apply run in parallel.
var bucketLocks sync.Map // bucket name -> *sync.Mutex

func lockBucket(bucket string) func() {
	mu, _ := bucketLocks.LoadOrStore(bucket, &sync.Mutex{})
	m := mu.(*sync.Mutex) //nolint:forcetypeassert // only *sync.Mutex is stored
	m.Lock()

	return m.Unlock
}

// tagBucket adds or updates one tag and keeps every other tag: S3 replaces
// the whole tag set on write, so the set is read, changed and written back.
func tagBucket(ctx context.Context, c *minio.Client, bucket, key, value string) error {
	defer lockBucket(bucket)()
	m, err := bucketTags(ctx, c, bucket)
	if err != nil {
		return err
	}
	if m[key] == value {
		return nil
	}
	m[key] = value
	t, err := tags.NewTags(m, false)
	if err != nil {
		return err
	}

	return c.SetBucketTagging(ctx, bucket, t)
}

// untagBucket removes one tag and keeps the others.
func untagBucket(ctx context.Context, c *minio.Client, bucket, key string) error {
	defer lockBucket(bucket)()
	m, err := bucketTags(ctx, c, bucket)
	if objectstore.IsNoSuchBucket(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, ok := m[key]; !ok {
		return nil
	}
	delete(m, key)
	if len(m) == 0 {
		return c.RemoveBucketTagging(ctx, bucket)
	}
	t, err := tags.NewTags(m, false)
	if err != nil {
		return err
	}

	return c.SetBucketTagging(ctx, bucket, t)
}
