package iceberg_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog/catalogtest"
)

// startREST runs the fake REST catalog (backed by a real SQL catalog with a
// local warehouse) for one test.
func startREST(t *testing.T) *catalogtest.Server {
	t.Helper()
	dir := t.TempDir()
	srv, err := catalogtest.Start(dir, "file://"+dir+"/warehouse", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Token = "s3cret-token"
	t.Cleanup(srv.Close)

	return srv
}

func restProvider(srv *catalogtest.Server) string {
	return fmt.Sprintf(`
provider "lakehouse" {
  catalog {
    type  = "rest"
    uri   = %[1]q
    token = %[2]q
  }
}
`, srv.URL, srv.Token)
}

// C14 on the REST catalog: levels holding a space, a dot, LIKE wildcards and
// non-ASCII text travel as one path segment each (%20 for a space, the
// advertised separator between levels) and round-trip; a parent with
// children is not dropped.
func TestAccIcebergNamespace_restCatalog(t *testing.T) {
	srv := startREST(t)
	cfg := func(withParentOnly bool) string {
		c := restProvider(srv) + `
resource "lakehouse_iceberg_namespace" "p" {
  name       = ["lake"]
  properties = { owner = "data office" }
}
`
		if !withParentOnly {
			c += `
resource "lakehouse_iceberg_namespace" "c" { name = [lakehouse_iceberg_namespace.p.name[0], "raw zone"] }
resource "lakehouse_iceberg_namespace" "d" { name = [lakehouse_iceberg_namespace.p.name[0], "v1.2"] }
resource "lakehouse_iceberg_namespace" "e" { name = [lakehouse_iceberg_namespace.p.name[0], "50%_off"] }
resource "lakehouse_iceberg_namespace" "u" { name = [lakehouse_iceberg_namespace.p.name[0], "élèves"] }
`
		}

		return c
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("lakehouse_iceberg_namespace.d", tfjsonpath.New("id"), knownvalue.StringExact(`lake.v1\.2`)),
				},
				Check: func(*terraform.State) error {
					ok, err := srv.Catalog().CheckNamespaceExists(context.Background(), []string{"lake", "raw zone"})
					if err != nil {
						return fmt.Errorf("the backing catalog's [lake, raw zone]: %w", err)
					}
					if !ok {
						return errors.New("the backing catalog has no [lake, raw zone]")
					}

					return nil
				},
			},
			{
				ResourceName:      "lakehouse_iceberg_namespace.e",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:    "lakehouse_iceberg_namespace.u",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   `["lake","élèves"]`,
				Config:          cfg(false),
			},
		},
	})
}

const restTableV1 = `
resource "lakehouse_iceberg_namespace" "ns" { name = ["sales"] }

resource "lakehouse_iceberg_table" "test" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "orders"
  schema = [
    { name = "id", type = "long", required = true },
    { name = "amount", type = "decimal(10,2)" },
  ]
  identifier_fields = ["id"]
  partition_spec    = [{ source = "id", transform = "bucket[8]" }]
  properties        = { "write.format.default" = "parquet" }
}
`

const restTableV2 = `
resource "lakehouse_iceberg_namespace" "ns" { name = ["sales"] }

resource "lakehouse_iceberg_table" "test" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "orders"
  schema = [
    { name = "id", type = "long", required = true },
    { name = "total", id = 2, type = "decimal(12,2)" },
    { name = "channel", type = "string" },
  ]
  identifier_fields = ["id"]
  partition_spec    = [{ source = "id", transform = "bucket[8]" }]
  sort_order        = [{ source = "channel" }]
  properties        = { "write.format.default" = "parquet" }
}
`

