package iceberg_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

const nsAddr = "lakehouse_iceberg_namespace.test"

func testAccNamespaceConfig(b backend, name, owner string) string {
	return b.providerConfig() + fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "parent" {
  name = [%[1]q]
}

resource "lakehouse_iceberg_namespace" "test" {
  name = [lakehouse_iceberg_namespace.parent.name[0], "raw zone"]
  properties = {
    owner = %[2]q
  }
}
`, name, owner)
}

func checkNamespacesGone(b backend) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		cat, err := openQuiet(b)
		if err != nil {
			return err
		}
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "lakehouse_iceberg_namespace" {
				continue
			}
			levels := levelsOf(rs)
			ok, err := cat.CheckNamespaceExists(context.Background(), levels)
			if err != nil {
				return fmt.Errorf("namespace %v: %w", levels, err)
			}
			if ok {
				return fmt.Errorf("namespace %v still exists", levels)
			}
		}

		return nil
	}
}

// levelsOf reads the name list of a namespace or the namespace and name of
// a table from its state attributes.
func levelsOf(rs *terraform.ResourceState) []string {
	attr := "name"
	if rs.Type == "lakehouse_iceberg_table" {
		attr = "namespace"
	}
	n, _ := strconv.Atoi(rs.Primary.Attributes[attr+".#"])
	levels := make([]string, 0, n+1)
	for i := range n {
		levels = append(levels, rs.Primary.Attributes[fmt.Sprintf("%s.%d", attr, i)])
	}
	if rs.Type == "lakehouse_iceberg_table" {
		levels = append(levels, rs.Primary.Attributes["name"])
	}

	return levels
}

func TestAccIcebergNamespace_basic(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			name := acctest.RandomName()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkNamespacesGone(b),
				Steps: []resource.TestStep{
					{
						Config: testAccNamespaceConfig(b, name, "data-office"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(nsAddr, tfjsonpath.New("id"), knownvalue.StringExact(name+".raw zone")),
							statecheck.ExpectKnownValue(nsAddr, tfjsonpath.New("name"), knownvalue.ListExact([]knownvalue.Check{
								knownvalue.StringExact(name), knownvalue.StringExact("raw zone"),
							})),
							statecheck.ExpectKnownValue(nsAddr, tfjsonpath.New("properties"), knownvalue.MapExact(map[string]knownvalue.Check{
								"owner": knownvalue.StringExact("data-office"),
							})),
						},
					},
					{
						// A key added by someone else is not managed and never diffs.
						PreConfig: func() {
							if _, err := b.open(t).UpdateNamespaceProperties(context.Background(), []string{name, "raw zone"},
								nil, iceberg.Properties{"added-by-engine": "x"}); err != nil {
								t.Fatal(err)
							}
						},
						Config: testAccNamespaceConfig(b, name, "data-office"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
					{
						Config: testAccNamespaceConfig(b, name, "research-office"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(nsAddr, plancheck.ResourceActionUpdate)},
						},
						Check: func(*terraform.State) error {
							props, err := b.open(t).LoadNamespaceProperties(context.Background(), []string{name, "raw zone"})
							if err != nil {
								return fmt.Errorf("catalog properties: %w", err)
							}
							if props["owner"] != "research-office" || props["added-by-engine"] != "x" {
								return fmt.Errorf("catalog properties %v: want owner updated and the other key kept", props)
							}

							return nil
						},
					},
					{
						ResourceName:      nsAddr,
						ImportState:       true,
						ImportStateVerify: true,
						// Import adopts every key, including the one added out of band.
						ImportStateVerifyIgnore: []string{"properties"},
					},
					{
						// Import adopts every key present, so the import block plan
						// is empty once the catalog holds exactly the declared keys.
						PreConfig: func() {
							if _, err := b.open(t).UpdateNamespaceProperties(context.Background(), []string{name, "raw zone"},
								[]string{"added-by-engine"}, nil); err != nil {
								t.Fatal(err)
							}
						},
						ResourceName:    nsAddr,
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithID,
						ImportStateId:   name + ".raw zone",
						Config:          testAccNamespaceConfig(b, name, "research-office"),
					},
				},
			})
		})
	}
}

func TestAccIcebergNamespace_disappears(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			name := acctest.RandomName()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkNamespacesGone(b),
				Steps: []resource.TestStep{
					{Config: testAccNamespaceConfig(b, name, "a")},
					{
						PreConfig: func() {
							if err := b.open(t).DropNamespace(context.Background(), []string{name, "raw zone"}); err != nil {
								t.Fatal(err)
							}
						},
						Config:             testAccNamespaceConfig(b, name, "a"),
						PlanOnly:           true,
						ExpectNonEmptyPlan: true,
					},
					{
						Config: testAccNamespaceConfig(b, name, "a"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(nsAddr, plancheck.ResourceActionCreate)},
						},
					},
				},
			})
		})
	}
}

func TestAccIcebergNamespace_drift(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			name := acctest.RandomName()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkNamespacesGone(b),
				Steps: []resource.TestStep{
					{Config: testAccNamespaceConfig(b, name, "a")},
					{
						PreConfig: func() {
							if _, err := b.open(t).UpdateNamespaceProperties(context.Background(), []string{name, "raw zone"},
								nil, iceberg.Properties{"owner": "changed-by-hand"}); err != nil {
								t.Fatal(err)
							}
						},
						Config: testAccNamespaceConfig(b, name, "a"),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(nsAddr, plancheck.ResourceActionUpdate)},
						},
					},
				},
			})
		})
	}
}

func testAccNamespaceConfig_identity(b backend, prefix string, withTeamA, withLake bool) string {
	// Children refer to the parent while it is declared, so destroy drops
	// them first.
	lake := fmt.Sprintf("%q", prefix+"_lake")
	if withLake {
		lake = "lakehouse_iceberg_namespace.p.name[0]"
	}
	cfg := b.providerConfig() + fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "a1" { name = ["%[1]s_team_a1"] }
resource "lakehouse_iceberg_namespace" "c"  { name = [%[2]s, "raw zone"] }
resource "lakehouse_iceberg_namespace" "d"  { name = [%[2]s, "v1.2"] }
resource "lakehouse_iceberg_namespace" "e"  { name = [%[2]s, "50%%_off"] }
resource "lakehouse_iceberg_namespace" "u"  { name = [lakehouse_iceberg_namespace.up.name[0], "élèves"] }
resource "lakehouse_iceberg_namespace" "up" { name = ["%[1]s_données"] }
`, prefix, lake)
	if withTeamA {
		cfg += fmt.Sprintf(`resource "lakehouse_iceberg_namespace" "a" { name = ["%[1]s_team_a"] }`+"\n", prefix)
	}
	if withLake {
		cfg += fmt.Sprintf(`resource "lakehouse_iceberg_namespace" "p" { name = ["%[1]s_lake"] }`+"\n", prefix)
	}

	return cfg
}

