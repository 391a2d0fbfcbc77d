package expectations

import (
	"errors"
	"fmt"
	"math"
)

// tableExp is a table-level expectation: it needs only the column list and
// the row count.
type tableExp struct {
	eval func(t *tableInfo) (bool, map[string]any, error)
	// rows counts the rows it was shown: with a row_condition, those that
	// meet it, which is the row count GX reports for the filtered table.
	rows int64
}

func (t *tableExp) observe(b *Batch) error { t.rows += int64(b.Len); return nil }
func (t *tableExp) finish(info *tableInfo) (bool, map[string]any, error) {
	return t.eval(info)
}

func countBetween(k *kw, equal bool, get func(t *tableInfo, rows int64) int64) (evaluator, error) {
	var b bounds
	if equal {
		v, ok := k.num("value")
		if !ok {
			return nil, errors.New(`kwarg "value" is required`)
		}
		if v != math.Trunc(v) {
			return nil, fmt.Errorf("value must be an integer, not %v", v)
		}
		b = bounds{min: v, max: v}
	} else {
		b = bounds{min: k.raw("min_value"), max: k.raw("max_value")}
		for _, x := range []any{b.min, b.max} {
			if f, ok := toFloat(x); x != nil && (!ok || f != math.Trunc(f)) {
				return nil, errors.New("min_value and max_value must be integers")
			}
		}
		if b.min != nil && b.max != nil {
			if c, _ := compare(b.min, b.max); c > 0 {
				return nil, errors.New("min_value cannot be greater than max_value")
			}
		}
	}

	te := &tableExp{}
	te.eval = func(t *tableInfo) (bool, map[string]any, error) {
		n := get(t, te.rows)
		ok, err := b.contains(n)
		return ok, map[string]any{"observed_value": n}, err
	}

	return te, nil
}

func init() {
	rows := func(_ *tableInfo, rows int64) int64 { return rows }
	cols := func(t *tableInfo, _ int64) int64 { return int64(len(t.columns)) }
	register("expect_table_row_count_to_equal", func(k *kw, env *buildEnv) (evaluator, error) { return countBetween(k, true, rows) })
	register("expect_table_row_count_to_be_between", func(k *kw, env *buildEnv) (evaluator, error) { return countBetween(k, false, rows) })
	register("expect_table_column_count_to_equal", func(k *kw, env *buildEnv) (evaluator, error) { return countBetween(k, true, cols) })
	register("expect_table_column_count_to_be_between", func(k *kw, env *buildEnv) (evaluator, error) { return countBetween(k, false, cols) })
	register("expect_column_to_exist", func(k *kw, env *buildEnv) (evaluator, error) {
		col := k.str("column", true)
		idx, hasIdx := k.num("column_index")
		return &tableExp{eval: func(t *tableInfo) (bool, map[string]any, error) {
			for i, c := range t.columns {
				if c == col {
					return !hasIdx || float64(i) == idx, map[string]any{}, nil
				}
			}
			return false, map[string]any{}, nil
		}}, nil
	})
	register("expect_table_columns_to_match_ordered_list", func(k *kw, env *buildEnv) (evaluator, error) {
		want := k.strList("column_list", false)
		return &tableExp{eval: func(t *tableInfo) (bool, map[string]any, error) {
			res := map[string]any{"observed_value": t.columns}
			if want == nil {
				return true, res, nil
			}
			var mismatched []map[string]any
			for i := 0; i < len(want) || i < len(t.columns); i++ {
				var w, f any
				if i < len(want) {
					w = want[i]
				}
				if i < len(t.columns) {
					f = t.columns[i]
				}
				if w != f {
					mismatched = append(mismatched, map[string]any{"Expected Column Position": i, "Expected": w, "Found": f})
				}
			}
			if len(mismatched) > 0 {
				res["details"] = map[string]any{"mismatched": mismatched}
				return false, res, nil
			}
			return true, res, nil
		}}, nil
	})
	register("expect_table_columns_to_match_set", func(k *kw, env *buildEnv) (evaluator, error) {
		want := k.strList("column_set", false)
		exact := k.boolean("exact_match", true)
		return &tableExp{eval: func(t *tableInfo) (bool, map[string]any, error) {
			res := map[string]any{"observed_value": t.columns}
			have := map[string]bool{}
			for _, c := range t.columns {
				have[c] = true
			}
			wantSet := map[string]bool{}
			var missing, unexpected []string
			for _, c := range want {
				wantSet[c] = true
				if !have[c] {
					missing = append(missing, c)
				}
			}
			for _, c := range t.columns {
				if !wantSet[c] {
					unexpected = append(unexpected, c)
				}
			}
			ok := len(missing) == 0 && (!exact || len(unexpected) == 0)
			{
				mm := map[string]any{}
				if len(unexpected) > 0 {
					mm["unexpected"] = unexpected
				}
				if len(missing) > 0 {
					mm["missing"] = missing
				}
				res["details"] = map[string]any{"mismatched": mm}
			}
			return ok, res, nil
		}}, nil
	})
	register("expect_column_value_z_scores_to_be_less_than", func(k *kw, env *buildEnv) (evaluator, error) {
		m := newMap(k, env, k.str("column", true))
		th, ok := k.num("threshold")
		if !ok {
			return nil, errors.New(`kwarg "threshold" is required`)
		}
		if env.rf.IncludeRows {
			return nil, errors.New("result_format.include_unexpected_rows is not supported by z-scores: a row is judged " +
				"only at the end of the table, after it has streamed past; name the columns that identify a row in " +
				"result_format.unexpected_index_column_names instead")
		}
		return &zscore{mapExp: m, threshold: th, double: k.boolean("double_sided", true)}, nil
	})
}

