package governance_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
)

const suiteAddr = "lakehouse_expectation_suite.test"

// testAccExpectationSuiteConfig_basic declares a two- or three-expectation
// suite; %[3]s is the upper bound of the score range, to vary between steps.
func testAccExpectationSuiteConfig_basic(bucket, name, maxScore string, extra bool) string {
	more := ""
	if extra {
		more = `{
      type   = "expect_column_values_to_be_in_set"
      kwargs = jsonencode({ column = "final_result", value_set = ["Pass", "Fail", "Withdrawn", "Distinction"] })
    },`
	}

	return fmt.Sprintf(`
provider "lakehouse" {}

resource "lakehouse_expectation_suite" "test" {
  bucket = %[1]q
  name   = %[2]q
  notes  = "Checks every OULAD assessment submission."
  meta   = jsonencode({ owner = "data-stewards", domain = "assessments" })

  expectations = [
    {
      type   = "expect_column_values_to_not_be_null"
      kwargs = jsonencode({ column = "id_student" })
      meta   = jsonencode({ severity = "critical" })
    },
    %[4]s
    {
      type   = "expect_column_values_to_be_between"
      kwargs = jsonencode({ column = "score", min_value = 0, max_value = %[3]s, mostly = 0.99 })
      notes  = "Scores are percentages."
    },
  ]
}
`, bucket, name, maxScore, more)
}

func checkStoredSuite(t *testing.T, bucket, key string, fn func(*expectations.Suite) error) resource.TestCheckFunc {
	return outOfBand(t, func(ctx context.Context, c *minio.Client) error {
		s, err := expectations.ParseSuite(readObject(t, bucket, key))
		if err != nil {
			return fmt.Errorf("the runner refuses the stored suite: %w", err)
		}

		return fn(s)
	})
}

