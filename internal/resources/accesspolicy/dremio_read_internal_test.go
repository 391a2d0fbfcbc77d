package accesspolicy

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

func dremioData(f *dremiotest.Server) *providerdata.Data {
	return &providerdata.Data{
		Retry:  httpx.DefaultRetrySettings(),
		Dremio: providerdata.DremioSettings{Configured: true, Endpoint: f.URL, Username: dremiotest.Username, Password: dremiotest.Password},
	}
}

// On an edition without the grants endpoint, reading a policy that grants
// on several objects keeps its grants and warns exactly once.
func TestReadDremio_ossWarnsOnce(t *testing.T) {
	f := dremiotest.New()
	defer f.Close()
	g := f.EnableGrants()
	g.SetEdition("oss")
	f.AddObject("FOLDER", "lake", "oulad")
	f.AddObject("VIEW", "marts", "retention")
	held := []string{
		`GRANT SELECT ON FOLDER "lake"."oulad" TO ROLE "researchers"`,
		`GRANT SELECT ON VIEW "marts"."retention" TO ROLE "researchers"`,
	}
	st := accessPolicyResourceModel{Name: types.StringValue("p"), DremioGrants: listOf(held)}
	e := &enforcer{data: dremioData(f), action: "reading", name: "p"}
	if err := e.readDremio(context.Background(), &st); err != nil {
		t.Fatal(err)
	}
	if len(e.warnings) != 1 || e.warnings[0].summary != grantsUnreadableSummary {
		t.Fatalf("warnings = %+v, want one %q", e.warnings, grantsUnreadableSummary)
	}
	if got := stateList(context.Background(), st.DremioGrants); !slices.Equal(got, held) {
		t.Fatalf("dremio_grants = %q, want the state kept: %q", got, held)
	}
}

// With the endpoint, the read keeps managed grantees only and maps API
// privilege names to SQL; an object that no longer exists holds nothing.
func TestReadDremio_enterprise(t *testing.T) {
	f := dremiotest.New()
	defer f.Close()
	g := f.EnableGrants()
	f.AddObject("FOLDER", "lake", "oulad")
	g.Grant("FOLDER", []string{"LAKE", "oulad"}, "ROLE", "Researchers", "SELECT", "MANAGE_GRANTS")
	g.Grant("FOLDER", []string{"lake", "oulad"}, "ROLE", "auditors", "SELECT")
	st := accessPolicyResourceModel{Name: types.StringValue("p"), DremioGrants: listOf([]string{
		`GRANT SELECT ON FOLDER "lake"."oulad" TO ROLE "researchers"`,
		`GRANT SELECT ON TABLE "lake"."gone" TO ROLE "researchers"`,
	})}
	e := &enforcer{data: dremioData(f), action: "reading", name: "p"}
	if err := e.readDremio(context.Background(), &st); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`GRANT MANAGE GRANTS ON FOLDER "lake"."oulad" TO ROLE "researchers"`,
		`GRANT SELECT ON FOLDER "lake"."oulad" TO ROLE "researchers"`,
	}
	if got := stateList(context.Background(), st.DremioGrants); !slices.Equal(got, want) || len(e.warnings) != 0 {
		t.Fatalf("dremio_grants = %q (warnings %v), want %q", got, e.warnings, want)
	}
}
