package storage

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
)

type lifecycleRuleModel struct {
	ID                                 types.String `tfsdk:"id"`
	Enabled                            types.Bool   `tfsdk:"enabled"`
	Filter                             types.Object `tfsdk:"filter"`
	ExpirationDays                     types.Int64  `tfsdk:"expiration_days"`
	NoncurrentVersionExpirationDays    types.Int64  `tfsdk:"noncurrent_version_expiration_days"`
	NoncurrentVersionsRetained         types.Int64  `tfsdk:"noncurrent_versions_retained"`
	AbortIncompleteMultipartUploadDays types.Int64  `tfsdk:"abort_incomplete_multipart_upload_days"`
}

type lifecycleFilterModel struct {
	Prefix types.String `tfsdk:"prefix"`
	Tags   types.Map    `tfsdk:"tags"`
}

var filterAttrTypes = map[string]attr.Type{
	"prefix": types.StringType,
	"tags":   types.MapType{ElemType: types.StringType},
}

var ruleAttrTypes = map[string]attr.Type{
	"id":                                     types.StringType,
	"enabled":                                types.BoolType,
	"filter":                                 types.ObjectType{AttrTypes: filterAttrTypes},
	"expiration_days":                        types.Int64Type,
	"noncurrent_version_expiration_days":     types.Int64Type,
	"noncurrent_versions_retained":           types.Int64Type,
	"abort_incomplete_multipart_upload_days": types.Int64Type,
}

var ruleObjectType = types.ObjectType{AttrTypes: ruleAttrTypes}

// canonicalRule is a lifecycle rule in one form: an absent filter, an empty
// filter and an empty prefix are all "no filter", absent tags and no tags
// are the same, and a zero day count is no action.
type canonicalRule struct {
	ID                string
	Enabled           bool
	Prefix            string
	Tags              map[string]string
	ExpirationDays    int
	NoncurrentDays    int
	NoncurrentKeep    int
	AbortUploadsAfter int
}

func intOf(v types.Int64) int {
	if v.IsNull() || v.IsUnknown() {
		return 0
	}

	return int(v.ValueInt64())
}

func stringMap(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out, nil
	}
	d := m.ElementsAs(ctx, &out, false)

	return out, d
}

func canonicalFromModel(ctx context.Context, rules types.List) ([]canonicalRule, diag.Diagnostics) {
	var diags diag.Diagnostics
	if rules.IsNull() || rules.IsUnknown() {
		return nil, diags
	}
	var models []lifecycleRuleModel
	diags.Append(rules.ElementsAs(ctx, &models, false)...)
	out := make([]canonicalRule, 0, len(models))
	for _, m := range models {
		c := canonicalRule{
			ID:                m.ID.ValueString(),
			Enabled:           m.Enabled.IsNull() || m.Enabled.ValueBool(),
			Tags:              map[string]string{},
			ExpirationDays:    intOf(m.ExpirationDays),
			NoncurrentDays:    intOf(m.NoncurrentVersionExpirationDays),
			NoncurrentKeep:    intOf(m.NoncurrentVersionsRetained),
			AbortUploadsAfter: intOf(m.AbortIncompleteMultipartUploadDays),
		}
		if !m.Filter.IsNull() && !m.Filter.IsUnknown() {
			var f lifecycleFilterModel
			diags.Append(m.Filter.As(ctx, &f, struct{ UnhandledNullAsEmpty, UnhandledUnknownAsEmpty bool }{true, true})...)
			c.Prefix = f.Prefix.ValueString()
			tags, d := stringMap(ctx, f.Tags)
			diags.Append(d...)
			c.Tags = tags
		}
		out = append(out, c)
	}

	return out, diags
}

func canonicalFromServer(cfg *lifecycle.Configuration) []canonicalRule {
	out := []canonicalRule{}
	if cfg == nil {
		return out
	}
	for _, r := range cfg.Rules {
		c := canonicalRule{
			ID:                r.ID,
			Enabled:           r.Status == "Enabled",
			Prefix:            r.Prefix, // the legacy top-level prefix, if a server still uses it
			Tags:              map[string]string{},
			ExpirationDays:    int(r.Expiration.Days),
			NoncurrentDays:    int(r.NoncurrentVersionExpiration.NoncurrentDays),
			NoncurrentKeep:    r.NoncurrentVersionExpiration.NewerNoncurrentVersions,
			AbortUploadsAfter: int(r.AbortIncompleteMultipartUpload.DaysAfterInitiation),
		}
		f := r.RuleFilter
		if f.Prefix != "" {
			c.Prefix = f.Prefix
		}
		if f.And.Prefix != "" {
			c.Prefix = f.And.Prefix
		}
		if f.Tag.Key != "" {
			c.Tags[f.Tag.Key] = f.Tag.Value
		}
		for _, t := range f.And.Tags {
			c.Tags[t.Key] = t.Value
		}
		out = append(out, c)
	}

	return out
}

