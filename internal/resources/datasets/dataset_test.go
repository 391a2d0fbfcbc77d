package datasets_test

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/datasets"
)

const addr = "lakehouse_dataset.test"

// testAccDatasetConfig builds a dataset. tables and prefixes are HCL lists;
// doi is a doi attribute line or "".
func testAccDatasetConfig(bucket, id, title, tables, prefixes, doi string) string {
	return fmt.Sprintf(`
resource "lakehouse_dataset" "test" {
  bucket      = %[1]q
  dataset_id  = %[2]q
  title       = %[3]q
  description = "Demographics, assessments and VLE interactions of students on seven modules."
  creators = [
    {
      name        = "Kuzilek, Jakub"
      given_name  = "Jakub"
      family_name = "Kuzilek"
      orcid       = "0000-0002-1825-0097"
      affiliations = [{ name = "The Open University", ror_id = "05mzfcs16" }]
    },
    { name = "Learning Analytics Lab", name_type = "Organizational" },
  ]
  publisher        = "Example University"
  publication_year = 2025
  subjects = [{
    subject    = "Educational sciences"
    scheme     = "Fields of Science and Technology (FOS)"
    scheme_uri = "http://www.oecd.org/science/inno/38235147.pdf"
  }]
  keywords           = ["learning analytics", "moocs"]
  license            = "CC-BY-4.0"
  version            = "1.0"
  data_use_agreement = "https://data.example.edu/dua/17"
  consent_references = ["IRB-2024-17"]
  related_tables     = %[4]s
  related_prefixes   = %[5]s
  landing_url        = "https://data.example.edu/datasets/%[2]s"
  %[6]s
}
`, bucket, id, title, tables, prefixes, doi)
}

func getJSON(t *testing.T, bucket, key string) map[string]any {
	t.Helper()
	raw, err := fair.Get(context.Background(), s3client(), bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}

	return m
}

func bucketTagMap(t *testing.T, bucket string) map[string]string {
	t.Helper()
	tg, err := s3client().GetBucketTagging(context.Background(), bucket)
	if err != nil {
		return map[string]string{}
	}

	return tg.ToMap()
}

// checkRecord proves the documents, the table property and the bucket tag.
func checkRecord(t *testing.T, bucket, id, table, dataBucket, title string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		dk, sk := fair.Keys("datasets/", id)
		dc := getJSON(t, bucket, dk)
		if got := dc["titles"].([]any)[0].(map[string]any)["title"]; got != title {
			return fmt.Errorf("datacite.json title %v", got)
		}
		creator := dc["creators"].([]any)[0].(map[string]any)
		ids := creator["nameIdentifiers"].([]any)[0].(map[string]any)
		aff := creator["affiliation"].([]any)[0].(map[string]any)
		if ids["nameIdentifier"] != "https://orcid.org/0000-0002-1825-0097" || aff["affiliationIdentifier"] != "https://ror.org/05mzfcs16" {
			return fmt.Errorf("creator identifiers %v / %v", ids, aff)
		}
		if raw, _ := json.Marshal(dc); strings.Contains(string(raw), "s3://") || strings.Contains(string(raw), "student_info") {
			return fmt.Errorf("the public DataCite record names internal locations: %s", raw)
		}
		so := getJSON(t, bucket, sk)
		if so["@type"] != "Dataset" || so["license"] != "https://spdx.org/licenses/CC-BY-4.0.html" || so["isAccessibleForFree"] != false {
			return fmt.Errorf("schema.org record %v", so)
		}
		key := datasets.TagKey(id)
		if table != "" {
			if v := tableProps(t, table)[key]; v != "s3://"+bucket+"/datasets/"+id+"/" {
				return fmt.Errorf("table property %s = %q", key, v)
			}
		}
		if dataBucket != "" {
			tg := bucketTagMap(t, dataBucket)
			if tg[key] != bucket+"/datasets/"+id {
				return fmt.Errorf("bucket tag %s = %q (all: %v)", key, tg[key], tg)
			}
			// C21-style side effect: tags set by others survive our write.
			if tg["owner"] != "data-office" {
				return fmt.Errorf("the bucket lost its other tags: %v", tg)
			}
		}

		return nil
	}
}

func preTagBucket(t *testing.T, bucket string) {
	t.Helper()
	tg, _ := tags.NewTags(map[string]string{"owner": "data-office"}, false)
	if err := s3client().SetBucketTagging(context.Background(), bucket, tg); err != nil {
		t.Fatal(err)
	}
}

