package governance_test

import (
	"context"
	"encoding/json"
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
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
)

const schemaAddr = "lakehouse_submission_schema.test"

// testAccSubmissionSchemaConfig_basic declares a roster and a fact table
// with entity-based names, a sidecar requirement and a cross-file key.
// %[3]s is the allowed values of roster.grade, to vary between steps.
func testAccSubmissionSchemaConfig_basic(bucket, name, grades string) string {
	return fmt.Sprintf(`
provider "lakehouse" {}

resource "lakehouse_submission_schema" "test" {
  bucket         = %[1]q
  name           = %[2]q
  schema_version = "1.0.0"
  description    = "Enrolment submissions from partner institutions"

  dataset_description = {
    licenses      = ["CC-BY-4.0", "CC0-1.0"]
    require_orcid = true
  }

  entities = [
    { name = "inst", description = "institution code" },
    { name = "term" },
  ]

  missing_values = ["", "n/a"]
  ignore         = ["notes/*"]

  tables = {
    roster = {
      suffix            = "roster"
      required_entities = ["inst"]
      required          = true
      primary_key       = ["student_key"]
      columns = [
        { name = "student_key", type = "string", required = true, nullable = false, pattern = "S[0-9]{6}" },
        { name = "grade", type = "integer", allowed_values = [%[3]s] },
        { name = "age", type = "integer", minimum = 3, maximum = 25, unit = "years" },
      ]
    }
    enrolment = {
      suffix                  = "enrolment"
      required_entities       = ["inst", "term"]
      extensions              = [".csv", ".tsv"]
      additional_columns      = "warn"
      sidecar_required_fields = ["collection_period"]
      columns = [
        { name = "student_key", type = "string", required = true, nullable = false },
        { name = "course", type = "string", description = "course code" },
        { name = "credits", type = "number", minimum = 0 },
      ]
    }
  }

  foreign_keys = [{
    name               = "enrolled_student"
    table              = "enrolment"
    columns            = ["student_key"]
    references_table   = "roster"
    references_columns = ["student_key"]
  }]
}
`, bucket, name, grades)
}

