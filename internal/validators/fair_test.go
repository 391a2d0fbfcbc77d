package validators

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckORCID(t *testing.T) {
	for _, ok := range []string{"0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700", "0000-0002-1694-233X"} {
		if msg := CheckORCID(ok); msg != "" {
			t.Errorf("%s: %s", ok, msg)
		}
	}
	for _, bad := range []string{"0000-0002-1825-0098", "1825-0097", "https://example.org/0000-0002-1825-0097", ""} {
		if CheckORCID(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := ORCIDURI("0000-0002-1825-0097"); got != "https://orcid.org/0000-0002-1825-0097" {
		t.Errorf("ORCIDURI = %s", got)
	}
}

func TestCheckROR(t *testing.T) {
	// Real ROR ids: California Digital Library, University of Oxford, DataCite.
	for _, ok := range []string{"03yrm5c26", "https://ror.org/052gg0110", "ror.org/04wxnsj81", "https://ror.org/03YRM5C26"} {
		if msg := CheckROR(ok); msg != "" {
			t.Errorf("%s: %s", ok, msg)
		}
	}
	for _, bad := range []string{"03yrm5c27", "13yrm5c26", "03yrm5i26", "03yrm5c2", "https://example.org/03yrm5c26", ""} {
		if CheckROR(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := RORURI("03YRM5C26"); got != "https://ror.org/03yrm5c26" {
		t.Errorf("RORURI = %s", got)
	}
}

func TestCheckLicenseID(t *testing.T) {
	for _, ok := range []string{"CC-BY-4.0", "CC0-1.0", "cc-by-4.0", "ODbL-1.0"} {
		if msg := CheckLicenseID(ok); msg != "" {
			t.Errorf("%s: %s", ok, msg)
		}
	}
	for _, bad := range []string{"CC BY 4.0", "CC-BY-4.0 OR MIT", "Apache", ""} {
		if CheckLicenseID(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	if CheckLicense("CC-BY-4.0 OR MIT") != "" {
		t.Error("CheckLicense must accept an SPDX expression")
	}
}

func TestCheckValidatorAttachesPath(t *testing.T) {
	p := path.Root("creators").AtListIndex(0).AtName("orcid")
	for _, v := range []validator.String{ORCID(), ROR(), SPDXID()} {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: types.StringValue("nope")}, resp)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%s accepted nope", v.Description(context.Background()))
		}
		if d, ok := resp.Diagnostics[0].(interface{ Path() path.Path }); !ok || !d.Path().Equal(p) {
			t.Errorf("diagnostic not attached to %s", p)
		}
		resp = &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{Path: p, ConfigValue: types.StringUnknown()}, resp)
		if resp.Diagnostics.HasError() {
			t.Error("unknown value rejected")
		}
	}
}