func TestAccDatasetsDataset_basic(t *testing.T) {
	bucket, dataBucket := testBucket(t), testBucket(t)
	preTagBucket(t, dataBucket)
	table := testTable(t, map[string]string{"owner": "analytics"})
	id := "oulad-" + strings.TrimPrefix(bucket, "tf-acc-")
	tables := fmt.Sprintf("[%q]", table)
	prefixes := fmt.Sprintf("[%q]", "s3://"+dataBucket+"/oulad/")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDatasetConfig(bucket, id, "OULAD", tables, prefixes, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(bucket+"/datasets/"+id)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("datacite_key"), knownvalue.StringExact("datasets/"+id+"/datacite.json")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("access_level"), knownvalue.StringExact("restricted")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("creators").AtSliceIndex(1).AtMapKey("name_type"), knownvalue.StringExact("Organizational")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("doi"), knownvalue.Null()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkRecord(t, bucket, id, table, dataBucket, "OULAD"),
			},
			{
				ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateId: bucket + "/datasets/" + id,
			},
			{
				ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: bucket + "/datasets/" + id,
			},
			{
				// Drop the table: its property goes, the other properties stay.
				Config: testAccDatasetConfig(bucket, id, "OULAD, 2013-2014", "null", prefixes, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					checkRecord(t, bucket, id, "", dataBucket, "OULAD, 2013-2014"),
					func(*terraform.State) error {
						p := tableProps(t, table)
						if _, ok := p[datasets.TagKey(id)]; ok || p["owner"] != "analytics" {
							return fmt.Errorf("table properties after unlinking: %v", p)
						}

						return nil
					},
				),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			dk, _ := fair.Keys("datasets/", id)
			if _, err := s3client().StatObject(context.Background(), bucket, dk, minio.StatObjectOptions{}); err == nil {
				return fmt.Errorf("record %s still exists", dk)
			}
			if tg := bucketTagMap(t, dataBucket); tg[datasets.TagKey(id)] != "" || tg["owner"] != "data-office" {
				return fmt.Errorf("bucket tags after destroy: %v", tg)
			}

			return nil
		},
	})
}

func TestAccDatasetsDataset_disappears(t *testing.T) {
	bucket := testBucket(t)
	id := "gone-" + strings.TrimPrefix(bucket, "tf-acc-")
	cfg := testAccDatasetConfig(bucket, id, "Gone", "null", "null", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context) error {
					dk, sk := fair.Keys("datasets/", id)

					return errorsJoin(fair.Remove(ctx, s3client(), bucket, dk), fair.Remove(ctx, s3client(), bucket, sk))
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}

	return nil
}

