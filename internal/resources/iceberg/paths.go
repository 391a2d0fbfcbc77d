package iceberg

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// located is the path of p that Terraform can show in the configuration.
// Terraform locates a diagnostic through blocks and at most one list index
// into an attribute's value, never deeper into a nested attribute: for
// schema[6].fields[1].type it shows the resource's first line, and for
// schema[2].name the table's own name argument. So diagnostics about a
// nested attribute are attached to the list element that holds it
// (schema[6]), and their detail starts with the whole path.
func located(p path.Path) path.Path {
	for len(p.Steps()) > 2 {
		p = p.ParentPath()
	}

	return p
}

// addAttrError adds a configuration error about the attribute at p.
func addAttrError(d *diag.Diagnostics, p path.Path, summary, msg string) {
	d.AddAttributeError(located(p), summary, withPath(p, msg))
}

// withPath starts msg with the path p unless msg names it already.
func withPath(p path.Path, msg string) string {
	if strings.Contains(msg, p.String()) {
		return msg
	}

	return p.String() + ": " + msg
}

// locatedString runs a validator and re-attaches its diagnostics where
// Terraform can show them (see located).
type locatedString struct{ validator.String }

func (l locatedString) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	var inner validator.StringResponse
	l.String.ValidateString(ctx, req, &inner)
	for _, d := range inner.Diagnostics {
		if d.Severity() == diag.SeverityError {
			addAttrError(&resp.Diagnostics, req.Path, d.Summary(), d.Detail())
		} else {
			resp.Diagnostics.AddAttributeWarning(located(req.Path), d.Summary(), withPath(req.Path, d.Detail()))
		}
	}
}

func locatedStrings(vs ...validator.String) []validator.String {
	out := make([]validator.String, len(vs))
	for i, v := range vs {
		out[i] = locatedString{v}
	}

	return out
}
