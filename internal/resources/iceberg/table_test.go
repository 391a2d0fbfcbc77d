package iceberg_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
)

const tblAddr = "lakehouse_iceberg_table.test"

// testAccTableConfig declares namespace ns and table "orders" with the
// given body (schema and the rest).
func testAccTableConfig(b backend, ns, body string) string {
	return b.providerConfig() + fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "ns" {
  name = [%[1]q]
}

resource "lakehouse_iceberg_table" "test" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "orders"
%[2]s
}
`, ns, body)
}

func checkTablesGone(b backend) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		cat, err := openQuiet(b)
		if err != nil {
			return err
		}
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "lakehouse_iceberg_table" {
				continue
			}
			if ok, err := cat.CheckTableExists(context.Background(), levelsOf(rs)); err == nil && ok {
				return fmt.Errorf("table %v still exists", levelsOf(rs))
			}
		}

		return checkNamespacesGone(b)(s)
	}
}

const allTypesBody = `
  schema = [
    { name = "id", type = "long", required = true, doc = "row key" },
    { name = "flag", type = "boolean" },
    { name = "n", type = "int" },
    { name = "f", type = "float" },
    { name = "d", type = "double" },
    { name = "price", type = "decimal(9, 2)" },
    { name = "day", type = "date" },
    { name = "t", type = "time" },
    { name = "ts", type = "timestamp" },
    { name = "tstz", type = "timestamp with time zone" },
    { name = "s", type = "string" },
    { name = "u", type = "uuid" },
    { name = "fx", type = "fixed(16)" },
    { name = "bin", type = "binary" },
    { name = "meta", type = "struct", required = true, fields = [
      { name = "code", type = "string", required = true },
      { name = "score", type = "double" },
    ] },
    { name = "tags", type = "list", element_type = "string" },
    { name = "attrs", type = "map", key_type = "string", value_type = "long" },
    { name = "events", type = "list", element_type = "struct", fields = [
      { name = "at", type = "timestamptz", required = true },
      { name = "kind", type = "string" },
    ] },
  ]
  identifier_fields = ["id", "meta.code"]
  partition_spec = [
    { source = "day", transform = "month" },
    { source = "id", transform = "bucket[16]" },
    { source = "s", transform = "truncate[4]" },
  ]
  sort_order = [
    { source = "id" },
    { source = "tstz", transform = "day", direction = "desc" },
  ]
  properties = {
    "write.format.default" = "parquet"
  }
`

func TestAccIcebergTable_basic(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ns := acctest.RandomName()
			cfg := testAccTableConfig(b, ns, allTypesBody)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkTablesGone(b),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							// Field ids are known at plan time: they are what Iceberg assigns.
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(14).AtMapKey("fields").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(16)),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("id"), knownvalue.StringExact(ns+".orders")),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(1)),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(5).AtMapKey("type"), knownvalue.StringExact("decimal(9, 2)")),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(15).AtMapKey("element_id"), knownvalue.Int64Exact(19)),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(16).AtMapKey("key_id"), knownvalue.Int64Exact(21)),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("partition_spec").AtSliceIndex(1).AtMapKey("name"), knownvalue.StringExact("id_bucket_16")),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("sort_order").AtSliceIndex(1).AtMapKey("null_order"), knownvalue.StringExact("nulls-last")),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("current_snapshot_id"), knownvalue.Null()),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("format_version"), knownvalue.Int64Exact(2)),
							statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("location"), knownvalue.StringRegexp(regexp.MustCompile(`^s3://`))),
						},
						Check: checkMetadata(b, []string{ns, "orders"}, func(md table.Metadata) error {
							sc := md.CurrentSchema()
							if got := sc.IdentifierFieldIDs; !slices.Equal(sortedInts(got), []int{1, 16}) {
								return fmt.Errorf("identifier-field-ids %v, want [1 16]", got)
							}
							if f, _ := sc.FindFieldByName("tstz"); !f.Type.Equals(iceberg.PrimitiveTypes.TimestampTz) {
								return fmt.Errorf("tstz is %s", f.Type)
							}
							if f, _ := sc.FindFieldByName("ts"); !f.Type.Equals(iceberg.PrimitiveTypes.Timestamp) {
								return fmt.Errorf("ts is %s", f.Type)
							}
							if numFields(md.PartitionSpec()) != 3 || md.SortOrder().Len() != 2 {
								return fmt.Errorf("spec %s, sort %s", md.PartitionSpec().String(), md.SortOrder())
							}

							return nil
						}),
					},
					{
						// Import reads Iceberg's own spellings of these types; the
						// import-block step below proves they plan no change.
						ResourceName:            tblAddr,
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"schema.5.type", "schema.9.type", "schema.12.type"},
					},
					{
						ResourceName:    tblAddr,
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithID,
						ImportStateId:   ns + ".orders",
						Config:          cfg,
					},
				},
			})
		})
	}
}

