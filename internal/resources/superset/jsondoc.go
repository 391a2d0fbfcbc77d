package superset

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// jsonMode says which keys of a JSON document the configuration owns.
type jsonMode int

const (
	// jsonExact: the whole document; only formatting and key order may differ.
	jsonExact jsonMode = iota
	// jsonOwnedKeys: the keys the configuration names, at every level; keys
	// the server adds (json_metadata's shared_label_colors, extra's
	// engine_params) never diff.
	jsonOwnedKeys
	// jsonLayout: position_json. The set of layout components is owned
	// exactly (removing a chart from the layout must diff), but keys the
	// server adds inside a component (parents, uuid, sliceName) never diff.
	jsonLayout
)

// jsonDocType is a string attribute holding a JSON object, compared by
// meaning rather than by bytes (C18).
type jsonDocType struct {
	basetypes.StringType
	mode jsonMode
}

var (
	_ basetypes.StringTypable                    = jsonDocType{}
	_ basetypes.StringValuableWithSemanticEquals = jsonDocValue{}
)

func (t jsonDocType) Equal(o attr.Type) bool {
	other, ok := o.(jsonDocType)

	return ok && other.mode == t.mode
}

func (t jsonDocType) String() string { return fmt.Sprintf("jsonDocType(%d)", t.mode) }

func (t jsonDocType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return jsonDocValue{StringValue: in, mode: t.mode}, nil
}

func (t jsonDocType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}

	return jsonDocValue{StringValue: sv, mode: t.mode}, nil
}

func (t jsonDocType) ValueType(context.Context) attr.Value { return jsonDocValue{mode: t.mode} }

// jsonDocValue is a value of jsonDocType.
type jsonDocValue struct {
	basetypes.StringValue
	mode jsonMode
}

func (v jsonDocValue) Type(context.Context) attr.Type { return jsonDocType{mode: v.mode} }

func (v jsonDocValue) Equal(o attr.Value) bool {
	other, ok := o.(jsonDocValue)

	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals is called with the prior value when the provider
// returns a new one: they are equal when the new (server) document holds
// everything the prior (configured) one owns.
func (v jsonDocValue) StringSemanticEquals(_ context.Context, prior basetypes.StringValuable) (bool, diag.Diagnostics) {
	p, ok := prior.(jsonDocValue)
	if !ok {
		return false, nil
	}

	return jsonCovers(v.ValueString(), p.ValueString(), v.mode), nil
}

func newJSONDoc(mode jsonMode, s string) jsonDocValue {
	return jsonDocValue{StringValue: basetypes.NewStringValue(s), mode: mode}
}

func nullJSONDoc(mode jsonMode) jsonDocValue {
	return jsonDocValue{StringValue: basetypes.NewStringNull(), mode: mode}
}

func parseJSON(s string) (any, bool) {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil, false
	}

	return v, true
}

// jsonCovers reports whether server holds owned under mode.
func jsonCovers(server, owned string, mode jsonMode) bool {
	if server == owned {
		return true
	}
	s, ok1 := parseJSON(server)
	o, ok2 := parseJSON(owned)
	if !ok1 || !ok2 {
		return false
	}
	if mode == jsonExact {
		return reflect.DeepEqual(s, o)
	}

	return covers(s, o, mode == jsonLayout)
}

func covers(server, owned any, exactKeys bool) bool {
	switch o := owned.(type) {
	case map[string]any:
		sm, ok := server.(map[string]any)
		if !ok {
			return false
		}
		if exactKeys && len(sm) != len(o) {
			return false
		}
		for k, ov := range o {
			sv, ok := sm[k]
			if !ok || !covers(sv, ov, false) {
				return false
			}
		}

		return true
	case []any:
		sl, ok := server.([]any)
		if !ok || len(sl) != len(o) {
			return false
		}
		for i := range o {
			if !covers(sl[i], o[i], false) {
				return false
			}
		}

		return true
	default:
		return reflect.DeepEqual(server, owned)
	}
}

