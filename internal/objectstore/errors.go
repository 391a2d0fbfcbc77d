package objectstore

import (
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/url"

	"github.com/minio/minio-go/v7"
)

// Code returns the S3 error code of err ("NoSuchBucket", ...), or "".
func Code(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}

	return ""
}

// IsNoSuchBucket reports whether err says the bucket does not exist.
func IsNoSuchBucket(err error) bool {
	return Code(err) == "NoSuchBucket"
}

// IsNotFound reports whether err says the bucket, the object or the object
// version does not exist (a 404 of any kind, or a HEAD without a body).
func IsNotFound(err error) bool {
	var er minio.ErrorResponse
	if !errors.As(err, &er) {
		return false
	}
	switch er.Code {
	case "NoSuchBucket", "NoSuchKey", "NoSuchVersion", "NotFound":
		return true
	}

	return er.StatusCode == http.StatusNotFound && er.Code == ""
}

// IsAbsentConfig reports whether err only says a bucket sub-configuration
// (tags, lifecycle, policy, object lock) is not set, which is not a failure.
func IsAbsentConfig(err error) bool {
	switch Code(err) {
	case "NoSuchTagSet", "NoSuchLifecycleConfiguration", "NoSuchBucketPolicy",
		"ObjectLockConfigurationNotFoundError", "ServerSideEncryptionConfigurationNotFoundError":
		return true
	}

	return false
}

// OutcomeUnknown reports whether a failed write may still have taken effect:
// the request failed in transport (connection reset, timeout) with no S3
// answer, so the server may have done the work and lost only the reply. A
// local file that could not be read is never one: no complete request left
// this process. (Its syscall error, ENOENT or EACCES, would otherwise pass
// for a net.Error.)
func OutcomeUnknown(err error) bool {
	if err == nil || Code(err) != "" {
		return false
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return false
	}
	var ue *url.Error
	var ne net.Error

	return errors.As(err, &ue) || errors.As(err, &ne)
}