func checkMetadata(b backend, ident []string, fn func(table.Metadata) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		cat, err := openQuiet(b)
		if err != nil {
			return err
		}
		tbl, err := cat.LoadTable(context.Background(), ident)
		if err != nil {
			return err
		}

		return fn(tbl.Metadata())
	}
}

func numFields(s iceberg.PartitionSpec) int { return s.NumFields() }

func sortedInts(s []int) []int {
	c := slices.Clone(s)
	sort.Ints(c)

	return c
}

// appendJSON appends rows given as a JSON array to the table with
// iceberg-go, as a loader or engine would outside Terraform.
func appendJSON(t *testing.T, b backend, ident []string, rows string) {
	t.Helper()
	ctx := context.Background()
	tbl, err := b.open(t).LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := table.SchemaToArrowSchema(tbl.Schema(), nil, true, false)
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sc, strings.NewReader(rows))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	rdr, err := array.NewRecordReader(sc, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tbl.Append(ctx, rdr, nil); err != nil {
		t.Fatal(err)
	}
}

// readJSON reads every row of the table as JSON objects sorted by id.
func readJSON(b backend, ident []string) ([]map[string]any, error) {
	ctx := context.Background()
	cat, err := openQuiet(b)
	if err != nil {
		return nil, err
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		return nil, err
	}
	_, recs, err := tbl.Scan().ToArrowRecords(ctx)
	if err != nil {
		return nil, err
	}
	var rows []map[string]any
	for rec, err := range recs {
		if err != nil {
			return nil, err
		}
		js, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		var batch []map[string]any
		if err := json.Unmarshal(js, &batch); err != nil {
			return nil, err
		}
		rows = append(rows, batch...)
		rec.Release()
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i]["id"].(float64) < rows[j]["id"].(float64) })

	return rows, nil
}

const evolveStep1 = `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "amount", type = "decimal(10,2)" },
    { name = "qty", type = "int" },
  ]
  identifier_fields = ["id"]
`

const evolveStep2 = `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "amount", type = "decimal(10,2)" },
    { name = "qty", type = "int" },
    { name = "channel", type = "string" },
  ]
  identifier_fields = ["id"]
`

// Step 3: rename amount -> total keeping id 2, widen total to
// decimal(12,2) and qty to long, add a nested struct, move channel first,
// document id, partition and sort the table, set a property.
const evolveStep3 = `
  schema = [
    { name = "channel", type = "string", doc = "sales channel" },
    { name = "id", type = "long", required = true, doc = "order id" },
    { name = "total", id = 2, type = "decimal(12,2)" },
    { name = "qty", type = "long" },
    { name = "origin", type = "struct", fields = [
      { name = "country", type = "string" },
    ] },
  ]
  identifier_fields = ["id"]
  partition_spec = [{ source = "id", transform = "bucket[4]" }]
  sort_order     = [{ source = "qty", direction = "desc" }]
  properties     = { "commit.retry.num-retries" = "5" }
`

// Step 4: add a field inside the struct, make id optional again... no:
// identifier fields must be required, so drop the identifier first.
const evolveStep4 = `
  schema = [
    { name = "channel", type = "string", doc = "sales channel" },
    { name = "id", type = "long", required = false, doc = "order id" },
    { name = "total", type = "decimal(12,2)" },
    { name = "qty", type = "long" },
    { name = "origin", type = "struct", fields = [
      { name = "country", type = "string" },
      { name = "city", type = "string" },
    ] },
  ]
  partition_spec = [{ source = "id", transform = "bucket[8]" }]
`

