package iceberg

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

type diagList = diag.Diagnostics

// privateImported marks state written by ImportState, so the first Read
// adopts every remote property instead of only the declared ones.
const privateImported = "imported"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

func isImporting(ctx context.Context, p privateGetter, d *diagList) bool {
	if p == nil {
		return false
	}
	b, dd := p.GetKey(ctx, privateImported)
	d.Append(dd...)

	return string(b) == "true"
}

func stringList(ctx context.Context, l types.List, d *diagList) []string {
	var out []string
	if l.IsNull() || l.IsUnknown() {
		return out
	}
	d.Append(l.ElementsAs(ctx, &out, false)...)

	return out
}

// knownStrings returns the elements of l when l and all of them are known.
func knownStrings(l types.List) ([]string, bool) {
	if l.IsNull() || l.IsUnknown() {
		return nil, false
	}
	out := make([]string, 0, len(l.Elements()))
	for _, e := range l.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() {
			return nil, false
		}
		out = append(out, s.ValueString())
	}

	return out, true
}

func stringMap(ctx context.Context, m types.Map, d *diagList) map[string]string {
	out := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return out
	}
	d.Append(m.ElementsAs(ctx, &out, false)...)

	return out
}

// OpenCatalog returns the provider's Iceberg catalog, or adds the
// diagnostic for action on typeName id and returns false. It never creates
// a SQLite catalog file (see catalog.FromData).
func OpenCatalog(d *providerdata.Data, dg *diag.Diagnostics, action, typeName, id string) (catalog.Catalog, bool) {
	cat, err := catalog.FromData(d)

	return opened(d, cat, err, dg, action, typeName, id)
}

// creatingCatalog is OpenCatalog for Create, which may create the SQLite
// catalog file.
func creatingCatalog(d *providerdata.Data, dg *diag.Diagnostics, typeName, id string) (catalog.Catalog, bool) {
	cat, err := catalog.FromDataCreating(d)

	return opened(d, cat, err, dg, "creating", typeName, id)
}

func opened(d *providerdata.Data, cat catalog.Catalog, err error, dg *diag.Diagnostics, action, typeName, id string) (catalog.Catalog, bool) {
	if err != nil {
		todo := "Check the provider's catalog block."
		var missing *catalog.MissingFileError
		if errors.As(err, &missing) {
			todo = "Check catalog.uri (or LAKEHOUSE_CATALOG_URI): Terraform creates the file when it creates the first " +
				"namespace or table, and never on a plan or a read."
		}
		AddCatalogError(dg, d, action, typeName, id, "The Iceberg catalog could not be opened.", todo, err)

		return nil, false
	}

	return cat, true
}

// AddCatalogError adds the error for a failed call to the catalog or the
// object store. what and todo describe an answer from the service (a
// refusal); when the call never got an answer (connection refused, unknown
// host, timeout) the diagnostic says which service could not be reached
// instead, since the declaration is not at fault.
func AddCatalogError(dg *diag.Diagnostics, d *providerdata.Data, action, typeName, id, what, todo string, err error) {
	if w, ok := catalog.Unreachable(d, err); ok {
		what = w
		todo = "It may be down, restarting or unreachable from here: check that it runs and that the endpoint is " +
			"right, then run the same command again."
	}
	diags.AddError(dg, action, typeName, id, what, todo, err)
}

// readingCatalog is OpenCatalog for Read: when the SQLite catalog file does
// not exist, nothing in it exists, so the resource is removed from the
// state with a warning naming the file, and the next plan creates it.
func readingCatalog(ctx context.Context, d *providerdata.Data, resp *resource.ReadResponse, typeName, id string) (catalog.Catalog, bool) {
	cat, err := catalog.FromData(d)
	var missing *catalog.MissingFileError
	if errors.As(err, &missing) {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%s (%s) not found", typeName, id),
			fmt.Sprintf("The SQLite catalog file %s does not exist, so %s %q was removed from the state and the next "+
				"plan will create it; the first apply creates the file. If the catalog should exist, check catalog.uri "+
				"(or LAKEHOUSE_CATALOG_URI).", missing.Path, typeName, id))
		resp.State.RemoveResource(ctx)

		return nil, false
	}

	return opened(d, cat, err, &resp.Diagnostics, "reading", typeName, id)
}

// catalogFileWarnings warns, while planning typeName id, about a SQLite
// catalog given by a relative path or not created yet: plans never create
// the file, so the first apply does.
func catalogFileWarnings(d *providerdata.Data, dg *diag.Diagnostics, typeName, id string) {
	abs, relative, exists, ok := catalog.SQLiteFileState(d)
	if !ok {
		return
	}
	if relative {
		dg.AddWarning(fmt.Sprintf("%s (%s): relative SQLite catalog path", typeName, id),
			fmt.Sprintf("catalog.uri (or LAKEHOUSE_CATALOG_URI) names the SQLite catalog file %q relative to the "+
				"working directory, here %s. lakehouse-runner and other runs of Terraform resolve it from their own "+
				"working directory and would use another catalog; give the absolute path.", d.Catalog.URI, abs))
	}
	if !exists {
		dg.AddWarning(fmt.Sprintf("%s (%s): SQLite catalog file not created yet", typeName, id),
			fmt.Sprintf("The SQLite catalog file %s does not exist; the first apply creates it. If the catalog should "+
				"already exist, check catalog.uri (or LAKEHOUSE_CATALOG_URI): every namespace and table of it would "+
				"be created anew.", abs))
	}
}
