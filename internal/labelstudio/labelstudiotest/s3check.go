package labelstudiotest

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3BucketCheck plays Label Studio's connection check against a real
// S3-compatible server (the MinIO the acceptance tests start): it reaches
// the storage's s3_endpoint with the storage's own credentials, path-style
// as MinIO needs, and answers with the server's messages.
func S3BucketCheck() func(BucketConnection) error {
	return func(c BucketConnection) error {
		u, err := url.Parse(c.Endpoint)
		if err != nil || u.Host == "" {
			return fmt.Errorf("Cannot connect to S3 %s with specified AWS credentials", c.Bucket) //nolint:staticcheck // Label Studio's own message, answered verbatim
		}
		cl, err := minio.New(u.Host, &minio.Options{
			Creds:        credentials.NewStaticV4(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
			Secure:       u.Scheme == "https",
			Region:       c.Region,
			BucketLookup: minio.BucketLookupPath,
			MaxRetries:   1,
		})
		if err != nil {
			return fmt.Errorf("Cannot connect to S3 %s with specified AWS credentials", c.Bucket) //nolint:staticcheck // Label Studio's own message, answered verbatim
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ok, err := cl.BucketExists(ctx, c.Bucket)
		if err != nil {
			if minio.ToErrorResponse(err).Code == "AccessDenied" || minio.ToErrorResponse(err).Code == "InvalidAccessKeyId" ||
				minio.ToErrorResponse(err).Code == "SignatureDoesNotMatch" {
				return fmt.Errorf("Wrong credentials for S3 %s", c.Bucket) //nolint:staticcheck // Label Studio's own message, answered verbatim
			}

			return fmt.Errorf("Cannot connect to S3 %s with specified AWS credentials", c.Bucket) //nolint:staticcheck // Label Studio's own message, answered verbatim
		}
		if !ok {
			return fmt.Errorf("Cannot find bucket %s in S3", c.Bucket) //nolint:staticcheck // Label Studio's own message, answered verbatim
		}

		return nil
	}
}
