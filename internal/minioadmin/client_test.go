package minioadmin_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/minioadmin"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var server *acctest.MinIO

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, &server))
}

func TestEncryptRoundTrip(t *testing.T) {
	plain := []byte(`{"secretKey":"s3cr3t-value","status":"enabled"}`)
	sealed, err := minioadmin.Encrypt("admin-secret", plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("s3cr3t")) {
		t.Fatal("the sealed payload contains the plaintext")
	}
	if sealed[32] != 0x00 || len(sealed) < 32+1+8+len(plain) {
		t.Fatalf("header: algorithm id %d, length %d", sealed[32], len(sealed))
	}
	got, err := minioadmin.Decrypt("admin-secret", sealed)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt = %q, %v", got, err)
	}
	if _, err := minioadmin.Decrypt("other-secret", sealed); err == nil {
		t.Fatal("a wrong key must not decrypt")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := minioadmin.Decrypt("admin-secret", sealed); err == nil {
		t.Fatal("a tampered payload must not decrypt")
	}
}

// The real server accepts our signatures and our sealed bodies: users,
// groups, canned policies and attachments round-trip.
func TestAccMinIOAdmin_basic(t *testing.T) {
	if server == nil {
		t.Skip("set TF_ACC=1 to run against a real MinIO")
	}
	ctx := context.Background()
	c, err := minioadmin.New(providerdata.S3Settings{Endpoint: server.Endpoint, AccessKey: server.AccessKey, SecretKey: server.SecretKey}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddUser(ctx, "alice", "alice-secret-key"); err != nil {
		t.Fatal(err)
	}
	if err := c.AddGroupMembers(ctx, "researchers", "alice"); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}`
	if err := c.PutPolicy(ctx, "p1", doc); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetPolicy(ctx, "p1")
	if err != nil || !strings.Contains(got, "s3:GetObject") {
		t.Fatalf("GetPolicy = %q, %v", got, err)
	}
	for i := 0; i < 2; i++ { // the second attach is a no-op, not an error
		if err := c.Attach(ctx, "p1", "group", "researchers"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Attach(ctx, "p1", "user", "alice"); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"group", "user"} {
		name := map[string]string{"group": "researchers", "user": "alice"}[kind]
		att, err := c.Attached(ctx, kind, name)
		if err != nil || len(att) != 1 || att[0] != "p1" {
			t.Fatalf("Attached(%s) = %v, %v", kind, att, err)
		}
		if err := c.Detach(ctx, "p1", kind, name); err != nil {
			t.Fatal(err)
		}
		if err := c.Detach(ctx, "p1", kind, name); err != nil {
			t.Fatalf("second detach: %v", err)
		}
	}
	if err := c.DeletePolicy(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetPolicy(ctx, "p1"); !minioadmin.IsNotFound(err) {
		t.Fatalf("GetPolicy after delete: %v", err)
	}
	if err := c.DeletePolicy(ctx, "p1"); err != nil {
		t.Fatalf("deleting a missing policy: %v", err)
	}
	if err := c.RemoveGroupMembers(ctx, "researchers", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
}
