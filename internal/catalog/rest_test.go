package catalog_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	iceio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog/catalogtest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// startFake runs the fake REST catalog with a local warehouse.
func startFake(t *testing.T) *catalogtest.Server {
	t.Helper()
	dir := t.TempDir()
	srv, err := catalogtest.Start(dir, "file://"+dir+"/warehouse", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	return srv
}

func restData(srv *catalogtest.Server, s providerdata.CatalogSettings) *providerdata.Data {
	s.Configured, s.Type, s.URI = true, catalog.TypeREST, srv.URL

	return &providerdata.Data{Catalog: s, Retry: httpx.DefaultRetrySettings()}
}

// The REST catalog authenticates with OAuth2 client credentials exchanged
// at the catalog's token endpoint, and sends the configured extra headers
// on every request; wrong credentials fail to open.
func TestOpen_restClientCredentialsAndHeaders(t *testing.T) {
	ctx := context.Background()
	srv := startFake(t)
	srv.Token, srv.ClientID, srv.ClientSecret = "issued-token", "lakehouse", "client-secret"
	srv.Headers = map[string]string{"X-Tenant": "edu"}
	cat, err := catalog.Open(ctx, restData(srv, providerdata.CatalogSettings{
		Credential: "lakehouse:client-secret", Headers: map[string]string{"X-Tenant": "edu"},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"lake"}, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := srv.Catalog().CheckNamespaceExists(ctx, []string{"lake"}); err != nil || !ok {
		t.Fatalf("namespace not created through the authenticated client: %v %v", ok, err)
	}
	if srv.Tokens.Load() == 0 {
		t.Fatal("no OAuth2 token was requested")
	}

	_, err = catalog.Open(ctx, restData(srv, providerdata.CatalogSettings{
		Credential: "lakehouse:wrong", Headers: map[string]string{"X-Tenant": "edu"},
	}))
	if err == nil {
		t.Fatal("opening with wrong client credentials should fail")
	}
	noHeader, err := catalog.Open(ctx, restData(srv, providerdata.CatalogSettings{Token: "issued-token"}))
	if err == nil {
		_, err = noHeader.LoadNamespaceProperties(ctx, []string{"lake"})
	}
	if err == nil {
		t.Fatal("a request without the required header should fail")
	}
}

// The catalog block's properties reach iceberg-go and win over those
// derived from the s3 block.
func TestProperties_catalogOverridesS3(t *testing.T) {
	props := catalog.Properties(&providerdata.Data{
		S3: providerdata.S3Settings{Configured: true, Endpoint: "minio:9000", Region: "eu-west-1", AccessKey: "a", SecretKey: "s"},
		Catalog: providerdata.CatalogSettings{Warehouse: "s3://wh/x", Properties: map[string]string{
			iceio.S3Region: "us-west-2", "client.custom": "1",
		}},
	})
	want := iceberg.Properties{iceio.S3EndpointURL: "http://minio:9000", iceio.S3Region: "us-west-2",
		iceio.S3AccessKeyID: "a", iceio.S3SecretAccessKey: "s", "warehouse": "s3://wh/x", "client.custom": "1"}
	for k, v := range want {
		if props[k] != v {
			t.Errorf("property %s = %q, want %q", k, props[k], v)
		}
	}
}

// newRESTTable creates ns.t with columns id (required long) and amount.
func newRESTTable(t *testing.T, srv *catalogtest.Server) (catalog.Catalog, []string, []*catalog.Field) {
	t.Helper()
	ctx := context.Background()
	cat, err := catalog.Open(ctx, restData(srv, providerdata.CatalogSettings{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.CreateNamespace(ctx, []string{"ns"}, nil); err != nil {
		t.Fatal(err)
	}
	ident := []string{"ns", "t"}
	s := &catalog.TableSpec{FormatVersion: 2, IdentifierFields: []string{"id"}, Fields: fields(
		&catalog.Field{Name: "id", Type: "long", Required: true}, &catalog.Field{Name: "amount", Type: "decimal(9,2)"})}
	if err := catalog.AssignFreshIDs(s.Fields); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.Create(ctx, cat, ident, s); err != nil {
		t.Fatal(err)
	}

	return cat, ident, s.Fields
}

func evolvedSpec() *catalog.TableSpec {
	return &catalog.TableSpec{FormatVersion: 2, IdentifierFields: []string{"id"}, Fields: fields(
		&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true},
		&catalog.Field{ID: 2, Name: "total", Type: "decimal(12,2)"},
		&catalog.Field{ID: 3, Name: "channel", Type: "string"}),
		Sort:       []catalog.SortField{{Source: "id", Transform: "identity", Direction: "asc", NullOrder: "nulls-first"}},
		Properties: map[string]string{"write.format.default": "parquet"},
	}
}

// A commit carries requirements on the table uuid and the current schema;
// after a 409 the change is re-read and re-applied, in one successful commit.
func TestApply_restConflictRetried(t *testing.T) {
	ctx := context.Background()
	srv := startFake(t)
	cat, ident, prior := newRESTTable(t, srv)
	before := srv.Commits.Load()
	srv.FailNextCommits(1)
	tbl, err := catalog.Apply(ctx, cat, ident, evolvedSpec(), prior)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Commits.Load() - before; n != 1 {
		t.Errorf("%d commits applied, want 1", n)
	}
	reqs := srv.CommitRequirements()
	if len(reqs) < 2 {
		t.Fatalf("want the refused commit and its retry, got %v", reqs)
	}
	for _, r := range reqs[len(reqs)-2:] {
		if !slices.Contains(r, "assert-table-uuid") || !slices.Contains(r, "assert-current-schema-id") {
			t.Errorf("commit requirements %v lack the table uuid or current schema id", r)
		}
	}
	if f, ok := tbl.Schema().FindFieldByName("total"); !ok || f.ID != 2 || tbl.SortOrder().Len() != 1 {
		t.Errorf("change not applied: %s", tbl.Schema())
	}
}

// When another writer changes the schema between the provider's load and
// its commit, the requirement fails (409), the reload shows a schema the
// change was not planned against, and Apply stops without overwriting it.
func TestApply_restConcurrentSchemaChangeFails(t *testing.T) {
	ctx := context.Background()
	srv := startFake(t)
	cat, ident, prior := newRESTTable(t, srv)
	srv.BeforeCommit = func() {
		srv.BeforeCommit = nil
		tbl, err := srv.Catalog().LoadTable(ctx, ident)
		if err != nil {
			t.Error(err)

			return
		}
		fs := append(tbl.Schema().Fields(), iceberg.NestedField{ID: 3, Name: "by_hand", Type: iceberg.PrimitiveTypes.String})
		sc := iceberg.NewSchemaWithIdentifiers(1, tbl.Schema().IdentifierFieldIDs, fs...)
		if _, _, err := srv.Catalog().CommitTable(ctx, ident, nil,
			[]table.Update{table.NewAddSchemaUpdate(sc), table.NewSetCurrentSchemaUpdate(-1)}); err != nil {
			t.Error(err)
		}
	}
	_, err := catalog.Apply(ctx, cat, ident, evolvedSpec(), prior)
	if !errors.Is(err, catalog.ErrConcurrentChange) || !strings.Contains(err.Error(), "run terraform plan again") {
		t.Fatalf("want ErrConcurrentChange telling to plan again, got %v", err)
	}
	tbl, err := srv.Catalog().LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tbl.Schema().FindFieldByName("by_hand"); !ok {
		t.Fatal("the concurrent writer's column was overwritten")
	}
	if _, ok := tbl.Schema().FindFieldByName("channel"); ok {
		t.Fatal("the stale change was applied")
	}
}

// A catalog that answers success but silently drops part of the commit is
// caught by the reload after it, naming what differs.
func TestApply_verifiesAfterCommit(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		ignore []string
		want   string
	}{
		{[]string{"set-properties"}, `property "write.format.default"`},
		{[]string{"add-sort-order", "set-default-sort-order"}, "sort order is"},
		{[]string{"add-schema", "set-current-schema"}, "schema is"},
	} {
		t.Run(tc.ignore[0], func(t *testing.T) {
			srv := startFake(t)
			cat, ident, prior := newRESTTable(t, srv)
			srv.IgnoreUpdates = tc.ignore
			_, err := catalog.Apply(ctx, cat, ident, evolvedSpec(), prior)
			if err == nil || !strings.Contains(err.Error(), "differs from the declaration") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a verification error naming %q, got %v", tc.want, err)
			}
		})
	}
}

// Making a column required asserts the snapshot the rows were checked at:
// a writer appending rows (with nulls) just before the commit makes it fail,
// and the re-check on the reloaded table refuses the change.
func TestApply_restRequiredRacesAppend(t *testing.T) {
	ctx := context.Background()
	srv := startFake(t)
	cat, ident, prior := newRESTTable(t, srv)
	srv.BeforeCommit = func() {
		srv.BeforeCommit = nil
		tbl, err := srv.Catalog().LoadTable(ctx, ident)
		if err != nil {
			t.Error(err)

			return
		}
		sc, err := table.SchemaToArrowSchema(tbl.Schema(), nil, true, false)
		if err != nil {
			t.Error(err)

			return
		}
		rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sc, strings.NewReader(`[{"id":1,"amount":null}]`))
		if err != nil {
			t.Error(err)

			return
		}
		defer rec.Release()
		if _, err := tbl.AppendTable(ctx, array.NewTableFromRecords(sc, []arrow.RecordBatch{rec}), 10, nil); err != nil {
			t.Error(err)
		}
	}
	required := &catalog.TableSpec{FormatVersion: 2, IdentifierFields: []string{"id"}, Fields: fields(
		&catalog.Field{ID: 1, Name: "id", Type: "long", Required: true},
		&catalog.Field{ID: 2, Name: "amount", Type: "decimal(9,2)", Required: true})}
	_, err := catalog.Apply(ctx, cat, ident, required, prior)
	if err == nil || !strings.Contains(err.Error(), "holds data") {
		t.Fatalf("want a refusal because the table now holds data, got %v", err)
	}
	reqs := srv.CommitRequirements()
	if len(reqs) == 0 || !slices.Contains(reqs[len(reqs)-1], "assert-ref-snapshot-id") {
		t.Errorf("the commit did not assert the snapshot: %v", reqs)
	}
	tbl, err := srv.Catalog().LoadTable(ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := tbl.Schema().FindFieldByName("amount"); f.Required {
		t.Fatal("amount became required although a row holds null")
	}
}

// The REST client joins namespace levels with the separator the server
// advertises, so levels holding dots, spaces and the default separator's
// neighbours still round-trip when a server picks another one.
func TestOpen_restAdvertisedSeparator(t *testing.T) {
	ctx := context.Background()
	srv := startFake(t)
	srv.NamespaceSeparator = "%1E"
	cat, err := catalog.Open(ctx, restData(srv, providerdata.CatalogSettings{}))
	if err != nil {
		t.Fatal(err)
	}
	levels := [][]string{{"lake"}, {"lake", "raw zone"}, {"lake", "v1.2"}, {"lake", "50%_off"}}
	for _, ns := range levels {
		if err := cat.CreateNamespace(ctx, ns, iceberg.Properties{"level": ns[len(ns)-1]}); err != nil {
			t.Fatalf("create %q: %v", ns, err)
		}
	}
	for _, ns := range levels[1:] {
		props, err := cat.LoadNamespaceProperties(ctx, ns)
		if err != nil || props["level"] != ns[len(ns)-1] {
			t.Errorf("load %q: %v %v", ns, props, err)
		}
		if ok, err := srv.Catalog().CheckNamespaceExists(ctx, ns); err != nil || !ok {
			t.Errorf("the backing catalog has no %q (err %v)", ns, err)
		}
	}
	children, err := cat.ListNamespaces(ctx, []string{"lake"})
	if err != nil {
		t.Fatal(err)
	}
	if len(children) != 3 {
		t.Errorf("children of lake: %q, want 3", children)
	}
}
