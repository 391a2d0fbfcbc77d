package iceberg_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
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
						// The table holds rows now (appended after the last refresh):
						// an optional column cannot become required.
						Config: testAccTableConfig(b, ns, strings.Replace(evolveStep1, `{ name = "qty", type = "int" }`,
							`{ name = "qty", type = "int", required = true }`, 1)),
						ExpectError: errRe(`(?s)schema\[2\]\.required.*optional column required is not allowed on a table that holds data`),
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
	layout := `
  partition_spec = [{ source = "day", transform = "month" }]
  sort_order     = [{ source = "qty" }]
`
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
				// Nanosecond timestamps need format version 3: refused at plan.
				Config: with(`{ name = "ts", type = "timestamp" },`, `{ name = "ts", type = "timestamp" },
    { name = "ts_ns", type = "timestamp_ns" },`),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)schema\[6\]\.type.*timestamp_ns needs format_version = 3`),
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
			{
				Config: testAccTableConfig(b, ns, widened+layout),
			},
			{
				// A column the partition spec or sort order uses cannot be
				// dropped, even with drops allowed.
				Config: testAccTableConfig(b, ns, strings.NewReplacer(`{ name = "day", type = "date" },`, ``,
					`{ name = "qty", type = "long" },`, ``).Replace(widened)+layout+"  allow_column_drops = true\n"),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)partition_spec\[0\].*no column "day".*sort_order\[0\].*no column "qty"`),
			},
			{
				// The format version is raised in place...
				Config: testAccTableConfig(b, ns, widened+layout+"  format_version = 3\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMetadata(b, []string{ns, "orders"}, func(md table.Metadata) error {
					if md.Version() != 3 {
						return fmt.Errorf("format version %d, want 3", md.Version())
					}

					return nil
				}),
			},
			{
				// ...and never lowered.
				Config:      testAccTableConfig(b, ns, widened+layout+"  format_version = 2\n"),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)format_version.*cannot downgrade it to 2`),
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
				// A key an engine adds is not managed and never diffs.
				PreConfig: func() {
					commit(t, b, ident, table.NewSetPropertiesUpdate(iceberg.Properties{"engine.added-by": "spark"}))
				},
				Config:   testAccTableConfig(b, ns, body),
				PlanOnly: true, // fails on any non-empty plan
			},
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
					if md.Properties()["engine.added-by"] != "spark" {
						return fmt.Errorf("an unmanaged property was removed")
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

const partitionsStep1 = `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "region", type = "string" },
    { name = "day", type = "date" },
    { name = "ts", type = "timestamptz" },
    { name = "ok", type = "boolean" },
  ]
  partition_spec = [
    { source = "region", transform = "identity" },
    { source = "day", transform = "year" },
    { source = "ts", transform = "hour" },
    { source = "ok", transform = "void" },
  ]
  sort_order = [{ source = "ts", transform = "hour" }]
`

// Step 2 keeps identity(region), replaces the others by month, day, bucket
// and truncate, and sorts differently.
const partitionsStep2 = `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "region", type = "string" },
    { name = "day", type = "date" },
    { name = "ts", type = "timestamptz" },
    { name = "ok", type = "boolean" },
  ]
  partition_spec = [
    { source = "region", transform = "identity" },
    { source = "day", transform = "month" },
    { source = "ts", transform = "day" },
    { source = "id", transform = "bucket(16)" },
    { source = "region", transform = "truncate[2]" },
  ]
  sort_order = [{ source = "region", transform = "truncate[2]", direction = "desc", null_order = "nulls-first" }]
