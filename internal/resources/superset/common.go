// Package superset holds the Apache Superset resources: databases,
// datasets, charts and dashboards.
package superset

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
)

// clientHolder is embedded by every resource: the client, or the reason
// there is none, which fails only the resources that are used.
type clientHolder struct {
	data      *providerdata.Data
	client    *superset.Client
	clientErr error
}

func (h *clientHolder) configure(req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	d := providerdata.FromResource(req, resp)
	if d == nil {
		return
	}
	h.data = d
	h.client, h.clientErr = superset.FromData(d)
}

// ready reports whether there is a client, adding a diagnostic when not.
func (h *clientHolder) ready(d *diag.Diagnostics, action, typeName, id string) bool {
	if h.client != nil {
		return true
	}
	err := h.clientErr
	if err == nil {
		err = errors.New("the provider was not configured")
	}
	diags.AddError(d, action, typeName, id, "The provider has no usable Superset connection.",
		"Configure the superset block of the provider (endpoint plus username and password, or access_token).", err)

	return false
}

// computedID is the numeric id attribute Superset assigns on create.
func computedID(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
	}
}

// computedString is a string attribute Superset assigns on create and never
// changes (uuid, url).
func computedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed: true, MarkdownDescription: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// readByID is the shared part of Read: it fetches the object with the id in
// state through get. ok is false when Read should stop: the object is gone
// (a warning, and the resource leaves state) or an error was added; what
// names the object in that error.
func readByID[T any](ctx context.Context, h *clientHolder, resp *resource.ReadResponse, typeName string, id types.Int64, what string,
	get func(context.Context, int64) (*T, error),
) (*T, bool) {
	if !h.ready(&resp.Diagnostics, "reading", typeName, idString(id)) {
		return nil, false
	}
	obj, err := get(ctx, id.ValueInt64())
	if superset.IsNotFound(err) {
		diags.NotFoundWarning(&resp.Diagnostics, typeName, idString(id))
		resp.State.RemoveResource(ctx)

		return nil, false
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, idString(id), "The "+what+" could not be read.",
			"Check that Superset is reachable and the credentials are valid.", err)

		return nil, false
	}

	return obj, true
}

// remove is the shared Delete: it deletes the object id of collection; one
// that is already gone is success. todo gives the advice for a refusal.
func (h *clientHolder) remove(ctx context.Context, d *diag.Diagnostics, typeName, collection string, id types.Int64, what string,
	todo func(error) string,
) {
	if !h.ready(d, "deleting", typeName, idString(id)) {
		return
	}
	err := h.client.Remove(ctx, collection, id.ValueInt64())
	if err != nil && !superset.IsNotFound(err) {
		diags.AddError(d, "deleting", typeName, idString(id), "Superset did not delete the "+what+".", todo(err), err)
	}
}

// advice is a todo for remove that is the same whatever the error.
func advice(s string) func(error) string { return func(error) string { return s } }

// importByID accepts a numeric Superset id as the import id.
func importByID(ctx context.Context, typeName string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := strconv.ParseInt(strings.TrimSpace(req.ID), 10, 64)
	if err != nil || id <= 0 {
		diags.AddError(&resp.Diagnostics, "importing", typeName, req.ID,
			fmt.Sprintf("%q is not a Superset id.", req.ID),
			"Import with the numeric id shown in the Superset UI or API, e.g. `terraform import "+typeName+".x 12`.", err)

		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), types.Int64Value(id))...)
}

// idString renders an id for diagnostics.
func idString(v types.Int64) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}

	return strconv.FormatInt(v.ValueInt64(), 10)
}

// why adds the Superset meaning of a status to a diagnostic's advice.
func why(err error, fallback string) string {
	switch {
	case superset.IsUnprocessable(err) && strings.Contains(err.Error(), "schema of the submitted payload"):
		// Dataset PUT answers schema errors with 422 instead of 400.
		return "Superset rejected the request body (HTTP 422, schema error). " + fallback
	case superset.IsUnprocessable(err):
		return "Superset refused the change (HTTP 422): a name, table or slug that must be unique is taken, or a referenced object does not exist. " + fallback
	case superset.IsUnauthorized(err):
		return "Superset refused the credentials (HTTP 401) even after a new login. Check the superset block's " +
			"username, password and auth_provider, or its access_token."
	case errors.As(err, new(*superset.APIError)) && strings.Contains(err.Error(), "HTTP 400"):
		return "Superset rejected the request body (HTTP 400); this usually means a value has the wrong type or a JSON attribute is not valid JSON. " + fallback
	default:
		return fallback
	}
}

func strPtr(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()

	return &s
}

// keepIfOwned returns the server value when the prior value was managed
// (non-null), and null otherwise, so unmanaged optional fields never diff.
func keepIfOwned(prior types.String, server *string) types.String {
	if prior.IsNull() {
		return types.StringNull()
	}
	if server == nil || *server == "" {
		if prior.ValueString() == "" {
			return prior
		}

		return types.StringNull()
	}

	return types.StringValue(*server)
}
