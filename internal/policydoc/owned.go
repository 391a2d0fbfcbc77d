package policydoc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// ManagedSidPrefix starts the Sid of every bucket-policy statement that a
// lakehouse_access_policy owns. Other resources leave such statements alone,
// so several owners can share one bucket policy without overwriting each
// other.
const ManagedSidPrefix = "lakehouse:"

// SplitManaged separates a bucket policy into the statements not owned by an
// access policy (returned as a document, "" when none remain) and those
// owned by one.
func SplitManaged(doc string) (rest string, managed []any, err error) {
	if strings.TrimSpace(doc) == "" {
		return "", nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		return "", nil, fmt.Errorf("parsing the bucket policy: %w", err)
	}
	var kept []any
	for _, s := range statements(m["Statement"]) {
		if IsManaged(s) {
			managed = append(managed, s)
		} else {
			kept = append(kept, s)
		}
	}
	if len(managed) == 0 {
		return doc, nil, nil
	}
	if len(kept) == 0 {
		return "", managed, nil
	}
	m["Statement"] = kept
	b, err := json.Marshal(m)

	return string(b), managed, err
}

// WithManaged adds statements owned by access policies to a document; with
// an empty document it builds one holding only them.
func WithManaged(doc string, managed []any) (string, error) {
	if len(managed) == 0 {
		return doc, nil
	}
	m := map[string]any{"Version": "2012-10-17"}
	if strings.TrimSpace(doc) != "" {
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			return "", fmt.Errorf("parsing the bucket policy: %w", err)
		}
	}
	m["Statement"] = append(statements(m["Statement"]), managed...)
	b, err := json.Marshal(m)

	return string(b), err
}

// IsManaged reports whether a statement belongs to an access policy.
func IsManaged(s any) bool {
	m, ok := s.(map[string]any)
	if !ok {
		return false
	}
	sid, _ := m["Sid"].(string)

	return strings.HasPrefix(sid, ManagedSidPrefix)
}

// statements accepts the one-statement object form as well as the list.
func statements(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case map[string]any:
		return []any{x}
	}

	return nil
}

type noManagedSids struct{}

// NoManagedSids refuses statements whose Sid starts with ManagedSidPrefix in
// a policy written by hand: those Sids mark statements an access policy owns.
func NoManagedSids() validator.String { return noManagedSids{} }

func (noManagedSids) Description(context.Context) string {
	return "statement Sids must not start with " + ManagedSidPrefix
}

func (v noManagedSids) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (noManagedSids) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	_, managed, err := SplitManaged(req.ConfigValue.ValueString())
	if err != nil || len(managed) == 0 {
		return // invalid JSON is reported by the type
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Reserved statement Sid",
		fmt.Sprintf("Sids starting with %q are reserved for lakehouse_access_policy, which owns those statements of the "+
			"bucket policy. Rename the Sid of this statement.", ManagedSidPrefix))
}
