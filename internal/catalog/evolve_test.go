package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// C08: one promotion matrix, written here rather than trusted to the
// library: int->long, float->double, decimal precision growth at the same
// scale; nothing else, in any format version.
func TestCheckPromotion(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"decimal(9,2)", "decimal(12,2)", true},
		{"decimal(9,2)", "decimal(12,4)", false},
		{"decimal(9,2)", "decimal(9,2)", true},
		{"decimal(12,2)", "decimal(9,2)", false},
		{"decimal(4,2)", "decimal(4,3)", false},
		{"int", "long", true},
		{"long", "int", false},
		{"float", "double", true},
		{"double", "float", false},
		{"date", "timestamptz", false},
		{"date", "timestamp", false},
		{"timestamp", "timestamptz", false},
		{"timestamptz", "timestamp", false},
		{"int", "double", false},
		{"string", "binary", false},
		{"fixed[16]", "binary", false},
		{"uuid", "string", false},
		{"timestamp with time zone", "timestamptz", true},
		{"bigint", "long", true},
	} {
		for _, v := range []int{1, 2, 3} {
			from, err := catalog.ParsePrimitive(tc.from)
			if err != nil {
				t.Fatal(err)
			}
			to, err := catalog.ParsePrimitive(tc.to)
			if err != nil {
				t.Fatal(err)
			}
			err = catalog.CheckPromotion(from, to, v)
			if (err == nil) != tc.ok {
				t.Errorf("v%d %s -> %s: err %v, want ok=%v", v, tc.from, tc.to, err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "allowed targets") && !strings.Contains(err.Error(), "scale") &&
				!strings.Contains(err.Error(), "precision may only grow") {
				t.Errorf("%s -> %s: the error should name the allowed targets: %v", tc.from, tc.to, err)
			}
		}
	}
}

// C12: zone spellings are one type; timestamp and timestamptz never are.
func TestSameTypeName(t *testing.T) {
	for _, same := range [][2]string{
		{"timestamptz", "timestamp with time zone"}, {"timestamptz", "TIMESTAMP(UTC)"}, {"timestamptz", "timestamp(Etc/UTC)"},
		{"timestamptz", "timestamp(+00:00)"}, {"timestamptz", "timestamp(Z)"}, {"timestamptz", "timestamp_tz"}, {"timestamp", "timestamp without time zone"}, {"decimal(9,2)", "decimal( 9 , 2 )"},
		{"fixed[16]", "fixed(16)"}, {"long", "bigint"},
	} {
		if !catalog.SameTypeName(same[0], same[1]) {
			t.Errorf("%q and %q should be the same type", same[0], same[1])
		}
	}
	if catalog.SameTypeName("timestamp", "timestamptz") {
		t.Error("timestamp and timestamptz must differ")
	}
}

func fields(fs ...*catalog.Field) []*catalog.Field { return fs }