// The table resource on the REST catalog: every change is one commit with
// requirements; a 409 from a concurrent writer is retried after a reload.
func TestAccIcebergTable_restCatalog(t *testing.T) {
	srv := startREST(t)
	var commitsBefore int64
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: restProvider(srv) + restTableV1,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					commitsBefore = srv.Commits.Load()
					srv.FailNextCommits(1) // the next update meets one conflict

					return nil
				},
			},
			{
				Config: restProvider(srv) + restTableV2,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(2).AtMapKey("id"), knownvalue.Int64Exact(3)),
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("current_schema_id"), knownvalue.Int64Exact(1)),
				},
				Check: func(*terraform.State) error {
					if n := srv.Commits.Load() - commitsBefore; n != 1 {
						return fmt.Errorf("%d commits for one update, want exactly 1", n)
					}
					tbl, err := srv.Catalog().LoadTable(context.Background(), []string{"sales", "orders"})
					if err != nil {
						return err
					}
					md := tbl.Metadata()
					if f, ok := md.CurrentSchema().FindFieldByName("total"); !ok || f.ID != 2 || md.SortOrder().Len() != 1 {
						return fmt.Errorf("metadata not evolved: %s %s", md.CurrentSchema(), md.SortOrder())
					}

					return nil
				},
			},
			{
				ResourceName:    tblAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "sales.orders",
				Config:          restProvider(srv) + restTableV2,
			},
			{
				// Out-of-band drop on the server: the plan re-creates it.
				PreConfig: func() {
					if err := srv.Catalog().DropTable(context.Background(), []string{"sales", "orders"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: restProvider(srv) + restTableV2,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionCreate)},
				},
			},
			{
				// Renaming the table is an in-place update; the table keeps its uuid.
				Config: restProvider(srv) + strings.Replace(restTableV2, `"orders"`, `"orders_2024"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("id"), knownvalue.StringExact("sales.orders_2024")),
				},
				Check: func(s *terraform.State) error {
					tbl, err := srv.Catalog().LoadTable(context.Background(), []string{"sales", "orders_2024"})
					if err != nil {
						return err
					}
					if got, want := tbl.Metadata().TableUUID().String(), s.RootModule().Resources[tblAddr].Primary.Attributes["table_uuid"]; got != want {
						return fmt.Errorf("uuid %s, want %s: the table was replaced, not renamed", got, want)
					}

					return nil
				},
			},
		},
	})
}

// The documentation examples apply as written and plan empty afterwards.
func TestAccIcebergTable_examples(t *testing.T) {
	srv := startREST(t)
	var cfg string
	for _, f := range []string{"resources/lakehouse_iceberg_namespace/resource.tf", "resources/lakehouse_iceberg_table/resource.tf"} {
		b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", f))
		if err != nil {
			t.Fatal(err)
		}
		cfg += string(b) + "\n"
	}
	// Both examples declare a namespace called oulad; keep the table's.
	cfg = strings.Replace(cfg, `resource "lakehouse_iceberg_namespace" "oulad" {
  # Referring`, `resource "lakehouse_iceberg_namespace" "research_oulad" {
  # Referring`, 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{{
			Config: restProvider(srv) + cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		}},
	})
}

// purge = true deletes the table's files on destroy; the default keeps them.
func TestAccIcebergTable_purge(t *testing.T) {
	srv := startREST(t)
	cfg := restProvider(srv) + strings.Replace(restTableV1, `name      = "orders"`, `name      = "orders"
  purge     = true`, 1)
	var location string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy: func(*terraform.State) error {
			// Empty directories may stay on a local file system; files may not.
			dir := strings.TrimPrefix(location, "file://")
			var left []string
			_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
				if err == nil && !e.IsDir() {
					left = append(left, p)
				}

				return nil
			})
			if len(left) > 0 {
				return fmt.Errorf("%d table files still exist after a purge, e.g. %s", len(left), left[0])
			}

			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(s *terraform.State) error {
				location = s.RootModule().Resources[tblAddr].Primary.Attributes["location"]
				if _, err := os.Stat(strings.TrimPrefix(location, "file://") + "/metadata"); err != nil {
					return fmt.Errorf("no metadata files at %s: %w", location, err)
				}

				return nil
			},
		}},
	})
}

const nestedV1 = `
resource "lakehouse_iceberg_namespace" "ns" { name = ["sales"] }

resource "lakehouse_iceberg_table" "test" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "nested"
  schema = [
    { name = "id", type = "long", required = true },
    { name = "by_region", type = "map", key_type = "string", value_type = "struct", fields = [
      { name = "n", type = "int" },
      { name = "inner", type = "struct", fields = [{ name = "b", type = "string" }] },
    ] },
    { name = "lines", type = "list", element_type = "struct", element_required = true, fields = [
      { name = "sku", type = "string", required = true },
    ] },
  ]
}
`

// Nested shapes (a map with struct values, a struct inside it, a list of
// structs) evolve in place: fields added at every depth get new ids, a
// nested int widens to long, and existing ids stay.
func TestAccIcebergTable_nestedEvolution(t *testing.T) {
	srv := startREST(t)
	nestedV2 := strings.NewReplacer(
		`{ name = "n", type = "int" },`, `{ name = "n", type = "long" },`,
		`fields = [{ name = "b", type = "string" }]`, `fields = [{ name = "b", type = "string" }, { name = "c", type = "date" }]`,
		`{ name = "sku", type = "string", required = true },`, `{ name = "sku", type = "string", required = true },
      { name = "qty", type = "int" },`,
	).Replace(nestedV1)
	addr := "lakehouse_iceberg_table.test"
	at := func(p ...any) tfjsonpath.Path {
		path := tfjsonpath.New("schema")
		for _, s := range p {
			if i, ok := s.(int); ok {
				path = path.AtSliceIndex(i)
			} else {
				path = path.AtMapKey(s.(string))
			}
		}

		return path
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: restProvider(srv) + nestedV1,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: restProvider(srv) + nestedV2,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					tbl, err := srv.Catalog().LoadTable(context.Background(), []string{"sales", "nested"})
					if err != nil {
						return err
					}
					sc := tbl.Schema()
					for name, want := range map[string]string{
						"by_region.value.n": "long", "by_region.value.inner.c": "date", "lines.element.qty": "int",
					} {
						f, ok := sc.FindFieldByName(name)
						if !ok || f.Type.String() != want {
							return fmt.Errorf("%s: %v, want %s in %s", name, f, want, sc)
						}
					}
					if f, _ := sc.FindFieldByName("by_region.value.inner.b"); f.ID == 0 || f.ID > 10 {
						return fmt.Errorf("inner.b lost its id: %d", f.ID)
					}

					return nil
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// 10 ids existed; the two new fields get 11 and 12.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("last_column_id"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(addr, at(2, "fields", 1, "id"), knownvalue.Int64Exact(12)),
					statecheck.ExpectKnownValue(addr, at(1, "fields", 0, "type"), knownvalue.StringExact("long")),
					statecheck.ExpectKnownValue(addr, at(1, "fields", 1, "fields", 1, "name"), knownvalue.StringExact("c")),
				},
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "sales.nested",
				Config:          restProvider(srv) + nestedV2,
			},
		},
	})
}