`

// Every partition transform applies, and partition-spec evolution is in
// place: kept fields keep their partition field id, new ones get fresh ids
// never used by an earlier spec.
func TestAccIcebergTable_partitionTransforms(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	ident := []string{ns, "orders"}
	var uuid string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{
			{
				Config: testAccTableConfig(b, ns, partitionsStep1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("partition_spec").AtSliceIndex(1).AtMapKey("name"), knownvalue.StringExact("day_year")),
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("partition_spec").AtSliceIndex(3).AtMapKey("name"), knownvalue.StringExact("ok_null")),
				},
				Check: checkMetadata(b, ident, func(md table.Metadata) error {
					uuid = md.TableUUID().String()

					return expectSpec(md, "region:identity day_year:year ts_hour:hour ok_null:void")
				}),
			},
			{
				Config: testAccTableConfig(b, ns, partitionsStep2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMetadata(b, ident, func(md table.Metadata) error {
					if md.TableUUID().String() != uuid {
						return fmt.Errorf("the table was replaced")
					}
					if err := expectSpec(md, "region:identity day_month:month ts_day:day id_bucket_16:bucket[16] region_trunc_2:truncate[2]"); err != nil {
						return err
					}
					if spec := md.PartitionSpec(); spec.Field(0).Name != "region" || spec.Field(0).FieldID != 1000 {
						return fmt.Errorf("identity(region) lost its partition field id 1000: %s", spec.String())
					}
					var sorts []string
					for _, f := range md.SortOrder().Fields() {
						sorts = append(sorts, fmt.Sprintf("%s %s %s", f.Transform, f.Direction, f.NullOrder))
					}
					if got := strings.Join(sorts, ","); got != "truncate[2] desc nulls-first" {
						return fmt.Errorf("sort order %q", got)
					}

					return uniquePartitionFieldIDs(md)
				}),
			},
			{
				ResourceName:      tblAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// The configuration spells bucket(16); Iceberg writes bucket[16].
				ImportStateVerifyIgnore: []string{"partition_spec.3.transform"},
			},
		},
	})
}

// expectSpec compares the default partition spec with "name:transform ...".
func expectSpec(md table.Metadata, want string) error {
	var got []string
	spec := md.PartitionSpec()
	for _, f := range spec.Fields() {
		got = append(got, f.Name+":"+f.Transform.String())
	}
	if strings.Join(got, " ") != want {
		return fmt.Errorf("partition spec %q, want %q", strings.Join(got, " "), want)
	}

	return nil
}

// uniquePartitionFieldIDs checks that no partition field id means two
// different fields across the table's specs.
func uniquePartitionFieldIDs(md table.Metadata) error {
	seen := map[int]string{}
	for _, spec := range md.PartitionSpecs() {
		for _, f := range spec.Fields() {
			key := fmt.Sprintf("%d %s %s", f.SourceID(), f.Transform, f.Name)
			if prev, ok := seen[f.FieldID]; ok && prev != key {
				return fmt.Errorf("partition field id %d is used for %q and %q", f.FieldID, prev, key)
			}
			seen[f.FieldID] = key
		}
	}

	return nil
}

// purge = true deletes the table's files from the object store on destroy;
// the default drops the table from the catalog and leaves its files.
func TestAccIcebergTable_purgeObjectStore(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ns := acctest.RandomName()
			cfg := b.providerConfig() + fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "ns" {
  name = [%[1]q]
}

resource "lakehouse_iceberg_table" "kept" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "kept"
  schema    = [{ name = "id", type = "long", required = true }]
}

resource "lakehouse_iceberg_table" "purged" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "purged"
  purge     = true
  schema    = [{ name = "id", type = "long", required = true }]
}
`, ns)
			locations := map[string]string{}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy: resource.ComposeTestCheckFunc(checkTablesGone(b), func(*terraform.State) error {
					kept, err := countObjects(b, locations["kept"])
					if err != nil {
						return err
					}
					purged, err := countObjects(b, locations["purged"])
					if err != nil {
						return err
					}
					if kept == 0 || purged != 0 {
						return fmt.Errorf("after destroy: %d objects under the kept table, %d under the purged one; "+
							"want some and none", kept, purged)
					}

					return nil
				}),
				Steps: []resource.TestStep{{
					Config: cfg,
					Check: func(s *terraform.State) error {
						for _, name := range []string{"kept", "purged"} {
							ident := []string{ns, name}
							appendJSON(t, b, ident, `[{"id":1},{"id":2}]`)
							locations[name] = s.RootModule().Resources["lakehouse_iceberg_table."+name].Primary.Attributes["location"]
							n, err := countObjects(b, locations[name])
							if err != nil {
								return fmt.Errorf("objects under %s: %w", locations[name], err)
							}
							if n < 2 {
								return fmt.Errorf("%d objects under %s; want metadata and data files", n, locations[name])
							}
						}

						return nil
					},
				}},
			})
		})
	}
}

