package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/deid"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular/parquettest"
)

const deidTestPolicy = `{"format_version":1,"subject_column":"Id","columns":{
  "Id":{"action":"pseudonymise"},"Full Name":{"action":"drop"},"notes":{"action":"scrub"},"visit":{"action":"date_shift"}}}`

func runDeidCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), append([]string{"deid"}, args...), &out, &errb)

	return code, out.String(), errb.String()
}

func TestDeidCommandCSV(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	in := filepath.Join(dir, "in.csv")
	out := filepath.Join(dir, "out.csv")
	audit := filepath.Join(dir, "audit.json")
	input := "Id,Full Name,notes,visit\n1,Dana Whitfield,\"called 617-555-0134, ssn 401-55-0172\",2021-03-04\n"
	deidMust(t, os.WriteFile(pol, []byte(deidTestPolicy), 0o600))
	deidMust(t, os.WriteFile(in, []byte(input), 0o600))
	t.Setenv("LAKEHOUSE_DEID_KEY", "a-test-key-of-32-bytes-exactly!!")
	code, stdout, stderr := runDeidCmd(t, "--policy", pol, in, "--out", out, "--audit", audit, "--output", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got, _ := os.ReadFile(out)
	if strings.Contains(string(got), "Whitfield") || strings.Contains(string(got), "0172") || strings.Contains(string(got), "2021-03-04") {
		t.Fatalf("identifier left in the output: %q", got)
	}
	if back, _ := os.ReadFile(in); string(back) != input {
		t.Fatal("the input changed")
	}
	var rep struct {
		Rows    int
		Columns []struct{ Column, Action string }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Rows != 1 || len(rep.Columns) != 4 {
		t.Fatalf("report %q: %v", stdout, err)
	}
	if a, _ := os.ReadFile(audit); strings.Contains(string(a), "Whitfield") || strings.Contains(string(a), "a-test-key") {
		t.Fatal("the audit holds a value or the key")
	}
}

// C32: a failure in the middle of the input leaves no output file and exits non-zero.
func TestDeidCommandAtomicOnFailure_C32(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	in := filepath.Join(dir, "in.csv")
	out := filepath.Join(dir, "out.csv")
	deidMust(t, os.WriteFile(pol, []byte(deidTestPolicy), 0o600))
	rows := "Id,Full Name,notes,visit\n" + strings.Repeat("1,A,b,2021-01-01\n", 100000) + "2,B,c\n"
	deidMust(t, os.WriteFile(in, []byte(rows), 0o600))
	t.Setenv("LAKEHOUSE_DEID_KEY", "a-test-key-of-32-bytes-exactly!!")
	code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", out)
	if code != ExitRuntime || !strings.Contains(stderr, "record 100001") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "out") || strings.HasPrefix(e.Name(), ".out") {
			t.Fatalf("partial output left behind: %s", e.Name())
		}
	}
}

