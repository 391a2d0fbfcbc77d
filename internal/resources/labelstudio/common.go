// Package labelstudio holds the Label Studio resources: projects, S3 import
// and export storages, and webhooks.
package labelstudio

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// clientHolder is embedded by every resource: the client, or the reason
// there is none, which only fails resources that are actually used.
type clientHolder struct {
	data      *providerdata.Data
	client    *labelstudio.Client
	clientErr error
}

func (h *clientHolder) configure(req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	d := providerdata.FromResource(req, resp)
	if d == nil {
		return
	}
	h.data = d
	h.client, h.clientErr = labelstudio.FromData(d)
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
	diags.AddError(d, action, typeName, id, "The provider has no usable Label Studio connection.",
		"Configure the labelstudio block of the provider (endpoint plus api_key or personal_access_token).", err)

	return false
}

// readByID is the shared part of Read: it parses the numeric id in state
// and fetches the object through get. ok is false when Read should stop:
// the object is gone (a warning naming goneID, and the resource leaves
// state) or an error was added; badIDTodo tells how to recover from an id
// that does not parse, what says which object could not be read.
func readByID[T any](ctx context.Context, h *clientHolder, resp *resource.ReadResponse, typeName, id, goneID, badIDTodo, what string,
	get func(context.Context, int64) (T, error),
) (obj T, ok bool) {
	if !h.ready(&resp.Diagnostics, "reading", typeName, id) {
		return obj, false
	}
	n, err := parseID(id)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, id, "The id in state is not valid.", badIDTodo, err)

		return obj, false
	}
	obj, err = get(ctx, n)
	if labelstudio.IsNotFound(err) {
		diags.NotFoundWarning(&resp.Diagnostics, typeName, goneID)
		resp.State.RemoveResource(ctx)

		return obj, false
	}
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, id, "Label Studio did not return the "+what+".", "", err)

		return obj, false
	}

	return obj, true
}

// deleteByID is the shared Delete: it removes the object whose numeric id
// is in state through del. An id that never parsed names nothing remote and
// a missing object is already gone; both are success. what is the
// diagnostic's account of a refusal.
func (h *clientHolder) deleteByID(ctx context.Context, d *diag.Diagnostics, typeName, id, what string, del func(context.Context, int64) error) {
	if !h.ready(d, "deleting", typeName, id) {
		return
	}
	n, err := parseID(id)
	if err != nil {
		return
	}
	if err := del(ctx, n); err != nil && !labelstudio.IsNotFound(err) {
		diags.AddError(d, "deleting", typeName, id, what, "", err)
	}
}

// parseID reads a numeric Label Studio id.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not a Label Studio id (a positive whole number)", s)
	}

	return id, nil
}

// serverMessages lists what the server said about a refused request, one
// message per line, so diagnostics pass it on faithfully.
func serverMessages(err error) string {
	var e *labelstudio.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	lines := e.Messages()
	if e.Detail != "" {
		lines = append([]string{e.Detail}, lines...)
	}
	if len(lines) == 0 {
		return err.Error()
	}

	return strings.Join(lines, "\n")
}
