package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// loadTestCatalog points the runner's environment at a SQLite catalog with
// a local warehouse and creates table sales.orders.
func loadTestCatalog(t *testing.T) catalog.Catalog {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("LAKEHOUSE_CATALOG_TYPE", "sql")
	t.Setenv("LAKEHOUSE_CATALOG_URI", filepath.Join(dir, "cat.db"))
	t.Setenv("LAKEHOUSE_CATALOG_WAREHOUSE", "file://"+filepath.Join(dir, "wh"))
	d := &providerdata.Data{Catalog: providerdata.CatalogSettings{Configured: true, Type: "sql",
		URI: filepath.Join(dir, "cat.db"), Warehouse: "file://" + filepath.Join(dir, "wh")}}
	cat, err := catalog.Open(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := cat.CreateNamespace(ctx, []string{"sales"}, nil); err != nil {
		t.Fatal(err)
	}
	sc := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "amount", Type: iceberg.DecimalTypeOf(9, 2)})
	if _, err := cat.CreateTable(ctx, []string{"sales", "orders"}, sc); err != nil {
		t.Fatal(err)
	}

	return cat
}

func runLoadCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), append([]string{"load"}, args...), &out, &errb)

	return code, out.String(), errb.String()
}

func TestLoadCommand(t *testing.T) {
	cat := loadTestCatalog(t)
	in := filepath.Join(t.TempDir(), "orders.csv")
	if err := os.WriteFile(in, []byte("id,amount\n1,4.56\n2,7.00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runLoadCmd(t, in, "--table", "sales.orders", "--output", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	var rep struct {
		Rows       int64 `json:"rows"`
		SnapshotID int64 `json:"snapshot_id"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Rows != 2 || rep.SnapshotID == 0 {
		t.Fatalf("report %s (%v)", out, err)
	}
	tbl, _ := cat.LoadTable(context.Background(), []string{"sales", "orders"})
	if tbl.CurrentSnapshot() == nil || tbl.CurrentSnapshot().SnapshotID != rep.SnapshotID {
		t.Fatal("the reported snapshot is not the table's current one")
	}

	// A bad value: exit 1, the record and column named, nothing committed.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	_ = os.WriteFile(bad, []byte("id,amount\n3,1.00\n4,ten\n"), 0o600)
	code, out, _ = runLoadCmd(t, bad, "--table", "sales.orders")
	if code != ExitFailed || !strings.Contains(out, `record 2 (line 3), column "amount"`) {
		t.Fatalf("exit %d, output %q", code, out)
	}
	after, _ := cat.LoadTable(context.Background(), []string{"sales", "orders"})
	if after.CurrentSnapshot().SnapshotID != rep.SnapshotID {
		t.Fatal("a failed load committed")
	}
	if before, _ := os.ReadFile(bad); string(before) != "id,amount\n3,1.00\n4,ten\n" {
		t.Fatal("the input changed")
	}

	if code, _, _ := runLoadCmd(t, in); code != ExitUsage {
		t.Fatalf("missing --table: exit %d, want %d", code, ExitUsage)
	}
	if code, _, _ := runLoadCmd(t, in, "--table", "orders"); code != ExitUsage {
		t.Fatalf("--table without namespace: exit %d, want %d", code, ExitUsage)
	}
	if code, _, _ := runLoadCmd(t, in, "--table", "sales.missing"); code != ExitRuntime {
		t.Fatalf("missing table: exit %d, want %d", code, ExitRuntime)
	}
}

// C14 runner side: a table reference with a quoted level holding a space.
func TestLoadCommand_quotedNamespace(t *testing.T) {
	cat := loadTestCatalog(t)
	ctx := context.Background()
	_ = cat.CreateNamespace(ctx, []string{"lake"}, nil)
	if err := cat.CreateNamespace(ctx, []string{"lake", "raw zone"}, nil); err != nil {
		t.Fatal(err)
	}
	sc := iceberg.NewSchema(0, iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true})
	if _, err := cat.CreateTable(ctx, []string{"lake", "raw zone", "events"}, sc); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "events.csv")
	_ = os.WriteFile(in, []byte("id\n1\n"), 0o600)
	if code, out, errOut := runLoadCmd(t, in, "--table", `lake."raw zone".events`); code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	tbl, _ := cat.LoadTable(ctx, []string{"lake", "raw zone", "events"})
	if tbl.CurrentSnapshot() == nil {
		t.Fatal("nothing loaded")
	}
}

// An input that cannot be read (a quote left open) is a runtime error that
// names the input file.
func TestLoadCommand_unreadableInputNamed(t *testing.T) {
	loadTestCatalog(t)
	in := filepath.Join(t.TempDir(), "orders.csv")
	if err := os.WriteFile(in, []byte("id,amount\n1,4.56\n2,\"7.00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runLoadCmd(t, in, "--table", "sales.orders")
	if code != ExitRuntime || !strings.Contains(errOut, in+": ") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// UTF-16 without a byte-order mark is refused naming the input and the
// encoding found; nothing is committed.
func TestLoadCommand_UTF16WithoutBOMRefused(t *testing.T) {
	cat := loadTestCatalog(t)
	in := filepath.Join(t.TempDir(), "orders.csv")
	if err := os.WriteFile(in, utf16NoBOM("id,amount\n1,4.56\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runLoadCmd(t, in, "--table", "sales.orders")
	if code != ExitRuntime || !strings.Contains(errOut, in+": looks like UTF-16LE without a byte-order mark: re-save as UTF-8") {
		t.Fatalf("exit %d (want %d), stderr %q", code, ExitRuntime, errOut)
	}
	if tbl, _ := cat.LoadTable(context.Background(), []string{"sales", "orders"}); tbl.CurrentSnapshot() != nil {
		t.Fatal("a refused input was committed")
	}
}
