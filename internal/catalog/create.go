package catalog

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"strings"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	iceio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"
	"github.com/klauspost/compress/zstd"
)

// Create creates the table of s with exactly the field ids s holds. When
// they are the ids Iceberg assigns to a new table anyway, the catalog's own
// CreateTable does it. Otherwise (ids kept from a rename, or written by
// -generate-config-out) CreateTable would renumber the fields, so the
// first metadata file is built here, written to the table location and
// registered with the catalog.
func Create(ctx context.Context, cat Catalog, ident []string, s *TableSpec) (*table.Table, error) {
	sc, err := s.Schema(0)
	if err != nil {
		return nil, err
	}
	spec, err := s.PartitionSpec(sc, nil)
	if err != nil {
		return nil, fmt.Errorf("partition spec: %w", err)
	}
	so, err := s.SortOrder(1)
	if err != nil {
		return nil, fmt.Errorf("sort order: %w", err)
	}
	var tbl *table.Table
	if freshIDs(s.Fields) {
		props := iceberg.Properties{}
		maps.Copy(props, s.Properties)
		props[table.PropertyFormatVersion] = fmt.Sprint(max(s.FormatVersion, 1))
		opts := []icecatalog.CreateTableOpt{
			icecatalog.WithPartitionSpec(&spec), icecatalog.WithSortOrder(so), icecatalog.WithProperties(props),
		}
		if s.Location != "" {
			opts = append(opts, icecatalog.WithLocation(s.Location))
		}
		tbl, err = cat.CreateTable(ctx, ident, sc, opts...)
	} else {
		tbl, err = createWithIDs(ctx, cat, ident, s, sc, spec, so)
	}
	if err != nil {
		return nil, err
	}

	return tbl, Verify(tbl.Metadata(), s)
}

// freshIDs reports whether fields carry the ids Iceberg gives a new table.
func freshIDs(fields []*Field) bool {
	fresh := cloneFields(fields)
	walkIDs(fresh, func(p *int) { *p = 0 })
	if err := AssignFreshIDs(fresh); err != nil {
		return false
	}
	var want, got []int
	walkIDs(fresh, func(p *int) { want = append(want, *p) })
	walkIDs(fields, func(p *int) { got = append(got, *p) })

	return fmt.Sprint(want) == fmt.Sprint(got)
}

func createWithIDs(ctx context.Context, cat Catalog, ident []string, s *TableSpec, sc *iceberg.Schema,
	spec iceberg.PartitionSpec, so table.SortOrder,
) (*table.Table, error) {
	c, ok := unwrap(cat)
	if !ok {
		return nil, errors.New("this catalog cannot create a table with declared field ids")
	}
	ns := ident[:len(ident)-1]
	if ok, err := cat.CheckNamespaceExists(ctx, ns); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("%w: %s", icecatalog.ErrNoSuchNamespace, FormatIdentifier(ns))
		}

		return nil, err
	}
	if ok, err := cat.CheckTableExists(ctx, ident); err != nil || ok {
		if err == nil {
			err = fmt.Errorf("%w: %s", icecatalog.ErrTableAlreadyExists, FormatIdentifier(ident))
		}

		return nil, err
	}
	loc := strings.TrimRight(s.Location, "/")
	if loc == "" {
		var err error
		if loc, err = defaultLocation(ctx, c, ident); err != nil {
			return nil, err
		}
	}
	props := iceberg.Properties{}
	maps.Copy(props, s.Properties)
	md, err := newMetadata(sc, spec, so, loc, props, max(s.FormatVersion, 1))
	if err != nil {
		return nil, fmt.Errorf("building the table metadata: %w", err)
	}
	provider, err := table.LoadLocationProvider(loc, props)
	if err != nil {
		return nil, err
	}
	metaLoc, err := provider.NewTableMetadataFileLocation(0)
	if err != nil {
		return nil, err
	}
	ioProps := maps.Clone(c.props)
	if ioProps == nil {
		ioProps = iceberg.Properties{}
	}
	maps.Copy(ioProps, props)
	fs, err := iceio.LoadFS(c.ctx(ctx), ioProps, metaLoc)
	if err != nil {
		return nil, fmt.Errorf("opening the file system of %s: %w", metaLoc, err)
	}
	wfs, ok := fs.(iceio.WriteFileIO)
	if !ok {
		return nil, fmt.Errorf("the file system of %s cannot write", metaLoc)
	}
	if err := writeMetadata(wfs, metaLoc, md, props.Get(table.MetadataCompressionKey, table.MetadataCompressionDefault)); err != nil {
		return nil, fmt.Errorf("writing the metadata file %s: %w", metaLoc, err)
	}
	tbl, err := c.RegisterTable(ctx, ident, metaLoc)
	if err != nil {
		// Nothing refers to the file: leave no orphan behind.
		_ = wfs.Remove(metaLoc)

		return nil, err
	}

	return tbl, nil
}

