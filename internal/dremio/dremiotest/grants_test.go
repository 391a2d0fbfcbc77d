package dremiotest_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

func TestGrantsRecorder(t *testing.T) {
	f := dremiotest.New()
	defer f.Close()
	g := f.EnableGrants()
	c, err := dremio.New(providerdata.DremioSettings{Endpoint: f.URL, Username: dremiotest.Username, Password: dremiotest.Password}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, s := range []string{
		`GRANT SELECT, MANAGE  GRANTS ON TABLE "Lake"."oulad"."a""b" TO ROLE "r x"`,
		`grant select on folder lake.oulad to user alice;`,
		`REVOKE MANAGE GRANTS ON TABLE "lake"."OULAD"."a""b" FROM ROLE "r x"`,
		`REVOKE SELECT ON SPACE "never" FROM ROLE "r x"`, // not held: a no-op, as on the server
	} {
		if _, err := c.RunSQL(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	want := []string{"SELECT ON FOLDER lake.oulad TO USER alice", `SELECT ON TABLE Lake.oulad.a"b TO ROLE r x`}
	if got := g.Held(); !slices.Equal(got, want) {
		t.Fatalf("held %q, want %q", got, want)
	}
	if !g.Has("SELECT", "TABLE", []string{"lake", "OULAD", `a"b`}, "ROLE", "r x") {
		t.Fatal("object paths compare case-insensitively")
	}
	if len(g.Log()) != 4 {
		t.Fatalf("log: %v", g.Log())
	}
	// Other statements still reach the previous handler; bad GRANTs fail the job.
	if rows, err := c.RunSQL(ctx, "SELECT 1 AS one"); err != nil || len(rows) != 1 {
		t.Fatalf("SELECT: %v, %v", rows, err)
	}
	if _, err := c.RunSQL(ctx, `GRANT SELECT ON TABLE x FROM ROLE r`); err == nil {
		t.Fatal("GRANT ... FROM must fail")
	}
}

func TestGrantsEndpoint(t *testing.T) {
	f := dremiotest.New()
	defer f.Close()
	g := f.EnableGrants()
	id := f.AddObject("TABLE", "lake", "oulad", "student_info")
	g.Grant("TABLE", []string{"lake", "oulad", "student_info"}, "ROLE", "r", "SELECT", "MANAGE_GRANTS")

	// The authenticated answer is checked through the client in the dremio
	// package; here, the endpoint is behind the same login as the rest.
	get := func() int {
		resp, err := http.Get(f.URL + "/api/v3/catalog/" + id + "/grants")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()

		return resp.StatusCode
	}
	if code := get(); code != http.StatusUnauthorized {
		t.Fatalf("unauthenticated: %d", code)
	}
	if !slices.Equal(g.Held(), []string{"MANAGE GRANTS ON TABLE lake.oulad.student_info TO ROLE r", "SELECT ON TABLE lake.oulad.student_info TO ROLE r"}) {
		t.Fatalf("Grant helper: %v", g.Held())
	}
	g.Revoke("TABLE", []string{"lake", "oulad", "student_info"}, "ROLE", "r", "MANAGE GRANTS")
	if !slices.Equal(g.Held(), []string{"SELECT ON TABLE lake.oulad.student_info TO ROLE r"}) {
		t.Fatalf("Revoke helper: %v", g.Held())
	}
	g.SetEdition("oss")
	if code := get(); code != http.StatusUnauthorized {
		t.Fatalf("OSS unauthenticated: %d", code)
	}
}
