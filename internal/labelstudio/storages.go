package labelstudio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Storage directions: import storages feed tasks into a project, export
// storages receive its annotations.
const (
	DirectionImport = "import"
	DirectionExport = "export"
)

// S3Storage is an S3 import or export storage as the server returns it. The
// server never returns aws_access_key_id or aws_secret_access_key.
type S3Storage struct {
	ID               int64  `json:"id"`
	Type             string `json:"type"`
	Project          int64  `json:"project"`
	Title            string `json:"title"`
	Description      string `json:"description"`
	Bucket           string `json:"bucket"`
	Prefix           string `json:"prefix"`
	RegexFilter      string `json:"regex_filter"`
	UseBlobURLs      bool   `json:"use_blob_urls"`
	Presign          bool   `json:"presign"`
	PresignTTL       int64  `json:"presign_ttl"`
	RecursiveScan    bool   `json:"recursive_scan"`
	RegionName       string `json:"region_name"`
	S3Endpoint       string `json:"s3_endpoint"`
	CanDeleteObjects bool   `json:"can_delete_objects"`
	Status           string `json:"status"`
	LastSync         string `json:"last_sync"`
	LastSyncCount    int64  `json:"last_sync_count"`
	Traceback        string `json:"traceback"`
	CreatedAt        string `json:"created_at"`
}

// S3StorageInput is a create or update body. Credentials are sent only when
// set; presign, presign_ttl and recursive_scan exist only on import storages.
type S3StorageInput struct {
	Project            int64   `json:"project"`
	Title              *string `json:"title,omitempty"`
	Description        *string `json:"description,omitempty"`
	Bucket             *string `json:"bucket,omitempty"`
	Prefix             *string `json:"prefix,omitempty"`
	RegexFilter        *string `json:"regex_filter,omitempty"`
	UseBlobURLs        *bool   `json:"use_blob_urls,omitempty"`
	Presign            *bool   `json:"presign,omitempty"`
	PresignTTL         *int64  `json:"presign_ttl,omitempty"`
	RecursiveScan      *bool   `json:"recursive_scan,omitempty"`
	RegionName         *string `json:"region_name,omitempty"`
	S3Endpoint         *string `json:"s3_endpoint,omitempty"`
	CanDeleteObjects   *bool   `json:"can_delete_objects,omitempty"`
	AWSAccessKeyID     *string `json:"aws_access_key_id,omitempty"`
	AWSSecretAccessKey *string `json:"aws_secret_access_key,omitempty"`
	AWSSessionToken    *string `json:"aws_session_token,omitempty"`
}

func storageBase(direction string) (string, error) {
	switch direction {
	case DirectionImport:
		return "/api/storages/s3", nil
	case DirectionExport:
		return "/api/storages/export/s3", nil
	}

	return "", fmt.Errorf("unknown storage direction %q (want import or export)", direction)
}

// Paths follow the server exactly: the collection of import storages ends in
// a slash, items, sync and validate routes do not.
func storageCollection(direction string) (string, error) {
	b, err := storageBase(direction)
	if err != nil || direction == DirectionExport {
		return b, err
	}

	return b + "/", nil
}

func storageItem(direction string, id int64) (string, error) {
	b, err := storageBase(direction)

	return b + "/" + strconv.FormatInt(id, 10), err
}

// CreateS3Storage creates a storage; the server checks the bucket connection.
func (c *Client) CreateS3Storage(ctx context.Context, direction string, in S3StorageInput) (*S3Storage, error) {
	p, err := storageCollection(direction)
	if err != nil {
		return nil, err
	}
	var s S3Storage
	if err := c.do(ctx, http.MethodPost, p, nil, in, &s); err != nil {
		return nil, err
	}

	return &s, nil
}

// GetS3Storage reads one storage.
func (c *Client) GetS3Storage(ctx context.Context, direction string, id int64) (*S3Storage, error) {
	p, err := storageItem(direction, id)
	if err != nil {
		return nil, err
	}
	var s S3Storage
	if err := c.do(ctx, http.MethodGet, p, nil, nil, &s); err != nil {
		return nil, err
	}

	return &s, nil
}

// UpdateS3Storage patches a storage.
func (c *Client) UpdateS3Storage(ctx context.Context, direction string, id int64, in S3StorageInput) (*S3Storage, error) {
	p, err := storageItem(direction, id)
	if err != nil {
		return nil, err
	}
	var s S3Storage
	if err := c.do(ctx, http.MethodPatch, p, nil, in, &s); err != nil {
		return nil, err
	}

	return &s, nil
}

// DeleteS3Storage deletes a storage (the bucket's objects stay).
func (c *Client) DeleteS3Storage(ctx context.Context, direction string, id int64) error {
	p, err := storageItem(direction, id)
	if err != nil {
		return err
	}

	return c.do(ctx, http.MethodDelete, p, nil, nil, nil)
}

// SyncS3Storage starts a sync and returns the storage with its new status.
func (c *Client) SyncS3Storage(ctx context.Context, direction string, id int64) (*S3Storage, error) {
	p, err := storageItem(direction, id)
	if err != nil {
		return nil, err
	}
	var s S3Storage
	if err := c.do(ctx, http.MethodPost, p+"/sync", nil, nil, &s); err != nil {
		return nil, err
	}

	return &s, nil
}

// ValidateS3Storage checks a create body (and the bucket connection) without
// saving it. With id set, the server fills missing credentials from the
// stored object.
func (c *Client) ValidateS3Storage(ctx context.Context, direction string, id int64, in S3StorageInput) error {
	b, err := storageBase(direction)
	if err != nil {
		return err
	}
	body := struct {
		S3StorageInput
		ID int64 `json:"id,omitempty"`
	}{in, id}

	return c.do(ctx, http.MethodPost, b+"/validate", nil, body, nil)
}

// ListS3Storages lists a project's storages of one direction.
func (c *Client) ListS3Storages(ctx context.Context, direction string, project int64) ([]S3Storage, error) {
	p, err := storageCollection(direction)
	if err != nil {
		return nil, err
	}
	var out []S3Storage
	err = c.do(ctx, http.MethodGet, p, url.Values{"project": {strconv.FormatInt(project, 10)}}, nil, &out)

	return out, err
}
