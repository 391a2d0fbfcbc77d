package governance_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/deid"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

const deidAddr = "lakehouse_deid_policy.test"

func testAccDeidPolicyConfig_basic(bucket, zipAction string) string {
	return fmt.Sprintf(`
resource "lakehouse_deid_policy" "test" {
  bucket         = %[1]q
  name           = "patients"
  description    = "Synthea patients under Safe Harbor"
  profile        = "safe-harbor"
  key_env        = "LAKEHOUSE_DEID_KEY"
  subject_column = "Id"
  reference_date = "2026-01-01"

  columns = {
    "Id"        = { action = "pseudonymise", length = 32, prefix = "P-" }
    "Full Name" = { action = "drop" }
    "ZIP"       = { action = %[2]q }
    "visit"     = { action = "date_shift", max_shift_days = 30 }
    "notes"     = { action = "scrub", scrub = { keep_year = true, skip = ["AGE"] } }
    "phone"     = { action = "mask", masking_char = "#", chars_to_mask = 4, from_end = true }
    "GENDER"    = { action = "keep" }
  }
}
`, bucket, zipAction)
}

func readObject(t *testing.T, bucket, key string) []byte {
	t.Helper()
	o, err := s3(t).GetObject(context.Background(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = o.Close() }() // read-only
	b, err := io.ReadAll(o)
	if err != nil {
		t.Fatal(err)
	}

	return b
}

func putObject(ctx context.Context, c *minio.Client, bucket, key string, b []byte) error {
	_, err := c.PutObject(ctx, bucket, key, bytes.NewReader(b), int64(len(b)), minio.PutObjectOptions{ContentType: "application/json"})

	return err
}

// checkRunnerEnforces reads the stored policy the way the runner does and
// de-identifies a row with it: Terraform declares, the runner enforces.
func checkRunnerEnforces(t *testing.T, bucket string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, err := deid.ParsePolicy(readObject(t, bucket, "governance/deid-policies/patients.json"))
		if err != nil {
			return err
		}
		var out bytes.Buffer
		in := "Id,Full Name,ZIP,visit,notes,phone,GENDER\n7,Dana Whitfield,03601,2021-03-04,seen 3/4/21 by Dr. Okafor,617-555-0134,F\n"
		_, err = deid.ProcessCSV(context.Background(), p, strings.NewReader(in), &out, tabular.CSVOptions{},
			deid.Options{Key: []byte("0123456789abcdef0123")}, nil)
		if err != nil {
			return err
		}
		want := "Id,ZIP,visit,notes,phone,GENDER\n" + "P-" + deid.Pseudonym([]byte("0123456789abcdef0123"), "7", 32) + ",000,"
		if !strings.HasPrefix(out.String(), want) || strings.Contains(out.String(), "Whitfield") || !strings.Contains(out.String(), "617-555-####") {
			return fmt.Errorf("runner output %q", out.String())
		}

		return nil
	}
}

