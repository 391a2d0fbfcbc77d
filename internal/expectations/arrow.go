package expectations

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tabular"
)

// StreamSource turns one or more record streams of the same table (the
// files of a folder or prefix, in order) into the engine's batches.
type StreamSource struct {
	open    func(i int) (tabular.RecordStream, string, error)
	n       int
	i       int
	cur     tabular.RecordStream
	curName string
	names   []string
	types   map[string]LogicalType
	offset  int64
	hint    int64 // estimated rows: the first file's count times the files
	// starts and files: the row index where each file opened so far
	// begins, for FileOf.
	starts []int64
	files  []string
}

// NewStreamSource opens the first of n streams to learn the columns; open
// returns stream i and a name for messages.
func NewStreamSource(n int, open func(i int) (tabular.RecordStream, string, error)) (*StreamSource, error) {
	if n == 0 {
		return nil, errors.New("no data files found")
	}
	s := &StreamSource{open: open, n: n}
	st, name, err := open(0)
	if err != nil {
		return nil, err
	}
	s.cur, s.curName = st, name
	s.starts, s.files = append(s.starts, 0), append(s.files, name)
	if c, ok := st.(interface{ NumRows() int64 }); ok {
		s.hint = c.NumRows() * int64(n)
	}
	s.types = map[string]LogicalType{}
	for _, f := range st.Schema().Fields() {
		s.names = append(s.names, f.Name)
		t := logicalTypeOf(f.Type)
		t.Text = st.Text() && t.Name == "string"
		s.types[f.Name] = t
	}

	return s, nil
}

func (s *StreamSource) Columns() []string             { return s.names }
func (s *StreamSource) Types() map[string]LogicalType { return s.types }

func (s *StreamSource) Next(ctx context.Context) (*Batch, error) {
	for {
		if s.cur == nil {
			s.i++
			if s.i >= s.n {
				return nil, io.EOF
			}
			st, name, err := s.open(s.i)
			if err != nil {
				return nil, err
			}
			if err := s.sameColumns(st, name); err != nil {
				_ = st.Close() // read-only; the column mismatch is the error to report
				return nil, err
			}
			s.cur, s.curName = st, name
			s.starts, s.files = append(s.starts, s.offset), append(s.files, name)
		}
		rec, err := s.cur.Next(ctx)
		if errors.Is(err, io.EOF) {
			err = s.cur.Close()
			s.cur = nil
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.curName, err)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.curName, err)
		}
		b := &Batch{Names: s.names, Cols: make(map[string]Column, len(s.names)), Len: int(rec.NumRows()), Offset: s.offset, rowsHint: s.hint}
		for i, f := range rec.Schema().Fields() {
			b.Cols[f.Name] = NewArrowColumn(rec.Column(i), s.cur.Text())
		}
		if l := s.cur.Lines(); l != nil {
			b.Lines = append([]int(nil), l...)
		}
		s.offset += rec.NumRows()
		// The engine releases the batch when every expectation has seen it.
		// Values an expectation keeps (distinct values, unexpected lists)
		// stay valid: the Go allocator leaves freed memory to the GC.
		b.release = rec.Release

		return b, nil
	}
}

// FileOf names the file that holds table row row; many reports whether the
// table is read from more than one file.
func (s *StreamSource) FileOf(row int64) (name string, many bool) {
	many = s.n > 1
	if len(s.starts) == 0 || row < 0 {
		return "", many
	}
	// The last file that starts at or before the row: an empty file starts
	// where the next one does and holds none of its rows.
	i := sort.Search(len(s.starts), func(i int) bool { return s.starts[i] > row }) - 1

	return s.files[max(i, 0)], many
}

func (s *StreamSource) sameColumns(st tabular.RecordStream, name string) error {
	var got []string
	for _, f := range st.Schema().Fields() {
		got = append(got, f.Name)
	}
	if strings.Join(got, "\x00") != strings.Join(s.names, "\x00") {
		return fmt.Errorf("%s: columns %s differ from the first file's %s", name, strings.Join(got, ","), strings.Join(s.names, ","))
	}

	return nil
}

func (s *StreamSource) Close() error {
	if s.cur != nil {
		err := s.cur.Close()
		s.cur = nil
		return err
	}

	return nil
}
