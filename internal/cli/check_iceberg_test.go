package cli

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// An Iceberg table (SQLite catalog, local warehouse) is checked through the
// same engine, with Iceberg's logical types (C24: a nullable int column is
// "int" whatever the storage), at the latest snapshot or a given one.
func TestCheck_IcebergTable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := &providerdata.Data{Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql", Name: "test",
		URI: "file:" + filepath.Join(dir, "catalog.db"), Warehouse: "file://" + filepath.Join(dir, "warehouse")}}
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, table.Identifier{"oulad"}, nil); err != nil {
		t.Fatal(err)
	}
	sc := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "week", Type: iceberg.PrimitiveTypes.Int32},
	)
	tbl, err := cat.CreateTable(ctx, table.Identifier{"oulad", "weeks"}, sc)
	if err != nil {
		t.Fatal(err)
	}
	aschema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "week", Type: arrow.PrimitiveTypes.Int32, Nullable: true}}, nil)
	appendRows := func(tbl *table.Table, ids []int64, weeks []int32, valid []bool) *table.Table {
		b := array.NewRecordBuilder(memory.DefaultAllocator, aschema)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).AppendValues(ids, nil)
		b.Field(1).(*array.Int32Builder).AppendValues(weeks, valid)
		rec := b.NewRecordBatch()
		defer rec.Release()
		at := array.NewTableFromRecords(aschema, []arrow.RecordBatch{rec})
		defer at.Release()
		out, err := tbl.AppendTable(ctx, at, 1024, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tbl = appendRows(tbl, []int64{1, 2, 3}, []int32{1, 0, 3}, []bool{true, false, true})
	first := tbl.CurrentSnapshot().SnapshotID
	tbl = appendRows(tbl, []int64{3}, []int32{60}, nil)
	_ = tbl

	suite, err := expectations.ParseSuite([]byte(`{"name":"ice","expectations":[
	  {"type":"expect_column_values_to_be_of_type","kwargs":{"column":"week","type_":"int32"}},
	  {"type":"expect_column_values_to_be_unique","kwargs":{"column":"id"}},
	  {"type":"expect_column_values_to_be_between","kwargs":{"column":"week","min_value":1,"max_value":53}},
	  {"type":"expect_table_row_count_to_equal","kwargs":{"value":4}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	run := func(uri string) *expectations.Result {
		src, err := openIcebergSource(ctx, d, uri, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = src.Close() }() // read-only
		res, err := expectations.Run(ctx, suite, src, expectations.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := run("iceberg://oulad.weeks")
	want := []bool{true, false, false, true}
	for i, w := range want {
		if res.Results[i].Success != w {
			t.Errorf("latest snapshot, %s: success=%v want %v (%v %s)", res.Results[i].ExpectationConfig.Type, res.Results[i].Success, w,
				res.Results[i].Result, res.Results[i].ExceptionInfo.Message)
		}
	}
	if res.Results[0].Result["missing_count"] != int64(1) {
		t.Errorf("the null week is missing: %v", res.Results[0].Result)
	}
	res = run("iceberg://oulad.weeks@" + itoa(first))
	if !res.Results[1].Success || !res.Results[2].Success || res.Results[3].Success {
		t.Errorf("first snapshot (3 rows, no duplicate, weeks in range): %+v", res.Results)
	}
	if _, err := openIcebergSource(ctx, d, "iceberg://oulad.absent", 0); err == nil {
		t.Error("an absent table must be an error")
	}
	if _, err := openIcebergSource(ctx, d, "iceberg://weeks", 0); err == nil {
		t.Error("a table without namespace must be a usage error")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
