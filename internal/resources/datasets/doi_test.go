package datasets_test

import (
	"context"
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

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/datasets"
)

// captureDOI stores the applied DOI name in *doi.
func captureDOI(doi *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		*doi = rs.Primary.Attributes["doi.id"]
		if *doi == "" {
			return fmt.Errorf("no doi.id in state")
		}

		return nil
	}
}

func expectFakeState(doi *string, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := fake.State(*doi); got != want {
			return fmt.Errorf("DataCite holds %s as %q, want %q", *doi, got, want)
		}

		return nil
	}
}

func doiLine(state string) string { return fmt.Sprintf("doi = { state = %q }", state) }

// Draft -> findable -> registered (hide) -> findable; going back to draft
// or dropping the DOI is refused at plan time; destroy hides the DOI.
func TestAccDatasetsDataset_doiLifecycle(t *testing.T) {
	bucket := testBucket(t)
	id := "doi-" + strings.TrimPrefix(bucket, "tf-acc-")
	cfg := func(doi string) string { return testAccDatasetConfig(bucket, id, "DOI lifecycle", "null", "null", doi) }
	retitled := testAccDatasetConfig(bucket, id, "DOI lifecycle, second wave", "null", "null", doiLine("findable"))
	var doi string
	empty := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(doiLine("draft")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("doi").AtMapKey("state"), knownvalue.StringExact("draft")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("doi").AtMapKey("id"), knownvalue.StringRegexp(regexp.MustCompile(`^10\.5072/[a-z0-9-]+$`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("doi").AtMapKey("url"), knownvalue.StringRegexp(regexp.MustCompile(`^https://doi\.org/10\.5072/`))),
				},
				ConfigPlanChecks: empty,
				Check: resource.ComposeTestCheckFunc(captureDOI(&doi), expectFakeState(&doi, "draft"),
					func(*terraform.State) error {
						dk, _ := fair.Keys("datasets/", id)
						if dc := getJSON(t, bucket, dk); dc["doi"] != doi {
							return fmt.Errorf("datacite.json doi %v, want %s", dc["doi"], doi)
						}

						return nil
					}),
			},
			{
				Config: cfg(doiLine("findable")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectFakeState(&doi, "findable"),
			},
			{
				// A metadata change in the configuration updates the
				// published DOI in place; it stays findable.
				Config: retitled,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(expectFakeState(&doi, "findable"), func(*terraform.State) error {
					if title := fake.Attributes(doi)["titles"].([]any)[0].(map[string]any)["title"]; title != "DOI lifecycle, second wave" {
						return fmt.Errorf("DataCite still holds the title %v", title)
					}

					return nil
				}),
			},
			{Config: cfg(doiLine("draft")), ExpectError: regexp.MustCompile(`(?s)cannot return to draft`)},
			{Config: cfg(""), ExpectError: regexp.MustCompile(`(?s)registered DOI cannot be removed`)},
			{Config: cfg(doiLine("registered")), ConfigPlanChecks: empty, Check: expectFakeState(&doi, "registered")},
			{Config: cfg(doiLine("findable")), ConfigPlanChecks: empty, Check: expectFakeState(&doi, "findable")},
		},
		// Destroy cannot delete a findable DOI: it hides it.
		CheckDestroy: func(*terraform.State) error { return expectFakeState(&doi, "registered")(nil) },
	})
}

// A draft DOI with a chosen suffix is imported and deleted on destroy.
func TestAccDatasetsDataset_doiDraftImportAndDelete(t *testing.T) {
	bucket := testBucket(t)
	id := "draft-" + strings.TrimPrefix(bucket, "tf-acc-")
	suffix := "lh." + strings.TrimPrefix(bucket, "tf-acc-")
	cfg := testAccDatasetConfig(bucket, id, "Draft", "null", "null", fmt.Sprintf("doi = { suffix = %q }", suffix))
	doi := "10.5072/" + suffix
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The DOI name is known at plan time when the suffix is set.
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectKnownValue(addr, tfjsonpath.New("doi").AtMapKey("id"), knownvalue.StringExact(doi))},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: expectFakeState(&doi, "draft"),
			},
			{ResourceName: addr, ImportState: true, ImportStateVerify: true, ImportStateId: bucket + "/datasets/" + id},
			{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateId: bucket + "/datasets/" + id},
		},
		CheckDestroy: func(*terraform.State) error { return expectFakeState(&doi, "")(nil) },
	})
}

