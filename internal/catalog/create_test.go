package catalog_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// Declared ids are kept on a new table; the other fields, elements and
// values take the lowest unused ids in Iceberg's order, so without declared
// ids, or with only the ids Iceberg gives anyway, the numbering is
// Iceberg's own.
func TestAssignNewTableIDs(t *testing.T) {
	declared := fields(&catalog.Field{ID: 2, Name: "term_code", Type: "string"},
		&catalog.Field{Name: "student", Type: "string"},
		&catalog.Field{Name: "tags", Type: "list", ElementType: "string"},
		&catalog.Field{Name: "meta", Type: "struct", Fields: fields(&catalog.Field{ID: 7, Name: "code", Type: "string"},
			&catalog.Field{Name: "city", Type: "string"})})
	if err := catalog.AssignNewTableIDs(declared); err != nil {
		t.Fatal(err)
	}
	got := []int{declared[0].ID, declared[1].ID, declared[2].ID, declared[2].ElementID, declared[3].ID,
		declared[3].Fields[0].ID, declared[3].Fields[1].ID}
	if want := []int{2, 1, 3, 4, 5, 7, 6}; !slices.Equal(got, want) {
		t.Errorf("ids %v, want %v", got, want)
	}
	if m := catalog.MaxID(declared); m != 7 {
		t.Errorf("highest id %d, want 7", m)
	}

	nested := func() []*catalog.Field {
		return fields(&catalog.Field{Name: "a", Type: "string"},
			&catalog.Field{Name: "b", Type: "struct", Fields: fields(&catalog.Field{Name: "c", Type: "int"},
				&catalog.Field{Name: "m", Type: "map", KeyType: "string", ValueType: "struct", Fields: fields(
					&catalog.Field{Name: "v", Type: "long"})})},
			&catalog.Field{Name: "l", Type: "list", ElementType: "struct", Fields: fields(&catalog.Field{Name: "e", Type: "date"})},
			&catalog.Field{Name: "z", Type: "double"})
	}
	ids := func(fs []*catalog.Field) []int {
		var out []int
		var walk func([]*catalog.Field)
		walk = func(fs []*catalog.Field) {
			for _, f := range fs {
				out = append(out, f.ID, f.ElementID, f.KeyID, f.ValueID)
				walk(f.Fields)
			}
		}
		walk(fs)

		return out
	}
	fresh := nested()
	if err := catalog.AssignFreshIDs(fresh); err != nil {
		t.Fatal(err)
	}
	none := nested()
	if err := catalog.AssignNewTableIDs(none); err != nil {
		t.Fatal(err)
	}
	// Declaring the id Iceberg gives a nested field changes nothing.
	some := nested()
	some[2].Fields[0].ID = fresh[2].Fields[0].ID
	if err := catalog.AssignNewTableIDs(some); err != nil {
		t.Fatal(err)
	}
	// Every field declared, as -generate-config-out writes them after an
	// import (element, key and value ids are not declarable): the same ids.
	all := nested()
	var declare func(dst, src []*catalog.Field)
	declare = func(dst, src []*catalog.Field) {
		for i := range dst {
			dst[i].ID = src[i].ID
			declare(dst[i].Fields, src[i].Fields)
		}
	}
	declare(all, fresh)
	if err := catalog.AssignNewTableIDs(all); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(none), ids(fresh)) || !slices.Equal(ids(some), ids(fresh)) || !slices.Equal(ids(all), ids(fresh)) {
		t.Errorf("ids %v, %v and %v, want Iceberg's %v", ids(none), ids(some), ids(all), ids(fresh))
	}

	for name, tc := range map[string]struct {
		fields []*catalog.Field
		attr   string
		index  []int
		want   string
	}{
		"duplicate id": {fields(&catalog.Field{ID: 3, Name: "a", Type: "string"}, &catalog.Field{Name: "s", Type: "struct",
			Fields: fields(&catalog.Field{ID: 3, Name: "b", Type: "string"})}), "id", []int{1, 0}, "field id 3 is declared twice (also at schema[0])"},
		"reserved id":    {fields(&catalog.Field{ID: iceberg.MaxStructFieldID + 1, Name: "a", Type: "string"}), "id", []int{0}, "outside 1.."},
		"duplicate name": {fields(&catalog.Field{Name: "a", Type: "string"}, &catalog.Field{Name: "a", Type: "long"}), "name", []int{1}, "declared twice"},
	} {
		err := catalog.AssignNewTableIDs(tc.fields)
		var pe *catalog.PathError
		if !errors.As(err, &pe) || pe.Attr != tc.attr || !slices.Equal(pe.Index, tc.index) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v (%+v), want %s at %v: %q", name, err, pe, tc.attr, tc.index, tc.want)
		}
	}
}