// UTF-16 without a byte-order mark is refused naming the input and the
// encoding found, and leaves no output.
func TestDeidCommandUTF16WithoutBOMRefused(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	in := filepath.Join(dir, "in.csv")
	out := filepath.Join(dir, "out.csv")
	deidMust(t, os.WriteFile(pol, []byte(deidTestPolicy), 0o600))
	deidMust(t, os.WriteFile(in, utf16NoBOM("Id,Full Name,notes,visit\n1,Dana Whitfield,x,2021-03-04\n"), 0o600))
	t.Setenv("LAKEHOUSE_DEID_KEY", "a-test-key-of-32-bytes-exactly!!")
	code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", out)
	if code != ExitRuntime || !strings.Contains(stderr, in) ||
		!strings.Contains(stderr, "looks like UTF-16LE without a byte-order mark: re-save as UTF-8") {
		t.Fatalf("exit %d (want %d), stderr %q", code, ExitRuntime, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("an output was left behind: %v", err)
	}
}

func TestDeidCommandUsageErrors(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	in := filepath.Join(dir, "in.csv")
	deidMust(t, os.WriteFile(in, []byte("Id,x\n1,2\n"), 0o600))
	deidMust(t, os.WriteFile(pol, []byte(`{"format_version":1,"columns":{"Id":{"action":"shred"}}}`), 0o600))
	if code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", filepath.Join(dir, "o.csv")); code != ExitUsage || !strings.Contains(stderr, `columns["Id"].action`) {
		t.Fatalf("bad policy: exit %d, %q", code, stderr)
	}
	// A misspelt parameter is named where it is, with the field it is a slip for.
	deidMust(t, os.WriteFile(pol, []byte(`{"format_version":1,"columns":{"Id":{"action":"pseudonymise","lentgh":32}}}`), 0o600))
	if code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", filepath.Join(dir, "o.csv")); code != ExitUsage ||
		!strings.Contains(stderr, `columns["Id"].lentgh: unknown field (did you mean "length"?)`) {
		t.Fatalf("misspelt parameter: exit %d, %q", code, stderr)
	}
	deidMust(t, os.WriteFile(pol, []byte(deidTestPolicy), 0o600))
	t.Setenv("LAKEHOUSE_DEID_KEY", "")
	if code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", filepath.Join(dir, "o.csv")); code != ExitUsage || !strings.Contains(stderr, "LAKEHOUSE_DEID_KEY") {
		t.Fatalf("missing key: exit %d, %q", code, stderr)
	}
	if code, _, _ := runDeidCmd(t, "--policy", pol, in, "--out", in); code != ExitUsage {
		t.Fatalf("overwriting the input must be refused, exit %d", code)
	}
	// A policy that fits no column, or keeps none, is refused before any
	// output exists: a file of empty rows would pass for a de-identified one.
	for name, policy := range map[string]string{
		"uncovered": `{"format_version":1,"columns":{"Id":{"action":"drop"}}}`,
		"all drop":  `{"format_version":1,"columns":{"Id":{"action":"drop"}},"default_action":"drop"}`,
	} {
		deidMust(t, os.WriteFile(pol, []byte(policy), 0o600))
		outPath := filepath.Join(dir, "fit.csv")
		code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", outPath)
		if code != ExitUsage || !strings.Contains(stderr, map[string]string{"uncovered": `no rule covers column(s) "x"`, "all drop": "drops all 2 columns"}[name]) {
			t.Errorf("%s: exit %d, %q", name, code, stderr)
		}
		if _, err := os.Stat(outPath); err == nil {
			t.Errorf("%s: an output was written", name)
		}
	}
}

func deidMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeidCommandParquet(t *testing.T) {
	dir := t.TempDir()
	mem := memory.DefaultAllocator
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "Id", Type: arrow.BinaryTypes.String},
		{Name: "Full Name", Type: arrow.BinaryTypes.String},
		{Name: "score", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"1", "2"}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"Dana Whitfield", "Ana Ruiz"}, nil)
	b.Field(2).(*array.Int64Builder).AppendValues([]int64{7, 9}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	in := filepath.Join(dir, "in.parquet")
	parquettest.File(t, in, nil, pqarrow.DefaultWriterProps(), rec)
	pol := filepath.Join(dir, "policy.json")
	deidMust(t, os.WriteFile(pol, []byte(`{"format_version":1,"columns":{"Id":{"action":"pseudonymise","length":16},"Full Name":{"action":"drop"},"score":{"action":"keep"}}}`), 0o600))
	t.Setenv("LAKEHOUSE_DEID_KEY", "a-test-key-of-32-bytes-exactly!!")
	out := filepath.Join(dir, "out.parquet")
	if code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", out); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fh, err := os.Open(out)
	deidMust(t, err)
	defer fh.Close()
	pf, err := file.NewParquetReader(fh)
	deidMust(t, err)
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	deidMust(t, err)
	tbl, err := fr.ReadTable(context.Background())
	deidMust(t, err)
	defer tbl.Release()
	if tbl.NumCols() != 2 || tbl.NumRows() != 2 || tbl.Schema().Field(1).Type.ID() != arrow.INT64 {
		t.Fatalf("output schema %v, rows %d", tbl.Schema(), tbl.NumRows())
	}
	if got := tbl.Column(0).Data().Chunk(0).ValueStr(0); got != deid.Pseudonym([]byte("a-test-key-of-32-bytes-exactly!!"), "1", 16) {
		t.Fatalf("Id = %q", got)
	}
}

