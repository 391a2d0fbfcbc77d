package accesspolicy_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

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

// policy has no principals and no document bucket, so it compiles to
// nothing remote and runs without servers.
const policy = `
resource "lakehouse_access_policy" "oulad" {
  name = "oulad"
  rules = [
    {
      name      = "researchers-read"
      subjects  = { roles = ["researcher"], institutions = ["ou"] }
      actions   = ["read"]
      resources = [
        { bucket = "curated", prefix = "oulad/" },
        { bucket = "curated", prefix = "pii/", require_consent = ["linkage"] },
      ]
    },
    {
      name      = "no-raw"
      effect    = "deny"
      actions   = ["read"]
      resources = [{ bucket = "curated", prefix = "oulad/raw/" }]
    },
  ]
}
`

func decision(name, attrs, key string) string {
	return fmt.Sprintf(`
data "lakehouse_access_decision" %[1]q {
  policy_documents = [lakehouse_access_policy.oulad.document]
  subject  = { name = "alice", attributes = %[2]s }
  action   = "read"
  resource = { bucket = "curated", key = %[3]q }
}
`, name, attrs, key)
}

const researcher = `{ role = ["researcher"], institution = ["ou"] }`

func TestAccAccessDecision_basic(t *testing.T) {
	cfg := policy +
		decision("allowed", researcher, "oulad/a.csv") +
		decision("denied", researcher, "oulad/raw/a.csv") +
		decision("consent", researcher, "pii/ids.csv") +
		decision("default", `{ role = ["student"] }`, "oulad/a.csv") + `
check "researchers_cannot_read_raw" {
  assert {
    condition     = !data.lakehouse_access_decision.denied.allowed
    error_message = "raw data must stay closed"
  }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.allowed", tfjsonpath.New("decision"), knownvalue.StringExact("allow")),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.allowed", tfjsonpath.New("rule"), knownvalue.StringExact("researchers-read")),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.denied", tfjsonpath.New("allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.denied", tfjsonpath.New("rule"), knownvalue.StringExact("no-raw")),
				// The consent rule: the role allows, the missing scope denies.
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.consent", tfjsonpath.New("allowed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.consent", tfjsonpath.New("reason"),
					knownvalue.StringRegexp(regexp.MustCompile(`consent scope "linkage"`))),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.default", tfjsonpath.New("rule"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.default", tfjsonpath.New("decision"), knownvalue.StringExact("deny")),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.default", tfjsonpath.New("policies_evaluated"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("oulad")})),
			},
		}},
	})
}

// A check block only warns; a postcondition on the decision fails the run,
// which is how a policy test stops CI.
func TestAccAccessDecision_postconditionFails(t *testing.T) {
	cfg := policy + `
data "lakehouse_access_decision" "raw" {
  policy_documents = [lakehouse_access_policy.oulad.document]
  subject  = { attributes = { role = ["researcher"], institution = ["ou"] } }
  action   = "read"
  resource = { bucket = "curated", key = "oulad/raw/a.csv" }
  lifecycle {
    postcondition {
      condition     = self.allowed
      error_message = "expected raw to be readable: ${self.reason}"
    }
  }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    []resource.TestStep{{Config: cfg, ExpectError: regexp.MustCompile(`expected raw to be readable: denied by rule`)}},
	})
}

func TestAccAccessDecision_validation(t *testing.T) {
	cases := map[string]string{
		"two targets": `policy_documents = ["{}"]
  resource = { bucket = "b", table = "t" }`,
		"no policies": `resource = { bucket = "b" }`,
		"bad time": `policy_documents = ["{}"]
  resource = { bucket = "b" }
  time = "yesterday"`,
	}
	want := map[string]string{"two targets": "exactly one of", "no policies": "No policies to evaluate", "bad time": "RFC 3339"}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
data "lakehouse_access_decision" "x" {
  subject = { name = "a" }
  action  = "read"
  %s
}`, body),
					ExpectError: regexp.MustCompile(want[name]),
				}},
			})
		})
	}
}

// The data source reads every document the resource stored in the
// governance bucket.
func TestAccAccessDecision_fromBucket(t *testing.T) {
	if server == nil {
		t.Skip("acceptance test: set TF_ACC=1 to run against a real MinIO")
	}
	gov := acctest.RandomName()
	c, err := minio.New(server.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(server.AccessKey, server.SecretKey, ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(context.Background(), gov, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	stored := regexp.MustCompile(`name = "oulad"`).ReplaceAllString(policy, fmt.Sprintf("name = \"oulad\"\n  document_bucket = %q", gov))
	cfg := stored + fmt.Sprintf(`
data "lakehouse_access_decision" "stored" {
  document_bucket = %[1]q
  subject         = { attributes = { role = ["researcher"], institution = ["ou"], consent = ["linkage"] } }
  action          = "read"
  resource        = { bucket = "curated", key = "pii/ids.csv" }
  depends_on      = [lakehouse_access_policy.oulad]
}
`, gov)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.stored", tfjsonpath.New("allowed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.stored", tfjsonpath.New("policy"), knownvalue.StringExact("oulad")),
			},
		}},
	})
}

// A decision scoped inside a check block, the way policy tests are usually
// written: Terraform reads it on every plan and apply, and a failing
// assertion is reported without blocking the run.
func TestAccAccessDecision_scopedInCheck(t *testing.T) {
	cfg := policy + `
check "consent_is_required" {
  data "lakehouse_access_decision" "pii_without_consent" {
    policy_documents = [lakehouse_access_policy.oulad.document]
    subject  = { attributes = { role = ["researcher"], institution = ["ou"] } }
    action   = "read"
    resource = { bucket = "curated", key = "pii/ids.csv" }
  }
  assert {
    condition     = !data.lakehouse_access_decision.pii_without_consent.allowed
    error_message = "pii/ must need the linkage consent scope"
  }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			// Terraform plans to read a check-scoped data source again on
			// every run ("config will be reloaded to verify a check block"),
			// so the plan after apply holds that read and nothing else.
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("lakehouse_access_policy.oulad", plancheck.ResourceActionNoop),
				plancheck.ExpectResourceAction("data.lakehouse_access_decision.pii_without_consent", plancheck.ResourceActionRead),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.pii_without_consent", tfjsonpath.New("decision"), knownvalue.StringExact("deny")),
				statecheck.ExpectKnownValue("data.lakehouse_access_decision.pii_without_consent", tfjsonpath.New("rule"), knownvalue.StringExact("researchers-read")),
			},
		}},
	})
}
