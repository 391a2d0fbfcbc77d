// Package diags holds the wording every resource uses for its diagnostics:
// the summary names the action, the resource type and the id; the detail says
// what happened, what to do, then the original error.
package diags

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Action failed: "Error creating lakehouse_bucket (raw)".
func Summary(action, typeName, id string) string {
	if id == "" {
		return fmt.Sprintf("Error %s %s", action, typeName)
	}

	return fmt.Sprintf("Error %s %s (%s)", action, typeName, id)
}

// Detail joins what happened, what to do and the cause in that order.
func Detail(what, todo string, cause error) string {
	s := what
	if todo != "" {
		s += "\n\n" + todo
	}
	if cause != nil {
		s += "\n\nOriginal error: " + cause.Error()
	}

	return s
}

// AddError appends an error diagnostic in the standard shape.
func AddError(d *diag.Diagnostics, action, typeName, id, what, todo string, cause error) {
	d.AddError(Summary(action, typeName, id), Detail(what, todo, cause))
}

// NotFoundWarning is the warning Read emits before removing a resource that
// no longer exists remotely, so the next plan re-creates it.
func NotFoundWarning(d *diag.Diagnostics, typeName, id string) {
	d.AddWarning(fmt.Sprintf("%s (%s) not found", typeName, id),
		fmt.Sprintf("%s %q no longer exists on the server; it was removed from the state and the next plan will create it again.", typeName, id))
}
