package labelstudio_test

import (
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

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
)

const receiptsConfig = `<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="box" toName="img">
    <Label value="Total"/><Label value="Tax"/><Label value="Tip"/>
  </RectangleLabels>
</View>`

func testAccProjectConfig_basic(fake *labelstudiotest.Server, title, labelConfig, extra string) string {
	return testAccProviderConfig(fake) + fmt.Sprintf(`
resource "lakehouse_labelstudio_project" "test" {
  title        = %[1]q
  description  = "Receipts from the 2025 household survey"
  label_config = <<-XML
%[2]s
XML
%[3]s
}
`, title, labelConfig, extra)
}

func TestAccLabelStudioProject_basic(t *testing.T) {
	fake := newFake(t)
	name := "tf-acc receipts"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProjectConfig_basic(fake, name, receiptsConfig, `sampling = "Uniform sampling"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_labelstudio_project.test", tfjsonpath.New("title"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_project.test", tfjsonpath.New("sampling"), knownvalue.StringExact("Uniform sampling")),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_project.test", tfjsonpath.New("show_skip_button"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_project.test", tfjsonpath.New("maximum_annotations"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_project.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+$`))),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					p := fake.Project(onlyID(t, fake.ProjectIDs()))
					if p["sampling"] != "Uniform sampling" || p["title"] != name {
						return fmt.Errorf("server holds %v", p)
					}
					// The server validated the config before the project was created.
					reqs := strings.Join(fake.Requests(), "\n")
					if !strings.Contains(reqs, "POST /api/projects/validate/\nPOST /api/projects/") {
						return fmt.Errorf("validate did not precede create:\n%s", reqs)
					}

					return nil
				},
			},
			{
				ResourceName:      "lakehouse_labelstudio_project.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    "lakehouse_labelstudio_project.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				Config: testAccProjectConfig_basic(fake, name+" v2", receiptsConfig, `maximum_annotations = 3`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_project.test", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_labelstudio_project.test", tfjsonpath.New("maximum_annotations"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue("lakehouse_labelstudio_project.test", tfjsonpath.New("sampling"), knownvalue.StringExact("Sequential sampling")),
				},
			},
		},
	})
	if n := len(fake.ProjectIDs()); n != 0 {
		t.Errorf("destroy left %d projects", n)
	}
}

func TestAccLabelStudioProject_disappears(t *testing.T) {
	fake := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProjectConfig_basic(fake, "tf-acc gone", receiptsConfig, ""),
				Check: func(*terraform.State) error {
					fake.DeleteProject(onlyID(t, fake.ProjectIDs()))

					return nil
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_project.test", plancheck.ResourceActionCreate),
					},
				},
			},
		},
	})
}

