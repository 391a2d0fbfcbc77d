// Package labelstudio holds the Label Studio resources: projects, S3 import
// and export storages, and webhooks.
package labelstudio

import (
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
	client    *labelstudio.Client
	clientErr error
}

func (h *clientHolder) configure(req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	d := providerdata.FromResource(req, resp)
	if d == nil {
		return
	}
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