// C07: adding and renaming columns is an in-place update that reaches the
// Iceberg metadata, keeps field ids and data, and gives new fields
// last-column-id + 1. C08: the rows written before widening read back.
func TestAccIcebergTable_evolve(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ns := acctest.RandomName()
			ident := []string{ns, "orders"}
			var snapshot int64
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkTablesGone(b),
				Steps: []resource.TestStep{
					{
						Config: testAccTableConfig(b, ns, evolveStep1),
						Check: func(*terraform.State) error {
							appendJSON(t, b, ident, `[{"id":1,"amount":"4.56","qty":3},{"id":2,"amount":"1.23","qty":7}]`)

							return checkMetadata(b, ident, func(md table.Metadata) error {
								snapshot = md.CurrentSnapshot().SnapshotID

								return nil
							})(nil)
						},
					},
					{
						Config: testAccTableConfig(b, ns, evolveStep2),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(3).AtMapKey("id"), knownvalue.Int64Exact(4)),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkMetadata(b, ident, func(md table.Metadata) error {
							if md.CurrentSchema().ID != 1 || md.LastColumnID() != 4 {
								return fmt.Errorf("schema-id %d, last-column-id %d; want 1 and 4", md.CurrentSchema().ID, md.LastColumnID())
							}
							if md.CurrentSnapshot() == nil || md.CurrentSnapshot().SnapshotID != snapshot {
								return fmt.Errorf("the snapshot changed")
							}

							return nil
						}),
					},
					{
						Config: testAccTableConfig(b, ns, evolveStep3),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(4).AtMapKey("id"), knownvalue.Int64Exact(5)),
								plancheck.ExpectKnownValue(tblAddr, tfjsonpath.New("schema").AtSliceIndex(4).AtMapKey("fields").AtSliceIndex(0).AtMapKey("id"), knownvalue.Int64Exact(6)),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeTestCheckFunc(
							checkMetadata(b, ident, func(md table.Metadata) error {
								sc := md.CurrentSchema()
								f, ok := sc.FindFieldByName("total")
								if !ok || f.ID != 2 || !f.Type.Equals(iceberg.DecimalTypeOf(12, 2)) {
									return fmt.Errorf("total: %v", f)
								}
								if sc.Fields()[0].Name != "channel" || md.SortOrder().Len() != 1 || numFields(md.PartitionSpec()) != 1 {
									return fmt.Errorf("order/spec/sort not applied: %s", sc)
								}
								if md.Properties()["commit.retry.num-retries"] != "5" {
									return fmt.Errorf("property not set")
								}
								if md.CurrentSnapshot().SnapshotID != snapshot {
									return fmt.Errorf("the snapshot changed")
								}

								return nil
							}),
							func(*terraform.State) error {
								rows, err := readJSON(b, ident)
								if err != nil {
									return err
								}
								// C08: 4.56 written as decimal(10,2) reads back as 4.56 after widening.
								got := fmt.Sprintf("%v %v %v %v", rows[0]["total"], rows[0]["qty"], rows[1]["total"], rows[1]["channel"])
								if len(rows) != 2 || got != "4.56 3 1.23 <nil>" {
									return fmt.Errorf("rows after evolution: %v", rows)
								}

								return nil
							},
						),
					},
					{
						Config: testAccTableConfig(b, ns, evolveStep4),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkMetadata(b, ident, func(md table.Metadata) error {
							sc := md.CurrentSchema()
							if len(sc.IdentifierFieldIDs) != 0 || md.SortOrder().Len() != 0 {
								return fmt.Errorf("identifier fields or sort order left: %v %s", sc.IdentifierFieldIDs, md.SortOrder())
							}
							if _, ok := md.Properties()["commit.retry.num-retries"]; ok {
								return fmt.Errorf("removed property still set")
							}
							if f, _ := sc.FindFieldByName("id"); f.Required {
								return fmt.Errorf("id still required")
							}
							if f, ok := sc.FindFieldByName("origin.city"); !ok || f.ID != 7 {
								return fmt.Errorf("origin.city: %v", f)
							}

							return nil
						}),
					},
					{
						ResourceName:      tblAddr,
						ImportState:       true,
						ImportStateVerify: true,
					},
				},
			})
		})
	}
}

