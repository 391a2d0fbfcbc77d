package submission_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// measuresParquet writes rows (student_key, unit, score) as Parquet; a nil
// pointer is a null.
func measuresParquet(t *testing.T, keys, units []*string, scores []*float64) []byte {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "student_key", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "unit", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range keys {
		for c, v := range []*string{keys[i], units[i]} {
			if v == nil {
				b.Field(c).AppendNull()
			} else {
				sb, _ := b.Field(c).(*array.StringBuilder)
				sb.Append(*v)
			}
		}
		if scores[i] == nil {
			b.Field(2).AppendNull()
		} else {
			fb, _ := b.Field(2).(*array.Float64Builder)
			fb.Append(*scores[i])
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	buf := bytes.NewBuffer(parquettest.Bytes(t, rec))

	return buf.Bytes()
}

func sp(s string) *string   { return &s }
func fp(f float64) *float64 { return &f }

// Parquet tables go through the same dictionary, sidecar and key checks
// as CSV; a Parquet null is a missing value.
func TestValidate_Parquet(t *testing.T) {
	schema := mustSchema(t, strings.Replace(districtSchema, `"optional_entities": ["run"],`,
		`"optional_entities": ["run"], "extensions": [".csv", ".parquet"],`, 1))
	root := district(t)
	write(t, root, "north/inst-north_term-spring_measures.parquet", measuresParquet(t,
		[]*string{sp("S0001"), sp("S0002"), sp("S9999"), nil},
		[]*string{sp("mV"), nil, sp("mV"), sp("mV")},
		[]*float64{fp(40), fp(60), nil, fp(1)}))
	r := run(t, root, schema, submission.Options{})
	loc := "north/inst-north_term-spring_measures.parquet"
	if is := find(r, "CSV_VALUE_OUT_OF_RANGE", loc); is == nil || is.Examples[0] != "60" || is.Record != 2 {
		t.Errorf("want score 60 above the inherited maximum 50 at record 2:\n%s", dump(r))
	}
	if is := find(r, "FOREIGN_KEY_ORPHAN", loc); is == nil || is.Examples[0] != "S9999" {
		t.Errorf("want orphan S9999:\n%s", dump(r))
	}
	if is := find(r, "CSV_VALUE_MISSING", loc); is == nil || is.SubCode != "student_key" || is.Record != 4 {
		t.Errorf("want a null student_key at record 4:\n%s", dump(r))
	}
	if r.Summary.Errors != 3 || r.Summary.RowsRead != 8 {
		t.Errorf("want 3 errors over 8 rows:\n%s", dump(r))
	}

	write(t, root, loc, []byte("PAR1 not really"))
	r = run(t, root, schema, submission.Options{})
	if find(r, "PARQUET_INVALID", loc) == nil {
		t.Errorf("want PARQUET_INVALID for a truncated file:\n%s", dump(r))
	}
}
