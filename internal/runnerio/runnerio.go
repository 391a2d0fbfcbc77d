// Package runnerio is how every runner command reaches its inputs and writes
// its outputs: local paths or s3:// URIs for inputs, and outputs that appear
// only when complete (written to a temp file beside the target, then
// renamed), so a killed run never leaves a partial file.
package runnerio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Location is a parsed input or output address.
type Location struct {
	Bucket string // set for s3:// URIs
	Key    string // object key or prefix for s3://; a local path otherwise
}

// IsS3 reports whether the location is in object storage.
func (l Location) IsS3() bool { return l.Bucket != "" }

func (l Location) String() string {
	if l.IsS3() {
		return "s3://" + l.Bucket + "/" + l.Key
	}

	return l.Key
}

// Parse reads "s3://bucket/key" or a local path.
func Parse(s string) (Location, error) {
	if rest, ok := strings.CutPrefix(s, "s3://"); ok {
		bucket, key, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return Location{}, fmt.Errorf("%q has no bucket; write s3://bucket/key", s)
		}

		return Location{Bucket: bucket, Key: key}, nil
	}
	if s == "" {
		return Location{}, errors.New("empty path")
	}

	return Location{Key: s}, nil
}

// Store opens locations, using an object-store client built from the same
// environment variables as the provider when an s3:// URI is met.
type Store struct {
	Settings *providerdata.Data
	client   *minio.Client
}

// NewStore returns a Store over the given settings (see provider.Settings).
func NewStore(d *providerdata.Data) *Store { return &Store{Settings: d} }

func (s *Store) s3() (*minio.Client, error) {
	if s.client != nil {
		return s.client, nil
	}
	if s.Settings == nil {
		return nil, &providerdata.NotConfiguredError{Block: "s3", Env: providerdata.S3Env}
	}
	c, err := objectstore.FromData(s.Settings)
	if err != nil {
		return nil, err
	}
	s.client = c

	return c, nil
}

// Open returns a reader over one file or object.
func (s *Store) Open(ctx context.Context, l Location) (io.ReadCloser, error) {
	if !l.IsS3() {
		return os.Open(l.Key)
	}
	c, err := s.s3()
	if err != nil {
		return nil, err
	}
	obj, err := c.GetObject(ctx, l.Bucket, l.Key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", l, err)
	}
	if _, err := obj.Stat(); err != nil {
		_ = obj.Close() // read-only; the Stat error is the one to report

		return nil, fmt.Errorf("reading %s: %w", l, err)
	}

	return obj, nil
}

// ReadAll reads a whole (small) document such as a suite or a policy.
func (s *Store) ReadAll(ctx context.Context, l Location) ([]byte, error) {
	rc, err := s.Open(ctx, l)
	if err != nil {
		return nil, err
	}
	defer rc.Close()

	return io.ReadAll(rc)
}

// Entry is one file found under a folder or prefix.
type Entry struct {
	Location
	Rel  string // path relative to the listed root, with forward slashes
	Size int64
}

// List returns every file under a folder or s3 prefix, sorted by Rel. A
// location that names a single file lists just that file.
func (s *Store) List(ctx context.Context, l Location) ([]Entry, error) {
	if !l.IsS3() {
		return listLocal(l.Key)
	}
	c, err := s.s3()
	if err != nil {
		return nil, err
	}
	prefix := l.Key
	var out []Entry
	for obj, err := range objectstore.ListObjects(ctx, c, l.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", l, err)
		}
		if strings.HasSuffix(obj.Key, "/") {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(obj.Key, prefix), "/")
		if rel == "" {
			rel = filepath.Base(obj.Key)
		}
		out = append(out, Entry{Location: Location{Bucket: l.Bucket, Key: obj.Key}, Rel: rel, Size: obj.Size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })

	return out, nil
}

func listLocal(root string) ([]Entry, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []Entry{{Location: Location{Key: root}, Rel: filepath.Base(root), Size: info.Size()}}, nil
	}
	var out []Entry
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, Entry{Location: Location{Key: p}, Rel: filepath.ToSlash(rel), Size: fi.Size()})

		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Rel < out[j].Rel })

	return out, err
}

// AtomicFile is an output being written. Commit makes it appear under its
// final name; Abort or a crash leaves nothing behind. On Linux the file has
// no name until Commit (O_TMPFILE), so even SIGKILL leaves nothing; where
// that is not supported it is a hidden temp file that Abort removes.
type AtomicFile struct {
	*os.File
	final string
	done  bool
	anon  bool
}

// CheckOutputFile reports why an output file cannot be written at path
// (it names a folder), so that a command can refuse it before any work.
func CheckOutputFile(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder; name a file in it, such as %s", path, filepath.Join(path, "output"))
	}

	return nil
}

// Create starts writing path atomically. The temp file sits in the same
// folder so the final rename never crosses file systems.
func Create(path string) (*AtomicFile, error) {
	if err := CheckOutputFile(path); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if f, err := createAnonymous(dir); err == nil {
		return &AtomicFile{File: f, final: path, anon: true}, nil
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, err
	}

	return &AtomicFile{File: f, final: path}, nil
}

// linkTemp names the finished unnamed file with a fresh hidden name next to
// the final one (a link cannot replace a file; the rename then does).
func (a *AtomicFile) linkTemp() (string, error) {
	dir, base := filepath.Dir(a.final), filepath.Base(a.final)
	for i := 0; ; i++ {
		name := filepath.Join(dir, fmt.Sprintf(".%s.partial-%d-%d", base, os.Getpid(), i))
		err := linkAnonymous(a.File, name)
		if err == nil || !errors.Is(err, fs.ErrExist) || i >= 100 {
			return name, err
		}
	}
}

// Commit flushes, closes and renames the file into place.
func (a *AtomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	if err := a.Sync(); err != nil {
		a.cleanup()

		return err
	}
	tmp := a.Name()
	if a.anon {
		name, err := a.linkTemp()
		if err != nil {
			_ = a.Close()

			return fmt.Errorf("naming the finished output: %w", err)
		}
		a.anon, tmp = false, name
	}
	if err := a.Close(); err != nil {
		_ = os.Remove(tmp)

		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		_ = os.Remove(tmp)

		return err
	}

	if err := os.Rename(tmp, a.final); err != nil {
		// The finished output never reaches its name, so nothing of it may
		// stay behind under another.
		_ = os.Remove(tmp)

		return err
	}

	return nil
}

// Abort discards the partial output. It is safe to call after Commit.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.cleanup()
}

func (a *AtomicFile) cleanup() {
	_ = a.Close()
	if !a.anon {
		_ = os.Remove(a.Name())
	}
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()

		return err
	}

	return f.Commit()
}

// Put uploads a finished local file to an s3:// location; object stores
// make an object visible only when its upload completes.
func (s *Store) Put(ctx context.Context, l Location, localPath, contentType string) error {
	c, err := s.s3()
	if err != nil {
		return err
	}
	_, err = c.FPutObject(ctx, l.Bucket, l.Key, localPath, minio.PutObjectOptions{ContentType: contentType})

	return err
}