// zscore needs the mean and standard deviation before it can judge a row,
// so it keeps each non-null value (8 bytes a row, 4 more for its CSV line,
// and the row's unexpected_index_column_names values when they are asked
// for) and judges at the end.
type zscore struct {
	*mapExp
	threshold float64
	double    bool
	vals      []float64
	rows      []int64
	lines     []int32
	idx       [][]any
	n         int64
	missing   int64
}

func (z *zscore) observe(b *Batch) error {
	c := b.Cols[z.cols[0]]
	for i := 0; i < b.Len; i++ {
		z.n++
		v := c.Value(i)
		if z.isMissing(v) {
			z.missing++
			continue
		}
		f, ok := toFloatLoose(v)
		if !ok {
			return fmt.Errorf("%s: %s is not a number", recordAt(b, i), shown(v))
		}
		z.vals = append(z.vals, f)
		z.rows = append(z.rows, b.Row(i))
		if b.Lines != nil {
			z.lines = append(z.lines, int32(b.Lines[i]))
		}
		if cols := z.env.rf.IndexColumns; len(cols) > 0 {
			idx := make([]any, len(cols))
			for j, name := range cols {
				idx[j] = jsonValue(b.Cols[name].Value(i))
			}
			z.idx = append(z.idx, idx)
		}
	}

	return nil
}

func (z *zscore) finish(info *tableInfo) (bool, map[string]any, error) {
	var sum float64
	for _, v := range z.vals {
		sum += v
	}
	n := float64(len(z.vals))
	mean := sum / n
	var ss float64
	for _, v := range z.vals {
		ss += (v - mean) * (v - mean)
	}
	std := math.Sqrt(ss / (n - 1))
	m := z.mapExp
	m.element, m.missing = z.n, z.missing
	for i, v := range z.vals {
		s := (v - mean) / std
		if z.double {
			s = math.Abs(s)
		}
		if !(s < z.threshold) {
			m.unexpected++
			r := unexRow{row: z.rows[i], val: v}
			if z.idx != nil {
				r.idx = z.idx[i]
			}
			if z.lines != nil {
				r.line, m.lines = int(z.lines[i]), true
			}
			m.insert(r)
		}
	}

	return m.finish(info)
}
