package governance_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/cli"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
)

func readRepoFile(t *testing.T, rel string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}

	return string(raw)
}

// Terraform declares, the runner enforces: the OULAD module writes the same
// document as examples/schemas/oulad.json, and lakehouse-runner validates
// the OULAD submission in the bucket against the schema Terraform wrote.
func TestAccGovernanceSubmissionSchema_oulad(t *testing.T) {
	bucket := testBucket(t)
	module := strings.NewReplacer("var.bucket", fmt.Sprintf("%q", bucket), "var.key", "null").
		Replace(readRepoFile(t, "examples/modules/oulad-submission-schema/main.tf"))
	cfg := "provider \"lakehouse\" {}\n" + module
	key := "governance/submission-schemas/oulad.json"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             checkObjectGone(t, "lakehouse_submission_schema"),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				checkStoredSchema(t, bucket, key, func(s *submission.Schema) error {
					want, err := submission.ParseSchema([]byte(readRepoFile(t, "examples/schemas/oulad.json")))
					if err != nil {
						return err
					}
					if a, b := canonical(s), canonical(want); a != b {
						return fmt.Errorf("the module's document differs from examples/schemas/oulad.json:\n%s\n---\n%s", a, b)
					}

					return nil
				}),
				runnerValidates(t, bucket, key),
			),
		}},
	})
}

// canonical renders a schema as the resource writes it: tables in name
// order, allowed values (a set) sorted, defaults explicit.
func canonical(s *submission.Schema) string {
	c := *s
	if d := c.DatasetDescription; d != nil && d.File == "" {
		dd := *d
		dd.File = "dataset_description.json"
		c.DatasetDescription = &dd
	}
	c.Tables = slices.Clone(s.Tables)
	slices.SortFunc(c.Tables, func(a, b submission.Table) int { return strings.Compare(a.Name, b.Name) })
	for i := range c.Tables {
		if c.Tables[i].AdditionalColumns == "" {
			c.Tables[i].AdditionalColumns = submission.AdditionalNotAllowed
		}
		cols := slices.Clone(c.Tables[i].Columns)
		for j := range cols {
			cols[j].AllowedValues = slices.Sorted(slices.Values(cols[j].AllowedValues))
			nullable := cols[j].IsNullable()
			cols[j].Nullable = &nullable
		}
		c.Tables[i].Columns = cols
	}
	raw, _ := json.MarshalIndent(c, "", "  ")

	return string(raw)
}

// runnerValidates uploads the OULAD demo input under a prefix and runs
// `lakehouse-runner validate` with schema and dataset both in s3://; then
// breaks one file and expects the validation-failed exit code.
func runnerValidates(t *testing.T, bucket, key string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := t.Context()
		c := s3(t)
		dir := filepath.Join(acctest.RepoRoot(), "examples", "quickstart", "data", "oulad")
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if _, err := c.FPutObject(ctx, bucket, "landing/oulad/"+e.Name(), filepath.Join(dir, e.Name()), minio.PutObjectOptions{}); err != nil {
				return err
			}
		}
		// A sibling prefix must not leak into the dataset (no trailing slash
		// on the command line).
		stray := []byte("x")
		if _, err := c.PutObject(ctx, bucket, "landing/oulad-old/stray.csv", bytes.NewReader(stray), 1, minio.PutObjectOptions{}); err != nil {
			return err
		}
		args := []string{"validate", "--schema", "s3://" + bucket + "/" + key, "s3://" + bucket + "/landing/oulad"}
		var out, errb bytes.Buffer
		if code := cli.Execute(ctx, args, &out, &errb); code != cli.ExitOK {
			return fmt.Errorf("validate exit %d:\n%s\n%s", code, out.String(), errb.String())
		}
		if !strings.Contains(out.String(), "64430 rows read") {
			return fmt.Errorf("unexpected report:\n%s", out.String())
		}
		orphan := []byte("code_module,code_presentation,module_presentation_length\nZZZ,2013J,268\n")
		if _, err := c.PutObject(ctx, bucket, "landing/oulad/courses.csv", bytes.NewReader(orphan), int64(len(orphan)), minio.PutObjectOptions{}); err != nil {
			return err
		}
		out.Reset()
		if code := cli.Execute(ctx, args, &out, &errb); code != cli.ExitFailed || !strings.Contains(out.String(), "CSV_VALUE_NOT_ALLOWED courses.csv:2") {
			return fmt.Errorf("broken courses.csv: exit %d:\n%s", code, out.String())
		}

		return nil
	}
}

// The documentation example applies as written (bucket name aside) and
// plans empty afterwards.
func TestAccGovernanceSubmissionSchema_example(t *testing.T) {
	bucket := testBucket(t)
	cfg := "provider \"lakehouse\" {}\n" + strings.ReplaceAll(
		readRepoFile(t, "examples/resources/lakehouse_submission_schema/resource.tf"), "uni-example-governance", bucket)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: checkStoredSchema(t, bucket, "governance/submission-schemas/enrolment.json", func(s *submission.Schema) error {
				if len(s.Entities) != 2 || s.DatasetDescription == nil || !s.DatasetDescription.RequireORCID {
					return fmt.Errorf("unexpected document: %+v", s)
				}

				return nil
			}),
		}},
	})
}

// A schema written by hand (defaults left out, tables and values in any
// order) imports into the equivalent configuration with no change planned.
func TestAccGovernanceSubmissionSchema_importHandWritten(t *testing.T) {
	bucket := testBucket(t)
	key := "governance/submission-schemas/oulad.json"
	doc := readRepoFile(t, "examples/schemas/oulad.json")
	if _, err := s3(t).PutObject(t.Context(), bucket, key, strings.NewReader(doc), int64(len(doc)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	module := strings.NewReplacer("var.bucket", fmt.Sprintf("%q", bucket), "var.key", "null").
		Replace(readRepoFile(t, "examples/modules/oulad-submission-schema/main.tf"))
	cfg := "provider \"lakehouse\" {}\n" + module
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				ResourceName:    "lakehouse_submission_schema.oulad",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   bucket + "/" + key,
				Config:          cfg,
			},
		},
	})
}