// C08, C10, C12: illegal changes fail at plan time with the attribute path.
func TestAccIcebergTable_invalidChanges(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	base := `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "price", type = "decimal(9,2)" },
    { name = "qty", type = "long" },
    { name = "ratio", type = "float" },
    { name = "day", type = "date" },
    { name = "ts", type = "timestamp" },
  ]
  identifier_fields = ["id"]
`
	// After the legal step, the table has ratio double and price decimal(12,2).
	widened := strings.NewReplacer(`{ name = "ratio", type = "float" }`, `{ name = "ratio", type = "double" }`,
		`decimal(9,2)`, `decimal(12,2)`).Replace(base)
	with := func(field, replacement string) string {
		return testAccTableConfig(b, ns, strings.Replace(widened, field, replacement, 1))
	}
	c10 := `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "score", type = "double", required = true },
    { name = "meta", type = "struct", required = false, fields = [{ name = "code", type = "string", required = true }] },
    { name = "tags", type = "map", key_type = "string", value_type = "string" },
    { name = "email", type = "string" },
  ]
  identifier_fields = [%s]
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{
			{Config: testAccTableConfig(b, ns, base)},
			{
				// Legal: float -> double and a larger decimal precision, in place.
				Config: testAccTableConfig(b, ns, widened),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config:      with(`decimal(12,2)`, `decimal(12,4)`),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)schema\[1\]\.type.*changing type decimal\(12,2\) to decimal\(12,4\)|(?s)schema\[1\]\.type.*scale`),
			},
			{
				Config:      with(`{ name = "qty", type = "long" }`, `{ name = "qty", type = "int" }`),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)schema\[2\]\.type.*long to int is not an Iceberg type promotion`),
			},
			{
				Config:      with(`{ name = "day", type = "date" }`, `{ name = "day", type = "timestamptz" }`),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)schema\[4\]\.type.*date to timestamptz is not an Iceberg type`),
			},
			{
				// C12: timestamp and timestamptz are different types.
				Config:      with(`{ name = "ts", type = "timestamp" }`, `{ name = "ts", type = "timestamptz" }`),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)schema\[5\]\.type.*timestamp to timestamptz`),
			},
			{
				// C12: spellings of the same zone-less type never diff.
				Config:   with(`{ name = "ts", type = "timestamp" }`, `{ name = "ts", type = "timestamp without time zone" }`),
				PlanOnly: true, // PlanOnly fails on any non-empty plan
			},
			{
				Config:      with(`{ name = "day", type = "date" },`, ``),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)Column drop not allowed.*"day".*allow_column_drops`),
			},
			{
				// C10: dropping id while it is still an identifier field names both settings.
				Config:      with(`{ name = "id", type = "long", required = true },`, ``),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)identifier_fields\[0\].*schema no longer declares`),
			},
			{
				Config:      testAccTableConfig(b, ns, fmt.Sprintf(c10, `"id", "score", "meta.code", "email", "tags.key"`)+"  allow_column_drops = true\n"),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)identifier_fields\[1\].*float and double.*identifier_fields\[2\].*parent struct "meta" is optional.*identifier_fields\[3\].*optional.*identifier_fields\[4\].*map`),
			},
			{
				// C08: a new table with a bad decimal spelling fails validation.
				Config:      with(`decimal(12,2)`, `decimal(9,12)`),
				PlanOnly:    true,
				ExpectError: errRe(`scale 12 exceeds precision 9`),
			},
			{
				// Nothing above changed the table.
				Config:   testAccTableConfig(b, ns, widened),
				PlanOnly: true,
			},
		},
	})
}

func TestAccIcebergTable_disappears(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ns := acctest.RandomName()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkTablesGone(b),
				Steps: []resource.TestStep{
					{Config: testAccTableConfig(b, ns, evolveStep1)},
					{
						PreConfig: func() {
							if err := b.open(t).DropTable(context.Background(), []string{ns, "orders"}); err != nil {
								t.Fatal(err)
							}
						},
						Config: testAccTableConfig(b, ns, evolveStep1),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionCreate)},
						},
					},
				},
			})
		})
	}
}