// C14: namespace identity is a list of levels. Deleting team_a leaves
// team_a1 alone and refresh reports team_a gone; levels with spaces, dots,
// LIKE wildcards and non-ASCII round-trip; a parent with children is not
// dropped.
func TestAccIcebergNamespace_identity(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			prefix := "c14" + acctest.RandomName()[len(acctest.NamePrefix):]
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{
					{
						Config: testAccNamespaceConfig_identity(b, prefix, true, true),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("lakehouse_iceberg_namespace.d", tfjsonpath.New("id"),
								knownvalue.StringExact(prefix+`_lake.v1\.2`)),
							statecheck.ExpectKnownValue("lakehouse_iceberg_namespace.e", tfjsonpath.New("name"),
								knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(prefix + "_lake"), knownvalue.StringExact("50%_off")})),
						},
					},
					{
						ResourceName:      "lakehouse_iceberg_namespace.d",
						ImportState:       true,
						ImportStateId:     prefix + `_lake.v1\.2`,
						ImportStateVerify: true,
					},
					{
						Config: testAccNamespaceConfig_identity(b, prefix, false, true),
						Check: func(*terraform.State) error {
							cat := b.open(t)
							if ok, _ := cat.CheckNamespaceExists(context.Background(), []string{prefix + "_team_a"}); ok {
								return fmt.Errorf("team_a still exists after destroy")
							}
							if ok, _ := cat.CheckNamespaceExists(context.Background(), []string{prefix + "_team_a1"}); !ok {
								return fmt.Errorf("team_a1 was removed together with team_a")
							}

							return nil
						},
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
					{
						Config:      testAccNamespaceConfig_identity(b, prefix, false, false),
						ExpectError: errRe(`namespace not empty \(3 child namespaces, 0 tables\)`),
					},
					{
						Config: testAccNamespaceConfig_identity(b, prefix, false, true),
					},
				},
			})
		})
	}
}

// A namespace that still holds a table (here one created outside
// Terraform) is not dropped: destroy fails and says what is inside.
func TestAccIcebergNamespace_notEmpty(t *testing.T) {
	b := backends(t)[0]
	name := acctest.RandomName()
	ns := b.providerConfig() + fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "test" {
  name = [%q]
}
`, name)
	ident := []string{name, "by_hand"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkNamespacesGone(b),
		Steps: []resource.TestStep{
			{
				Config: ns,
				Check: func(*terraform.State) error {
					sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true})
					_, err := b.open(t).CreateTable(context.Background(), ident, sc)

					return err
				},
			},
			{
				Config:      b.providerConfig(),
				ExpectError: errRe(`namespace not empty \(0 child namespaces, 1 table\): ` + name + `\.by_hand`),
			},
			{
				PreConfig: func() {
					if err := b.open(t).DropTable(context.Background(), ident); err != nil {
						t.Fatal(err)
					}
				},
				Config: b.providerConfig(),
			},
		},
	})
}

// drop_empty_child_namespaces lets a destroy drop the namespaces below,
// deepest first, but a table anywhere below still stops it.
func TestAccIcebergNamespace_dropEmptyChildren(t *testing.T) {
	b := backends(t)[0]
	name := acctest.RandomName()
	cfg := b.providerConfig() + fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "test" {
  name                        = [%q]
  drop_empty_child_namespaces = true
}
`, name)
	below := [][]string{{name, "raw zone"}, {name, "raw zone", "v1.2"}, {name, "curated"}}
	ident := []string{name, "raw zone", "v1.2", "events"}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy: func(s *terraform.State) error {
			for _, ns := range below {
				ok, err := b.open(t).CheckNamespaceExists(context.Background(), ns)
				if err != nil {
					return fmt.Errorf("child namespace %v: %w", ns, err)
				}
				if ok {
					return fmt.Errorf("child namespace %v still exists", ns)
				}
			}

			return checkNamespacesGone(b)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					ctx := context.Background()
					for _, ns := range below {
						if err := b.open(t).CreateNamespace(ctx, ns, nil); err != nil {
							return err
						}
					}
					sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true})
					_, err := b.open(t).CreateTable(ctx, ident, sc)

					return err
				},
			},
			{
				Config:      b.providerConfig(),
				ExpectError: errRe(`namespace not empty \(1 table in it or below, 3 child namespaces\)`),
			},
			{
				PreConfig: func() {
					if err := b.open(t).DropTable(context.Background(), ident); err != nil {
						t.Fatal(err)
					}
				},
				Config: b.providerConfig(),
			},
		},
	})
}