func TestAccGovernanceDeidPolicy_basic(t *testing.T) {
	bucket := testBucket(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkObjectGone(t, "lakehouse_deid_policy"),
		Steps: []resource.TestStep{
			{
				Config: testAccDeidPolicyConfig_basic(bucket, "zip3"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(deidAddr, tfjsonpath.New("key"), knownvalue.StringExact("governance/deid-policies/patients.json")),
					statecheck.ExpectKnownValue(deidAddr, tfjsonpath.New("id"), knownvalue.StringExact(bucket+"/governance/deid-policies/patients.json")),
					statecheck.ExpectKnownValue(deidAddr, tfjsonpath.New("columns").AtMapKey("Full Name").AtMapKey("action"), knownvalue.StringExact("drop")),
					statecheck.ExpectKnownValue(deidAddr, tfjsonpath.New("columns").AtMapKey("phone").AtMapKey("from_end"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(deidAddr, tfjsonpath.New("content"), knownvalue.StringRegexp(regexp.MustCompile(`"key": \{\n\s+"env": "LAKEHOUSE_DEID_KEY"`))),
				},
				Check: checkRunnerEnforces(t, bucket),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      deidAddr,
				ImportState:       true,
				ImportStateId:     bucket + "/governance/deid-policies/patients.json",
				ImportStateVerify: true,
			},
			{
				ResourceName:    deidAddr,
				ImportState:     true,
				ImportStateId:   bucket + "/governance/deid-policies/patients.json",
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Changing one rule rewrites the document in place.
				Config: testAccDeidPolicyConfig_basic(bucket, "drop"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(deidAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(deidAddr, tfjsonpath.New("columns").AtMapKey("ZIP").AtMapKey("action"), knownvalue.StringExact("drop")),
				},
			},
		},
	})
}

func TestAccGovernanceDeidPolicy_disappears(t *testing.T) {
	bucket := testBucket(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkObjectGone(t, "lakehouse_deid_policy"),
		Steps: []resource.TestStep{
			{
				Config: testAccDeidPolicyConfig_basic(bucket, "zip3"),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return c.RemoveObject(ctx, bucket, "governance/deid-policies/patients.json", minio.RemoveObjectOptions{})
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(deidAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// An edit by hand shows as a diff on the rule it changed; the same document
// reformatted (keys reordered, other indentation) is no drift.
func TestAccGovernanceDeidPolicy_drift(t *testing.T) {
	bucket := testBucket(t)
	key := "governance/deid-policies/patients.json"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkObjectGone(t, "lakehouse_deid_policy"),
		Steps: []resource.TestStep{
			{
				Config: testAccDeidPolicyConfig_basic(bucket, "zip3"),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					p, err := deid.ParsePolicy(readObject(t, bucket, key))
					if err != nil {
						return err
					}
					b, _ := p.Canonical() // reformatted: different bytes, same meaning
					b = bytes.ReplaceAll(b, []byte("  "), []byte("\t"))

					return putObject(ctx, c, bucket, key, b)
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: testAccDeidPolicyConfig_basic(bucket, "zip3"),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					b := bytes.Replace(readObject(t, bucket, key), []byte(`"zip3"`), []byte(`"keep"`), 1)

					return putObject(ctx, c, bucket, key, b)
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(deidAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(deidAddr, tfjsonpath.New("columns").AtMapKey("ZIP").AtMapKey("action"), knownvalue.StringExact("zip3")),
					},
				},
			},
		},
	})
}

// An object overwritten with text that is no JSON at all still exists: the
// plan rewrites it in place (content null before), it does not create it.
func TestAccGovernanceDeidPolicy_notJSON(t *testing.T) {
	bucket := testBucket(t)
	key := "governance/deid-policies/patients.json"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDeidPolicyConfig_basic(bucket, "zip3"),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return putObject(ctx, c, bucket, key, []byte("name: patients\ncolumns: {}\n"))
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(deidAddr, plancheck.ResourceActionUpdate),
						contentDrift{deidAddr, ""},
					},
				},
			},
			{
				Config: testAccDeidPolicyConfig_basic(bucket, "zip3"),
				Check:  checkRunnerEnforces(t, bucket),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Every rule is validated at plan time by the runner's own validation, with
// the attribute path of the offending setting.
func TestAccGovernanceDeidPolicy_validation(t *testing.T) {
	bucket := acctest.RandomName()
	cases := []struct {
		body string
		want string
	}{
		{`columns = { "ZIP" = { action = "zip3", masking_char = "#" } }`, `(?s)columns\["ZIP"\].masking_char.*does not apply to\s+action "zip3"`},
		{`columns = { "visit" = { action = "date_shift" } }`, `(?s)subject_column.*date_shift needs a subject_column`},
		{`columns = { "Id" = { action = "shred" } }`, `(?s)Attribute columns\["Id"\].action value must be one of`},
		{`columns = { "Id" = { action = "pseudonymise", length = 4 } }`, `(?s)columns\["Id"\].length value must be between 8 and 64`},
		{"key_env = \"KEY\"\n  key_file = \"/k\"\n  profile = \"safe-harbor\"", `(?s)key_file.*cannot be specified when .*key_env`},
		{`reference_date = "01/02/2026"` + "\n  profile = \"safe-harbor\"", `(?s)reference_date.*must be a date like 2026-01-31`},
		{`description = "no rules"`, `(?s)give at least one column rule, or a profile`},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("resource \"lakehouse_deid_policy\" \"test\" {\n  bucket = %q\n  name = \"p\"\n  %s\n}\n", bucket, c.body),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(c.want),
				}},
			})
		})
	}
}