// declaredSpec is a table whose ids come from an earlier rename (term_code
// keeps id 2 and comes first), partitioned and sorted by its columns.
func declaredSpec(t *testing.T) *catalog.TableSpec {
	t.Helper()
	s := &catalog.TableSpec{FormatVersion: 2, IdentifierFields: []string{"student"}, Fields: fields(
		&catalog.Field{ID: 2, Name: "term_code", Type: "string"},
		&catalog.Field{ID: 1, Name: "student", Type: "string", Required: true},
		&catalog.Field{Name: "scores", Type: "map", KeyType: "string", ValueType: "double"}),
		Partition:  []catalog.PartitionField{{Source: "term_code", Transform: "identity", Name: "term_code"}},
		Sort:       []catalog.SortField{{Source: "student", Transform: "identity", Direction: "desc", NullOrder: "nulls-last"}},
		Properties: map[string]string{"write.format.default": "parquet"},
	}
	if err := catalog.AssignNewTableIDs(s.Fields); err != nil {
		t.Fatal(err)
	}

	return s
}

// checkDeclared checks that tbl holds exactly the declared ids and that its
// partition spec and sort order refer to them.
func checkDeclared(t *testing.T, md table.Metadata) {
	t.Helper()
	sc := md.CurrentSchema()
	for name, id := range map[string]int{"term_code": 2, "student": 1, "scores": 3, "scores.key": 4, "scores.value": 5} {
		if f, ok := sc.FindFieldByName(name); !ok || f.ID != id {
			t.Errorf("%s has id %d, want %d (schema %s)", name, f.ID, id, sc)
		}
	}
	if sc.Fields()[0].Name != "term_code" || md.LastColumnID() != 5 || sc.ID != 0 || len(md.Schemas()) != 1 {
		t.Errorf("schema %s (id %d, %d schemas), last-column-id %d", sc, sc.ID, len(md.Schemas()), md.LastColumnID())
	}
	if !slices.Equal(sc.IdentifierFieldIDs, []int{1}) {
		t.Errorf("identifier fields %v, want [1]", sc.IdentifierFieldIDs)
	}
	if spec := md.PartitionSpec(); spec.NumFields() != 1 || spec.Field(0).SourceID() != 2 || spec.Field(0).FieldID != 1000 {
		t.Errorf("partition spec %s, want identity(2) as field 1000", spec.String())
	}
	var sortIDs []int
	for _, f := range md.SortOrder().Fields() {
		sortIDs = append(sortIDs, f.SourceID())
	}
	if so := md.SortOrder(); !slices.Equal(sortIDs, []int{1}) || so.OrderID() != 1 {
		t.Errorf("sort order %s, want order 1 on field 1", so)
	}
	if md.Properties()["write.format.default"] != "parquet" || md.Version() != 2 {
		t.Errorf("properties %v, format version %d", md.Properties(), md.Version())
	}
}

