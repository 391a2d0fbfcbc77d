package objectstore

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync"
	"syscall"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
)

// The client's transport retries a request whose headers never arrived (and
// a small answer it reads whole), but not one whose body is cut on the way:
// a listing page, a ListBuckets or a DeleteObjects answer cut mid-body is
// returned as an error. Those requests are all idempotent, so the helpers in
// this file repeat them, from where they stopped, within the provider's
// retry block.

var policies sync.Map // weak.Pointer[minio.Client] -> httpx.RetrySettings

// remember keeps the retry settings a client was built with, for as long as
// the client lives.
func remember(c *minio.Client, r httpx.RetrySettings) {
	k := weak.Make(c)
	policies.Store(k, r)
	runtime.AddCleanup(c, func(k weak.Pointer[minio.Client]) { policies.Delete(k) }, k)
}

// policy is the retry settings c was built with by New, or the defaults.
func policy(c *minio.Client) httpx.RetrySettings {
	if v, ok := policies.Load(weak.Make(c)); ok {
		return v.(httpx.RetrySettings) //nolint:forcetypeassert // only RetrySettings are stored
	}

	return httpx.DefaultRetrySettings()
}

// Transient reports whether err is a failure of the connection rather than
// an answer of the server: a reset, a timeout, or a reply cut before its
// end. Only idempotent requests may be repeated on it.
func Transient(err error) bool {
	if err == nil || Code(err) != "" {
		return false
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) && se.Msg == "unexpected EOF" {
		return true // a reply without length framing, cut short
	}

	return OutcomeUnknown(err) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// retrier counts the transport failures of one request in a row and waits
// between them with doubling backoff.
type retrier struct {
	r       httpx.RetrySettings
	failed  int
	backoff time.Duration
}

func newRetrier(c *minio.Client) *retrier {
	r := policy(c)

	return &retrier{r: r, backoff: r.MinBackoff}
}

// again reports whether the request that failed with err may be sent once
// more, after waiting; it is false for an S3 answer, when the attempts are
// used up or when ctx ends.
func (t *retrier) again(ctx context.Context, what string, err error) bool {
	if !Transient(err) || ctx.Err() != nil {
		return false
	}
	t.failed++
	if t.failed >= max(t.r.MaxAttempts, 1) {
		return false
	}
	tflog.Debug(ctx, "s3 request cut in transport; sending it again", map[string]any{
		"lakehouse.s3.request": what, "lakehouse.s3.attempt": t.failed + 1, "lakehouse.s3.error": err.Error(),
	})
	select {
	case <-ctx.Done():
		return false
	case <-time.After(t.backoff):
	}
	t.backoff = min(2*t.backoff, max(t.r.MaxBackoff, t.r.MinBackoff))

	return true
}

// progress resets the count after a request that went through.
func (t *retrier) progress() { t.failed, t.backoff = 0, t.r.MinBackoff }

// exhausted wraps the last error of a request that was given up.
func (t *retrier) exhausted(what string, err error) error {
	if t.failed == 0 || !Transient(err) {
		return err
	}

	return fmt.Errorf("%s failed in transport %d time(s) in a row, the retry block's max_attempts: %w", what, t.failed, err)
}

// ListObjects lists like minio-go's ListObjects, as (object, nil) pairs and
// a final (zero, err) on failure. A page cut in transport is fetched again,
// resuming after the entries already yielded, so none is yielded twice or
// missed. A listing of versions must be recursive, and an unsorted listing
// cannot resume: both are refused otherwise.
func ListObjects(ctx context.Context, c *minio.Client, bucket string, opts minio.ListObjectsOptions) iter.Seq2[minio.ObjectInfo, error] {
	return func(yield func(minio.ObjectInfo, error) bool) {
		if opts.Unsorted || (opts.WithVersions && !opts.Recursive) {
			yield(minio.ObjectInfo{}, errors.New("only a sorted listing, recursive when it lists versions, can resume after a transport failure"))

			return
		}
		what := fmt.Sprintf("listing s3://%s/%s", bucket, opts.Prefix)
		t := newRetrier(c)
		r := resume{versions: opts.WithVersions}
		for {
			page := opts
			page.StartAfter = max(opts.StartAfter, r.marker())
			var failure error
			for o := range c.ListObjectsIter(ctx, bucket, page) {
				if o.Err != nil {
					failure = o.Err

					break
				}
				if !r.fresh(o) {
					continue
				}
				t.progress()
				if !yield(o, nil) {
					return
				}
			}
			if failure == nil {
				return
			}
			if !t.again(ctx, what, failure) {
				yield(minio.ObjectInfo{}, t.exhausted(what, failure))

				return
			}
			r.restart()
		}
	}
}

// resume is where a listing picks up again after a failed page. A plain
// listing resumes after the greatest key yielded. Versions of one key come
// together, but a page may end among them: the key in progress is listed
// again, from the key before it, and its versions already yielded are
// skipped.
type resume struct {
	versions bool
	greatest string // plain: the greatest key (or common prefix) yielded
	skipTo   string // plain, after a restart: entries up to here were yielded
	prev     string // versions: the key before the one in progress
	key      string // versions: the key in progress
	seen     map[string]bool
}

func (r *resume) marker() string {
	if r.versions {
		return r.prev
	}

	return r.greatest
}

func (r *resume) restart() { r.skipTo = r.greatest }

// fresh reports whether o was not yielded before, and records it.
func (r *resume) fresh(o minio.ObjectInfo) bool {
	if !r.versions {
		// A common prefix the listing stopped in comes again after it.
		if r.skipTo != "" && o.Key <= r.skipTo {
			return false
		}
		r.greatest = max(r.greatest, o.Key)

		return true
	}
	if o.Key != r.key || r.seen == nil {
		r.prev, r.key, r.seen = r.key, o.Key, map[string]bool{}
	}
	if r.seen[o.VersionID] {
		return false
	}
	r.seen[o.VersionID] = true

	return true
}

// ListIncompleteUploads lists every multipart upload under prefix, one page
// at a time from its key and upload-id markers, repeating a page cut in
// transport.
func ListIncompleteUploads(ctx context.Context, c *minio.Client, bucket, prefix string) iter.Seq2[minio.ObjectMultipartInfo, error] {
	return func(yield func(minio.ObjectMultipartInfo, error) bool) {
		core := &minio.Core{Client: c}
		what := fmt.Sprintf("listing incomplete uploads of s3://%s/%s", bucket, prefix)
		t := newRetrier(c)
		var keyMarker, idMarker string
		for {
			res, err := core.ListMultipartUploads(ctx, bucket, prefix, keyMarker, idMarker, "", 0)
			if err != nil {
				if t.again(ctx, what, err) {
					continue
				}
				yield(minio.ObjectMultipartInfo{}, t.exhausted(what, err))

				return
			}
			t.progress()
			for _, u := range res.Uploads {
				if !yield(u, nil) {
					return
				}
			}
			if !res.IsTruncated || res.NextKeyMarker == "" && res.NextUploadIDMarker == "" {
				return
			}
			keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
		}
	}
}

// ListBuckets lists the buckets, repeating an answer cut in transport.
func ListBuckets(ctx context.Context, c *minio.Client) ([]minio.BucketInfo, error) {
	var out []minio.BucketInfo
	err := Idempotent(ctx, c, "listing buckets", func(ctx context.Context) error {
		var err error
		out, err = c.ListBuckets(ctx)

		return err
	})

	return out, err
}

// Idempotent runs fn, and runs it again while it fails in transport, within
// the retry settings c was built with. fn must be safe to repeat.
func Idempotent(ctx context.Context, c *minio.Client, what string, fn func(context.Context) error) error {
	t := newRetrier(c)
	for {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if !t.again(ctx, what, err) {
			return t.exhausted(what, err)
		}
	}
}