// A rename that succeeds followed by a commit that fails leaves the table
// recorded under its new name: the next plan is an in-place update of the
// rest of the change, never a create of a table that already exists.
func TestAccIcebergTable_renameThenFailedCommit(t *testing.T) {
	srv := startREST(t)
	renamed := strings.Replace(restTableV2, `"orders"`, `"orders_2024"`, 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{
				Config: restProvider(srv) + restTableV1,
				Check: func(*terraform.State) error {
					srv.FailNextCommits(100) // every commit of the next apply conflicts

					return nil
				},
			},
			{
				Config:      restProvider(srv) + renamed,
				ExpectError: errRe(`(?s)Error updating lakehouse_iceberg_table \(sales.orders_2024\).*repeated commit conflicts`),
			},
			{
				PreConfig: func() { srv.FailNextCommits(0) },
				Config:    restProvider(srv) + renamed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("id"), knownvalue.StringExact("sales.orders_2024")),
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(1).AtMapKey("name"), knownvalue.StringExact("total")),
				},
			},
		},
	})
}

// On the REST catalog a new table with declared field ids is registered
// (POST .../register) from the metadata file the provider writes under the
// warehouse; the other institution's table and a re-create after an
// out-of-band drop keep exactly the declared ids.
func TestAccIcebergTable_restDeclaredIDs(t *testing.T) {
	dir := t.TempDir()
	srv, err := catalogtest.Start(dir, "file://"+dir+"/warehouse", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	provider := fmt.Sprintf(`
provider "lakehouse" {
  catalog {
    type      = "rest"
    uri       = %[1]q
    warehouse = %[2]q
  }
}
`, srv.URL, "file://"+dir+"/warehouse")
	cfg := func(body string, second bool) string {
		c := provider + `
resource "lakehouse_iceberg_namespace" "ns" { name = ["inst_a"] }

resource "lakehouse_iceberg_table" "test" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "orders"
` + body + "}\n"
		if second {
			c += `
resource "lakehouse_iceberg_namespace" "other" { name = ["inst_b"] }

resource "lakehouse_iceberg_table" "other" {
  namespace = lakehouse_iceberg_namespace.other.name
  name      = "orders"
` + body + "}\n"
		}

		return c
	}
	ids := func(ident []string, want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			tbl, err := srv.Catalog().LoadTable(context.Background(), ident)
			if err != nil {
				return err
			}
			var got []string
			for _, f := range tbl.Schema().Fields() {
				got = append(got, fmt.Sprintf("%s:%d", f.Name, f.ID))
			}
			if strings.Join(got, " ") != want {
				return fmt.Errorf("%v: fields %v, want %s", ident, got, want)
			}
			if spec := tbl.Metadata().PartitionSpec(); spec.Field(0).SourceID() != 2 || spec.Field(0).FieldID != 1000 {
				return fmt.Errorf("partition spec %s", spec.String())
			}

			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: cfg(enrolmentsBefore, false)},
			{
				Config:           cfg(enrolmentsRenamed, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            ids([]string{"inst_a", "orders"}, "term_code:2 student:1 grades:3"),
			},
			{
				Config: cfg(enrolmentsRenamed, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_iceberg_table.other", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(ids([]string{"inst_b", "orders"}, "term_code:2 student:1 grades:3"),
					func(*terraform.State) error {
						if n := srv.Registers.Load(); n != 1 {
							return fmt.Errorf("%d tables registered, want 1", n)
						}

						return nil
					}),
			},
			{
				PreConfig: func() {
					if err := srv.Catalog().DropTable(context.Background(), []string{"inst_a", "orders"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(enrolmentsRenamed, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: ids([]string{"inst_a", "orders"}, "term_code:2 student:1 grades:3"),
			},
		},
	})
}

// With the REST catalog down, a refresh says the catalog could not be
// reached at its URL and to retry; once it is back the plan is empty.
func TestAccIcebergTable_restCatalogDown(t *testing.T) {
	srv := startREST(t)
	cfg := restProvider(srv) + restTableV1
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: srv.Down,
				Config:    cfg,
				PlanOnly:  true,
				ExpectError: errRe(`(?s)Error reading lakehouse_iceberg_(table|namespace) \(sales(\.orders)?\).*The REST catalog at ` +
					regexp.QuoteMeta(srv.URL) + ` \(the provider's catalog block\) could not be reached: connection refused.*` +
					`run the same command again`),
			},
			{
				PreConfig: func() {
					if err := srv.Up(); err != nil {
						t.Fatal(err)
					}
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}