func unwrap(cat Catalog) (*ioCatalog, bool) {
	switch c := cat.(type) {
	case *ioCatalog:
		return c, true
	case *purgeableCatalog:
		return c.ioCatalog, true
	}

	return nil, false
}

// newMetadata is table.NewMetadata without its renumbering of field ids:
// the schema, partition spec and sort order are taken as they are.
func newMetadata(sc *iceberg.Schema, spec iceberg.PartitionSpec, so table.SortOrder, loc string,
	props iceberg.Properties, formatVersion int,
) (table.Metadata, error) {
	b, err := table.NewMetadataBuilder(formatVersion)
	if err != nil {
		return nil, err
	}
	for _, step := range []func() error{
		func() error { return b.SetUUID(uuid.New()) },
		func() error { return b.AddSchema(sc) },
		func() error { return b.SetCurrentSchemaID(-1) },
		func() error { return b.AddSortOrder(&so) },
		func() error { return b.SetDefaultSortOrderID(-1) },
		func() error { return b.AddPartitionSpec(&spec, true) },
		func() error { return b.SetDefaultSpecID(-1) },
		func() error { return b.SetLoc(loc) },
		func() error { return b.SetProperties(props) },
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}

	return b.Build()
}

// defaultLocation is where the catalog would put the table: under the
// namespace's location property, else under the warehouse as iceberg-go's
// SQL catalog lays it out (<warehouse>/<namespace>.db/<table>).
func defaultLocation(ctx context.Context, c *ioCatalog, ident []string) (string, error) {
	ns, name := ident[:len(ident)-1], ident[len(ident)-1]
	nsProps, err := c.LoadNamespaceProperties(ctx, ns)
	if err != nil {
		return "", err
	}
	if loc := nsProps["location"]; loc != "" {
		return url.JoinPath(loc, name)
	}
	if wh := c.props["warehouse"]; strings.Contains(wh, "://") {
		return url.JoinPath(wh, namespaceKeys(ns)[0]+".db", name)
	}

	return "", fmt.Errorf("the catalog names no default location for table %s (namespace %s has no location "+
		"property and the catalog's warehouse is not a URI); set location on the table",
		FormatIdentifier(ident), FormatIdentifier(ns))
}

// writeMetadata writes md as JSON, compressed as the table's
// write.metadata.compression-codec says (the file name says so too).
func writeMetadata(fs iceio.WriteFileIO, loc string, md table.Metadata, codec string) (err error) {
	out, err := fs.Create(loc)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	var w io.Writer = out
	switch codec {
	case table.MetadataCompressionCodecNone:
	case table.MetadataCompressionCodecGzip:
		gz := gzip.NewWriter(out)
		defer func() {
			if cerr := gz.Close(); err == nil {
				err = cerr
			}
		}()
		w = gz
	case table.MetadataCompressionCodecZstd:
		enc, zerr := zstd.NewWriter(out)
		if zerr != nil {
			return zerr
		}
		defer func() {
			if cerr := enc.Close(); err == nil {
				err = cerr
			}
		}()
		w = enc
	default:
		return fmt.Errorf("unsupported metadata compression codec %q", codec)
	}

	return json.NewEncoder(w).Encode(md)
}