// countObjects counts the objects below an s3://bucket/prefix location.
func countObjects(b backend, location string) (int, error) {
	bucket, prefix, ok := strings.Cut(strings.TrimPrefix(location, "s3://"), "/")
	if !ok || !strings.HasPrefix(location, "s3://") {
		return 0, fmt.Errorf("location %q is not s3://bucket/prefix", location)
	}
	mc, err := objectstore.New(b.data().S3, httpx.DefaultRetrySettings())
	if err != nil {
		return 0, err
	}
	n := 0
	for obj := range mc.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Prefix: strings.TrimSuffix(prefix, "/") + "/", Recursive: true}) {
		if obj.Err != nil {
			return 0, obj.Err
		}
		n++
	}

	return n, nil
}

const v1Partitioned = `
  format_version = 1
  schema = [
    { name = "id", type = "long", required = true },
    { name = "region", type = "string" },
  ]
  partition_spec = [
    { source = "id", transform = "bucket[4]" },
    { source = "region", transform = "identity" },
  ]
`

// A format-version-1 table cannot drop a partition field (its field ids are
// positional): the plan refuses it and says to use void, and void applies
// in place under the same partition field id.
func TestAccIcebergTable_v1PartitionEvolution(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	ident := []string{ns, "orders"}
	dropped := strings.Replace(v1Partitioned, `{ source = "id", transform = "bucket[4]" },`, ``, 1)
	voided := strings.Replace(v1Partitioned, `transform = "bucket[4]"`, `transform = "void"`, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{
			{Config: testAccTableConfig(b, ns, v1Partitioned)},
			{
				Config:      testAccTableConfig(b, ns, dropped),
				PlanOnly:    true,
				ExpectError: errRe(`(?s)partition_spec\[0\].*format version 1.*"void"`),
			},
			{
				Config: testAccTableConfig(b, ns, voided),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tblAddr, tfjsonpath.New("partition_spec").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("id_bucket_4")),
				},
				Check: checkMetadata(b, ident, func(md table.Metadata) error {
					if spec := md.PartitionSpec(); spec.Field(0).FieldID != 1000 || spec.Field(0).Transform.String() != "void" {
						return fmt.Errorf("spec %s: want field 1000 voided", spec.String())
					}

					return expectSpec(md, "id_bucket_4:void region:identity")
				}),
			},
		},
	})
}

const enrolmentsBefore = `
  schema = [
    { name = "student", type = "string", required = true },
    { name = "term", type = "string" },
  ]
  identifier_fields = ["student"]
  partition_spec    = [{ source = "term", transform = "identity" }]
`

// After a rename (term -> term_code, keeping id 2) and a reorder, the
// configuration declares ids; a new table from it keeps exactly those ids.
const enrolmentsRenamed = `
  schema = [
    { name = "term_code", id = 2, type = "string" },
    { name = "student", type = "string", required = true },
    { name = "grades", type = "map", key_type = "string", value_type = "double" },
  ]
  identifier_fields = ["student"]
  partition_spec    = [{ source = "term_code", transform = "identity", name = "term" }]
  sort_order        = [{ source = "student" }]
`

// testAccTwoInstitutions declares the same table body in two namespaces,
// as the institution module does for two institutions; second adds the
// other one.
func testAccTwoInstitutions(b backend, ns, body string, second bool) string {
	cfg := testAccTableConfig(b, ns, body)
	if second {
		cfg += fmt.Sprintf(`
resource "lakehouse_iceberg_namespace" "other" {
  name = [%[1]q]
}

resource "lakehouse_iceberg_table" "other" {
  namespace = lakehouse_iceberg_namespace.other.name
  name      = "orders"
%[2]s
}
`, ns+"-other", body)
	}

	return cfg
}