// reconcileJSON is what Read stores: the prior value while the server
// still holds it, otherwise the server's document cut down to the keys the
// prior value owns, so a plan shows only the drift that matters. Without a
// prior value (import) the whole server document is kept.
func reconcileJSON(prior jsonDocValue, server *string, imported bool) jsonDocValue {
	if prior.IsNull() && !imported {
		return prior
	}
	if server == nil || *server == "" {
		if prior.IsNull() {
			return prior
		}

		return nullJSONDoc(prior.mode)
	}
	if prior.IsNull() || prior.IsUnknown() {
		return newJSONDoc(prior.mode, *server)
	}
	if jsonCovers(*server, prior.ValueString(), prior.mode) {
		return prior
	}
	s, ok1 := parseJSON(*server)
	o, ok2 := parseJSON(prior.ValueString())
	if !ok1 || !ok2 || prior.mode == jsonExact {
		return newJSONDoc(prior.mode, *server)
	}
	out, err := json.Marshal(project(s, o, prior.mode == jsonLayout))
	if err != nil {
		return newJSONDoc(prior.mode, *server)
	}

	return newJSONDoc(prior.mode, string(out))
}

// project keeps the parts of server that owned names.
func project(server, owned any, allKeys bool) any {
	switch o := owned.(type) {
	case map[string]any:
		sm, ok := server.(map[string]any)
		if !ok {
			return server
		}
		out := map[string]any{}
		for k, sv := range sm {
			if ov, ok := o[k]; ok {
				out[k] = project(sv, ov, false)
			} else if allKeys {
				out[k] = sv
			}
		}

		return out
	case []any:
		sl, ok := server.([]any)
		if !ok || len(sl) != len(o) {
			return server
		}
		out := make([]any, len(sl))
		for i := range sl {
			out[i] = project(sl[i], o[i], false)
		}

		return out
	default:
		return server
	}
}

// mergeJSON is read-modify-write for a document whose owned keys are
// given: the server's current keys are kept, the owned ones overlay them,
// and keys owned before but no longer are removed.
func mergeJSON(server *string, owned, previouslyOwned string) (string, error) {
	base := map[string]any{}
	if server != nil && *server != "" {
		if v, ok := parseJSON(*server); ok {
			if m, ok := v.(map[string]any); ok {
				base = m
			}
		}
	}
	if prev, ok := parseJSON(previouslyOwned); ok {
		if pm, ok := prev.(map[string]any); ok {
			for k := range pm {
				delete(base, k)
			}
		}
	}
	want, ok := parseJSON(owned)
	if !ok {
		return "", fmt.Errorf("not valid JSON")
	}
	wm, ok := want.(map[string]any)
	if !ok {
		return "", fmt.Errorf("not a JSON object")
	}
	for k, v := range wm {
		base[k] = v
	}
	out, err := json.Marshal(base)

	return string(out), err
}

// jsonObjectValidator fails a plan whose value is not a JSON object.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string { return "value must be a JSON object" }

func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &m); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON object",
			fmt.Sprintf("%s must be a JSON object, for example written with jsonencode({...}): %s", req.Path, err))
	}
}

// importedKey marks, in private state, a resource whose JSON attributes
// hold the server's whole documents because it was imported; until the
// next apply, a configuration that the documents cover plans no change.
const importedKey = "imported_json"

var importedMark = []byte(`{"imported":true}`)

// jsonPlan is the plan modifier of every JSON attribute (they are
// Optional and Computed only so that it may plan a value). Unset means
// unmanaged and plans null, except right after an import, where the state
// holds the server's whole document and a configuration it covers plans no
// change.
type jsonPlan struct{ mode jsonMode }

func (jsonPlan) Description(context.Context) string {
	return "unset means unmanaged; after an import, keys the server added do not plan a change"
}

func (m jsonPlan) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (m jsonPlan) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	imported := false
	if req.Private != nil {
		mark, d := req.Private.GetKey(ctx, importedKey)
		resp.Diagnostics.Append(d...)
		imported = len(mark) > 0
	}
	switch {
	case req.ConfigValue.IsNull() && imported && !req.StateValue.IsNull():
		resp.PlanValue = req.StateValue
	case req.ConfigValue.IsNull():
		resp.PlanValue = types.StringNull()
	case imported && !req.StateValue.IsNull() && !req.ConfigValue.IsUnknown() &&
		jsonCovers(req.StateValue.ValueString(), req.ConfigValue.ValueString(), m.mode):
		resp.PlanValue = req.StateValue
	}
}

// isImported reads the import mark from private state.
func isImported(ctx context.Context, p interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) bool {
	mark, _ := p.GetKey(ctx, importedKey)

	return len(mark) > 0
}
