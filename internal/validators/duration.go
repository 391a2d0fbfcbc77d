// Package validators holds plan-time attribute validators shared by
// resources and the provider configuration.
package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type durationValidator struct{}

// Duration checks that a string is a non-negative Go duration ("500ms", "2m").
func Duration() validator.String { return durationValidator{} }

func (durationValidator) Description(context.Context) string {
	return "value must be a duration such as 500ms, 10s or 2m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%q is not a duration such as 500ms, 10s or 2m.", req.ConfigValue.ValueString()))
	}
}