func rulesEqual(a, b []canonicalRule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}

	return true
}

// toServer builds the lifecycle configuration to send.
func toServer(rules []canonicalRule) *lifecycle.Configuration {
	cfg := lifecycle.NewConfiguration()
	for _, c := range rules {
		r := lifecycle.Rule{ID: c.ID, Status: "Disabled"}
		if c.Enabled {
			r.Status = "Enabled"
		}
		switch {
		case len(c.Tags) == 0:
			r.RuleFilter.Prefix = c.Prefix
		case len(c.Tags) == 1 && c.Prefix == "":
			for k, v := range c.Tags {
				r.RuleFilter.Tag = lifecycle.Tag{Key: k, Value: v}
			}
		default:
			r.RuleFilter.And.Prefix = c.Prefix
			for _, k := range sortedKeys(c.Tags) {
				r.RuleFilter.And.Tags = append(r.RuleFilter.And.Tags, lifecycle.Tag{Key: k, Value: c.Tags[k]})
			}
		}
		r.Expiration.Days = lifecycle.ExpirationDays(c.ExpirationDays)
		r.NoncurrentVersionExpiration.NoncurrentDays = lifecycle.ExpirationDays(c.NoncurrentDays)
		r.NoncurrentVersionExpiration.NewerNoncurrentVersions = c.NoncurrentKeep
		r.AbortIncompleteMultipartUpload.DaysAfterInitiation = lifecycle.ExpirationDays(c.AbortUploadsAfter)
		cfg.Rules = append(cfg.Rules, r)
	}

	return cfg
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// toModel turns the server's rules into state values, in canonical form.
func toModel(rules []canonicalRule) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make([]attr.Value, 0, len(rules))
	for _, c := range rules {
		tags, d := types.MapValueFrom(context.Background(), types.StringType, c.Tags)
		diags.Append(d...)
		filter, d := types.ObjectValue(filterAttrTypes, map[string]attr.Value{
			"prefix": types.StringValue(c.Prefix),
			"tags":   tags,
		})
		diags.Append(d...)
		obj, d := types.ObjectValue(ruleAttrTypes, map[string]attr.Value{
			"id":                                     types.StringValue(c.ID),
			"enabled":                                types.BoolValue(c.Enabled),
			"filter":                                 filter,
			"expiration_days":                        optInt(c.ExpirationDays),
			"noncurrent_version_expiration_days":     optInt(c.NoncurrentDays),
			"noncurrent_versions_retained":           optInt(c.NoncurrentKeep),
			"abort_incomplete_multipart_upload_days": optInt(c.AbortUploadsAfter),
		})
		diags.Append(d...)
		elems = append(elems, obj)
	}
	l, d := types.ListValue(ruleObjectType, elems)
	diags.Append(d...)

	return l, diags
}

func optInt(n int) types.Int64 {
	if n == 0 {
		return types.Int64Null()
	}

	return types.Int64Value(int64(n))
}

// validateRules checks what the schema cannot: every rule acts, and ids are
// unique. Problems are reported at the rule's path.
func validateRules(ctx context.Context, rules types.List, diags *diag.Diagnostics) {
	if rules.IsNull() || rules.IsUnknown() {
		return
	}
	var models []lifecycleRuleModel
	if d := rules.ElementsAs(ctx, &models, false); d.HasError() {
		return
	}
	seen := map[string]int{}
	for i, m := range models {
		p := path.Root("lifecycle_rules").AtListIndex(i)
		if m.ExpirationDays.IsNull() && m.NoncurrentVersionExpirationDays.IsNull() &&
			m.AbortIncompleteMultipartUploadDays.IsNull() && !m.ExpirationDays.IsUnknown() &&
			!m.NoncurrentVersionExpirationDays.IsUnknown() && !m.AbortIncompleteMultipartUploadDays.IsUnknown() {
			diags.AddAttributeError(p, "Lifecycle rule without an action",
				"Set at least one of expiration_days, noncurrent_version_expiration_days or abort_incomplete_multipart_upload_days.")
		}
		if !m.NoncurrentVersionsRetained.IsNull() && m.NoncurrentVersionExpirationDays.IsNull() {
			diags.AddAttributeError(p.AtName("noncurrent_versions_retained"), "Incomplete lifecycle rule",
				"noncurrent_versions_retained needs noncurrent_version_expiration_days in the same rule.")
		}
		if m.ID.IsUnknown() {
			continue
		}
		if j, dup := seen[m.ID.ValueString()]; dup {
			diags.AddAttributeError(p.AtName("id"), "Duplicate lifecycle rule id",
				fmt.Sprintf("Rule %d already uses the id %q; each rule needs its own id.", j, m.ID.ValueString()))
		}
		seen[m.ID.ValueString()] = i
	}
}
