package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

// studentRow is one row of the check fixtures: grp and code hold the
// token "NA" in some rows, and nulls in others.
type studentRow struct {
	id        int64
	grp, code *string
	score     *float64
}

const studentRows = 240

func studentData() []studentRow {
	groups := []string{"a", "b", "c", "d", "NA"}
	out := make([]studentRow, studentRows)
	for i := range out {
		r := studentRow{id: int64(i)}
		if i%7 != 0 {
			g := groups[(i*3)%len(groups)]
			r.grp = &g
		}
		if i%9 != 0 {
			s := float64((i*37)%1000) / 10
			r.score = &s
		}
		c := fmt.Sprintf("S-%03d", i%150)
		if i%11 == 0 {
			c = "NA"
		}
		r.code = &c
		out[i] = r
	}

	return out
}

// nullTokens returns the rows with the token "NA" written as null.
func nullTokens(rows []studentRow) []studentRow {
	out := make([]studentRow, len(rows))
	for i, r := range rows {
		if r.grp != nil && *r.grp == "NA" {
			r.grp = nil
		}
		if r.code != nil && *r.code == "NA" {
			r.code = nil
		}
		out[i] = r
	}

	return out
}

func writeStudentsCSV(t *testing.T, dir, name string, rows []studentRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,grp,score,code\n")
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, r := range rows {
		score := ""
		if r.score != nil {
			score = strconv.FormatFloat(*r.score, 'g', -1, 64)
		}
		fmt.Fprintf(&b, "%d,%s,%s,%s\n", r.id, str(r.grp), score, str(r.code))
	}

	return writeFile(t, dir, name, []byte(b.String()))
}

// writeStudentsParquet writes the rows with the writer's defaults, so the
// string columns are dictionary-encoded (and the runner reads them as
// Arrow dictionaries; the test checks it does).
func writeStudentsParquet(t *testing.T, dir, name string, rows []studentRow) string {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "grp", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "code", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer bld.Release()
	appendStr := func(b *array.StringBuilder, p *string) {
		if p == nil {
			b.AppendNull()
		} else {
			b.Append(*p)
		}
	}
	for _, r := range rows {
		bld.Field(0).(*array.Int64Builder).Append(r.id)
		appendStr(bld.Field(1).(*array.StringBuilder), r.grp)
		if r.score == nil {
			bld.Field(2).AppendNull()
		} else {
			bld.Field(2).(*array.Float64Builder).Append(*r.score)
		}
		appendStr(bld.Field(3).(*array.StringBuilder), r.code)
	}
	rec := bld.NewRecordBatch()
	defer rec.Release()
	buf := bytes.NewBuffer(parquettest.Bytes(t, rec))
	st, err := tabular.NewParquetStreamWith(context.Background(), bytes.NewReader(buf.Bytes()), tabular.ParquetOptions{DictStrings: true})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := st.Schema().FieldsByName("grp"); len(f) != 1 || f[0].Type.ID() != arrow.DICTIONARY {
		t.Fatalf("the fixture's grp column is not read as a dictionary: %v", st.Schema())
	}
	_ = st.Close() // read-only

	return writeFile(t, dir, name, buf.Bytes())
}

// checkResult is the part of `check --result` JSON the tests compare.
type checkResult struct {
	Success    bool           `json:"success"`
	Statistics map[string]any `json:"statistics"`
	Results    []struct {
		Success           bool           `json:"success"`
		Result            map[string]any `json:"result"`
		ExpectationConfig struct {
			Type string `json:"type"`
		} `json:"expectation_config"`
		ExceptionInfo struct {
			Raised  bool   `json:"raised_exception"`
			Message string `json:"exception_message"`
		} `json:"exception_info"`
	} `json:"results"`
}

// runCheckJSON runs check with --result and returns the exit code and the
// parsed result.
func runCheckJSON(t *testing.T, args ...string) (int, checkResult) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "result.json")
	code, stdout, stderr := runCLI(t, append([]string{"check", "--result", out}, args...)...)
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("check %v: exit %d, no result file (%v)\n%s%s", args, code, err, stdout, stderr)
	}
	var res checkResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("result JSON: %v\n%s", err, raw)
	}
	for _, r := range res.Results {
		if r.ExceptionInfo.Raised {
			t.Errorf("check %v: %s raised: %s", args, r.ExpectationConfig.Type, r.ExceptionInfo.Message)
		}
	}

	return code, res
}

// sameValue compares two JSON values, numbers to 1e-9 relative.
func sameValue(a, b any) bool {
	fa, aok := a.(float64)
	fb, bok := b.(float64)
	if aok && bok {
		return fa == fb || math.Abs(fa-fb) <= 1e-9*math.Max(1, math.Abs(fa))
	}
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)

	return bytes.Equal(aj, bj)
}
