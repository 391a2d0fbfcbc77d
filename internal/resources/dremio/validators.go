package dremio

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// lastElementValidator checks the rule Dremio applies to the name of a new
// folder or view: no ".", "/" or double quote.
type lastElementValidator struct{}

func (lastElementValidator) Description(context.Context) string {
	return "the last path element must not contain '.', '/' or '\"'"
}

func (v lastElementValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (lastElementValidator) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	if len(elems) == 0 {
		return
	}
	last, ok := elems[len(elems)-1].(types.String)
	if !ok || last.IsUnknown() || last.IsNull() {
		return
	}
	if strings.ContainsAny(last.ValueString(), `./"`) {
		resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(len(elems)-1), "Invalid Dremio name",
			fmt.Sprintf("%q must not contain '.', '/' or '\"'; Dremio refuses such names for folders and views.", last.ValueString()))
	}
}

// minDuration checks a Go duration of at least min (Dremio refuses metadata
// intervals under one minute).
type minDuration struct{ min time.Duration }

func (v minDuration) Description(context.Context) string {
	return fmt.Sprintf("value must be a duration such as 1h or 90m, at least %s", formatDuration(v.min))
}

func (v minDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v minDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min || d%time.Millisecond != 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a whole number of milliseconds of at least %s (write it like 1h, 90m or 15m).",
				req.ConfigValue.ValueString(), formatDuration(v.min)))
	}
}

// formatDuration writes d in the largest unit that divides it: 1h, 90m, 45s.
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	default:
		return fmt.Sprintf("%dms", d/time.Millisecond)
	}
}

// notBlank refuses a string of only whitespace.
type notBlank struct{}

func (notBlank) Description(context.Context) string { return "value must not be blank" }

func (v notBlank) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notBlank) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if strings.TrimSpace(req.ConfigValue.ValueString()) == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Blank value", "The value must contain more than whitespace.")
	}
}

var (
	upperType    = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	leadingSlash = regexp.MustCompile(`^/`)
	httpURL      = regexp.MustCompile(`^https?://[^/\s]+`)
)

// jsonObject checks that a JSON attribute holds an object.
type jsonObject struct{}

func (jsonObject) Description(context.Context) string { return "value must be a JSON object" }

func (v jsonObject) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (jsonObject) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &m); err != nil || m == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid JSON object",
			"The value must be a JSON object such as jsonencode({ hostname = \"db\", port = 5432 }).")
	}
}