// A table created with declared ids holds exactly those ids, lies where the
// catalog would have put it, and is an ordinary table of the catalog
// afterwards (listed, loaded, renamed, dropped); a second create of the same
// name fails as CreateTable does.
func testCreateWithIDs(t *testing.T, d *providerdata.Data) {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range [][]string{{"lake"}, {"lake", "v1.2"}} {
		if err := cat.CreateNamespace(ctx, ns, nil); err != nil {
			t.Fatal(err)
		}
		ident := append(slices.Clone(ns), "enrolments")
		// Where CreateTable puts a table of this name is where the
		// declared-ids path must put it too.
		plain := &catalog.TableSpec{FormatVersion: 2, Fields: fields(&catalog.Field{Name: "x", Type: "string"})}
		if err := catalog.AssignNewTableIDs(plain.Fields); err != nil {
			t.Fatal(err)
		}
		ref, err := catalog.Create(ctx, cat, ident, plain)
		if err != nil {
			t.Fatal(err)
		}
		if err := cat.DropTable(ctx, ident); err != nil {
			t.Fatal(err)
		}

		tbl, err := catalog.Create(ctx, cat, ident, declaredSpec(t))
		if err != nil {
			t.Fatalf("%v: %v", ident, err)
		}
		checkDeclared(t, tbl.Metadata())
		if tbl.Metadata().Location() != ref.Metadata().Location() {
			t.Errorf("location %s, CreateTable chose %s", tbl.Metadata().Location(), ref.Metadata().Location())
		}
		var listed []string
		for id, err := range cat.ListTables(ctx, ns) {
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, catalog.FormatIdentifier(id))
		}
		if !slices.Contains(listed, catalog.FormatIdentifier(ident)) {
			t.Errorf("ListTables(%v) = %v, want the new table", ns, listed)
		}
		if _, err := catalog.Create(ctx, cat, ident, declaredSpec(t)); !errors.Is(err, icecatalog.ErrTableAlreadyExists) {
			t.Errorf("creating %v twice: %v, want ErrTableAlreadyExists", ident, err)
		}
		moved := append(slices.Clone(ns), "enrolments_2024")
		if _, err := cat.RenameTable(ctx, ident, moved); err != nil {
			t.Fatal(err)
		}
		again, err := cat.LoadTable(ctx, moved)
		if err != nil {
			t.Fatal(err)
		}
		checkDeclared(t, again.Metadata())
		if err := cat.DropTable(ctx, moved); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := catalog.Create(ctx, cat, []string{"missing", "t"}, declaredSpec(t)); !errors.Is(err, icecatalog.ErrNoSuchNamespace) {
		t.Errorf("creating in a missing namespace: %v, want ErrNoSuchNamespace", err)
	}
}

func TestCreate_declaredIDsSQLite(t *testing.T) {
	testCreateWithIDs(t, &providerdata.Data{S3: s3Settings(), Catalog: providerdata.CatalogSettings{
		Configured: true, Type: "sql", URI: filepath.Join(t.TempDir(), "catalog.db"),
		Warehouse: "s3://" + newBucket(t) + "/wh",
	}})
}

func TestCreate_declaredIDsPostgres(t *testing.T) {
	dsn, err := testPostgres.CreateDatabase("cat_declared_ids")
	if err != nil {
		t.Fatal(err)
	}
	testCreateWithIDs(t, &providerdata.Data{S3: s3Settings(), Catalog: providerdata.CatalogSettings{
		Configured: true, Type: "sql", URI: dsn, Warehouse: "s3://" + newBucket(t) + "/wh",
	}})
}

// On a REST catalog the table is registered (POST .../register) from the
// metadata file the provider wrote.
func TestCreate_declaredIDsREST(t *testing.T) {
	srv := startFake(t)
	ctx := context.Background()
	cat, err := catalog.Open(ctx, restData(srv, providerdata.CatalogSettings{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"lake"}, nil); err != nil {
		t.Fatal(err)
	}
	// Without a location the client cannot know where the server keeps
	// tables: the error says to set one.
	_, err = catalog.Create(ctx, cat, []string{"lake", "t"}, declaredSpec(t))
	if err == nil || !strings.Contains(err.Error(), "set location") {
		t.Fatalf("create without a location: %v", err)
	}
	s := declaredSpec(t)
	s.Location = "file://" + t.TempDir() + "/lake/t"
	tbl, err := catalog.Create(ctx, cat, []string{"lake", "t"}, s)
	if err != nil {
		t.Fatal(err)
	}
	checkDeclared(t, tbl.Metadata())
	if srv.Registers.Load() != 1 {
		t.Errorf("%d register calls, want 1", srv.Registers.Load())
	}
	backed, err := srv.Catalog().LoadTable(ctx, []string{"lake", "t"})
	if err != nil {
		t.Fatal(err)
	}
	checkDeclared(t, backed.Metadata())
}
