package accesspolicy_test

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
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

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/minioadmin"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// server is the real MinIO the acceptance tests enforce policies on. It
// trusts issuer, an in-process OpenID provider, through two clients: for
// oidcClientID a token names its MinIO policies in the claim
// oidcPolicyClaim; for oidcRoleClientID every token gets the role policy,
// the identity-provider policy of the access policy named ssoRolePolicy.
var (
	server *acctest.MinIO
	issuer *acctest.OIDCIssuer
)

const (
	oidcClientID     = "lakehouse-sso"
	oidcPolicyClaim  = "policy"
	oidcRoleClientID = "lakehouse-sso-role"
	ssoRolePolicy    = acctest.NamePrefix + "sso"
)

// minioOpenIDEnv configures both clients; the role client is a second
// provider configuration, named ROLE.
func minioOpenIDEnv() map[string]string {
	env := issuer.MinIOEnv(oidcPolicyClaim)
	env["MINIO_IDENTITY_OPENID_CONFIG_URL_ROLE"] = issuer.ConfigURL()
	env["MINIO_IDENTITY_OPENID_CLIENT_ID_ROLE"] = oidcRoleClientID
	env["MINIO_IDENTITY_OPENID_ROLE_POLICY_ROLE"] = ap.IdPPolicyName(ssoRolePolicy)

	return env
}

// oidcRoleARN is the role MinIO derives from the role client's ID (a hash
// of it, in the server's region, empty here); MinIO prints it at start-up.
func oidcRoleARN() string {
	h := sha1.Sum([]byte(oidcRoleClientID)) //nolint:gosec // MinIO's own naming scheme, not a security use
	return "arn:minio:iam:::role/" + base64.RawURLEncoding.EncodeToString(h[:])
}

func TestMain(m *testing.M) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		os.Exit(m.Run())
	}
	os.Exit(runWithServers(m))
}

// runWithServers starts the issuer before MinIO, which reads the discovery
// document and the keys at start-up.
func runWithServers(m *testing.M) int {
	var err error
	if issuer, err = acctest.StartOIDCIssuer(oidcClientID); err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}
	defer issuer.Close()
	if server, err = acctest.StartMinIO(acctest.WithMinIOEnv(minioOpenIDEnv())); err != nil {
		fmt.Fprintln(os.Stderr, err)

		return 1
	}
	defer server.Stop()
	server.Setenv()

	return m.Run()
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