// checkEnrolmentIDs checks the ids of enrolmentsRenamed in the table's
// metadata: term_code keeps 2, student has id student, and the map grades
// follows with its key and value; the partition field is on term_code and
// the sort field on student.
func checkEnrolmentIDs(b backend, ident []string, student, grades int) resource.TestCheckFunc {
	return checkMetadata(b, ident, func(md table.Metadata) error {
		sc := md.CurrentSchema()
		var got []string
		for _, f := range sc.Fields() {
			got = append(got, fmt.Sprintf("%s:%d", f.Name, f.ID))
		}
		want := fmt.Sprintf("term_code:2 student:%d grades:%d", student, grades)
		if strings.Join(got, " ") != want || md.LastColumnID() != grades+2 {
			return fmt.Errorf("%v: schema %s, last-column-id %d; want %s and %d", ident, sc, md.LastColumnID(), want, grades+2)
		}
		if f, _ := sc.FindFieldByName("grades.value"); f.ID != grades+2 {
			return fmt.Errorf("grades.value has id %d, want %d", f.ID, grades+2)
		}
		if spec := md.PartitionSpec(); spec.Field(0).SourceID() != 2 || spec.Field(0).Name != "term" || spec.Field(0).FieldID != 1000 {
			return fmt.Errorf("partition spec %s: want field 1000 named term on source 2", spec.String())
		}
		for _, f := range md.SortOrder().Fields() {
			if f.SourceID() != student {
				return fmt.Errorf("sort order %s: want source %d", md.SortOrder(), student)
			}
		}

		return nil
	})
}

// A configuration that keeps field ids (after a rename, or from
// -generate-config-out) creates new tables with exactly those ids: a second
// institution's table from the same body, and the first table again after
// an out-of-band delete. The state equals the configuration (empty plan).
func TestAccIcebergTable_declaredIDsNewTable(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ns := acctest.RandomName()
			ident, other := []string{ns, "orders"}, []string{ns + "-other", "orders"}
			renamed := testAccTwoInstitutions(b, ns, enrolmentsRenamed, true)
			emptyAfter := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkTablesGone(b),
				Steps: []resource.TestStep{
					{Config: testAccTwoInstitutions(b, ns, enrolmentsBefore, false)},
					{
						Config: testAccTwoInstitutions(b, ns, enrolmentsRenamed, false),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkEnrolmentIDs(b, ident, 1, 3),
					},
					{
						// The second institution's table is created from the same body.
						Config: renamed,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("lakehouse_iceberg_table.other", plancheck.ResourceActionCreate),
								// Undeclared ids take the lowest free ones: student gets back id 1.
								plancheck.ExpectKnownValue("lakehouse_iceberg_table.other", tfjsonpath.New("schema").AtSliceIndex(1).AtMapKey("id"), knownvalue.Int64Exact(1)),
								plancheck.ExpectKnownValue("lakehouse_iceberg_table.other", tfjsonpath.New("schema").AtSliceIndex(2).AtMapKey("value_id"), knownvalue.Int64Exact(5)),
								plancheck.ExpectKnownValue("lakehouse_iceberg_table.other", tfjsonpath.New("last_column_id"), knownvalue.Int64Exact(5)),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkEnrolmentIDs(b, other, 1, 3),
					},
					{
						// Deleted out of band: the plan re-creates it with the same ids.
						PreConfig: func() {
							if err := b.open(t).DropTable(context.Background(), ident); err != nil {
								t.Fatal(err)
							}
						},
						Config: renamed,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionCreate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: checkEnrolmentIDs(b, ident, 1, 3),
					},
					{
						ResourceName:      "lakehouse_iceberg_table.other",
						ImportState:       true,
						ImportStateVerify: true,
					},
					{
						// Ids that clash stay a plan-time error naming both places.
						Config: renamed + fmt.Sprintf(`
resource "lakehouse_iceberg_table" "clash" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "clash"
%s
}
`, strings.Replace(enrolmentsRenamed, `{ name = "student", type = "string", required = true }`,
							`{ name = "student", id = 2, type = "string", required = true }`, 1)),
						PlanOnly:    true,
						ExpectError: errRe(`(?s)schema\[1\]\.id.*field id 2 is declared twice \(also at schema\[0\]\)`),
					},
					{Config: renamed, ConfigPlanChecks: emptyAfter},
				},
			})
		})
	}
}