// Out-of-band DOI edits show as a diff and apply restores them; a record
// whose documents were deleted keeps its DOI.
func TestAccDatasetsDataset_doiDrift(t *testing.T) {
	bucket := testBucket(t)
	id := "doidrift-" + strings.TrimPrefix(bucket, "tf-acc-")
	cfg := testAccDatasetConfig(bucket, id, "DOI drift", "null", "null", doiLine("findable"))
	var doi, again string
	update := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config:           cfg,
				Check:            resource.ComposeTestCheckFunc(captureDOI(&doi), expectFakeState(&doi, "findable")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg,
				Check: outOfBand(t, func(context.Context) error {
					fake.SetAttribute(doi, "titles", []any{map[string]any{"title": "Edited in Fabrica"}})

					return nil
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   update,
			},
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if title := fake.Attributes(doi)["titles"].([]any)[0].(map[string]any)["title"]; title != "DOI drift" {
							return fmt.Errorf("apply did not restore the DOI title: %v", title)
						}

						return nil
					},
					outOfBand(t, func(context.Context) error { fake.SetState(doi, "registered"); return nil }),
				),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   update,
			},
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					expectFakeState(&doi, "findable"),
					outOfBand(t, func(ctx context.Context) error {
						dk, sk := fair.Keys("datasets/", id)

						return errorsJoin(fair.Remove(ctx, s3client(), bucket, dk), fair.Remove(ctx, s3client(), bucket, sk))
					}),
				),
				// The DOI still exists, so the record is re-written in place.
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   update,
			},
			{
				Config:           cfg,
				Check:            resource.ComposeTestCheckFunc(captureDOI(&again), func(*terraform.State) error { return sameDOI(doi, again) }),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func sameDOI(a, b string) error {
	if a != b {
		return fmt.Errorf("the DOI changed from %s to %s", a, b)
	}

	return nil
}

// A draft deleted in Fabrica is created again on the next apply.
func TestAccDatasetsDataset_doiDraftDisappears(t *testing.T) {
	bucket := testBucket(t)
	id := "draftgone-" + strings.TrimPrefix(bucket, "tf-acc-")
	cfg := testAccDatasetConfig(bucket, id, "Draft gone", "null", "null", doiLine("draft"))
	var doi, again string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureDOI(&doi)},
			{
				Config:             cfg,
				Check:              outOfBand(t, func(context.Context) error { fake.Remove(doi); return nil }),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("doi").AtMapKey("id")),
				}},
			},
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(captureDOI(&again), expectFakeState(&again, "draft"), func(*terraform.State) error {
					if again == doi {
						return fmt.Errorf("expected a new DOI, got the deleted %s", doi)
					}

					return nil
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// DataCite's own 422 (here: a landing page outside the repository's
// domains) fails the apply with DataCite's message; the DOI stays a draft
// and a corrected configuration publishes it.
func TestAccDatasetsDataset_doiRejected(t *testing.T) {
	bucket := testBucket(t)
	id := "rejected-" + strings.TrimPrefix(bucket, "tf-acc-")
	fake.SetAllowedDomains("example.edu")
	t.Cleanup(func() { fake.SetAllowedDomains() })
	good := testAccDatasetConfig(bucket, id, "Rejected", "null", "null", doiLine("findable"))
	bad := strings.Replace(good, "https://data.example.edu/datasets/", "https://data.example.org/datasets/", 1)
	var doi string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: bad, ExpectError: regexp.MustCompile(`(?s)refused to update DOI.*url: URL\s+https://data\.example\.org/\S*\s+is\s+not\s+allowed`)},
			{
				Config:           good,
				Check:            resource.ComposeTestCheckFunc(captureDOI(&doi), expectFakeState(&doi, "findable")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A create whose answer is lost is retried by the shared transport; the
// retry finds the DOI it made instead of leaving an orphan draft behind.
func TestAccDatasetsDataset_doiCreateRetried(t *testing.T) {
	bucket := testBucket(t)
	id := "retried-" + strings.TrimPrefix(bucket, "tf-acc-")
	cfg := testAccDatasetConfig(bucket, id, "Retried", "null", "null", doiLine("draft"))
	var doi string
	before := fake.Len()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { fake.LoseNextResponse("POST") },
			Config:    cfg,
			Check: resource.ComposeTestCheckFunc(captureDOI(&doi), expectFakeState(&doi, "draft"), func(*terraform.State) error {
				if n := fake.Len() - before; n != 1 {
					return fmt.Errorf("%d DOIs created, want 1", n)
				}

				return nil
			}),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
}

// Renaming the dataset (or moving its record) is an in-place update: the
// findable DOI is kept and stays findable, the record is only at its new
// place, and the table property and bucket tag are re-keyed while the
// tags of others stay.
func TestAccDatasetsDataset_move(t *testing.T) {
	bucket, other, dataBucket := testBucket(t), testBucket(t), testBucket(t)
	preTagBucket(t, dataBucket)
	table := testTable(t, map[string]string{"owner": "analytics"})
	id := "move-" + strings.TrimPrefix(bucket, "tf-acc-")
	renamed := id + "-v2"
	tables, prefixes := fmt.Sprintf("[%q]", table), fmt.Sprintf("[%q]", "s3://"+dataBucket+"/oulad/")
	var doi, again string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccDatasetConfig(bucket, id, "Move", tables, prefixes, doiLine("findable")),
				Check:  resource.ComposeTestCheckFunc(captureDOI(&doi), checkRecord(t, bucket, id, table, dataBucket, "Move")),
			},
			{
				Config: testAccDatasetConfig(other, renamed, "Move", tables, prefixes, doiLine("findable")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(other+"/datasets/"+renamed)),
				},
				Check: resource.ComposeTestCheckFunc(
					captureDOI(&again),
					func(*terraform.State) error { return sameDOI(doi, again) },
					expectFakeState(&doi, "findable"),
					checkRecord(t, other, renamed, table, dataBucket, "Move"),
					func(*terraform.State) error {
						dk, sk := fair.Keys("datasets/", id)
						for _, k := range []string{dk, sk} {
							if _, err := fair.Get(context.Background(), s3client(), bucket, k); err == nil {
								return fmt.Errorf("the old document %s/%s is still there", bucket, k)
							}
						}
						if _, ok := tableProps(t, table)[datasets.TagKey(id)]; ok {
							return fmt.Errorf("the table keeps the old link %s", datasets.TagKey(id))
						}
						if tg := bucketTagMap(t, dataBucket); tg[datasets.TagKey(id)] != "" {
							return fmt.Errorf("the bucket keeps the old tag: %v", tg)
						}

						return nil
					},
				),
			},
		},
	})
}

// Wrong DataCite credentials fail the apply with DataCite's 401 and a hint,
// and leave nothing behind: no DOI, no record.
func TestAccDatasetsDataset_doiBadCredentials(t *testing.T) {
	bucket := testBucket(t)
	id := "badauth-" + strings.TrimPrefix(bucket, "tf-acc-")
	before := fake.Len()
	cfg := fmt.Sprintf(`
provider "lakehouse" {
  datacite {
    endpoint      = %q
    repository_id = %q
    password      = "not-the-password"
    prefix        = %q
  }
}
`, fake.URL, fake.RepositoryID, fake.Prefix) + testAccDatasetConfig(bucket, id, "Bad credentials", "null", "null", doiLine("draft"))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)refused to create the draft DOI.*repository\s+credentials.*HTTP 401.*Bad credentials`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if n := fake.Len() - before; n != 0 {
				return fmt.Errorf("%d DOIs created with bad credentials", n)
			}
			dk, _ := fair.Keys("datasets/", id)
			if _, err := fair.Get(context.Background(), s3client(), bucket, dk); err == nil {
				return fmt.Errorf("a record was written although the DOI could not be created")
			}

			return nil
		},
	})
}