// C07: ids stay with names (or declared ids across a rename), new fields get
// last-column-id + 1, and drops are reported.
func TestEvolve(t *testing.T) {
	prior := fields(&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true},
		&catalog.Field{ID: 2, Name: "amount", Type: "decimal(10,2)"},
		&catalog.Field{ID: 3, Name: "meta", Type: "struct", Fields: fields(&catalog.Field{ID: 4, Name: "code", Type: "string"})})
	planned := fields(&catalog.Field{Name: "meta", Type: "struct", Fields: fields(
		&catalog.Field{Name: "code", Type: "string"}, &catalog.Field{Name: "city", Type: "string"})},
		&catalog.Field{ID: 2, Name: "total", Type: "decimal(12,2)"},
		&catalog.Field{Name: "channel", Type: "string"})
	// last-column-id 7: ids 5-7 belonged to dropped columns and are never reused.
	ev, err := catalog.Evolve(planned, prior, catalog.EvolveOptions{LastColumnID: 7, HasData: true, FormatVersion: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := []int{planned[0].ID, planned[0].Fields[0].ID, planned[0].Fields[1].ID, planned[1].ID, planned[2].ID}
	if want := []int{3, 4, 8, 2, 9}; !equalInts(got, want) {
		t.Errorf("ids %v, want %v", got, want)
	}
	if len(ev.Dropped) != 1 || ev.Dropped[0][0] != "id" || ev.LastID != 9 {
		t.Errorf("evolution %+v", ev)
	}

	for name, tc := range map[string]struct {
		planned []*catalog.Field
		want    string
	}{
		"optional to required with data": {fields(&catalog.Field{Name: "amount", Type: "decimal(10,2)", Required: true}), "optional column required"},
		"new required column with data":  {fields(&catalog.Field{Name: "x", Type: "string", Required: true}), "must be optional"},
		"struct to string":               {fields(&catalog.Field{Name: "meta", Type: "string"}), "changing a struct column to string"},
		"unknown id":                     {fields(&catalog.Field{ID: 42, Name: "y", Type: "string"}), "field id 42 is not an existing field"},
		"duplicate name":                 {fields(&catalog.Field{Name: "a", Type: "string"}, &catalog.Field{Name: "a", Type: "long"}), "declared twice"},
		"scale change":                   {fields(&catalog.Field{Name: "amount", Type: "decimal(10,3)"}), "scale"},
		"id of another column":           {fields(&catalog.Field{Name: "amount", Type: "decimal(10,2)"}, &catalog.Field{ID: 1, Name: "age", Type: "int"}), `field id 1 belongs to the existing column "id" (long), not to "age"`},
		"id at another level":            {fields(&catalog.Field{Name: "meta", Type: "struct", Fields: fields(&catalog.Field{ID: 2, Name: "code", Type: "decimal(10,2)"})}), `field id 2 belongs to column "amount", at another level`},
	} {
		_, err := catalog.Evolve(tc.planned, prior, catalog.EvolveOptions{LastColumnID: 7, HasData: true, FormatVersion: 2})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", name, err, tc.want)
		}
	}
}

// C10: identifier fields follow the spec's rules.
func TestCheckIdentifierField(t *testing.T) {
	fs := fields(&catalog.Field{Name: "id", Type: "long", Required: true},
		&catalog.Field{Name: "score", Type: "double", Required: true},
		&catalog.Field{Name: "meta", Type: "struct", Fields: fields(&catalog.Field{Name: "code", Type: "string", Required: true})},
		&catalog.Field{Name: "key", Type: "struct", Required: true, Fields: fields(&catalog.Field{Name: "code", Type: "string", Required: true})},
		&catalog.Field{Name: "tags", Type: "map", KeyType: "string", ValueType: "string"},
		&catalog.Field{Name: "email", Type: "string"})
	for ref, want := range map[string]string{
		"id": "", "key.code": "", "score": "float and double", "meta.code": `parent struct "meta" is optional`,
		"email": "optional", "tags.key": "inside a list or map", "tags": "map", "nope": "no column",
	} {
		_, err := catalog.CheckIdentifierField(fs, ref)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: err %v, want %q", ref, err, want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}

	return true
}

// A schema change made by someone else between plan and apply is never
// overwritten: Apply fails clearly instead.
func TestApply_concurrentSchemaChange(t *testing.T) {
	ctx := context.Background()
	d := &providerdata.Data{Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql",
		URI: filepath.Join(t.TempDir(), "c.db"), Warehouse: "file://" + t.TempDir()}}
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	_ = cat.CreateNamespace(ctx, []string{"ns"}, nil)
	ident := []string{"ns", "t"}
	s := &catalog.TableSpec{Fields: fields(&catalog.Field{Name: "id", Type: "long", Required: true}), FormatVersion: 2}
	_ = catalog.AssignFreshIDs(s.Fields)
	if _, err := catalog.Create(ctx, cat, ident, s); err != nil {
		t.Fatal(err)
	}
	prior := fields(&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true})
	// Someone adds a column out of band.
	other := &catalog.TableSpec{Fields: fields(&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true},
		&catalog.Field{ID: 2, Name: "by_hand", Type: "string"}), FormatVersion: 2}
	if _, err := catalog.Apply(ctx, cat, ident, other, prior); err != nil {
		t.Fatal(err)
	}
	// The change planned against the old schema must not drop by_hand.
	planned := &catalog.TableSpec{Fields: fields(&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true},
		&catalog.Field{ID: 2, Name: "channel", Type: "string"}), FormatVersion: 2}
	_, err = catalog.Apply(ctx, cat, ident, planned, prior)
	if !errors.Is(err, catalog.ErrConcurrentChange) {
		t.Fatalf("want ErrConcurrentChange, got %v", err)
	}
	tbl, _ := cat.LoadTable(ctx, ident)
	if _, ok := tbl.Schema().FindFieldByName("by_hand"); !ok {
		t.Fatal("the concurrent column was dropped")
	}
}