func TestAccGovernanceSubmissionSchema_basic(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/submission-schemas/" + name + ".json"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkObjectGone(t, "lakehouse_submission_schema"),
		Steps: []resource.TestStep{
			{
				Config: testAccSubmissionSchemaConfig_basic(bucket, name, `"9", "10", "11", "12"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionCreate),
						// The default key and the exact document are known at plan time.
						plancheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("key"), knownvalue.StringExact(key)),
						plancheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("content"), knownvalue.StringRegexp(regexp.MustCompile(`"format": "lakehouse.submission-schema/v1"`))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("id"), knownvalue.StringExact(bucket+"/"+key)),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("key"), knownvalue.StringExact(key)),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("etag"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}`))),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("dataset_description"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"file":            knownvalue.StringExact("dataset_description.json"),
						"required_fields": knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("title"), knownvalue.StringExact("creators"), knownvalue.StringExact("license"), knownvalue.StringExact("data_use")}),
						"licenses":        knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("CC-BY-4.0"), knownvalue.StringExact("CC0-1.0")}),
						"require_orcid":   knownvalue.Bool(true),
					})),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("entities").AtSliceIndex(1).AtMapKey("format"), knownvalue.StringExact("label")),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("tables").AtMapKey("roster").AtMapKey("additional_columns"), knownvalue.StringExact("not_allowed")),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("tables").AtMapKey("roster").AtMapKey("columns").AtSliceIndex(1).AtMapKey("nullable"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("tables").AtMapKey("roster").AtMapKey("columns").AtSliceIndex(2).AtMapKey("maximum"), knownvalue.Float64Exact(25)),
				},
				// What Terraform wrote is exactly what the runner accepts.
				Check: checkStoredSchema(t, bucket, key, func(s *submission.Schema) error {
					if s.Name != name || len(s.Tables) != 2 || s.Tables[0].Name != "enrolment" || len(s.ForeignKeys) != 1 {
						return fmt.Errorf("unexpected document: %+v", s)
					}
					if got := s.Tables[1].Columns[1].AllowedValues; strings.Join(got, ",") != "10,11,12,9" {
						return fmt.Errorf("allowed values %v, want sorted 10,11,12,9", got)
					}

					return nil
				}),
			},
			{
				ResourceName:      schemaAddr,
				ImportState:       true,
				ImportStateId:     bucket + "/" + key,
				ImportStateVerify: true,
			},
			{
				ResourceName:    schemaAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   bucket + "/" + key,
				Config:          testAccSubmissionSchemaConfig_basic(bucket, name, `"9", "10", "11", "12"`),
			},
			{
				// Reordering a set and rewriting the object in another layout are
				// not changes.
				Config: testAccSubmissionSchemaConfig_basic(bucket, name, `"12", "11", "10", "9"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccGovernanceSubmissionSchema_disappears(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/submission-schemas/" + name + ".json"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSubmissionSchemaConfig_basic(bucket, name, `"9"`),
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return c.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{})
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// An edit made in the console shows as a diff on the typed attributes; a
// reformatted object with the same meaning does not.
func TestAccGovernanceSubmissionSchema_drift(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/submission-schemas/" + name + ".json"
	cfg := testAccSubmissionSchemaConfig_basic(bucket, name, `"9", "10"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return rewrite(ctx, c, bucket, key, func(doc map[string]any) {}) // same meaning, new layout
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return rewrite(ctx, c, bucket, key, func(doc map[string]any) {
						tables, _ := doc["tables"].([]any)
						roster, _ := tables[1].(map[string]any)
						roster["additional_columns"] = "allowed"
					})
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("tables").AtMapKey("roster").AtMapKey("additional_columns"), knownvalue.StringExact("not_allowed")),
					},
				},
			},
			{
				// Applying restores the declared document.
				Config: cfg,
				Check: checkStoredSchema(t, bucket, key, func(s *submission.Schema) error {
					if got := s.Tables[1].AdditionalColumns; got != "not_allowed" {
						return fmt.Errorf("additional_columns %q after apply", got)
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

// A key the runner refuses, added by hand, leaves the object in place: the
// resource stays in the state and the plan rewrites the document in place,
// showing the edit as a change of content (a missing object is the only
// reason to plan a create).
func TestAccGovernanceSubmissionSchema_unreadableEdit(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	key := "governance/submission-schemas/" + name + ".json"
	cfg := testAccSubmissionSchemaConfig_basic(bucket, name, `"9", "10"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context, c *minio.Client) error {
					return rewrite(ctx, c, bucket, key, func(doc map[string]any) { doc["x_custom"] = "added by hand" })
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionUpdate),
						contentDrift{schemaAddr, "x_custom"},
					},
				},
			},
			{
				Config: cfg,
				Check:  checkStoredSchema(t, bucket, key, func(*submission.Schema) error { return nil }),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A rule change updates the object in place and the etag; a new name moves
// the document to a new default key (replace).
func TestAccGovernanceSubmissionSchema_update(t *testing.T) {
	bucket, name, renamed := testBucket(t), acctest.RandomName(), acctest.RandomName()
	var etag string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkObjectGone(t, "lakehouse_submission_schema"),
		Steps: []resource.TestStep{
			{
				Config: testAccSubmissionSchemaConfig_basic(bucket, name, `"9"`),
				Check:  captureAttr(schemaAddr, "etag", &etag),
			},
			{
				Config: testAccSubmissionSchemaConfig_basic(bucket, name, `"9", "10"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(schemaAddr, tfjsonpath.New("etag")),
					},
				},
				Check: func(s *terraform.State) error {
					if s.RootModule().Resources[schemaAddr].Primary.Attributes["etag"] == etag {
						return fmt.Errorf("etag did not change after an update")
					}

					return nil
				},
			},
			{
				Config: testAccSubmissionSchemaConfig_basic(bucket, renamed, `"9", "10"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(schemaAddr, plancheck.ResourceActionDestroyBeforeCreate),
						plancheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("key"), knownvalue.StringExact("governance/submission-schemas/"+renamed+".json")),
					},
				},
			},
		},
	})
}

// Every rule is checked at plan time and the error names the attribute.
func TestAccGovernanceSubmissionSchema_validation(t *testing.T) {
	base := func(tables, extra string) string {
		return fmt.Sprintf(`
provider "lakehouse" {}

resource "lakehouse_submission_schema" "test" {
  bucket = "tf-acc-unused"
  name   = "invalid"
  tables = {
%[1]s
  }
%[2]s
}
`, tables, extra)
	}
	roster := `    roster = { file_name = "roster.csv", columns = [{ name = "id", type = "string" }] }`
	cases := []struct {
		name, tables, extra, want string
	}{
		{"unknown type", `    roster = { file_name = "roster.csv", columns = [{ name = "id", type = "text" }] }`, "", `(?s)tables\["roster"\].columns\[0\].type.*value must be one of`},
		{"both names", `    roster = { file_name = "roster.csv", suffix = "roster", columns = [{ name = "id", type = "string" }] }`, "", `set either file_name or suffix`},
		{"no name rule", `    roster = { columns = [{ name = "id", type = "string" }] }`, "", `set file_name \(an exact file name\) or suffix`},
		{"range on a string", `    roster = { file_name = "roster.csv", columns = [{ name = "id", type = "string", minimum = 1 }] }`, "", `minimum and maximum apply only to integer and number`},
		{"min above max", `    roster = { file_name = "roster.csv", columns = [{ name = "n", type = "integer", minimum = 5, maximum = 1 }] }`, "", `(?s)tables\["roster"\]\.columns\[0\]\.maximum\s+\(table\s+"roster",\s+column\s+"n"\):\s+maximum\s+1\s+is\s+less\s+than\s+minimum\s+5\.`},
		{"bad pattern", `    roster = { file_name = "roster.csv", columns = [{ name = "id", type = "string", pattern = "S[0-9" }] }`, "", `not a valid RE2 regular expression`},
		{"allowed value of wrong type", `    roster = { file_name = "roster.csv", columns = [{ name = "n", type = "integer", allowed_values = ["ten"] }] }`, "", `"ten" is not a valid integer`},
		{"duplicate column", `    roster = { file_name = "roster.csv", columns = [{ name = "id", type = "string" }, { name = "id", type = "string" }] }`, "", `(?s)tables\["roster"\]\.columns\[1\]\.name\s+\(table\s+"roster",\s+column\s+"id"\):\s+column\s+"id"\s+is\s+declared\s+twice`},
		{"undeclared entity", `    roster = { suffix = "roster", required_entities = ["inst"], columns = [{ name = "id", type = "string" }] }`, "", `entity "inst" is not declared in entities`},
		{"primary key column", `    roster = { file_name = "roster.csv", primary_key = ["key"], columns = [{ name = "id", type = "string" }] }`, "", `(?s)tables\["roster"\]\.primary_key\[0\]\s+\(table\s+"roster"\):\s+column\s+"key"\s+is\s+not\s+in\s+columns`},
		{"foreign key table", roster, `  foreign_keys = [{ table = "enrolment", columns = ["id"], references_table = "roster", references_columns = ["id"] }]`, `(?s)foreign_keys\[0\]\.table\s+\(foreign\s+key\s+from\s+"enrolment"\s+to\s+"roster"\):\s+table\s+"enrolment"\s+is\s+not\s+declared`},
		{"foreign key arity", roster, `  foreign_keys = [{ table = "roster", columns = ["id", "id"], references_table = "roster", references_columns = ["id"] }]`, `must list as many columns as columns`},
		{"licence", roster, `  dataset_description = { licenses = ["CC BY 4.0"] }`, `not an SPDX license identifier`},
		{"description field", roster, `  dataset_description = { required_fields = ["titel"] }`, `value must be one of`},
		{"empty list", roster, `  missing_values = []`, `list must contain at least 1 elements`},
		{"entity format", roster, `  entities = [{ name = "inst", format = "word" }]`, `value must be one of`},
		{"key", roster, `  key = "/leading/slash.json"`, `starts with a slash`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:   base(c.tables, c.extra),
			PlanOnly: true,
			// Terraform wraps the detail at any space.
			ExpectError: regexp.MustCompile(strings.ReplaceAll(c.want, " ", `\s+`)),
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps:                    steps,
	})
}

func checkStoredSchema(t *testing.T, bucket, key string, fn func(*submission.Schema) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj, err := s3(t).GetObject(t.Context(), bucket, key, minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		defer func() { _ = obj.Close() }() // read-only
		raw, err := io.ReadAll(obj)
		if err != nil {
			return err
		}
		s, err := submission.ParseSchema(raw)
		if err != nil {
			return fmt.Errorf("the runner rejects the stored schema: %w", err)
		}

		return fn(s)
	}
}

// rewrite edits the stored document as a person would: unmarshal, change,
// write back compact with Go's key order.
func rewrite(ctx context.Context, c *minio.Client, bucket, key string, edit func(map[string]any)) error {
	obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(obj)
	_ = obj.Close() // read-only
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = c.PutObject(ctx, bucket, key, strings.NewReader(string(out)), int64(len(out)), minio.PutObjectOptions{ContentType: "application/json"})

	return err
}

func captureAttr(addr, attr string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		*into = rs.Primary.Attributes[attr]

		return nil
	}
}

// In a versioned bucket the state records the object version each apply
// wrote, and the refresh keeps it (no perpetual diff).
func TestAccGovernanceSubmissionSchema_versioned(t *testing.T) {
	bucket, name := testBucket(t), acctest.RandomName()
	if err := s3(t).EnableVersioning(t.Context(), bucket); err != nil {
		t.Fatal(err)
	}
	var first string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccSubmissionSchemaConfig_basic(bucket, name, `"9"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(schemaAddr, tfjsonpath.New("version_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: captureAttr(schemaAddr, "version_id", &first),
			},
			{
				Config: testAccSubmissionSchemaConfig_basic(bucket, name, `"9", "10"`),
				Check: func(s *terraform.State) error {
					if v := s.RootModule().Resources[schemaAddr].Primary.Attributes["version_id"]; v == first || v == "" {
						return fmt.Errorf("version_id %q after an update (was %q)", v, first)
					}

					return nil
				},
			},
		},
	})
}