// terraform destroy first runs a normal plan, which plans a create for
// every resource in the configuration but not in the state (a table
// deleted out of band, one never applied): no check for a new table may
// refuse a configuration that an existing table accepts, or the destroy
// fails. Here the renamed table is gone and a second one was never
// created; both declare ids.
func TestAccIcebergTable_destroyWithTablesMissingFromState(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	renamed := testAccTableConfig(b, ns, enrolmentsRenamed)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{
			{Config: testAccTableConfig(b, ns, enrolmentsBefore)},
			{Config: renamed},
			{
				PreConfig: func() {
					if err := b.open(t).DropTable(context.Background(), []string{ns, "orders"}); err != nil {
						t.Fatal(err)
					}
				},
				Config: renamed + fmt.Sprintf(`
resource "lakehouse_iceberg_table" "never_applied" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "never_applied"
%s
}
`, enrolmentsRenamed),
				Destroy: true,
			},
		},
	})
}

const partitionedByID = `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "ts", type = "timestamptz" },
  ]
  identifier_fields = ["id"]
  partition_spec    = [{ source = "id", transform = "bucket[8]" }]
  sort_order        = [{ source = "id" }]
`

const partitionedByDayV1 = `
  format_version = 1
  schema = [
    { name = "id", type = "long", required = true },
    { name = "ts", type = "timestamptz" },
  ]
  partition_spec = [{ source = "ts", transform = "day" }]
`

// testAccPartitionedTables declares a format-2 table partitioned and
// sorted by id and a format-1 table partitioned by day(ts).
func testAccPartitionedTables(b backend, ns, v2, v1 string) string {
	return testAccTableConfig(b, ns, v2) + fmt.Sprintf(`
resource "lakehouse_iceberg_table" "v1" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "events"
%s
}
`, v1)
}

// Renaming a column a partition field uses keeps the partition field: it is
// matched by source field id and transform, not by the column's name. The
// format-2 spec keeps field 1000 and its name (no new spec, no new sort
// order); the format-1 table accepts the rename, with or without the
// field's name spelled out.
func TestAccIcebergTable_renamePartitionSource(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ns := acctest.RandomName()
			v2Renamed := strings.NewReplacer(`{ name = "id", type = "long", required = true }`,
				`{ name = "student_id", id = 1, type = "long", required = true }`, `"id"`, `"student_id"`).Replace(partitionedByID)
			v1Renamed := strings.NewReplacer(`{ name = "ts", type = "timestamptz" }`, `{ name = "event_ts", id = 2, type = "timestamptz" }`,
				`{ source = "ts", transform = "day" }`, `{ source = "event_ts", transform = "day", name = "ts_day" }`).Replace(partitionedByDayV1)
			v1Unnamed := strings.Replace(v1Renamed, `, name = "ts_day"`, ``, 1)
			kept := func(ident []string, want string) resource.TestCheckFunc {
				return checkMetadata(b, ident, func(md table.Metadata) error {
					if n := len(md.PartitionSpecs()); n != 1 || md.DefaultPartitionSpec() != 0 {
						return fmt.Errorf("%d partition specs, default %d; the rename made a new spec: %s", n, md.DefaultPartitionSpec(), md.PartitionSpec().String())
					}
					spec := md.PartitionSpec()
					f := spec.Field(0)
					if got := fmt.Sprintf("%d %s %d", f.FieldID, f.Name, f.SourceID()); got != want {
						return fmt.Errorf("partition field %q, want %q", got, want)
					}
					if len(md.SortOrders()) > 2 {
						return fmt.Errorf("the rename added a sort order: %v", md.SortOrders())
					}

					return nil
				})
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providerFactories,
				CheckDestroy:             checkTablesGone(b),
				Steps: []resource.TestStep{
					{Config: testAccPartitionedTables(b, ns, partitionedByID, partitionedByDayV1)},
					{
						Config: testAccPartitionedTables(b, ns, v2Renamed, v1Renamed),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(tblAddr, tfjsonpath.New("partition_spec").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("id_bucket_8")),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeTestCheckFunc(
							kept([]string{ns, "orders"}, "1000 id_bucket_8 1"),
							kept([]string{ns, "events"}, "1000 ts_day 2"),
							checkMetadata(b, []string{ns, "orders"}, func(md table.Metadata) error {
								if f, ok := md.CurrentSchema().FindFieldByName("student_id"); !ok || f.ID != 1 {
									return fmt.Errorf("student_id: %v", f)
								}

								return nil
							}),
						),
					},
					{
						// The name defaults to the existing field's name.
						Config:   testAccPartitionedTables(b, ns, v2Renamed, v1Unnamed),
						PlanOnly: true,
					},
				},
			})
		})
	}
}