// On a format-version-1 table partition field ids are positional: a field
// replaced by void keeps its id and name, so the spec stays valid and new
// fields can still be appended after it.
func TestApply_v1PartitionVoidKeepsID(t *testing.T) {
	ctx := context.Background()
	d := &providerdata.Data{Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql",
		URI: filepath.Join(t.TempDir(), "c.db"), Warehouse: "file://" + t.TempDir()}}
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	ident := []string{"ns", "t"}
	spec := func(parts ...catalog.PartitionField) *catalog.TableSpec {
		return &catalog.TableSpec{FormatVersion: 1, Partition: parts, Fields: fields(
			&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true}, &catalog.Field{ID: 2, Name: "region", Type: "string"})}
	}
	bucket := catalog.PartitionField{Source: "id", Transform: "bucket[4]", Name: "id_bucket_4"}
	region := catalog.PartitionField{Source: "region", Transform: "identity", Name: "region"}
	if _, err := catalog.Create(ctx, cat, ident, spec(bucket, region)); err != nil {
		t.Fatal(err)
	}
	voided := catalog.PartitionField{Source: "id", Transform: "void", Name: "id_bucket_4"}
	if _, err := catalog.Apply(ctx, cat, ident, spec(voided, region), nil); err != nil {
		t.Fatal(err)
	}
	tbl, err := catalog.Apply(ctx, cat, ident, spec(voided, region,
		catalog.PartitionField{Source: "id", Transform: "bucket[8]", Name: "id_bucket_8"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	cur := tbl.Metadata().PartitionSpec()
	for _, f := range cur.Fields() {
		got = append(got, fmt.Sprintf("%d %s %s", f.FieldID, f.Name, f.Transform))
	}
	if want := "1000 id_bucket_4 void,1001 region identity,1002 id_bucket_8 bucket[8]"; strings.Join(got, ",") != want {
		t.Fatalf("v1 spec %q, want %q", strings.Join(got, ","), want)
	}
}

// The rule "no optional column becomes required on a table with data" is
// checked again against the table loaded for the commit, so a stale plan
// (rows appended after the refresh) cannot make a column with nulls
// required; without data the same change applies.
func TestApply_requiredRecheckedAgainstLiveTable(t *testing.T) {
	ctx := context.Background()
	d := &providerdata.Data{Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql",
		URI: filepath.Join(t.TempDir(), "c.db"), Warehouse: "file://" + t.TempDir()}}
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	spec := func(name string, required bool) *catalog.TableSpec {
		return &catalog.TableSpec{FormatVersion: 2, Fields: fields(
			&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true}, &catalog.Field{ID: 2, Name: name, Type: "int", Required: required})}
	}
	for _, withData := range []bool{false, true} {
		ident := []string{"ns", fmt.Sprintf("t%v", withData)}
		if _, err := catalog.Create(ctx, cat, ident, spec("qty", false)); err != nil {
			t.Fatal(err)
		}
		prior := spec("qty", false).Fields
		if withData {
			tbl, err := cat.LoadTable(ctx, ident)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := table.SchemaToArrowSchema(tbl.Schema(), nil, true, false)
			if err != nil {
				t.Fatal(err)
			}
			rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sc, strings.NewReader(`[{"id":1,"qty":null}]`))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tbl.AppendTable(ctx, array.NewTableFromRecords(sc, []arrow.RecordBatch{rec}), 10, nil); err != nil {
				t.Fatal(err)
			}
			rec.Release()
		}
		_, err := catalog.Apply(ctx, cat, ident, spec("qty", true), prior)
		if withData && (err == nil || !strings.Contains(err.Error(), "holds data")) {
			t.Errorf("with data: want a refusal naming the data, got %v", err)
		}
		if !withData && err != nil {
			t.Errorf("without data: %v", err)
		}
	}
}

