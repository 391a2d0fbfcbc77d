package superset_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// The fake's contract rules the resource tests rely on, checked directly.
func TestFake_contract(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	c := newClient(t, fake)
	ctx := context.Background()
	fake.AddTable("s", "t", supersettest.Column{Name: "a", Type: "INTEGER"}, supersettest.Column{Name: "b", Type: "TIMESTAMP"})

	db, err := c.Create(ctx, superset.Databases, map[string]any{"database_name": "d", "sqlalchemy_uri": "postgresql://u:p@h/d", "unknown_field": 1})
	if err != nil {
		t.Fatalf("database POST excludes unknown fields silently: %v", err)
	}
	// Strict slashes: the collection without its trailing slash is 404.
	if err := c.Get(ctx, "/api/v1/database", nil); !superset.IsNotFound(err) {
		t.Errorf("GET /api/v1/database without slash: %v, want 404", err)
	}
	// GET /database/{pk} carries no URI; the connection view does, masked.
	var plain struct {
		Result map[string]any `json:"result"`
	}
	if err := c.Get(ctx, superset.ItemPath(superset.Databases, db), &plain); err != nil || plain.Result["sqlalchemy_uri"] != nil {
		t.Errorf("GET database: uri %v, err %v; want none", plain.Result["sqlalchemy_uri"], err)
	}
	ds, err := c.Create(ctx, superset.Datasets, map[string]any{"database": db, "schema": "s", "table_name": "t"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(ctx, superset.Datasets, map[string]any{"database": db, "schema": "s", "table_name": "t"}); !superset.IsUnprocessable(err) {
		t.Errorf("duplicate dataset: %v, want 422", err)
	}
	if _, err := c.Create(ctx, superset.Datasets, map[string]any{"database": 999, "table_name": "t"}); !superset.IsUnprocessable(err) {
		t.Errorf("dataset on a missing database: %v, want 422", err)
	}
	if _, err := c.Create(ctx, superset.Charts, map[string]any{"slice_name": "c", "datasource_id": ds, "datasource_type": "table", "bogus": 1}); err == nil || superset.IsUnprocessable(err) {
		t.Errorf("chart POST with an unknown field: %v, want 400", err)
	}
	if err := c.Remove(ctx, superset.Databases, db); !superset.IsUnprocessable(err) {
		t.Errorf("deleting a database with datasets: %v, want 422", err)
	}

	// Dataset PUT: items with an id are updated with the fields they
	// carry, items without one are created, missing ones removed.
	got, _ := c.GetDataset(ctx, ds)
	a := got.Columns[0]
	vn := "Alpha"
	a.VerboseName = &vn
	if err := c.Update(ctx, superset.Datasets, ds, map[string]any{"columns": []superset.DatasetColumn{a}}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetDataset(ctx, ds)
	if len(got.Columns) != 1 || got.Columns[0].ID != a.ID || *got.Columns[0].VerboseName != "Alpha" {
		t.Errorf("columns after PUT = %+v", got.Columns)
	}
	// Column items are schema-checked too: a read-only field copied from a
	// GET is a schema error, answered 422 (the dataset PUT exception).
	err = c.Update(ctx, superset.Datasets, ds, map[string]any{"columns": []any{map[string]any{"id": a.ID, "column_name": "a", "changed_on": "x"}}})
	if !superset.IsUnprocessable(err) || !strings.Contains(err.Error(), "schema of the submitted payload") {
		t.Errorf("dataset PUT with an unknown column field: %v, want 422 schema error", err)
	}
	// A refresh brings b back with defaults and keeps a's settings.
	if !fake.RefreshDataset(ds) {
		t.Fatal("refresh failed")
	}
	got, _ = c.GetDataset(ctx, ds)
	if len(got.Columns) != 2 || *got.Columns[0].VerboseName != "Alpha" || !*got.Columns[1].IsDttm {
		t.Errorf("columns after refresh = %+v", got.Columns)
	}

	// Slugs are normalised and unique; a PUT changes only what it carries.
	dash, err := c.Create(ctx, superset.Dashboards, map[string]any{"dashboard_title": "T", "slug": " my slug! ", "css": "x{}"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := c.GetDashboard(ctx, dash)
	if *d.Slug != "my-slug" {
		t.Errorf("slug = %q, want my-slug", *d.Slug)
	}
	if _, err := c.Create(ctx, superset.Dashboards, map[string]any{"slug": "my-slug"}); !superset.IsUnprocessable(err) {
		t.Errorf("duplicate slug: %v, want 422", err)
	}
	if err := c.Update(ctx, superset.Dashboards, dash, map[string]any{"published": true}); err != nil {
		t.Fatal(err)
	}
	if fake.Object("dashboard", dash)["css"] != "x{}" || fake.Object("dashboard", dash)["slug"] != "my-slug" {
		t.Errorf("PUT changed fields it did not carry: %v", fake.Object("dashboard", dash))
	}
	if err := c.Remove(ctx, superset.Dashboards, dash); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDashboard(ctx, dash); !superset.IsNotFound(err) {
		t.Errorf("deleted dashboard: %v, want 404", err)
	}
	if n := len(fake.Requests(http.MethodDelete, "/api/v1/dashboard/")); n != 1 {
		t.Errorf("recorded %d deletes, want 1", n)
	}
}
