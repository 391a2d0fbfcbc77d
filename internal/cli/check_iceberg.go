package cli

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/iceberg-go/table"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// icebergStream reads an Iceberg table scan as Arrow record batches.
type icebergStream struct {
	schema *arrow.Schema
	next   func() (arrow.RecordBatch, error, bool)
	stop   func()
}

func (s *icebergStream) Schema() *arrow.Schema { return s.schema }
func (s *icebergStream) Lines() []int          { return nil }
func (s *icebergStream) Text() bool            { return false }
func (s *icebergStream) Close() error          { s.stop(); return nil }

func (s *icebergStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rec, err, ok := s.next()
	if !ok {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("scanning: %w", err)
	}

	return rec, nil
}

// parseIcebergURI reads iceberg://ns.table[@snapshot-id].
func parseIcebergURI(uri string) ([]string, int64, error) {
	rest := strings.TrimPrefix(uri, "iceberg://")
	name, snap, hasSnap := strings.Cut(rest, "@")
	ident, err := catalog.ParseIdentifier(name)
	if err != nil {
		return nil, 0, err
	}
	if len(ident) < 2 {
		return nil, 0, fmt.Errorf("%q: write iceberg://namespace.table", uri)
	}
	var id int64
	if hasSnap {
		if id, err = strconv.ParseInt(snap, 10, 64); err != nil {
			return nil, 0, fmt.Errorf("%q: snapshot must be a numeric snapshot id", uri)
		}
	}

	return ident, id, nil
}

func openIcebergSource(ctx context.Context, d *providerdata.Data, uri string, batchRows int) (expectations.Source, error) {
	ident, snap, err := parseIcebergURI(uri)
	if err != nil {
		return nil, Usage(err)
	}
	if d == nil {
		if d, err = provider.Settings(); err != nil {
			return nil, Usage(fmt.Errorf("catalog settings: %w", err))
		}
	}
	cat, err := openCatalog(ctx, d)
	if err != nil {
		return nil, err
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		return nil, Runtime(fmt.Errorf("loading %s: %w", catalog.FormatIdentifier(ident), err))
	}
	var opts []table.ScanOption
	if snap != 0 {
		opts = append(opts, table.WithSnapshotID(snap))
	}
	schema, seq, err := tbl.Scan(opts...).ToArrowRecords(catalog.IOContext(ctx, cat))
	if err != nil {
		return nil, Runtime(fmt.Errorf("scanning %s: %w", catalog.FormatIdentifier(ident), err))
	}
	next, stop := iter.Pull2(seq)
	st := &icebergStream{schema: schema, next: next, stop: stop}
	_ = batchRows

	return expectations.NewStreamSource(1, func(int) (tabular.RecordStream, string, error) { return st, uri, nil })
}