// Nanosecond timestamps exist only in format version 3: refused with the
// field path below that, accepted (and created) at 3.
func TestCheckFormatVersion(t *testing.T) {
	fs := fields(&catalog.Field{Name: "id", Type: "long", Required: true},
		&catalog.Field{Name: "events", Type: "list", ElementType: "struct", Fields: fields(
			&catalog.Field{Name: "at", Type: "timestamptz_ns"})})
	err := catalog.CheckFormatVersion(fs, 2)
	var pe *catalog.PathError
	if !errors.As(err, &pe) || strings.Join(pe.Path, ".") != "events.at" || pe.Attr != "type" ||
		!strings.Contains(err.Error(), "format_version = 3") {
		t.Fatalf("want a path error on events.at naming format_version = 3, got %v", err)
	}
	if err := catalog.CheckFormatVersion(fields(&catalog.Field{Name: "m", Type: "map", KeyType: "string", ValueType: "timestamp_ns"}), 1); err == nil ||
		!strings.Contains(err.Error(), "timestamp_ns") {
		t.Fatalf("map value: got %v", err)
	}
	if err := catalog.CheckFormatVersion(fs, 3); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d := &providerdata.Data{Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql",
		URI: filepath.Join(t.TempDir(), "c.db"), Warehouse: "file://" + t.TempDir()}}
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	s := &catalog.TableSpec{FormatVersion: 3, Fields: fs}
	if err := catalog.AssignFreshIDs(s.Fields); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Create(ctx, cat, []string{"ns", "v3"}, s); err != nil {
		t.Fatalf("a v3 table with nanosecond timestamps: %v", err)
	}
}

// A partition field is the same field when its source field id and
// transform are: renaming the source column or the partition field keeps
// its partition field id; a new transform gets a new id.
func TestPartitionSpec_matchesBySourceIDAndTransform(t *testing.T) {
	s := &catalog.TableSpec{FormatVersion: 2, Fields: fields(&catalog.Field{ID: 1, Name: "student_id", Type: "long", Required: true},
		&catalog.Field{ID: 2, Name: "event_ts", Type: "timestamptz"}),
		Partition: []catalog.PartitionField{
			{Source: "student_id", Transform: "bucket[8]", Name: "student_bucket"},
			{Source: "event_ts", Transform: "day", Name: "event_ts_day"},
			{Source: "student_id", Transform: "truncate[10]", Name: "student_trunc"},
		}}
	sc, err := s.Schema(0)
	if err != nil {
		t.Fatal(err)
	}
	old := iceberg.NewPartitionSpecID(0,
		iceberg.PartitionField{SourceIDs: []int{1}, FieldID: 1000, Name: "id_bucket_8", Transform: iceberg.BucketTransform{NumBuckets: 8}},
		iceberg.PartitionField{SourceIDs: []int{2}, FieldID: 1001, Name: "ts_day", Transform: iceberg.DayTransform{}})
	spec, err := s.PartitionSpec(sc, []iceberg.PartitionSpec{old})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range spec.Fields() {
		got = append(got, fmt.Sprintf("%d:%s", f.FieldID, f.Name))
	}
	// A new field's id (0 here) is assigned when the table metadata binds the spec.
	if want := "1000:student_bucket 1001:event_ts_day 0:student_trunc"; strings.Join(got, " ") != want {
		t.Errorf("spec %s, want %s", strings.Join(got, " "), want)
	}
}
