package checks3_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/cli"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var testMinIO *acctest.MinIO

func TestMain(m *testing.M) { os.Exit(acctest.RunWithServices(m, &testMinIO, nil)) }

func client(t *testing.T) *minio.Client {
	t.Helper()
	c, err := objectstore.New(providerdata.S3Settings{Configured: true, Endpoint: testMinIO.Endpoint, AccessKey: testMinIO.AccessKey,
		SecretKey: testMinIO.SecretKey, Region: "us-east-1", PathStyle: true}, httpx.DefaultRetrySettings())
	if err != nil {
		t.Fatal(err)
	}

	return c
}

func put(t *testing.T, c *minio.Client, bucket, key, body string) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), bucket, key, strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
}

// The suite, a prefix of CSV parts (with an AppleDouble file to skip) and
// the result file all live in MinIO.
func TestAccCheck_S3(t *testing.T) {
	ctx := context.Background()
	c := client(t)
	bucket := acctest.RandomName()
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	put(t, c, bucket, "suites/s.json", `{"name":"s3","expectations":[
	  {"type":"expect_table_row_count_to_equal","kwargs":{"value":4}},
	  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}}]}`)
	put(t, c, bucket, "landing/part-1.csv", "id,v\n1,a\n2,b\n")
	put(t, c, bucket, "landing/part-2.csv", "id,v\n3,c\n4,d\n")
	put(t, c, bucket, "landing/._part-1.csv", "\x00\x05\x16\x07")

	var out, errb bytes.Buffer
	code := cli.Execute(ctx, []string{"check", "--suite", "s3://" + bucket + "/suites/s.json", "s3://" + bucket + "/landing/",
		"--result", "s3://" + bucket + "/results/result.json", "--junit", "s3://" + bucket + "/results/junit.xml"}, &out, &errb)
	if code != cli.ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	obj, err := c.GetObject(ctx, bucket, "results/result.json", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("result.json not written: %v", err)
	}
	var res map[string]any
	if err := json.Unmarshal(raw, &res); err != nil || res["success"] != true || res["suite_name"] != "s3" {
		t.Errorf("result.json: %s (%v)", raw, err)
	}
	if _, err := c.StatObject(ctx, bucket, "results/junit.xml", minio.StatObjectOptions{}); err != nil {
		t.Errorf("junit.xml not written: %v", err)
	}

	// A missing suite object is a configuration error naming it, not a crash.
	out.Reset()
	errb.Reset()
	if code := cli.Execute(ctx, []string{"check", "--suite", "s3://" + bucket + "/suites/absent.json", "s3://" + bucket + "/landing/"}, &out, &errb); code != cli.ExitUsage || !strings.Contains(errb.String(), "does not exist") {
		t.Errorf("absent suite: exit %d, %s", code, errb.String())
	}
}
