package dremio_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

func testAccFolderConfig(f *dremiotest.Server, space, folder string) string {
	return testAccProviderConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_space" "test" {
  name = %[1]q
}

resource "lakehouse_dremio_folder" "test" {
  path = [lakehouse_dremio_space.test.name, %[2]q]
}

resource "lakehouse_dremio_folder" "nested" {
  path = concat(lakehouse_dremio_folder.test.path, ["curated"])
}
`, space, folder)
}

func TestAccDremioFolder_basic(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	space := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccFolderConfig(f, space, "oulad"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_dremio_folder.nested", tfjsonpath.New("path"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(space), knownvalue.StringExact("oulad"), knownvalue.StringExact("curated")})),
					statecheck.ExpectKnownValue("lakehouse_dremio_folder.test", tfjsonpath.New("id"), knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: "lakehouse_dremio_folder.nested", ImportState: true, ImportStateVerify: true},
			{
				// Import by path, with the dotted form people write.
				ResourceName: "lakehouse_dremio_folder.nested", ImportState: true, ImportStateVerify: true,
				ImportStateId: space + ".oulad.curated",
			},
			{ResourceName: "lakehouse_dremio_folder.nested", ImportState: true, ImportStateKind: resource.ImportBlockWithID},
			{
				// A rename is a replacement: Dremio cannot move folders.
				Config: testAccFolderConfig(f, space, "oulad_v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("lakehouse_dremio_folder.test", plancheck.ResourceActionReplace),
				}},
			},
		},
	})
	if f.Len() != 0 {
		t.Fatalf("destroy left %d objects", f.Len())
	}
}

func TestAccDremioFolder_disappears(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	space := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccFolderConfig(f, space, "oulad")},
			{
				// Deleting the parent out of band takes the children with it.
				PreConfig: func() { f.DeleteOutOfBand(space, "oulad") },
				Config:    testAccFolderConfig(f, space, "oulad"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("lakehouse_dremio_folder.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("lakehouse_dremio_folder.nested", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("lakehouse_dremio_space.test", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

func TestAccDremioFolder_validation(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cases := map[string]string{
		`["only_one"]`:     `(?s)Attribute path list must contain at least 2 elements`,
		`["s", "a.b"]`:     `(?s)Invalid Dremio name.*"a.b" must not contain`,
		`["s", "", "x"]`:   `(?s)Attribute path\[1\] string length must be at least 1`,
		`["s", "sl/ash"]`:  `(?s)Invalid Dremio name.*"sl/ash" must not contain`,
		`["s", "q\"uote"]`: `(?s)Invalid Dremio name`,
	}
	for p, want := range cases {
		resource.UnitTest(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      testAccProviderConfig(f) + fmt.Sprintf("resource \"lakehouse_dremio_folder\" \"t\" {\n  path = %s\n}\n", p),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(want),
			}},
		})
	}
}

func TestAccDremioFolder_inPlainSource(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	name := acctest.RandomName()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(f) + fmt.Sprintf(`
resource "lakehouse_dremio_source" "s" {
  name = %[1]q
  s3 {}
}
resource "lakehouse_dremio_folder" "f" {
  path = [lakehouse_dremio_source.s.name, "x"]
}
`, name),
			ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_dremio_folder.*non-versioned source`),
		}},
	})
}
