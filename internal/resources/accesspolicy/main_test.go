package accesspolicy_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/minioadmin"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// server is the real MinIO the acceptance tests enforce policies on.
var server *acctest.MinIO

func TestMain(m *testing.M) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		os.Exit(m.Run())
	}
	var err error
	if server, err = acctest.StartMinIO(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server.Setenv()
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

func needMinIO(t *testing.T) {
	t.Helper()
	if server == nil {
		t.Skip("acceptance test: set TF_ACC=1 to run against a real MinIO")
	}
}

// s3As is an S3 client with one user's credentials.
func s3As(t *testing.T, accessKey, secretKey string) *minio.Client {
	t.Helper()
	c, err := minio.New(server.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(accessKey, secretKey, ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}

	return c
}

func rootS3(t *testing.T) *minio.Client { return s3As(t, server.AccessKey, server.SecretKey) }

func admin(t *testing.T) *minioadmin.Client {
	t.Helper()
	c, err := minioadmin.New(providerdata.S3Settings{Endpoint: server.Endpoint, AccessKey: server.AccessKey, SecretKey: server.SecretKey}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}

	return c
}

// isAccessDenied reports an S3 AccessDenied answer.
func isAccessDenied(err error) bool {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code == "AccessDenied"
	}

	return false
}

// canRead fetches a whole object as the given client; it returns nil,
// an AccessDenied error, or another error.
func canRead(ctx context.Context, c *minio.Client, bucket, key string) error {
	obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return err
	}
	defer func() { _ = obj.Close() }() // read-only
	_, err = io.ReadAll(obj)

	return err
}

func canWrite(ctx context.Context, c *minio.Client, bucket, key string) error {
	_, err := c.PutObject(ctx, bucket, key, strings.NewReader("x"), 1, minio.PutObjectOptions{})

	return err
}

func canList(ctx context.Context, c *minio.Client, bucket, prefix string) error {
	for obj := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
	}

	return nil
}

// expect checks one access: allowed means success, otherwise AccessDenied
// and nothing else.
func expect(what string, err error, allowed bool) error {
	switch {
	case allowed && err != nil:
		return fmt.Errorf("%s: want allowed, got %w", what, err)
	case !allowed && err == nil:
		return fmt.Errorf("%s: want AccessDenied, got success", what)
	case !allowed && !isAccessDenied(err):
		return fmt.Errorf("%s: want AccessDenied, got %w", what, err)
	}

	return nil
}
