package validators

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Check is a string validator from a check function, which returns "" for
// a good value and otherwise what is wrong with it (a sentence that
// follows the quoted value); what describes a good value, summary heads
// the diagnostic.
func Check(what, summary string, check func(string) string) validator.String {
	return checkValidator{what, summary, check}
}

type checkValidator struct {
	what    string
	summary string
	check   func(string) string
}

func (v checkValidator) Description(context.Context) string { return "value must be " + v.what }

func (v checkValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v checkValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		// The path is repeated in the text because Terraform cannot point at
		// an element inside a list of objects in its source snippet.
		detail := fmt.Sprintf("%s: %q %s.", req.Path, req.ConfigValue.ValueString(), msg)
		if strings.HasPrefix(msg, `"`) { // the message quotes the value itself
			detail = fmt.Sprintf("%s: %s.", req.Path, msg)
		}
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, detail)
	}
}
