package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// openCatalog opens the catalog of the runner's settings. The runner never
// creates a catalog: a SQLite catalog file that does not exist is a wrong
// path (most often a relative one read from another directory), so it is
// reported as such rather than opened as a new, empty catalog.
func openCatalog(ctx context.Context, d *providerdata.Data) (catalog.Catalog, error) {
	if d.Catalog.Configured && (d.Catalog.Type == "" || strings.EqualFold(d.Catalog.Type, catalog.TypeSQL)) {
		if path := catalog.SQLiteFile(d.Catalog.URI); path != "" {
			st, err := os.Stat(path)
			abs, _ := filepath.Abs(path)
			if errors.Is(err, os.ErrNotExist) {
				return nil, Usage(fmt.Errorf("the SQLite catalog %s does not exist (LAKEHOUSE_CATALOG_URI=%q); "+
					"point it at the file Terraform created, with an absolute path when the runner runs from another directory",
					abs, d.Catalog.URI))
			}
			// An empty file (touch catalog.db) would be turned into a new,
			// empty catalog as surely as a missing one.
			if err == nil && st.Mode().IsRegular() && st.Size() == 0 {
				return nil, Usage(fmt.Errorf("the SQLite catalog %s is an empty file, not a catalog (LAKEHOUSE_CATALOG_URI=%q); "+
					"apply the Terraform configuration that creates it, or point the variable at the catalog Terraform uses",
					abs, d.Catalog.URI))
			}
		}
	}
	cat, err := catalog.Open(ctx, d)
	if err != nil {
		var nc *providerdata.NotConfiguredError
		if errors.As(err, &nc) {
			return nil, Usage(err)
		}

		return nil, Runtime(fmt.Errorf("opening the catalog: %w", err))
	}

	return cat, nil
}