// The runner reads the policy the provider wrote, and the input, from
// s3:// and writes the output there, against a real MinIO (TF_ACC=1).
func TestDeidCommandS3(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run against a real MinIO")
	}
	m, err := acctest.StartMinIO()
	deidMust(t, err)
	defer m.Stop()
	for k, v := range m.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("LAKEHOUSE_DEID_KEY", "a-test-key-of-32-bytes-exactly!!")
	c := acctest.S3Client(t, m)
	ctx := context.Background()
	deidMust(t, c.MakeBucket(ctx, "governance", minio.MakeBucketOptions{}))
	deidMust(t, c.MakeBucket(ctx, "raw", minio.MakeBucketOptions{}))
	put := func(bucket, key, body string) {
		_, err := c.PutObject(ctx, bucket, key, strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
		deidMust(t, err)
	}
	put("governance", "governance/deid-policies/p.json", deidTestPolicy)
	input := "Id,Full Name,notes,visit\n1,Dana Whitfield,call 617-555-0134,2021-03-04\n"
	put("raw", "in.csv", input)
	code, _, stderr := runDeidCmd(t, "--policy", "s3://governance/governance/deid-policies/p.json", "s3://raw/in.csv", "--out", "s3://raw/curated/out.csv")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	o, err := c.GetObject(ctx, "raw", "curated/out.csv", minio.GetObjectOptions{})
	deidMust(t, err)
	got, err := io.ReadAll(o)
	deidMust(t, err)
	if !strings.HasPrefix(string(got), "Id,notes,visit\n") || strings.Contains(string(got), "Whitfield") || strings.Contains(string(got), "0134") {
		t.Fatalf("output %q", got)
	}
	// A failing run uploads nothing.
	put("raw", "bad.csv", input+"2,x\n")
	if code, _, _ := runDeidCmd(t, "--policy", "s3://governance/governance/deid-policies/p.json", "s3://raw/bad.csv", "--out", "s3://raw/curated/bad.csv"); code != ExitRuntime {
		t.Fatalf("exit %d for a ragged input", code)
	}
	if _, err := c.StatObject(ctx, "raw", "curated/bad.csv", minio.StatObjectOptions{}); err == nil {
		t.Fatal("a failed run left an output object")
	}
}

// The help names the policy's key source by its fields (key.env, key.file),
// not as "key", which in Terraform is the resource's object key.
func TestDeidCommandHelpKeySource(t *testing.T) {
	code, stdout, stderr := runDeidCmd(t, "--help")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, `policy's "key"`) || !strings.Contains(stdout, "key.env or key.file") {
		t.Errorf("help does not name key.env/key.file:\n%s", stdout)
	}
	if !strings.Contains(stdout, `"format_version": 1`) || !strings.Contains(stdout, "deid-policy") {
		t.Errorf("help does not point at the policy format:\n%s", stdout)
	}
}

// A hand-written policy without format_version is told what to add.
func TestDeidCommandMissingFormatVersion(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	in := filepath.Join(dir, "in.csv")
	deidMust(t, os.WriteFile(in, []byte("Id,x\n1,2\n"), 0o600))
	deidMust(t, os.WriteFile(pol, []byte(`{"profile":"safe-harbor","default_action":"drop"}`), 0o600))
	code, _, stderr := runDeidCmd(t, "--policy", pol, in, "--out", filepath.Join(dir, "o.csv"))
	if code != ExitUsage || !strings.Contains(stderr, `"format_version": 1`) {
		t.Fatalf("exit %d, %q", code, stderr)
	}
}

// A safe-harbor policy that keeps what it does not classify says, in the
// text report on stdout and in the --audit JSON, which columns passed
// through unjudged.
func TestDeidCommandWarnsOfUnclassifiedKeptColumns(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	in := filepath.Join(dir, "in.csv")
	audit := filepath.Join(dir, "audit.json")
	deidMust(t, os.WriteFile(pol, []byte(`{"format_version":1,"profile":"safe-harbor","default_action":"keep"}`), 0o600))
	deidMust(t, os.WriteFile(in, []byte("student_id,first_nm,locker_combo,final_result\n1,Maria,12-34-56,Pass\n"), 0o600))
	t.Setenv("LAKEHOUSE_DEID_KEY", "a-test-key-of-32-bytes-exactly!!")
	code, stdout, stderr := runDeidCmd(t, "--policy", pol, in, "--out", filepath.Join(dir, "out.csv"), "--audit", audit)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `WARNING: the safe-harbor profile does not recognise 2 columns, which default_action "keep" `+
		`passes through unchanged: "locker_combo", "final_result"`) {
		t.Errorf("the text report does not name the unjudged columns:\n%s", stdout)
	}
	var rep struct {
		UnclassifiedKept []string `json:"unclassified_kept"`
	}
	b, err := os.ReadFile(audit)
	deidMust(t, err)
	deidMust(t, json.Unmarshal(b, &rep))
	if strings.Join(rep.UnclassifiedKept, ",") != "locker_combo,final_result" {
		t.Errorf("unclassified_kept = %q in %s", rep.UnclassifiedKept, b)
	}
}