// A plan has no side effects on a SQLite catalog: with a path that names no
// file (a typo, or a relative path read from another directory) refresh and
// plan create nothing, not even -wal or -shm files; the resources plan a
// create and warnings name the absolute path and say the first apply
// creates it. The apply does create it.
func TestAccIcebergTable_planCreatesNoSQLiteFile(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	dir := t.TempDir()
	t.Chdir(dir) // the in-process provider resolves relative paths here
	right := filepath.Join(dir, "lake", "catalog.db")
	if err := os.Mkdir(filepath.Dir(right), 0o755); err != nil {
		t.Fatal(err)
	}
	withURI := func(uri string) string {
		return testAccTableConfig(backend{name: b.name, uri: uri, warehouse: b.warehouse}, ns, evolveStep1)
	}
	var rec diagRecorder
	noFiles := func(where string) {
		entries, _ := os.ReadDir(where)
		for _, e := range entries {
			if !e.IsDir() {
				t.Errorf("the plan left %s in %s", e.Name(), where)
			}
		}
	}
	expectWarnings := func(patterns ...string) {
		got := rec.take()
		for _, p := range patterns {
			if !errRe(p).MatchString(got) {
				t.Errorf("no warning matching %q in:\n%s", p, got)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy:             checkTablesGone(backend{name: b.name, uri: right, warehouse: b.warehouse}),
		Steps: []resource.TestStep{
			{
				// The first plan warns; the apply creates the file.
				Config: withURI("file:" + right),
				Check: func(*terraform.State) error {
					expectWarnings(`(?s)lakehouse_iceberg_namespace \(` + ns + `\): SQLite catalog file not created yet: The SQLite catalog file ` +
						regexp.QuoteMeta(right) + ` does not exist; the first apply creates it`)
					_, err := os.Stat(right)

					return err
				},
			},
			{
				// A typo: nothing is read or created; everything plans a create.
				Config:             withURI("file:" + filepath.Join(dir, "lake", "catalgo.db")),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					if left, _ := filepath.Glob(filepath.Join(dir, "lake", "catalgo.db*")); len(left) > 0 {
						t.Errorf("the plan created %v", left)
					}
					expectWarnings(
						`(?s)lakehouse_iceberg_table \(`+ns+`\.orders\) not found: The SQLite catalog file `+
							regexp.QuoteMeta(filepath.Join(dir, "lake", "catalgo.db"))+` does not exist, so`,
						`(?s)SQLite catalog file not created yet: The SQLite catalog file `+regexp.QuoteMeta(filepath.Join(dir, "lake", "catalgo.db")))
				},
				// A relative path, read from this directory: nothing is created here.
				Config:             withURI("catalog.db"),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					noFiles(dir)
					expectWarnings(`(?s)relative SQLite catalog path: .*"catalog.db".*here `+regexp.QuoteMeta(filepath.Join(dir, "catalog.db")),
						`(?s)The SQLite catalog file `+regexp.QuoteMeta(filepath.Join(dir, "catalog.db"))+` does not exist; the first apply creates it`)
				},
				// The right path again: the state and the catalog are intact.
				Config:   withURI("file:" + right),
				PlanOnly: true,
			},
		},
	})
}

