package fair

import (
	"context"
	"io"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
)

// Keys returns the object keys of a record's two documents.
func Keys(prefix, datasetID string) (dataCite, schemaOrg string) {
	dir := prefix + datasetID + "/"

	return dir + DataCiteFile, dir + SchemaOrgFile
}

// Put writes one document.
func Put(ctx context.Context, c *minio.Client, bucket, key, doc, contentType string) (minio.UploadInfo, error) {
	return c.PutObject(ctx, bucket, key, strings.NewReader(doc), int64(len(doc)), minio.PutObjectOptions{ContentType: contentType})
}

// Get reads one document; a missing object satisfies objectstore.IsNotFound.
func Get(ctx context.Context, c *minio.Client, bucket, key string) ([]byte, error) {
	obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = obj.Close() }() // read-only

	return io.ReadAll(obj)
}

// Remove deletes one document; a missing one is not an error.
func Remove(ctx context.Context, c *minio.Client, bucket, key string) error {
	err := c.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{})
	if objectstore.IsNotFound(err) {
		return nil
	}

	return err
}

// Load reads and decodes the record stored under prefix for datasetID.
func Load(ctx context.Context, c *minio.Client, bucket, prefix, datasetID string) (*Record, error) {
	dk, sk := Keys(prefix, datasetID)
	dc, err := Get(ctx, c, bucket, dk)
	if err != nil {
		return nil, err
	}
	so, err := Get(ctx, c, bucket, sk)
	if err != nil {
		return nil, err
	}
	r, err := Decode(dc, so)
	if err != nil {
		return nil, err
	}
	r.DatasetID = datasetID

	return r, nil
}

// List returns the dataset ids that have a record under prefix, in key
// order. A folder with only one of the two documents still counts, so a
// half-written record is visible rather than silently skipped.
func List(ctx context.Context, c *minio.Client, bucket, prefix string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	for obj, err := range objectstore.ListObjects(ctx, c, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			return nil, err
		}
		rest := strings.TrimPrefix(obj.Key, prefix)
		id, file, ok := strings.Cut(rest, "/")
		if !ok || strings.Contains(file, "/") || (file != DataCiteFile && file != SchemaOrgFile) || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}

	return ids, nil
}

// Filter selects records for the discovery data source. Empty fields match
// everything; set fields must all match. Comparisons ignore case.
type Filter struct {
	Query   string // words that must each appear in the title, description, keywords or subjects
	Keyword string // one of the keywords, exactly
	Subject string // one of the subject terms, exactly
	Creator string // part of a creator's name, or a creator's ORCID iD
	License string // the SPDX identifier
	Access  string // the access level
}

// Match reports whether r passes f.
func (f Filter) Match(r *Record) bool {
	if f.License != "" && !strings.EqualFold(f.License, r.License) {
		return false
	}
	if f.Access != "" && !strings.EqualFold(f.Access, r.AccessLevel) {
		return false
	}
	if f.Keyword != "" && !containsFold(r.Keywords, f.Keyword) {
		return false
	}
	if f.Subject != "" && !containsFold(r.subjectTerms(), f.Subject) {
		return false
	}
	if f.Creator != "" && !r.hasCreator(f.Creator) {
		return false
	}
	if f.Query != "" {
		text := strings.ToLower(strings.Join(append(append([]string{r.Title, r.Description}, r.Keywords...), r.subjectTerms()...), " \n "))
		for _, w := range strings.Fields(strings.ToLower(f.Query)) {
			if !strings.Contains(text, w) {
				return false
			}
		}
	}

	return true
}

func (r *Record) subjectTerms() []string {
	out := make([]string, len(r.Subjects))
	for i, s := range r.Subjects {
		out[i] = s.Subject
	}

	return out
}

func (r *Record) hasCreator(q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	for _, c := range r.Creators {
		if c.ORCID != "" && orcidKey(c.ORCID) == orcidKey(q) {
			return true
		}
		if strings.Contains(strings.ToLower(c.Name), q) {
			return true
		}
	}

	return false
}

func containsFold(list []string, v string) bool {
	for _, s := range list {
		if strings.EqualFold(s, v) {
			return true
		}
	}

	return false
}