func TestAccLabelStudioProject_drift(t *testing.T) {
	fake := newFake(t)
	cfg := testAccProjectConfig_basic(fake, "tf-acc drift", receiptsConfig, "")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// Someone edits the project in the web UI.
				PreConfig: func() {
					fake.UpdateProject(onlyID(t, fake.ProjectIDs()), map[string]any{"title": "edited by hand", "show_skip_button": false})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_project.test", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					p := fake.Project(onlyID(t, fake.ProjectIDs()))
					if p["title"] != "tf-acc drift" || p["show_skip_button"] != true {
						return fmt.Errorf("drift not corrected: %v", p)
					}

					return nil
				},
			},
			{
				// A hand edit of the labeling config is drift too.
				PreConfig: func() {
					fake.UpdateProject(onlyID(t, fake.ProjectIDs()), map[string]any{
						"label_config": `<View><Image name="img" value="$image"/><RectangleLabels name="box" toName="img"><Label value="Total"/></RectangleLabels></View>`,
					})
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// The server re-serialises configs (attribute order, indentation); that
// never shows as a change, and neither does reformatting the configuration.
func TestAccLabelStudioProject_labelConfigSemanticEquality(t *testing.T) {
	fake := newFake(t)
	reformatted := `<View><Image value="$image" name="img"></Image>
<!-- receipts -->
<RectangleLabels toName="img" name="box"><Label value="Total"/>  <Label value="Tax"/>
<Label value="Tip"></Label></RectangleLabels></View>`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProjectConfig_basic(fake, "tf-acc xml", receiptsConfig, "")},
			{
				PreConfig: func() {
					fake.UpdateProject(onlyID(t, fake.ProjectIDs()), map[string]any{"label_config": reformatted})
				},
				Config: testAccProjectConfig_basic(fake, "tf-acc xml", receiptsConfig, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: testAccProjectConfig_basic(fake, "tf-acc xml", reformatted, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccLabelStudioProject_labelConfigPlanValidation(t *testing.T) {
	fake := newFake(t)
	cases := []struct {
		name, config, want string
	}{
		{"malformed", `<View><Image name="img" value="$image"></View>`, `not well-formed XML`},
		{"root", `<Div><Image name="img" value="$image"/></Div>`, `root element must be <View>`},
		{"unknown tag", `<View><Imagez name="img" value="$image"/></View>`, `unknown tag <Imagez>`},
		{"duplicate name", `<View><Image name="img" value="$a"/><Text name="img" value="$b"/></View>`, `name "img" is used twice`},
		{"dangling toName", `<View><Image name="img" value="$a"/><Choices name="c" toName="image"><Choice value="A"/></Choices></View>`, `toName="image", but no tag is named "image"`},
		{"missing toName", `<View><Image name="img" value="$a"/><Choices name="c"><Choice value="A"/></Choices></View>`, `has no toName`},
		{"toName not an object", `<View><Image name="img" value="$a"/><Choices name="c" toName="d"/><Choices name="d" toName="img"/></View>`, `names a <Choices>, not an object tag`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      testAccProjectConfig_basic(fake, "tf-acc "+c.name, c.config, ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)label_config.*` + strings.ReplaceAll(regexp.QuoteMeta(c.want), " ", `\s+`)),
		})
	}
	steps = append(steps, resource.TestStep{
		Config:      testAccProjectConfig_basic(fake, "tf-acc colour", receiptsConfig, `color = "red"`),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)color.*#RRGGBB`),
	}, resource.TestStep{
		Config:      testAccProjectConfig_basic(fake, "ab", receiptsConfig, ""),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)title.*between 3 and 50`),
	})
	resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactories, Steps: steps})
	if n := fake.CountRequests("POST /api/projects"); n != 0 {
		t.Errorf("plan-time errors still reached the server %d times", n)
	}
}

// C19: a labeling config update the server refuses (labels still used by
// annotations) fails with the server's list of labels and counts, and
// changes nothing else; removing a label nobody uses any more applies.
func TestAccLabelStudioProject_labelInUse(t *testing.T) {
	fake := newFake(t)
	withoutTip := strings.Replace(receiptsConfig, `<Label value="Tip"/>`, "", 1)
	renamedTax := strings.Replace(withoutTip, `"Tax"`, `"VAT"`, 1)
	var id int64
	var patchesBefore, validatesBefore int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccProjectConfig_basic(fake, "Receipts", receiptsConfig, ""),
				Check: func(s *terraform.State) error {
					var err error
					id, err = resourceID(s, "lakehouse_labelstudio_project.test")

					return err
				},
			},
			{
				// Step 2: every "Tip" region was relabelled "Total"; the check
				// must use the current annotations, not a stale summary.
				PreConfig: func() {
					fake.AddAnnotations(id, "box", "Tip", 4)
					fake.AddAnnotations(id, "box", "Total", 2)
					fake.RelabelAnnotations(id, "box", "Tip", "Total")
				},
				Config: testAccProjectConfig_basic(fake, "Receipts", withoutTip, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("lakehouse_labelstudio_project.test", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if cfg := fake.Project(id)["label_config"].(string); strings.Contains(cfg, "Tip") {
						return fmt.Errorf("Tip still in the server's config: %s", cfg)
					}

					return nil
				},
			},
			{
				// Step 3: rename "Tax" -> "VAT" while 12 annotations use "Tax",
				// together with a title change.
				PreConfig: func() {
					fake.AddAnnotations(id, "box", "Tax", 12)
					patchesBefore = fake.CountRequests("PATCH ")
					validatesBefore = fake.CountRequests(fmt.Sprintf("POST /api/projects/%d/validate/", id))
				},
				Config:      testAccProjectConfig_basic(fake, "Receipts (VAT)", renamedTax, ""),
				ExpectError: regexp.MustCompile(`(?s)Error updating lakehouse_labelstudio_project \(\d+\).*nothing was\s+changed.*Tax \(12\)`),
			},
			{
				// Nothing was saved: the title is unchanged, Tax is still a label,
				// no PATCH was sent, and the old configuration plans no change.
				PreConfig: func() {
					p := fake.Project(id)
					if p["title"] != "Receipts" || !strings.Contains(p["label_config"].(string), `"Tax"`) {
						t.Errorf("refused update changed the project: %v", p)
					}
					if n := fake.CountRequests("PATCH "); n != patchesBefore {
						t.Errorf("refused update still sent %d PATCH requests", n-patchesBefore)
					}
					if n := fake.CountRequests(fmt.Sprintf("POST /api/projects/%d/validate/", id)); n != validatesBefore+1 {
						t.Errorf("want one server-side validation before the save, got %d", n-validatesBefore)
					}
				},
				Config:   testAccProjectConfig_basic(fake, "Receipts", withoutTip, ""),
				PlanOnly: true,
			},
		},
	})
}

// The server sanitises instructions; that is not drift, but a later edit on
// the server is.
func TestAccLabelStudioProject_instructionSanitised(t *testing.T) {
	fake := newFake(t)
	cfg := testAccProjectConfig_basic(fake, "tf-acc instructions", receiptsConfig,
		`expert_instruction = "<p>Box every total.</p><script>alert(1)</script>"`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if got := fake.Project(onlyID(t, fake.ProjectIDs()))["expert_instruction"]; got != "<p>Box every total.</p>" {
						return fmt.Errorf("fake did not sanitise: %q", got)
					}

					return nil
				},
			},
			{
				PreConfig: func() {
					fake.UpdateProject(onlyID(t, fake.ProjectIDs()), map[string]any{"expert_instruction": "<p>Changed</p>"})
				},
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A personal access token is exchanged for a Bearer token; the legacy token
// header is never sent.
func TestAccLabelStudioProject_personalAccessToken(t *testing.T) {
	fake := newFake(t)
	fake.LegacyTokensDisabled = true
	cfg := fmt.Sprintf(`
provider "lakehouse" {
  labelstudio {
    endpoint              = %[1]q
    personal_access_token = %[2]q
  }
}

resource "lakehouse_labelstudio_project" "test" {
  title        = "tf-acc pat"
  label_config = %[3]q
}
`, fake.URL, fake.PersonalAccessToken, receiptsConfig)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraform.State) error {
				if fake.Refreshes() == 0 {
					return fmt.Errorf("the personal access token was never exchanged")
				}

				return nil
			},
		}},
	})
}

func TestAccLabelStudioProject_importInvalidID(t *testing.T) {
	fake := newFake(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        testAccProjectConfig_basic(fake, "tf-acc import", receiptsConfig, ""),
			ResourceName:  "lakehouse_labelstudio_project.test",
			ImportState:   true,
			ImportStateId: "receipts",
			ExpectError:   regexp.MustCompile(`numeric id`),
		}},
	})
}
