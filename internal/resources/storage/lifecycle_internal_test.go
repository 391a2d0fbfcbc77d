package storage

import (
	"context"
	"encoding/xml"
	"maps"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
)

// C06: however a server writes an unfiltered rule (no Filter, an empty
// Filter, an empty Prefix, an empty And), it is the same rule as the
// configuration's default filter, so a read-back never flips the state.
func TestLifecycleFilterForms(t *testing.T) {
	forms := []string{
		``,
		`<Filter></Filter>`,
		`<Filter><Prefix></Prefix></Filter>`,
		`<Filter><And><Prefix></Prefix></And></Filter>`,
		`<Prefix></Prefix>`,
	}
	emptyTags := types.MapValueMust(types.StringType, map[string]attr.Value{})
	filter := types.ObjectValueMust(filterAttrTypes, map[string]attr.Value{"prefix": types.StringValue(""), "tags": emptyTags})
	rule := types.ObjectValueMust(ruleAttrTypes, map[string]attr.Value{
		"id": types.StringValue("expire-tmp"), "enabled": types.BoolValue(true), "filter": filter,
		"expiration_days": types.Int64Value(30), "noncurrent_version_expiration_days": types.Int64Null(),
		"noncurrent_versions_retained": types.Int64Null(), "abort_incomplete_multipart_upload_days": types.Int64Null(),
	})
	want, d := canonicalFromModel(context.Background(), types.ListValueMust(ruleObjectType, []attr.Value{rule}))
	if d.HasError() {
		t.Fatal(d)
	}
	for _, f := range forms {
		doc := `<LifecycleConfiguration><Rule><ID>expire-tmp</ID><Status>Enabled</Status>` + f +
			`<Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>`
		var cfg lifecycle.Configuration
		if err := xml.Unmarshal([]byte(doc), &cfg); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if got := canonicalFromServer(&cfg); !rulesEqual(want, got) {
			t.Errorf("filter form %q: %+v, want %+v", f, got, want)
		}
	}
	// A real prefix is a different rule.
	doc := `<LifecycleConfiguration><Rule><ID>expire-tmp</ID><Status>Enabled</Status><Filter><Prefix>tmp/</Prefix></Filter>` +
		`<Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>`
	var cfg lifecycle.Configuration
	if err := xml.Unmarshal([]byte(doc), &cfg); err != nil {
		t.Fatal(err)
	}
	if rulesEqual(want, canonicalFromServer(&cfg)) {
		t.Error("prefix tmp/ must differ from no filter")
	}
}

// The configuration sent to the server round-trips through the canonical
// form, tags included.
func TestLifecycleRoundTrip(t *testing.T) {
	rules := []canonicalRule{
		{ID: "a", Enabled: true, Prefix: "tmp/", Tags: map[string]string{}, ExpirationDays: 3},
		{ID: "b", Enabled: false, Tags: map[string]string{"stage": "x"}, NoncurrentDays: 5, NoncurrentKeep: 2},
		{ID: "c", Enabled: true, Prefix: "p/", Tags: map[string]string{"k1": "v1", "k2": "v2"}, AbortUploadsAfter: 1, ExpirationDays: 9},
	}
	b, err := xml.Marshal(toServer(rules))
	if err != nil {
		t.Fatal(err)
	}
	var back lifecycle.Configuration
	if err := xml.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := canonicalFromServer(&back); !rulesEqual(rules, got) {
		t.Fatalf("round trip:\n got %+v\nwant %+v\nxml %s", got, rules, b)
	}
}

// Plan-time problems of a rule are reported at that rule's path.
func TestLifecycleValidationPaths(t *testing.T) {
	emptyTags := types.MapValueMust(types.StringType, map[string]attr.Value{})
	filter := types.ObjectValueMust(filterAttrTypes, map[string]attr.Value{"prefix": types.StringValue(""), "tags": emptyTags})
	rule := func(id string, expire, keep types.Int64) attr.Value {
		return types.ObjectValueMust(ruleAttrTypes, map[string]attr.Value{
			"id": types.StringValue(id), "enabled": types.BoolValue(true), "filter": filter,
			"expiration_days": expire, "noncurrent_version_expiration_days": types.Int64Null(),
			"noncurrent_versions_retained": keep, "abort_incomplete_multipart_upload_days": types.Int64Null(),
		})
	}
	rules := types.ListValueMust(ruleObjectType, []attr.Value{
		rule("a", types.Int64Value(1), types.Int64Null()),
		rule("noop", types.Int64Null(), types.Int64Null()),
		rule("a", types.Int64Value(2), types.Int64Value(3)),
	})
	var ds diag.Diagnostics
	validateRules(context.Background(), rules, &ds)
	want := map[string]string{
		"lifecycle_rules[1]":                              "Lifecycle rule without an action",
		"lifecycle_rules[2].noncurrent_versions_retained": "Incomplete lifecycle rule",
		"lifecycle_rules[2].id":                           "Duplicate lifecycle rule id",
	}
	got := map[string]string{}
	for _, d := range ds.Errors() {
		wp, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			t.Fatalf("diagnostic without a path: %s", d.Summary())
		}
		got[wp.Path().String()] = d.Summary()
	}
	if !maps.Equal(got, want) {
		t.Fatalf("diagnostics by path:\n got %v\nwant %v", got, want)
	}
}