// With the object store down (nothing listens at the s3 endpoint), creating
// a table says which service could not be reached, at which endpoint, and
// to retry; not that the declaration may be invalid.
func TestAccIcebergTable_objectStoreDown(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	port, err := acctest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("127.0.0.1:%d", port)
	cfg := fmt.Sprintf(`
provider "lakehouse" {
  s3 {
    endpoint   = %[1]q
    use_ssl    = false
    path_style = true
  }
  catalog {
    type      = "sql"
    uri       = %[2]q
    warehouse = %[3]q
  }
  retry {
    max_attempts = 1
  }
}

resource "lakehouse_iceberg_namespace" "ns" {
  name = [%[4]q]
}

resource "lakehouse_iceberg_table" "test" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "orders"
%[5]s
}
`, dead, b.uri, b.warehouse, ns, evolveStep1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{{
			Config: cfg,
			ExpectError: errRe(`(?s)Error creating lakehouse_iceberg_table \(` + ns + `\.orders\).*The object store at http://` +
				regexp.QuoteMeta(dead) + ` \(the provider's s3 block\) could not be reached: connection refused.*` +
				`It may be down, restarting or unreachable from here.*run the same command again`),
		}},
	})
}

const scoresBase = `
  schema = [
    { name = "id", type = "long", required = true },
    { name = "meta", type = "struct", fields = [{ name = "code", type = "string" }] },
    { name = "score", type = "double" },
  ]
`

// Schema, partition and sort errors point at the element of the
// configuration that holds the fault (Terraform cannot point deeper into a
// nested attribute) and name the whole attribute path in their text: never
// the resource line, nor the table's own name for a column's name. An id
// that belongs to another column says so.
func TestAccIcebergTable_diagnosticPaths(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	with := func(old, replacement string) string {
		return testAccTableConfig(b, ns, strings.Replace(scoresBase, old, replacement, 1))
	}
	// snippet matches Terraform's "on <file> line N" block showing text.
	snippet := func(text string) string {
		return `line \d+, in resource "lakehouse_iceberg_table" "test":\s+\d+:\s+` + regexp.QuoteMeta(text)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{
			{
				Config:   with(`{ name = "code", type = "string" }`, `{ name = "code", type = "strin" }`),
				PlanOnly: true,
				ExpectError: errRe(`(?s)Invalid column type.*` + snippet(`{ name = "meta", type = "struct", fields = [{ name = "code", type = "strin" }] },`) +
					`.*schema\[1\]\.fields\[0\]\.type: "strin" is not an Iceberg type`),
			},
			{
				Config:   with(`{ name = "score", type = "double" },`, `{ name = "score", type = "double" },`+"\n"+`    { name = "score", type = "long" },`),
				PlanOnly: true,
				ExpectError: errRe(`(?s)Invalid schema change.*` + snippet(`{ name = "score", type = "long" },`) +
					`.*schema\[3\]\.name: field "score": the name is declared twice`),
			},
			{Config: testAccTableConfig(b, ns, scoresBase)},
			{
				Config:   with(`{ name = "score", type = "double" },`, `{ name = "score", type = "double" },`+"\n"+`    { name = "age", id = 4, type = "int" },`),
				PlanOnly: true,
				ExpectError: errRe(`(?s)Invalid schema change.*` + snippet(`{ name = "age", id = 4, type = "int" },`) +
					`.*schema\[3\]\.id: field "age": field id 4 belongs to the existing column "score" \(double\), not to "age".*` +
					`If "age" is a new column, remove its id`),
			},
			{
				Config:   with(`{ name = "code", type = "string" }`, `{ name = "code", type = "string" }, { name = "key", id = 1, type = "long" }`),
				PlanOnly: true,
				ExpectError: errRe(`(?s)Invalid schema change.*` + snippet(`{ name = "meta", type = "struct"`) +
					`.*schema\[1\]\.fields\[1\]\.id: field "meta.key": field id 1 belongs to column "id", at another level`),
			},
			{
				Config:   with(`  ]`, `  ]`+"\n"+`  partition_spec = [{ source = "nope", transform = "day" }]`),
				PlanOnly: true,
				ExpectError: errRe(`(?s)Invalid partition field.*` + snippet(`partition_spec = [{ source = "nope", transform = "day" }]`) +
					`.*partition_spec\[0\]\.source: no column "nope"`),
			},
			{
				Config:   with(`  ]`, `  ]`+"\n"+`  sort_order = [{ source = "score", direction = "up" }]`),
				PlanOnly: true,
				ExpectError: errRe(`(?s)` + snippet(`sort_order = [{ source = "score", direction = "up" }]`) +
					`.*sort_order\[0\]\.direction value must be one of: \["asc" "desc"\]`),
			},
			{Config: testAccTableConfig(b, ns, scoresBase), PlanOnly: true},
		},
	})
}

