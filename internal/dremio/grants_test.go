package dremio_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
)

func TestClient_grants(t *testing.T) {
	t.Parallel()
	f := dremiotest.New()
	defer f.Close()
	g := f.EnableGrants()
	c := newClient(t, f)
	ctx := context.Background()
	id := f.AddObject("FOLDER", "Lake", "oulad")
	for _, s := range []string{
		`GRANT SELECT, MANAGE GRANTS ON FOLDER "lake"."OULAD" TO ROLE "researchers"`,
		`GRANT SELECT ON FOLDER "lake"."oulad" TO USER "alice"`,
		`GRANT SELECT ON SOURCE "lake" TO ROLE "auditors"`, // another object: not listed
	} {
		if _, err := c.RunSQL(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}

	got, err := c.GrantsByPath(ctx, []string{"lake", "oulad"}) // paths compare case-insensitively
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || len(got.AvailablePrivileges) == 0 || len(got.Grants) != 2 {
		t.Fatalf("grants object %+v", got)
	}
	r, u := got.Grants[0], got.Grants[1]
	if r.GranteeType != "ROLE" || r.Name != "researchers" || !slices.Equal(r.Privileges, []string{"MANAGE_GRANTS", "SELECT"}) {
		t.Fatalf("role grant %+v", r)
	}
	if u.GranteeType != "USER" || u.Name != "alice" || !slices.Equal(u.Privileges, []string{"SELECT"}) {
		t.Fatalf("user grant %+v", u)
	}

	// Out-of-band changes are what the next read sees.
	g.Revoke("FOLDER", []string{"lake", "oulad"}, "USER", "alice", "SELECT")
	if got, err = c.Grants(ctx, id); err != nil || len(got.Grants) != 1 {
		t.Fatalf("after revoke: %+v, %v", got, err)
	}

	// An unknown object is a plain not-found, not an edition problem.
	_, err = c.GrantsByPath(ctx, []string{"lake", "missing"})
	if !dremio.IsNotFound(err) || errors.Is(err, dremio.ErrGrantsUnsupported) {
		t.Fatalf("missing object: %v", err)
	}

	// OSS has no grants endpoint.
	g.SetEdition("oss")
	_, err = c.GrantsByPath(ctx, []string{"lake", "oulad"})
	if !errors.Is(err, dremio.ErrGrantsUnsupported) {
		t.Fatalf("OSS: want ErrGrantsUnsupported, got %v", err)
	}
	if g.Reads() != 3 {
		t.Fatalf("grants reads = %d, want 3", g.Reads())
	}
}

func TestClient_grantsWithoutEndpoint(t *testing.T) {
	t.Parallel()
	f := dremiotest.New() // grants never enabled: the catalog router answers 404 like OSS
	defer f.Close()
	c := newClient(t, f)
	f.AddObject("SPACE", "marts")
	if _, err := c.GrantsByPath(context.Background(), []string{"marts"}); !errors.Is(err, dremio.ErrGrantsUnsupported) {
		t.Fatalf("want ErrGrantsUnsupported, got %v", err)
	}
}
