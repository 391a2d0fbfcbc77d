package expectations

import (
	"fmt"
	"math"
	"sort"
)

// mapExp is the one column-map harness every row-wise expectation uses. It
// sorts each row into missing, expected or unexpected before the predicate
// runs, so null handling is decided once (C22).
type mapExp struct {
	env            *buildEnv
	cols           []string
	nullsAreValues bool   // not_be_null / be_null judge the nulls themselves
	ignore         string // multi-column missing rule
	mostly         float64
	// pred reports whether the row's values are unexpected.
	pred func(vals []any) (bool, error)
	// stateful predicates (unique, increasing) see the row index too and may
	// flag earlier rows through acc.add.
	statefulPred func(m *mapExp, b *Batch, i int, vals []any) (bool, error)
	show         func(vals []any) any // the value shown in unexpected lists
	// fast, when set, handles a whole batch through typed readers and
	// reports false when the batch's column types do not allow it.
	fast     func(m *mapExp, b *Batch) bool
	hashable bool

	// text is set when the first column is schemaless text (CSV): values
	// are then parsed where a predicate compares them with numbers or dates.
	text bool
	// lines is set when unexpected rows carry CSV line numbers.
	lines bool
	// err is an error a fast path met (reported like a predicate error).
	err error

	element, missing, unexpected int64
	rows                         []unexRow // sorted by row, capped unless COMPLETE
	vals                         []any
}

type unexRow struct {
	row    int64
	val    any
	idx    []any
	line   int            // physical line in a CSV file, 0 when unknown
	record map[string]any // the whole row, for include_unexpected_rows
}

func (m *mapExp) isMap() {}
func (m *mapExp) columns() []string {
	return append(append([]string{}, m.cols...), m.env.rf.IndexColumns...)
}

func newMap(k *kw, env *buildEnv, cols ...string) *mapExp {
	m := &mapExp{env: env, cols: cols, mostly: k.mostly(), ignore: "any", hashable: true}
	m.show = func(v []any) any { return jsonValue(v[0]) }

	return m
}

func (m *mapExp) isMissing(v any) bool {
	if v == nil {
		return true
	}
	if s, ok := v.(string); ok && len(m.env.null) > 0 {
		return m.env.null[s]
	}

	return false
}

func (m *mapExp) limit() int {
	if m.env.rf.Level == "COMPLETE" {
		return -1
	}

	return m.env.rf.PartialCount
}

func (m *mapExp) observe(b *Batch) error {
	cols := make([]Column, len(m.cols))
	for j, c := range m.cols {
		cols[j] = b.Cols[c]
	}
	m.text = cols[0].Type().Text
	if m.fast != nil && m.fast(m, b) {
		return m.err
	}
	if cap(m.vals) < len(cols) {
		m.vals = make([]any, len(cols))
	}
	vals := m.vals[:len(cols)]
	for i := 0; i < b.Len; i++ {
		nmiss := 0
		for j, c := range cols {
			v := c.Value(i)
			if m.isMissing(v) {
				v = nil
				nmiss++
			}
			vals[j] = v
		}
		m.element++
		if !m.nullsAreValues && m.skip(nmiss, len(cols)) {
			m.missing++
			continue
		}
		var bad bool
		var err error
		if m.statefulPred != nil {
			bad, err = m.statefulPred(m, b, i, vals)
		} else {
			bad, err = m.pred(vals)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", recordAt(b, i), err)
		}
		if bad {
			m.unexpected++
			m.add(b, i, vals)
		}
	}

	return nil
}

// skip applies the missing rule: one column is missing when null; pairs and
// column lists follow ignore_row_if.
func (m *mapExp) skip(nmiss, n int) bool {
	switch m.ignore {
	case "any", "either_value_is_missing", "any_value_is_missing":
		return nmiss > 0
	case "both_values_are_missing", "all_values_are_missing":
		return nmiss == n
	case "neither", "never":
		return false
	}

	return nmiss > 0
}

func (m *mapExp) add(b *Batch, i int, vals []any) {
	r := unexRow{row: b.Row(i), val: m.show(vals)}
	if b.Lines != nil {
		r.line = b.Lines[i]
		m.lines = true
	}
	for _, c := range m.env.rf.IndexColumns {
		r.idx = append(r.idx, jsonValue(b.Cols[c].Value(i)))
	}
	if m.env.rf.IncludeRows && !m.full(r.row) {
		r.record = make(map[string]any, len(b.Names))
		for _, c := range b.Names {
			r.record[c] = jsonValue(b.Cols[c].Value(i))
		}
	}
	m.insert(r)
}

// full reports whether a row would be left out of the list of unexpected
// rows: the list is at its limit and the row comes after its last one.
func (m *mapExp) full(row int64) bool {
	lim := m.limit()
	n := len(m.rows)

	return lim >= 0 && n >= lim && (n == 0 || row > m.rows[n-1].row)
}

func (m *mapExp) insert(r unexRow) {
	lim := m.limit()
	n := len(m.rows)
	if m.full(r.row) {
		return
	}
	if n == 0 || r.row > m.rows[n-1].row {
		m.rows = append(m.rows, r)
	} else {
		at := sort.Search(n, func(j int) bool { return m.rows[j].row >= r.row })
		m.rows = append(m.rows, unexRow{})
		copy(m.rows[at+1:], m.rows[at:])
		m.rows[at] = r
	}
	if lim >= 0 && len(m.rows) > lim {
		m.rows = m.rows[:lim]
	}
}

func pct(a, b int64) any {
	if b == 0 {
		return nil
	}

	return float64(a) / float64(b) * 100
}

