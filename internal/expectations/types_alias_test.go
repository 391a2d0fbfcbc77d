package expectations

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// C24: the alias table. Each logical type accepts its documented names and
// refuses its neighbours' (int is not long, float is not double, timestamp
// is not timestamptz).
func TestTypeAliases_C24(t *testing.T) {
	mem := memory.DefaultAllocator
	build := func(dt arrow.DataType) Column {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		b.AppendNull()
		return NewArrowColumn(b.NewArray(), false)
	}
	cols := map[string]Column{
		"i32": build(arrow.PrimitiveTypes.Int32), "i64": build(arrow.PrimitiveTypes.Int64),
		"f32": build(arrow.PrimitiveTypes.Float32), "f64": build(arrow.PrimitiveTypes.Float64),
		"s": build(arrow.BinaryTypes.String), "dec": build(&arrow.Decimal128Type{Precision: 9, Scale: 2}),
		"ts": build(&arrow.TimestampType{Unit: arrow.Microsecond}), "tstz": build(&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}),
	}
	cases := []struct {
		col, typ string
		want     bool
	}{
		{"i32", "int32", true}, {"i32", "integer", true}, {"i32", "int", true}, {"i32", "int64", false}, {"i32", "bigint", false},
		{"i64", "int64", true}, {"i64", "bigint", true}, {"i64", "long", true}, {"i64", "int32", false},
		{"f32", "float32", true}, {"f32", "double", false}, {"f32", "float64", false},
		{"f64", "float64", true}, {"f64", "double", true}, {"f64", "float32", false},
		{"s", "utf8", true}, {"s", "string", true}, {"s", "int", false},
		{"dec", "decimal", true}, {"dec", "decimal(9,2)", true}, {"dec", "decimal(10,2)", false}, {"dec", "double", false},
		{"ts", "timestamp", true}, {"ts", "timestamptz", false}, {"tstz", "timestamptz", true}, {"tstz", "timestamp", false},
	}
	var names []string
	var list []Column
	for n, c := range cols {
		names, list = append(names, n), append(list, c)
	}
	js := `{"name":"aliases","expectations":[`
	for i, c := range cases {
		if i > 0 {
			js += ","
		}
		js += fmt.Sprintf(`{"type":"expect_column_values_to_be_of_type","kwargs":{"column":%q,"type_":%q}}`, c.col, c.typ)
	}
	res, err := Run(context.Background(), suiteOf(t, js+"]}"), &MemorySource{Names: names, Cols: list}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if r := res.Results[i]; r.Success != c.want || r.ExceptionInfo.Raised {
			t.Errorf("%s as %q: success %v, want %v (%v %s)", c.col, c.typ, r.Success, c.want, r.Result, r.ExceptionInfo.Message)
		}
	}
}
