package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
)

// openStore builds the Store for a command's locations. Object-store
// settings are resolved (and their errors reported as usage errors) only
// when one of them is s3://, so local runs need no configuration; the
// settings are returned then, nil otherwise.
func openStore(locs ...runnerio.Location) (*runnerio.Store, *providerdata.Data, error) {
	for _, l := range locs {
		if !l.IsS3() {
			continue
		}
		d, err := provider.Settings()
		if err != nil {
			return nil, nil, Usage(fmt.Errorf("object store settings: %w", err))
		}
		if !d.S3.Configured {
			return nil, nil, Usage(&providerdata.NotConfiguredError{Block: "s3", Env: providerdata.S3Env})
		}

		return runnerio.NewStore(d), d, nil
	}

	return runnerio.NewStore(nil), nil, nil
}

// isTerminal reports whether f is a terminal; progress goes to stderr only
// when it is.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()

	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readDocument reads a governance document (a suite, a policy, a schema)
// named on the command line. One that does not exist is a configuration
// error (exit 2), as one that does not parse is; a failed read of one that
// exists is a runtime error (exit 3).
func readDocument(ctx context.Context, store *runnerio.Store, loc runnerio.Location, what string) ([]byte, error) {
	raw, err := store.ReadAll(ctx, loc)
	switch {
	case err == nil:
		return raw, nil
	case errors.Is(err, fs.ErrNotExist) || objectstore.IsNotFound(err):
		return nil, Usage(fmt.Errorf("the %s %s does not exist: %w", what, loc, err))
	case !loc.IsS3() && isDir(loc.Key):
		return nil, Usage(fmt.Errorf("the %s %s is a folder; give the %s's file", what, loc, what))
	default:
		return nil, Runtime(fmt.Errorf("reading the %s %s: %w", what, loc, err))
	}
}

// checkOutputs refuses, before any work, output flags whose local path
// names a folder; s3:// and iceberg:// outputs are checked where written.
func checkOutputs(flags map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(flags)) {
		path := flags[name]
		if path == "" || strings.Contains(path, "://") {
			continue
		}
		if err := runnerio.CheckOutputFile(path); err != nil {
			return Usage(fmt.Errorf("--%s: %w", name, err))
		}
	}

	return nil
}

// isDir reports whether a local path is a folder.
func isDir(path string) bool {
	st, err := os.Stat(path)

	return err == nil && st.IsDir()
}