func TestAccGovernanceExpectationSuite_basic(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/expectation-suites/" + name + ".json"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkObjectGone(t, "lakehouse_expectation_suite"),
		Steps: []resource.TestStep{
			{
				Config: testAccExpectationSuiteConfig_basic(bucket, name, "100", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(suiteAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(suiteAddr, tfjsonpath.New("key"), knownvalue.StringExact(key)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(suiteAddr, tfjsonpath.New("id"), knownvalue.StringExact(bucket+"/"+key)),
					statecheck.ExpectKnownValue(suiteAddr, tfjsonpath.New("expectations").AtSliceIndex(1).AtMapKey("type"),
						knownvalue.StringExact("expect_column_values_to_be_between")),
				},
				// What Terraform wrote is a GX 1.x suite the runner accepts.
				Check: checkStoredSuite(t, bucket, key, func(s *expectations.Suite) error {
					if s.Name != name || len(s.Expectations) != 2 || s.Expectations[1].Kwargs["max_value"] != int64(100) {
						return fmt.Errorf("unexpected suite: %+v", s)
					}

					return nil
				}),
			},
			{
				ResourceName:      suiteAddr,
				ImportState:       true,
				ImportStateId:     bucket + "/" + key,
				ImportStateVerify: true,
			},
			{
				ResourceName:    suiteAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   bucket + "/" + key,
				Config:          testAccExpectationSuiteConfig_basic(bucket, name, "100", false),
			},
			{
				// Adding an expectation and changing a bound are in-place updates.
				Config: testAccExpectationSuiteConfig_basic(bucket, name, "99", true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(suiteAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkStoredSuite(t, bucket, key, func(s *expectations.Suite) error {
					if len(s.Expectations) != 3 || s.Expectations[2].Kwargs["max_value"] != int64(99) {
						return fmt.Errorf("update not written: %+v", s.Expectations)
					}

					return nil
				}),
			},
		},
	})
}

// The stored suite rewritten with kwargs in another key order and layout
// (as any other tool may write it) is the same suite: no diff.
func TestAccGovernanceExpectationSuite_semanticKwargs(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/expectation-suites/" + name + ".json"
	cfg := fmt.Sprintf(`
resource "lakehouse_expectation_suite" "test" {
  bucket = %[1]q
  name   = %[2]q
  expectations = [{
    type   = "expect_column_values_to_be_between"
    kwargs = jsonencode({ column = "score", min_value = 0, max_value = 100 })
  }]
}
`, bucket, name)
	relaid := fmt.Sprintf(`{
  "expectations": [ { "kwargs": {"max_value": 100.0, "min_value": 0, "column": "score"},
                      "type": "expect_column_values_to_be_between" } ],
  "name": %q
}`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return putObject(ctx, c, bucket, key, []byte(relaid))
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccGovernanceExpectationSuite_disappears(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/expectation-suites/" + name + ".json"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccExpectationSuiteConfig_basic(bucket, name, "100", false),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return c.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{})
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(suiteAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// A bound changed by hand in the suite document shows as a diff on the
// expectation's kwargs, and the next apply writes the declared suite back.
func TestAccGovernanceExpectationSuite_drift(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/expectation-suites/" + name + ".json"
	cfg := testAccExpectationSuiteConfig_basic(bucket, name, "100", false)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return rewrite(ctx, c, bucket, key, func(doc map[string]any) {
						exps := doc["expectations"].([]any)
						exps[1].(map[string]any)["kwargs"].(map[string]any)["max_value"] = 1000
					})
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(suiteAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: cfg,
				Check: checkStoredSuite(t, bucket, key, func(s *expectations.Suite) error {
					if s.Expectations[1].Kwargs["max_value"] != int64(100) {
						return fmt.Errorf("declared bound not restored: %v", s.Expectations[1].Kwargs)
					}

					return nil
				}),
			},
		},
	})
}

// An expectation type the runner does not know, added to the stored suite
// by hand, plans an in-place rewrite, not a create.
func TestAccGovernanceExpectationSuite_unreadableEdit(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/expectation-suites/" + name + ".json"
	cfg := testAccExpectationSuiteConfig_basic(bucket, name, "100", false)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return rewrite(ctx, c, bucket, key, func(doc map[string]any) {
						doc["expectations"] = append(doc["expectations"].([]any), map[string]any{
							"type": "expect_column_values_to_be_house_style", "kwargs": map[string]any{"column": "id_student"},
						})
					})
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(suiteAddr, plancheck.ResourceActionUpdate),
						contentDrift{suiteAddr, "expect_column_values_to_be_house_style"},
					},
				},
			},
			{
				Config: cfg,
				Check: checkStoredSuite(t, bucket, key, func(s *expectations.Suite) error {
					if len(s.Expectations) != 2 {
						return fmt.Errorf("declared suite not restored: %+v", s.Expectations)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A suite written by GX 0.18 imports into the 1.x attributes with an empty
// plan (the runner reads 0.18 as well); its next change rewrites it as 1.x.
func TestAccGovernanceExpectationSuite_importGX018(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "legacy/" + name + ".json"
	legacy := fmt.Sprintf(`{"expectation_suite_name": %q, "data_asset_type": null, "meta": {"great_expectations_version": "0.18.8"},
	  "expectations": [{"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id_student"}, "meta": {}}]}`, name)
	if err := putObject(context.Background(), s3(t), bucket, key, []byte(legacy)); err != nil {
		t.Fatal(err)
	}
	cfg := func(notes string) string {
		return fmt.Sprintf(`
resource "lakehouse_expectation_suite" "test" {
  bucket = %[1]q
  key    = %[2]q
  name   = %[3]q
  meta   = jsonencode({ great_expectations_version = "0.18.8" })
  %[4]s
  expectations = [{ type = "expect_column_values_to_not_be_null", kwargs = jsonencode({ column = "id_student" }) }]
}
`, bucket, key, name, notes)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             cfg(""),
				ResourceName:       suiteAddr,
				ImportState:        true,
				ImportStateId:      bucket + "/" + key,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					a := states[0].Attributes
					if a["name"] != name || a["expectations.0.type"] != "expect_column_values_to_not_be_null" {
						return fmt.Errorf("0.18 suite not mapped: %v", a)
					}

					return nil
				},
			},
			{
				Config: cfg(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: cfg(`notes = "Now maintained in Terraform."`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(suiteAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: outOfBand(t, func(context.Context, *minio.Client) error {
					var doc map[string]any
					if err := json.Unmarshal(readObject(t, bucket, key), &doc); err != nil {
						return err
					}
					if doc["name"] != name || doc["expectation_suite_name"] != nil {
						return fmt.Errorf("document not rewritten as GX 1.x: %v", doc)
					}

					return nil
				}),
			},
		},
	})
}

func TestAccGovernanceExpectationSuite_validation(t *testing.T) {
	cfg := func(typ, kwargs string) string {
		return fmt.Sprintf(`
resource "lakehouse_expectation_suite" "test" {
  bucket = "governance"
  name   = "bad"
  expectations = [{ type = %[1]q, kwargs = jsonencode(%[2]s) }]
}
`, typ, kwargs)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg("expect_column_values_to_be_between", `{ min_value = 0 }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid expectation kwargs.*kwarg "column" is required`),
			},
			{
				Config:   cfg("expect_column_values_to_be_in_set", `{ column = "a", value_set = ["x"], bogus = 1 }`),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Invalid expectation kwargs.*expectations\[0\]\.kwargs\s+\(expectation\s+0,\s+` +
					`expect_column_values_to_be_in_set\):.*bogus`),
			},
			{
				// Well typed: a set is a list, mostly a number.
				Config:      cfg("expect_column_values_to_be_in_set", `{ column = "a", value_set = "x" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid expectation kwargs.*value_set`),
			},
			{
				Config:      cfg("expect_column_values_to_not_be_null", `{ column = "a", mostly = "high" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid expectation kwargs.*mostly`),
			},
			{
				Config:      cfg("expect_column_to_be_wonderful", `{ column = "a" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Unknown expectation type.*expectations\[0\]\.type:.*"expect_column_to_be_wonderful"\s+is\s+not\s+a\s+known`),
			},
			{
				Config:      cfg("expect_column_values_to_not_be_null", `["a"]`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid JSON object.*expectations\[0\]\.kwargs\s+\(expectation\s+0,\s+expect_column_values_to_not_be_null\):\s+the\s+value\s+is\s+an\s+array`),
			},
			{
				// The table's name is checked without the catalog.
				Config: `
resource "lakehouse_expectation_suite" "test" {
  bucket       = "governance"
  name         = "bad"
  table        = "assessments"
  expectations = [{ type = "expect_column_values_to_not_be_null", kwargs = jsonencode({ column = "a" }) }]
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid table name.*"assessments" is not .namespace.table.`),
			},
			{
				// A near miss names the type it stands for, not all of them.
				Config:      cfg("expect_column_values_to_not_be_nul", `{ column = "a" }`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)did you mean\s+"expect_column_values_to_not_be_null"`),
			},
		},
	})
}

// sqlCatalogEnv points the provider's catalog at a fresh SQL catalog whose
// warehouse is in bucket.
func sqlCatalogEnv(t *testing.T, bucket string) {
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", "file:"+filepath.Join(t.TempDir(), "catalog.db"))
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", "s3://"+bucket+"/warehouse")
}

// A suite bound to a table that names a column the live table does not have
// plans with a warning and fails the apply before the suite is written; it
// applies when every column exists.
func TestAccGovernanceExpectationSuite_boundTable(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/expectation-suites/" + name + ".json"
	sqlCatalogEnv(t, bucket)
	d, err := provider.Settings()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"oulad"}, nil); err != nil {
		t.Fatal(err)
	}
	sch := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id_student", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "score", Type: iceberg.PrimitiveTypes.Float64},
	)
	if _, err := cat.CreateTable(ctx, []string{"oulad", "assessments"}, sch); err != nil {
		t.Fatal(err)
	}
	cfg := func(column string) string {
		return fmt.Sprintf(`
resource "lakehouse_expectation_suite" "test" {
  bucket = %[1]q
  name   = %[2]q
  table  = "oulad.assessments"
  expectations = [
    { type = "expect_column_values_to_not_be_null", kwargs = jsonencode({ column = "id_student" }) },
    { type = "expect_column_values_to_be_between", kwargs = jsonencode({ column = %[3]q, min_value = 0 }) },
  ]
}
`, bucket, name, column)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The plan fails, naming the attribute, the expectation and
				// the column, and says how to destroy regardless.
				Config:   cfg("scroe"),
				PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Column not in the bound table.*expectations\[1\]\.kwargs:\s+expectation\s+1\s+` +
					`\(expect_column_values_to_be_between\)\s+names\s+.scroe.*terraform\s+destroy\s+-refresh=false`),
			},
			{
				PreConfig: func() {
					if _, err := s3(t).StatObject(ctx, bucket, key, minio.StatObjectOptions{}); err == nil {
						t.Error("the failed apply wrote the suite")
					}
				},
				Config: cfg("score"),
				Check: checkStoredSuite(t, bucket, key, func(s *expectations.Suite) error {
					b, _ := json.Marshal(s.Meta)
					if s.Meta["table"] != "oulad.assessments" {
						return fmt.Errorf("meta.table not recorded: %s", b)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// destroyCaseConfig declares namespace bind, table bind.t and a suite bound
// to it by name; column is the column of the table, named the column the
// suite checks.
func destroyCaseConfig(bucket, name, column, named string) string {
	return fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "bind" {
  name = ["bind"]
}

resource "lakehouse_iceberg_table" "t" {
  namespace = lakehouse_iceberg_namespace.bind.name
  name      = "t"
  schema    = [{ name = %[3]q, type = "long", id = 1 }]
}

resource "lakehouse_expectation_suite" "test" {
  bucket = %[1]q
  name   = %[2]q
  table  = "bind.t"
  expectations = [{ type = "expect_column_values_to_not_be_null", kwargs = jsonencode({ column = %[4]q }) }]

  depends_on = [lakehouse_iceberg_table.t]
}
`, bucket, name, column, named)
}

// The destroy a live-check error names, terraform destroy -refresh=false,
// removes what a failed apply left (the test's closing destroy does not
// refresh either), and the check runs again right before the write: the
// table is created in the same apply, after the plan found it missing.
func TestAccGovernanceExpectationSuite_destroyAfterFailedBind(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	sqlCatalogEnv(t, bucket)
	cfg := destroyCaseConfig(bucket, name, "id", "idd")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			d, err := provider.Settings()
			if err != nil {
				return err
			}
			cat, err := catalog.Open(context.Background(), d)
			if err != nil {
				return err
			}
			ok, err := cat.CheckTableExists(context.Background(), []string{"bind", "t"})
			if err != nil {
				return fmt.Errorf("checking for table bind.t: %w", err)
			}
			if ok {
				return errors.New("table bind.t left after destroy")
			}

			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`Column not in the bound table`),
			},
		},
	})
}
