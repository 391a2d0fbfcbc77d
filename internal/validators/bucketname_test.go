package validators_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

// C02: the invalid names of the case fail with the rule they break, the
// valid one passes. The same table is checked against MinIO in
// internal/resources/storage (TestAccStorageBucket_nameRulesMatchServer).
func TestBucketNameRules(t *testing.T) {
	cases := map[string]string{
		"Raw_Data":               "lower-case letters",
		"raw..zone":              "two adjacent dots",
		"10.0.0.12":              "IP address",
		"ab":                     "between 3 and 63",
		"raw-zone-":              "begin and end",
		"raw.zone-01":            "",
		"analytics-raw":          "",
		strings.Repeat("a", 63):  "",
		strings.Repeat("a", 64):  "between 3 and 63",
		"raw--x-s3":              "reserved suffixes",
		"amzn-s3-demo-bucket":    "reserved prefixes",
		"legacy_bucket_2016":     "lower-case letters",
		"192.168.5.4.example":    "",
		"raw.zone.example.-test": "dot next to a hyphen",
	}
	for name, want := range cases {
		p := validators.BucketNameProblems(name)
		switch {
		case want == "" && p != nil:
			t.Errorf("%q: unexpected problems %v", name, p)
		case want != "" && !strings.Contains(strings.Join(p, "|"), want):
			t.Errorf("%q: problems %v, want one mentioning %q", name, p, want)
		}
	}
}

func TestBucketNameValidator(t *testing.T) {
	var resp validator.StringResponse
	validators.BucketName().ValidateString(context.Background(), validator.StringRequest{
		Path: path.Root("bucket"), ConfigValue: types.StringValue("Raw_Data"),
	}, &resp)
	if resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("want one error, got %v", resp.Diagnostics)
	}
	d := resp.Diagnostics.Errors()[0]
	if !strings.Contains(d.Detail(), "lower-case") || !strings.Contains(d.Detail(), "begin and end") {
		t.Errorf("detail names the rules broken: %s", d.Detail())
	}
}
