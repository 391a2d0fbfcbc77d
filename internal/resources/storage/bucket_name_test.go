package storage_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/minio/minio-go/v7/pkg/signer"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

// C02: the one rule table agrees with the server. Each name is sent to MinIO
// as a raw signed CreateBucket (minio-go would refuse some names before
// sending). A name the server rejects must fail our validation; a name we
// accept must be accepted by the server. The reserved AWS prefixes and
// suffixes are the only names we reject that MinIO may accept.
func TestAccStorageBucket_nameRulesMatchServer(t *testing.T) {
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skip("needs MinIO; set TF_ACC=1")
	}
	names := []string{
		"raw.zone-01", "abc", "a1-b2.c3", strings.Repeat("a", 63), "0-research", "10.0.0.12a",
		"Raw_Data", "raw_zone", "raw..zone", "10.0.0.12", "ab", "raw-zone-", "-raw", ".raw", "raw.",
		"raw.-zone", "raw-.zone", strings.Repeat("a", 64), "raw zone", "raw/zone", "RAW",
		"xn--raw", "sthree-raw", "raw-s3alias", "raw--ol-s3",
	}
	reserved := map[string]bool{"xn--raw": true, "sthree-raw": true, "raw-s3alias": true, "raw--ol-s3": true}
	for _, name := range names {
		ours := validators.BucketNameProblems(name) == nil
		status := createRaw(t, name)
		// 409 says the name is taken, which means the server accepts it.
		theirs := status == http.StatusOK || status == http.StatusConflict
		t.Logf("%-66q ours=%-5t minio=%d", name, ours, status)
		if status == http.StatusOK {
			if err := s3(t).RemoveBucket(t.Context(), name); err != nil {
				t.Logf("removing %q: %v", name, err)
			}
		}
		switch {
		case ours && !theirs:
			t.Errorf("%q: we accept it, MinIO refuses it (%d)", name, status)
		case !ours && theirs && !reserved[name]:
			t.Errorf("%q: we refuse it (%v), MinIO accepts it", name, validators.BucketNameProblems(name))
		}
	}
}

func createRaw(t *testing.T, name string) int {
	t.Helper()
	u := "http://" + server.Endpoint + "/" + strings.ReplaceAll(name, " ", "%20")
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	req = signer.SignV4(*req, server.AccessKey, server.SecretKey, "", "us-east-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	return resp.StatusCode
}