// Out-of-band edits of the record, the table property and the bucket tag
// each show as a diff, and apply repairs them.
func TestAccDatasetsDataset_drift(t *testing.T) {
	bucket, dataBucket := testBucket(t), testBucket(t)
	preTagBucket(t, dataBucket)
	table := testTable(t, nil)
	id := "drift-" + strings.TrimPrefix(bucket, "tf-acc-")
	cfg := testAccDatasetConfig(bucket, id, "Drift", fmt.Sprintf("[%q]", table), fmt.Sprintf("[%q]", "s3://"+dataBucket+"/x/"), "")
	dk, _ := fair.Keys("datasets/", id)
	update := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// Reformatting the document is not drift.
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context) error {
					raw, err := fair.Get(ctx, s3client(), bucket, dk)
					if err != nil {
						return err
					}
					var v any
					_ = json.Unmarshal(raw, &v)
					compact, _ := json.Marshal(v)
					_, err = fair.Put(ctx, s3client(), bucket, dk, string(compact), "application/json")

					return err
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg,
				Check: outOfBand(t, func(ctx context.Context) error {
					doc := getJSON(t, bucket, dk)
					doc["titles"] = []any{map[string]any{"title": "Edited in the console"}}
					raw, _ := json.Marshal(doc)
					_, err := fair.Put(ctx, s3client(), bucket, dk, string(raw), "application/json")

					return err
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   update,
			},
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					checkRecord(t, bucket, id, table, dataBucket, "Drift"),
					outOfBand(t, func(ctx context.Context) error {
						tg, _ := tags.NewTags(map[string]string{"owner": "data-office"}, false)

						return s3client().SetBucketTagging(ctx, dataBucket, tg)
					}),
				),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   update,
			},
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					checkRecord(t, bucket, id, table, dataBucket, "Drift"),
					outOfBand(t, func(ctx context.Context) error {
						levels := strings.Split(table, ".")
						tbl, err := testCatalog(t).LoadTable(ctx, levels)
						if err != nil {
							return err
						}
						txn := tbl.NewTransaction()
						if err := txn.RemoveProperties([]string{datasets.TagKey(id)}); err != nil {
							return err
						}
						_, err = txn.Commit(ctx)

						return err
					}),
				),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   update,
			},
			{
				Config:           cfg,
				Check:            checkRecord(t, bucket, id, table, dataBucket, "Drift"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Plan-time validation names the attribute; nothing is contacted.
func TestAccDatasetsDataset_validation(t *testing.T) {
	base := testAccDatasetConfig("tf-acc-validation", "v1", "Valid", "null", "null", "")
	cases := []struct {
		name, from, to string
		want           *regexp.Regexp
	}{
		{"orcid check digit", `"0000-0002-1825-0097"`, `"0000-0002-1825-0098"`, regexp.MustCompile(`(?s)creators\[0\]\.orcid.*wrong check digit`)},
		{"ror check digits", `"05mzfcs16"`, `"05mzfcs17"`, regexp.MustCompile(`(?s)affiliations\[0\]\.ror_id.*check digits`)},
		{"spdx", `"CC-BY-4.0"`, `"CC BY 4.0"`, regexp.MustCompile(`(?s)license.*SPDX`)},
		{"spdx expression", `"CC-BY-4.0"`, `"CC-BY-4.0 OR MIT"`, regexp.MustCompile(`(?s)license.*single SPDX`)},
		{"no creators", "creators = [", "creators = [] \n  ignored = [", regexp.MustCompile(`.`)},
		{"blank title", `title       = "Valid"`, `title       = " "`, regexp.MustCompile(`(?s)title.*must not be blank`)},
		{"year", `2025`, `25`, regexp.MustCompile(`(?s)publication_year.*between 1000 and 9999`)},
		{"resource type", `license `, `resource_type_general = "Spreadsheet"` + "\n  license ", regexp.MustCompile(`(?s)resource_type_general.*Dataset`)},
		{"table identifier", `related_tables     = null`, `related_tables     = ["student_info"]`, regexp.MustCompile(`(?s)related_tables.*names no namespace`)},
		{"prefix", `related_prefixes   = null`, `related_prefixes   = ["raw/oulad"]`, regexp.MustCompile(`(?s)related_prefixes.*s3://`)},
		{"landing url for findable", `landing_url        = "https://data.example.edu/datasets/v1"`, `doi = { state = "findable" }`, regexp.MustCompile(`(?s)Missing landing URL.*Set landing_url`)},
		{"doi state", `landing_url `, `doi = { state = "published" }` + "\n  landing_url ", regexp.MustCompile(`(?s)doi.state.*value must be one of`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := strings.Replace(base, c.from, c.to, 1)
			if cfg == base {
				t.Fatalf("replacement %q not applied", c.from)
			}
			if c.name == "no creators" {
				cfg = strings.Replace(base, base[strings.Index(base, "creators = ["):strings.Index(base, "publisher ")], "creators = []\n  ", 1)
				c.want = regexp.MustCompile(`(?s)creators.*at least 1`)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps:                    []resource.TestStep{{Config: cfg, PlanOnly: true, ExpectError: c.want}},
			})
		})
	}
}

// Several datasets linking one bucket in the same apply run in parallel;
// every tag survives, and so does the tag set by someone else.
func TestAccDatasetsDataset_sharedBucket(t *testing.T) {
	bucket, dataBucket := testBucket(t), testBucket(t)
	preTagBucket(t, dataBucket)
	cfg := fmt.Sprintf(`
resource "lakehouse_dataset" "part" {
  count            = 4
  bucket           = %[1]q
  dataset_id       = "part-${count.index}"
  title            = "Part ${count.index}"
  description      = "One wave of the panel study."
  creators         = [{ name = "Carberry, Josiah" }]
  publisher        = "Example University"
  publication_year = 2025
  license          = "CC0-1.0"
  related_prefixes = ["s3://%[2]s/wave-${count.index}/"]
}
`, bucket, dataBucket)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				tg := bucketTagMap(t, dataBucket)
				for i := range 4 {
					if tg[datasets.TagKey(fmt.Sprintf("part-%d", i))] == "" {
						return fmt.Errorf("tag of part-%d lost: %v", i, tg)
					}
				}
				if tg["owner"] != "data-office" {
					return fmt.Errorf("foreign tag lost: %v", tg)
				}

				return nil
			},
		}},
		CheckDestroy: func(*terraform.State) error {
			if tg := bucketTagMap(t, dataBucket); len(tg) != 1 || tg["owner"] != "data-office" {
				return fmt.Errorf("tags after destroy: %v", tg)
			}

			return nil
		},
	})
}