func (m *mapExp) finish(info *tableInfo) (bool, map[string]any, error) {
	nonmissing := m.element - m.missing
	considered := nonmissing
	if m.env.mostly == "all" {
		considered = m.element
	}
	success := mostlyOK(considered-m.unexpected-(considered-nonmissing), considered, m.mostly)
	rf := m.env.rf
	res := map[string]any{}
	if rf.Level == "BOOLEAN_ONLY" {
		return success, res, nil
	}
	res["element_count"] = m.element
	res["unexpected_count"] = m.unexpected
	if m.nullsAreValues {
		res["unexpected_percent"] = pct(m.unexpected, m.element)
	} else {
		res["missing_count"] = m.missing
		res["missing_percent"] = pct(m.missing, m.element)
		res["unexpected_percent"] = pct(m.unexpected, nonmissing)
		res["unexpected_percent_total"] = pct(m.unexpected, m.element)
		res["unexpected_percent_nonmissing"] = pct(m.unexpected, nonmissing)
	}
	n := rf.PartialCount
	partial := m.rows
	if len(partial) > n {
		partial = partial[:n]
	}
	if !rf.ExcludeUnexpected {
		res["partial_unexpected_list"] = valuesOf(partial)
	}
	if len(rf.IndexColumns) > 0 {
		res["unexpected_index_column_names"] = rf.IndexColumns
	}
	if rf.IncludeRows {
		// As GX: the first partial_unexpected_count rows, every column.
		recs := make([]any, len(partial))
		for i, r := range partial {
			recs[i] = r.record
		}
		res["unexpected_rows"] = recs
	}
	if rf.Level == "BASIC" {
		return success, res, nil
	}
	res["partial_unexpected_index_list"] = m.indexList(partial)
	if m.lines {
		// Not in GX: where the rows are in the CSV file (physical lines, so
		// quoted newlines do not shift them), and in which file.
		res["partial_unexpected_line_list"] = lineList(partial)
		if info.fileOf != nil {
			res["partial_unexpected_file_list"] = fileList(partial, info.fileOf)
		}
	}
	if !rf.ExcludeUnexpected {
		if m.hashable {
			// GX counts the unexpected values it fetched: the partial list,
			// or under COMPLETE every one.
			counted := partial
			if rf.Level == "COMPLETE" {
				counted = m.rows
			}
			res["partial_unexpected_counts"] = valueCounts(counted, n)
		} else {
			res["details"] = map[string]any{"partial_unexpected_counts_error": "partial_unexpected_counts requested, but requires a hashable type"}
		}
	}
	if rf.Level == "SUMMARY" {
		return success, res, nil
	}
	if !rf.ExcludeUnexpected {
		res["unexpected_list"] = valuesOf(m.rows)
	}
	res["unexpected_index_list"] = m.indexList(m.rows)
	if m.lines {
		res["unexpected_line_list"] = lineList(m.rows)
		if info.fileOf != nil {
			res["unexpected_file_list"] = fileList(m.rows, info.fileOf)
		}
	}

	return success, res, nil
}

func (m *mapExp) indexList(rows []unexRow) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		if len(m.env.rf.IndexColumns) == 0 {
			out[i] = r.row
			continue
		}
		d := map[string]any{}
		for j, c := range m.env.rf.IndexColumns {
			if j < len(r.idx) {
				d[c] = r.idx[j]
			}
		}
		for j, c := range m.cols {
			if vs, ok := r.val.([]any); ok && len(m.cols) > 1 && j < len(vs) {
				d[c] = vs[j]
			} else if mv, ok := r.val.(map[string]any); ok {
				d[c] = mv[c]
			} else if len(m.cols) == 1 {
				d[c] = r.val
			}
		}
		out[i] = d
	}

	return out
}

func valuesOf(rows []unexRow) []any {
	out := make([]any, len(rows))
	for i, r := range rows {
		out[i] = r.val
	}

	return out
}

// valueCounts is GX's partial_unexpected_counts: Counter(values).
// most_common(n), which keeps, among equal counts, the values met first,
// then sorted by count, descending, and by the value's str() (so 10 comes
// before 9 among ties, as in GX).
func valueCounts(rows []unexRow, n int) []map[string]any {
	type vc struct {
		v     any
		count int
		first int
	}
	idx := map[any]int{}
	var list []*vc
	for i, r := range rows {
		k := key(r.val)
		if j, ok := idx[k]; ok {
			list[j].count++
			continue
		}
		idx[k] = len(list)
		list = append(list, &vc{v: r.val, count: 1, first: i})
	}
	sort.SliceStable(list, func(a, b int) bool { return list[a].count > list[b].count })
	if len(list) > n {
		list = list[:n]
	}
	sort.SliceStable(list, func(a, b int) bool {
		if list[a].count != list[b].count {
			return list[a].count > list[b].count
		}
		return pyStr(list[a].v) < pyStr(list[b].v)
	})
	out := make([]map[string]any, len(list))
	for i, e := range list {
		out[i] = map[string]any{"value": e.v, "count": e.count}
	}

	return out
}

// mostlyOK is GX's _mostly_success: vacuously true with no rows considered.
func mostlyOK(good, considered int64, mostly float64) bool {
	if considered == 0 {
		return true
	}
	ratio := float64(good) / float64(considered)

	return ratio >= mostly || math.Abs(ratio-mostly) < 1e-12
}

func fileList(rows []unexRow, fileOf func(int64) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = fileOf(r.row)
	}

	return out
}

func lineList(rows []unexRow) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.line
	}

	return out
}
