// Package dremio holds the lakehouse_dremio_* resources: sources, spaces,
// folders and views in a Dremio catalog.
package dremio

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// namePattern is what Dremio accepts for space and source names.
var namePattern = regexp.MustCompile(`^[^."@]+$`)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// client returns the Dremio client or adds a diagnostic naming the missing
// provider block.
func client(d *providerdata.Data, dg *diag.Diagnostics, action, typeName, id string) *dremio.Client {
	if d == nil {
		diags.AddError(dg, action, typeName, id, "The provider is not configured yet.",
			"This is a bug in the provider; please report it.", nil)

		return nil
	}
	c, err := dremio.FromData(d)
	if err != nil {
		diags.AddError(dg, action, typeName, id, "The Dremio client could not be set up.",
			"Check the provider's dremio block or its LAKEHOUSE_DREMIO_* environment variables.", err)

		return nil
	}

	return c
}

// apiError adds the standard diagnostic for a failed Dremio call, with
// advice that fits the status.
func apiError(dg *diag.Diagnostics, action, typeName, id string, err error) {
	switch {
	case dremio.IsConflict(err) && (action == "updating" || action == "deleting"):
		diags.AddError(dg, action, typeName, id,
			"Dremio refused the change because the object was modified after Terraform last read it "+
				"(its version tag is stale), for example by an edit in the Dremio console.",
			"Run `terraform apply -refresh-only` (or `terraform refresh`) to read the current object, "+
				"review it, then run `terraform plan` and apply again.", err)
	case dremio.IsConflict(err):
		diags.AddError(dg, action, typeName, id,
			"An object with this name or path already exists in Dremio.",
			"Choose another name, or import the existing object with `terraform import`.", err)
	default:
		diags.AddError(dg, action, typeName, id, fmt.Sprintf("The Dremio API call failed while %s the object.", action),
			"Check the message below; the object in Dremio was left as it was before this call.", err)
	}
}

// readEntity looks up the entity of a resource's Read, by id or (on import)
// by path. It returns nil when Read should stop: the object is gone (a
// warning, and the resource leaves state) or an error was added.
func readEntity(ctx context.Context, d *providerdata.Data, resp *resource.ReadResponse, typeName, id string) *dremio.Entity {
	c := client(d, &resp.Diagnostics, "reading", typeName, id)
	if c == nil {
		return nil
	}
	e, err := lookup(ctx, c, id)
	if dremio.IsNotFound(err) {
		diags.NotFoundWarning(&resp.Diagnostics, typeName, id)
		resp.State.RemoveResource(ctx)

		return nil
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading", typeName, id, err)

		return nil
	}

	return e
}

// deleteEntity deletes the object id without a tag: destroy means "remove
// it" even if someone edited it since the last refresh (only updates must
// not overwrite such edits), and whether Dremio bumps a container's tag when
// its children change is not documented; destroy removes children first.
func deleteEntity(ctx context.Context, d *providerdata.Data, dg *diag.Diagnostics, typeName, id string) {
	c := client(d, dg, "deleting", typeName, id)
	if c == nil {
		return
	}
	if err := c.Delete(ctx, id, ""); err != nil {
		apiError(dg, "deleting", typeName, id, err)
	}
}

// lookup reads an entity by id, or by path when the id is not a UUID (import
// by path).
func lookup(ctx context.Context, c *dremio.Client, id string) (*dremio.Entity, error) {
	if uuidPattern.MatchString(id) || strings.HasPrefix(id, "dremio:") {
		return c.Get(ctx, id)
	}
	p, err := dremio.ParsePath(id)
	if err != nil {
		return nil, fmt.Errorf("import id %q is neither a Dremio id (UUID) nor a path such as space.folder.view: %w", id, err)
	}

	return c.GetByPath(ctx, p)
}

func stringList(ctx context.Context, l types.List) ([]string, diag.Diagnostics) {
	if l.IsNull() || l.IsUnknown() {
		return nil, nil
	}
	var out []string
	d := l.ElementsAs(ctx, &out, false)

	return out, d
}

func listOf(p []string) types.List {
	vals := make([]attr.Value, len(p))
	for i, s := range p {
		vals[i] = types.StringValue(s)
	}

	return types.ListValueMust(types.StringType, vals)
}

// samePathFold reports whether two paths name the same entity; Dremio
// compares paths case-insensitively.
func samePathFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}

	return true
}

// keepPriorPath returns the prior path when the server's differs only in
// letter case, so a case-insensitive lookup never shows as a change.
func keepPriorPath(ctx context.Context, prior types.List, server []string) types.List {
	p, _ := stringList(ctx, prior)
	if p != nil && samePathFold(p, server) {
		return prior
	}

	return listOf(server)
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
