package expectations

import (
	"context"
	"io"
)

// MemorySource serves in-memory columns as one batch; tests and small
// tables use it.
type MemorySource struct {
	Names []string
	Cols  []Column
	done  bool
}

// Columns implements Source.
func (m *MemorySource) Columns() []string { return m.Names }

// Types implements Source.
func (m *MemorySource) Types() map[string]LogicalType {
	out := map[string]LogicalType{}
	for i, n := range m.Names {
		out[n] = m.Cols[i].Type()
	}

	return out
}

// Next implements Source.
func (m *MemorySource) Next(context.Context) (*Batch, error) {
	if m.done {
		return nil, io.EOF
	}
	m.done = true
	b := &Batch{Names: m.Names, Cols: map[string]Column{}}
	for i, n := range m.Names {
		b.Cols[n] = m.Cols[i]
		b.Len = m.Cols[i].Len()
	}

	return b, nil
}

// Close implements Source.
func (m *MemorySource) Close() error { return nil }