// Out-of-band changes show in the plan: a property change as an update, a
// column added by hand as a plan error unless drops are allowed, and then as
// an update that drops it.
func TestAccIcebergTable_drift(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	ident := []string{ns, "orders"}
	body := evolveStep1 + `  properties = { "write.format.default" = "parquet" }` + "\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{
			{Config: testAccTableConfig(b, ns, body)},
			{
				PreConfig: func() {
					commit(t, b, ident, table.NewSetPropertiesUpdate(iceberg.Properties{"write.format.default": "orc"}))
				},
				Config: testAccTableConfig(b, ns, body),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkMetadata(b, ident, func(md table.Metadata) error {
					if md.Properties()["write.format.default"] != "parquet" {
						return fmt.Errorf("property not restored")
					}

					return nil
				}),
			},
			{
				PreConfig: func() {
					tbl, err := b.open(t).LoadTable(context.Background(), ident)
					if err != nil {
						t.Fatal(err)
					}
					fields := append(tbl.Schema().Fields(), iceberg.NestedField{ID: 4, Name: "by_hand", Type: iceberg.PrimitiveTypes.String})
					sc := iceberg.NewSchemaWithIdentifiers(1, tbl.Schema().IdentifierFieldIDs, fields...)
					commit(t, b, ident, table.NewAddSchemaUpdate(sc), table.NewSetCurrentSchemaUpdate(-1))
				},
				Config:      testAccTableConfig(b, ns, body),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)Column drop not allowed.*"by_hand"`),
			},
			{
				Config: testAccTableConfig(b, ns, body+"  allow_column_drops = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkMetadata(b, ident, func(md table.Metadata) error {
					if _, ok := md.CurrentSchema().FindFieldByName("by_hand"); ok || md.LastColumnID() != 4 {
						return fmt.Errorf("by_hand not dropped or last-column-id moved back: %s", md.CurrentSchema())
					}

					return nil
				}),
			},
		},
	})
}

// errRe compiles an error pattern whose spaces match any run of white
// space, since Terraform wraps diagnostic text.
func errRe(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

func commit(t *testing.T, b backend, ident []string, ups ...table.Update) {
	t.Helper()
	if _, _, err := b.open(t).CommitTable(context.Background(), ident, nil, ups); err != nil {
		t.Fatal(err)
	}
}

// C13: a table created outside Terraform imports into the same shapes the
// config uses, so the plan right after import is empty.
func TestAccIcebergTable_import(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ns := acctest.RandomName()
			ident := []string{ns, "events"}
			cfg := b.providerConfig() + fmt.Sprintf(`
resource "lakehouse_iceberg_table" "test" {
  namespace = [%[1]q]
  name      = "events"
  schema = [
    { name = "id", type = "long", required = true },
    { name = "ts", type = "timestamptz" },
    { name = "region", type = "string" },
  ]
  partition_spec = [{ source = "ts", transform = "day" }]
  properties     = { "write.format.default" = "parquet" }
}
`, ns)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				Steps: []resource.TestStep{
					{
						PreConfig: func() {
							ctx := context.Background()
							cat := b.open(t)
							if err := cat.CreateNamespace(ctx, []string{ns}, nil); err != nil {
								t.Fatal(err)
							}
							sc := iceberg.NewSchema(0,
								iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
								iceberg.NestedField{ID: 2, Name: "ts", Type: iceberg.PrimitiveTypes.TimestampTz},
								iceberg.NestedField{ID: 3, Name: "region", Type: iceberg.PrimitiveTypes.String})
							spec := iceberg.NewPartitionSpec(iceberg.PartitionField{SourceIDs: []int{2}, FieldID: 1000, Name: "ts_day", Transform: iceberg.DayTransform{}})
							if _, err := cat.CreateTable(ctx, ident, sc, icecatalog.WithPartitionSpec(&spec),
								icecatalog.WithProperties(iceberg.Properties{"write.format.default": "parquet"})); err != nil {
								t.Fatal(err)
							}
						},
						ResourceName:    tblAddr,
						ImportState:     true,
						ImportStateKind: resource.ImportBlockWithID,
						ImportStateId:   catalog.FormatIdentifier(ident),
						Config:          cfg,
					},
				},
			})
			if err := b.open(t).DropTable(context.Background(), ident); err != nil {
				t.Fatal(err)
			}
		})
	}
}