// onlyChanges checks that the planned update of addr changes exactly the
// attributes named, and leaves nothing unknown.
type onlyChanges struct {
	addr  string
	attrs []string
}

func (c onlyChanges) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		var changed []string
		for k := range after {
			if fmt.Sprint(before[k]) != fmt.Sprint(after[k]) {
				changed = append(changed, k)
			}
		}
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		for k, v := range unknown {
			if anyTrue(v) {
				changed = append(changed, k+" (known after apply)")
			}
		}
		slices.Sort(changed)
		if !slices.Equal(changed, c.attrs) {
			resp.Error = fmt.Errorf("%s: the plan changes %v, want only %v", c.addr, changed, c.attrs)
		}

		return
	}
	resp.Error = fmt.Errorf("no planned change for %s", c.addr)
}

// anyTrue reports whether an after_unknown value marks anything unknown.
func anyTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case []any:
		return slices.ContainsFunc(v, anyTrue)
	case map[string]any:
		for _, e := range v {
			if anyTrue(e) {
				return true
			}
		}
	}

	return false
}

// purge and allow_column_drops are provider-side settings: changing only
// them plans an update of that setting alone, with every value read from
// the table kept (no "known after apply"), and the apply commits nothing.
func TestAccIcebergTable_providerSettingsCommitNothing(t *testing.T) {
	b := backends(t)[0]
	ns := acctest.RandomName()
	ident := []string{ns, "orders"}
	var location string
	unchanged := func(*terraform.State) error {
		return checkMetadata(b, ident, func(md table.Metadata) error {
			if n := len(slices.Collect(md.PreviousFiles())); n != 0 {
				return fmt.Errorf("%d metadata commits, want none", n)
			}

			return nil
		})(nil)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		CheckDestroy:             checkTablesGone(b),
		Steps: []resource.TestStep{
			{
				Config: testAccTableConfig(b, ns, evolveStep1),
				Check: func(s *terraform.State) error {
					location = s.RootModule().Resources[tblAddr].Primary.Attributes["metadata_location"]

					return nil
				},
			},
			{
				Config: testAccTableConfig(b, ns, evolveStep1+"  purge = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(tblAddr, plancheck.ResourceActionUpdate),
						onlyChanges{tblAddr, []string{"purge"}},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(unchanged, func(s *terraform.State) error {
					if got := s.RootModule().Resources[tblAddr].Primary.Attributes["metadata_location"]; got != location {
						return fmt.Errorf("metadata_location %s, want %s", got, location)
					}
					appendJSON(t, b, ident, `[{"id":1,"amount":"4.56","qty":3}]`)

					return nil
				}),
			},
			{
				// With data (a current snapshot) too, and for allow_column_drops.
				Config: testAccTableConfig(b, ns, evolveStep1+"  allow_column_drops = true\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						onlyChanges{tblAddr, []string{"allow_column_drops", "purge"}},
						plancheck.ExpectKnownValue(tblAddr, tfjsonpath.New("current_snapshot_id"), knownvalue.NotNull()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
