package providerdata

import (
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Provider block names, one per backend.
const (
	BlockS3          = "s3"
	BlockCatalog     = "catalog"
	BlockDremio      = "dremio"
	BlockSuperset    = "superset"
	BlockLabelStudio = "labelstudio"
	BlockDataCite    = "datacite"
)

// NotConfigured returns the error for an unconfigured block, with the
// block's environment variables.
func NotConfigured(block string) *NotConfiguredError {
	env := map[string][]string{
		BlockS3: S3Env, BlockCatalog: CatalogEnv, BlockDremio: DremioEnv,
		BlockSuperset: SupersetEnv, BlockLabelStudio: LabelStudioEnv, BlockDataCite: DataCiteEnv,
	}[block]

	return &NotConfiguredError{Block: block, Env: env}
}

// Require returns a *NotConfiguredError when block is not configured (no
// provider block and none of its environment variables), nil otherwise. It
// is the same test the backends' client accessors make, so a plan that
// passes it cannot fail at apply for the same reason.
func (d *Data) Require(block string) error {
	var ok bool
	switch block {
	case BlockS3:
		ok = d.S3.Configured
	case BlockCatalog:
		ok = d.Catalog.Configured
	case BlockDremio:
		ok = d.Dremio.Configured
	case BlockSuperset:
		ok = d.Superset.Configured
	case BlockLabelStudio:
		ok = d.LabelStudio.Configured
	case BlockDataCite:
		ok = d.DataCite.Configured
	default:
		panic(fmt.Sprintf("providerdata: unknown block %q", block))
	}
	if ok {
		return nil
	}

	return NotConfigured(block)
}

// RequireDiag adds one error diagnostic per unconfigured block to ds and
// reports whether all of blocks are configured. A nil d (the provider is not
// configured yet, as during validation) passes: there is nothing to check.
// Use it inside ModifyPlan for backends a resource needs only for some
// configurations (a Superset database built from the dremio block).
func RequireDiag(ds *diag.Diagnostics, d *Data, typeName string, blocks ...string) bool {
	if d == nil {
		return true
	}
	ok := true
	for _, b := range blocks {
		err := d.Require(b)
		var nc *NotConfiguredError
		if !errors.As(err, &nc) {
			continue
		}
		ok = false
		ds.AddError("Error planning "+typeName,
			fmt.Sprintf("%s needs the %s backend, but the provider has no settings for it.\n\n%s", typeName, b, nc.Error()))
	}

	return ok
}

// RequireInPlan is the plan-time check every resource runs at the top of
// ModifyPlan, so a missing backend fails `terraform plan` (which reviewers
// approve) instead of the apply, with the same NotConfiguredError text.
//
// Destroy plans are never failed: users remove a backend's block from the
// provider configuration last, and a plan that deletes resources must not
// depend on settings the configuration no longer has a reason to keep.
// Deleting still needs the backend, so when the block is already gone the
// refresh or the delete itself reports the same error at that point (drop
// such resources from the state with `terraform state rm` or a `removed`
// block if the remote objects are to be kept). A nil d (the provider is
// not configured yet) also passes.
func RequireInPlan(req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, d *Data, typeName string, blocks ...string) bool {
	if req.Plan.Raw.IsNull() {
		return true
	}

	return RequireDiag(&resp.Diagnostics, d, typeName, blocks...)
}
