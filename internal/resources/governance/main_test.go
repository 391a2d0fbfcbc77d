package governance_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// server is the MinIO every acceptance test of the governance documents
// uses (submission schemas, de-identification policies, suites); the
// provider reaches it through the environment.
var server *acctest.MinIO

func TestMain(m *testing.M) {
	os.Exit(acctest.RunWithMinIO(m, &server))
}

// s3 is a direct client for setup, checks and out-of-band changes.
func s3(t *testing.T) *minio.Client { return acctest.S3Client(t, server) }

// testBucket creates a fresh bucket for one test, so documents of
// different tests never meet.
func testBucket(t *testing.T) string {
	t.Helper()
	name := acctest.RandomName()
	if err := s3(t).MakeBucket(t.Context(), name, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}

	return name
}

// outOfBand runs fn with a direct client as a step's Check, to simulate an
// edit made by hand in a console.
func outOfBand(t *testing.T, fn func(ctx context.Context, c *minio.Client) error) resource.TestCheckFunc {
	return func(*terraform.State) error { return fn(t.Context(), s3(t)) }
}

// checkObjectGone is a CheckDestroy that the document's object is deleted.
func checkObjectGone(t *testing.T, typ string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != typ {
				continue
			}
			_, err := s3(t).StatObject(t.Context(), rs.Primary.Attributes["bucket"], rs.Primary.Attributes["key"], minio.StatObjectOptions{})
			if err == nil {
				return fmt.Errorf("%s %s still exists", typ, rs.Primary.ID)
			}
		}

		return nil
	}
}

// contentDrift is a plan check that addr's content changes from what an
// out-of-band edit left (holding marker; null when marker is empty, for an
// object that is no JSON) to the configured document, which lacks marker.
type contentDrift struct{ addr, marker string }

func (c contentDrift) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		was, _ := before["content"].(string)
		will, _ := after["content"].(string)
		switch {
		case c.marker == "" && before["content"] != nil:
			resp.Error = fmt.Errorf("%s: content before the update is %q, want null", c.addr, was)
		case c.marker != "" && !strings.Contains(was, c.marker):
			resp.Error = fmt.Errorf("%s: content before the update lacks %q: %s", c.addr, c.marker, was)
		case will == "" || (c.marker != "" && strings.Contains(will, c.marker)):
			resp.Error = fmt.Errorf("%s: planned content %q is not the configured document", c.addr, will)
		}

		return
	}
	resp.Error = fmt.Errorf("%s: no planned change", c.addr)
}
