package submission

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)

	return filepath.Join(filepath.Dir(file), "..", "..")
}

func benchSchema(b *testing.B) *Schema {
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "examples", "schemas", "oulad.json"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := ParseSchema(raw)
	if err != nil {
		b.Fatal(err)
	}

	return s
}

// BenchmarkColumnDictionary measures the hot path alone: checking parsed
// studentInfo records (12 columns: enumerations, integers, ranges) against
// the column dictionary. Reported as rows/s.
func BenchmarkColumnDictionary(b *testing.B) {
	s := benchSchema(b)
	f, err := os.Open(filepath.Join(repoRoot(), "examples", "quickstart", "data", "oulad", "studentInfo.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, err := tabular.NewCSVReader(f, tabular.CSVOptions{})
	if err != nil {
		b.Fatal(err)
	}
	var recs []tabular.Record
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		recs = append(recs, rec)
	}
	v := &validator{ctx: b.Context(), schema: s, out: newCollector(nil, false), keySets: map[string]map[uint64]struct{}{}}
	fl := &file{Entry: runnerio.Entry{Rel: "studentInfo.csv"}, table: s.tableIndex["studentInfo"]}
	plan := v.planColumns(fl, r.Header(), fl.table.Columns)
	b.ResetTimer()
	rows := 0
	for b.Loop() {
		for _, rec := range recs {
			plan.checkRecord(v, fl, rec)
		}
		rows += len(recs)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkValidateOULAD measures a whole run over the six OULAD tables
// (64,430 rows): listing, decoding, CSV parsing, column checks, primary and
// foreign keys.
func BenchmarkValidateOULAD(b *testing.B) {
	s := benchSchema(b)
	ds := Dataset{Store: runnerio.NewStore(nil), Root: runnerio.Location{Key: filepath.Join(repoRoot(), "examples", "quickstart", "data", "oulad")}}
	b.ReportAllocs()
	rows := int64(0)
	for b.Loop() {
		r, err := Validate(b.Context(), ds, s, Options{MaxRows: -1})
		if err != nil {
			b.Fatal(err)
		}
		rows += r.Summary.RowsRead
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// Every issue code is documented in the guide, with its default severity.
func TestIssueCodesDocumented(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "templates", "guides", "submission-schema.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	for code, info := range codeInfo {
		row := "| `" + code + "` | " + info.severity + " |"
		if !bytes.Contains(raw, []byte(row)) {
			t.Errorf("the guide lacks %q", row)
		}
	}
}

// The example reclassification config shipped with the schemas parses.
func TestExampleConfigParses(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(), "examples", "schemas", "validate-config.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	is := Issue{Code: "CSV_ADDITIONAL_COLUMN_NOT_ALLOWED", Location: "pilot/inst-a_roster.csv", Severity: SeverityError}
	c.apply(&is)
	if is.Severity != SeverityWarning {
		t.Fatalf("severity %s, want warning", is.Severity)
	}
}
