package expectations

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// colAgg streams one column's aggregate state. Values (for median, quantiles)
// are kept only by the expectations that need them: exact order statistics
// need every value, 8 bytes per non-null row.
type colAgg struct {
	col        string
	keepValues bool
	distinct   bool
	counts     bool

	n, nonnull int64
	sum, c     float64 // Kahan sum of the finite values
	mean, m2   float64 // Welford, of the finite values
	// posInf and negInf count the infinite values, kept out of the sum and
	// the moments: one infinity would turn Kahan's compensation into NaN
	// and with it every later sum.
	posInf, negInf int64
	allInt         bool
	isum           int64
	min, max       any
	values         []float64
	seen           map[uint64]struct{}
	vcount         map[any]*valCount
	buf            []byte
	numErr         error
	// In untyped text, whether some values read as numbers and some not:
	// min and max of such a column are then an error, as the sum is,
	// rather than the extreme of the numbers with the rest left out.
	textNums, textWords bool
	// null holds the text values counted as missing (Options.TreatAsNull
	// and the treat_as_null kwarg), as the row-wise checks count them.
	null map[string]bool
}

// addMoment adds a non-null value, already counted in nonnull, to the sum
// (Kahan-compensated), the running mean and variance (Welford), and the
// kept values.
func (a *colAgg) addMoment(f float64) {
	if a.keepValues {
		a.values = append(a.values, f)
	}
	if math.IsInf(f, 0) {
		a.addInf(f)
		return
	}
	y := f - a.c
	t := a.sum + y
	a.c = (t - a.sum) - y
	a.sum = t
	d := f - a.mean
	a.mean += d / float64(a.nonnull-a.posInf-a.negInf)
	a.m2 += d * (f - a.mean)
}

func (a *colAgg) addInf(f float64) {
	if f > 0 {
		a.posInf++
	} else {
		a.negInf++
	}
}

// infinite is the sum (and mean) of the values when one of them is
// infinite, as IEEE arithmetic gives it (+Inf, -Inf, or NaN for both).
func (a *colAgg) infinite() (float64, bool) {
	switch {
	case a.posInf > 0 && a.negInf > 0:
		return math.NaN(), true
	case a.posInf > 0:
		return math.Inf(1), true
	case a.negInf > 0:
		return math.Inf(-1), true
	}

	return 0, false
}

type valCount struct {
	v     any
	count int64
}

func newAgg(col string, env *buildEnv) *colAgg {
	a := &colAgg{col: col, allInt: true}
	if env != nil && len(env.null) > 0 {
		a.null = env.null
	}

	return a
}

// missing is true for null and for a text value listed as missing.
func (a *colAgg) missing(v any) bool {
	if v == nil {
		return true
	}
	if a.null != nil {
		if s, ok := v.(string); ok {
			return a.null[s]
		}
	}

	return false
}

func (a *colAgg) columns() []string { return []string{a.col} }

func (a *colAgg) aggCounts() (int64, int64) { return a.n, a.nonnull }

func (a *colAgg) observe(b *Batch) error {
	c := b.Cols[a.col]
	loose := c.Type().Text
	if !loose && a.fastNumbers(b, c) {
		return nil
	}
	for i := 0; i < b.Len; i++ {
		a.n++
		v := c.Value(i)
		if a.missing(v) {
			continue
		}
		a.nonnull++
		if a.distinct {
			if a.seen == nil {
				a.seen = map[uint64]struct{}{}
			}
			a.buf = appendKey(a.buf[:0], v)
			a.seen[hash64(a.buf)] = struct{}{}
		}
		if a.counts {
			if a.vcount == nil {
				a.vcount = map[any]*valCount{}
			}
			if e, ok := a.vcount[key(v)]; ok {
				e.count++
			} else {
				// The key is the string itself: both must not point into the batch.
				d := detached(v)
				a.vcount[key(d)] = &valCount{v: d, count: 1}
			}
		}
		mv := v
		if loose {
			if f, ok := toFloatLoose(v); ok {
				mv = f
				a.textNums = true
			} else {
				a.textWords = true
			}
		}
		if a.min == nil {
			a.min, a.max = mv, mv
		} else {
			if c, ok := compare(mv, a.min); ok && c < 0 {
				a.min = mv
			}
			if c, ok := compare(mv, a.max); ok && c > 0 {
				a.max = mv
			}
		}
		var f float64
		var ok bool
		if loose {
			f, ok = toFloatLoose(v)
		} else {
			f, ok = toFloat(v)
			if _, isBool := v.(bool); isBool {
				ok = true
			}
		}
		if !ok {
			if a.numErr == nil {
				a.numErr = fmt.Errorf("column %q holds non-numeric value %q", a.col, pyStr(v))
			}
			continue
		}
		if n, isInt := v.(int64); isInt {
			a.isum += n
		} else {
			a.allInt = false
		}
		a.addMoment(f)
	}

	return nil
}

// fastNumbers serves mean, sum, min, max and the like on float64 and int64
// Arrow columns without boxing each value. It keeps the generic path's
// arithmetic and its order of operations, and compares as compare does
// (as floats, so NaN never replaces a bound and a bound that is NaN stays).
func (a *colAgg) fastNumbers(b *Batch, c Column) bool {
	ac, ok := c.(*arrowColumn)
	if !ok || a.distinct || a.counts {
		return false
	}
	var floats []float64
	var ints []int64
	switch arr := ac.arr.(type) {
	case *array.Float64:
		floats = arr.Float64Values()
	case *array.Int64:
		ints = arr.Int64Values()
	default:
		return false
	}
	// The bounds so far must be of the column's own type.
	var lo, hi float64 // as compared
	var loV, hiV any   // as stored
	if a.min != nil {
		switch x := a.min.(type) {
		case float64:
			if floats == nil {
				return false
			}
			lo = x
		case int64:
			if ints == nil {
				return false
			}
			lo = float64(x)
		default:
			return false
		}
		switch x := a.max.(type) {
		case float64:
			if floats == nil {
				return false
			}
			hi = x
		case int64:
			if ints == nil {
				return false
			}
			hi = float64(x)
		default:
			return false
		}
		loV, hiV = a.min, a.max
	}
	have := a.min != nil
	var loI, hiI int64
	loAt, hiAt := -1, -1 // row of a new bound, boxed once at the end
	bm, off := validity(c)
	for i := 0; i < b.Len; i++ {
		a.n++
		if nullAt(bm, off, i) {
			continue
		}
		a.nonnull++
		var f float64
		if floats != nil {
			f = floats[i]
			a.allInt = false
		} else {
			f = float64(ints[i])
			a.isum += ints[i]
		}
		switch {
		case !have:
			lo, hi, loAt, hiAt, have = f, f, i, i, true
		default:
			if f < lo {
				lo, loAt = f, i
			}
			if f > hi {
				hi, hiAt = f, i
			}
		}
		a.addMoment(f)
	}
	if ints != nil {
		if loAt >= 0 {
			loI = ints[loAt]
			loV = loI
		}
		if hiAt >= 0 {
			hiI = ints[hiAt]
			hiV = hiI
		}
	} else {
		if loAt >= 0 {
			loV = floats[loAt]
		}
		if hiAt >= 0 {
			hiV = floats[hiAt]
		}
	}
	if have {
		a.min, a.max = loV, hiV
	}

	return true
}

func hash64(b []byte) uint64 {
	// FNV-1a is enough here: collisions only merge two distinct values in a
	// count, at a 2^-64 rate per pair.
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}

	return h
}

// aggExp is an aggregate *_to_be_between expectation.
type aggExp struct {
	*colAgg
	env    *buildEnv
	b      bounds
	metric func(a *colAgg) (any, error)
}

func registerAgg(name string, prep func(a *colAgg), metric func(a *colAgg) (any, error)) {
	register(name, func(k *kw, env *buildEnv) (evaluator, error) {
		a := newAgg(k.str("column", true), env)
		prep(a)
		b, err := readBounds(k, true)
		if err != nil {
			return nil, err
		}
		// GX requires a bound for min, max and sum; the others accept none
		// (the expectation then only reports the observed value).
		if name == "expect_column_min_to_be_between" || name == "expect_column_max_to_be_between" || name == "expect_column_sum_to_be_between" {
			if err := b.check(); err != nil {
				return nil, err
			}
		}
		return &aggExp{colAgg: a, env: env, b: b, metric: metric}, nil
	})
}

func (e *aggExp) finish(*tableInfo) (bool, map[string]any, error) {
	v, err := e.metric(e.colAgg)
	if err != nil {
		return false, nil, err
	}
	if f, ok := v.(float64); ok && math.IsNaN(f) {
		v = nil
	}
	if v == nil {
		return false, map[string]any{"observed_value": nil}, nil
	}
	ok, err := e.b.contains(v)
	if err != nil {
		return false, nil, err
	}

	return ok, map[string]any{"observed_value": jsonValue(v)}, nil
}

func numeric(a *colAgg) error { return a.numErr }

// extreme is the min or max v, or an error for untyped text that mixes
// numbers and words (see textNums).
func (a *colAgg) extreme(v any) (any, error) {
	if a.textNums && a.textWords {
		return nil, a.numErr
	}

	return v, nil
}

func init() {
	registerAgg("expect_column_min_to_be_between", func(*colAgg) {}, func(a *colAgg) (any, error) { return a.extreme(a.min) })
	registerAgg("expect_column_max_to_be_between", func(*colAgg) {}, func(a *colAgg) (any, error) { return a.extreme(a.max) })
	registerAgg("expect_column_sum_to_be_between", func(*colAgg) {}, func(a *colAgg) (any, error) {
		if err := numeric(a); err != nil {
			return nil, err
		}
		if a.allInt {
			return a.isum, nil
		}
		if f, ok := a.infinite(); ok {
			return f, nil
		}
		return a.sum, nil
	})
	registerAgg("expect_column_mean_to_be_between", func(*colAgg) {}, func(a *colAgg) (any, error) {
		if err := numeric(a); err != nil {
			return nil, err
		}
		if a.nonnull == 0 {
			return nil, nil
		}
		if f, ok := a.infinite(); ok {
			return f, nil
		}
		return a.sum / float64(a.nonnull), nil
	})
	registerAgg("expect_column_stdev_to_be_between", func(*colAgg) {}, func(a *colAgg) (any, error) {
		if err := numeric(a); err != nil {
			return nil, err
		}
		if a.nonnull < 2 || a.posInf+a.negInf > 0 {
			return nil, nil // an infinite value has no finite spread (NaN in pandas)
		}
		return math.Sqrt(a.m2 / float64(a.nonnull-1)), nil
	})
	registerAgg("expect_column_median_to_be_between", func(a *colAgg) { a.keepValues = true }, func(a *colAgg) (any, error) {
		if err := numeric(a); err != nil {
			return nil, err
		}
		n := len(a.values)
		if n == 0 {
			return nil, nil
		}
		sort.Float64s(a.values)
		if n%2 == 1 {
			return a.values[n/2], nil
		}
		return (a.values[n/2-1] + a.values[n/2]) / 2, nil
	})
	registerAgg("expect_column_unique_value_count_to_be_between", func(a *colAgg) { a.distinct = true }, func(a *colAgg) (any, error) {
		return int64(len(a.seen)), nil
	})
	registerAgg("expect_column_proportion_of_unique_values_to_be_between", func(a *colAgg) { a.distinct = true }, func(a *colAgg) (any, error) {
		if a.nonnull == 0 {
			return float64(0), nil
		}
		return float64(len(a.seen)) / float64(a.nonnull), nil
	})
	register("expect_column_quantile_values_to_be_between", func(k *kw, env *buildEnv) (evaluator, error) {
		a := newAgg(k.str("column", true), env)
		a.keepValues = true
		qr, ok := k.raw("quantile_ranges").(map[string]any)
		if !ok {
			return nil, errors.New(`kwarg "quantile_ranges" must be an object with "quantiles" and "value_ranges"`)
		}
		qs, _ := qr["quantiles"].([]any)
		vr, _ := qr["value_ranges"].([]any)
		if len(qs) != len(vr) {
			return nil, errors.New("quantile_ranges: quantiles and value_ranges must have the same length")
		}
		k.raw("allow_relative_error")
		e := &quantExp{colAgg: a}
		for i := range qs {
			q, ok := toFloat(qs[i])
			r, ok2 := vr[i].([]any)
			if !ok || !ok2 || len(r) != 2 || q < 0 || q > 1 {
				return nil, errors.New("quantile_ranges: each quantile must be in [0,1] with a [min, max] range")
			}
			if lo, ok := toFloat(r[0]); ok {
				if hi, ok := toFloat(r[1]); ok && lo > hi {
					return nil, errors.New("quantile_ranges must consist of ordered pairs [min, max]")
				}
			}
			e.q = append(e.q, q)
			e.r = append(e.r, bounds{min: r[0], max: r[1]})
		}
		return e, nil
	})
	register("expect_column_distinct_values_to_be_in_set", func(k *kw, env *buildEnv) (evaluator, error) { return distinctSet(k, env, "in") })
	register("expect_column_distinct_values_to_contain_set", func(k *kw, env *buildEnv) (evaluator, error) {
		return distinctSet(k, env, "contain")
	})
	register("expect_column_distinct_values_to_equal_set", func(k *kw, env *buildEnv) (evaluator, error) { return distinctSet(k, env, "equal") })
	register("expect_column_most_common_value_to_be_in_set", func(k *kw, env *buildEnv) (evaluator, error) {
		a := newAgg(k.str("column", true), env)
		a.counts = true
		vals, _ := k.list("value_set", true)
		return &mostCommon{colAgg: a, set: vals, ties: k.boolean("ties_okay", false)}, nil
	})
}

type quantExp struct {
	*colAgg
	q []float64
	r []bounds
}

// finish uses numpy's "nearest" interpolation, as GX does on pandas.
func (e *quantExp) finish(*tableInfo) (bool, map[string]any, error) {
	if err := numeric(e.colAgg); err != nil {
		return false, nil, err
	}
	n := len(e.values)
	if n == 0 {
		return false, map[string]any{"observed_value": map[string]any{"quantiles": e.q, "values": nil}}, nil
	}
	sort.Float64s(e.values)
	ok := true
	vals := make([]any, len(e.q))
	for i, q := range e.q {
		v := e.values[int(math.RoundToEven(q*float64(n-1)))]
		vals[i] = v
		in, err := e.r[i].contains(v)
		if err != nil {
			return false, nil, err
		}
		ok = ok && in
	}

	return ok, map[string]any{"observed_value": map[string]any{"quantiles": e.q, "values": vals},
		"details": map[string]any{"success_details": nil}}, nil
}

type distinctExp struct {
	*colAgg
	mode string
	set  []any
}

func distinctSet(k *kw, env *buildEnv, mode string) (evaluator, error) {
	a := newAgg(k.str("column", true), env)
	a.counts = true
	vals, ok := k.list("value_set", mode != "in")
	if mode == "in" && !ok && k.err == nil {
		vals = nil
	}

	return &distinctExp{colAgg: a, mode: mode, set: vals}, nil
}

func (e *distinctExp) sortedValues() []*valCount {
	out := make([]*valCount, 0, len(e.vcount))
	for _, v := range e.vcount {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		c, ok := compare(out[i].v, out[j].v)
		if !ok {
			return pyStr(out[i].v) < pyStr(out[j].v)
		}
		return c < 0
	})

	return out
}

func (e *distinctExp) finish(info *tableInfo) (bool, map[string]any, error) {
	vals := e.sortedValues()
	observed := make([]any, len(vals))
	have := map[any]bool{}
	for i, v := range vals {
		observed[i] = jsonValue(v.v)
		have[key(v.v)] = true
	}
	want := map[any]bool{}
	for _, v := range e.set {
		want[key(v)] = true
		if s, ok := v.(string); ok && info.types[e.col].Name == "timestamp" {
			if t, ok := parseTime(s); ok {
				want[key(t)] = true
			}
		}
	}
	sub := func(a, b map[any]bool) bool {
		for k := range a {
			if !b[k] {
				return false
			}
		}
		return true
	}
	var ok bool
	switch e.mode {
	case "in":
		ok = e.set == nil || sub(have, want)
	case "contain":
		wantOnly := map[any]bool{}
		for _, v := range e.set {
			k := key(v)
			if s, isStr := v.(string); isStr && info.types[e.col].Name == "timestamp" {
				if t, ok := parseTime(s); ok {
					k = key(t)
				}
			}
			wantOnly[k] = true
		}
		ok = sub(wantOnly, have)
	case "equal":
		ok = sub(have, want) && len(have) == countParsed(e.set, info.types[e.col].Name)
	}
	res := map[string]any{"observed_value": observed}
	if e.mode == "in" {
		counts := make([]map[string]any, len(vals))
		for i, v := range vals {
			counts[i] = map[string]any{"value": jsonValue(v.v), "count": v.count}
		}
		res["details"] = map[string]any{"value_counts": counts}
	}

	return ok, res, nil
}

func countParsed(set []any, typ string) int {
	m := map[any]bool{}
	for _, v := range set {
		k := key(v)
		if s, ok := v.(string); ok && typ == "timestamp" {
			if t, ok := parseTime(s); ok {
				k = key(t)
			}
		}
		m[k] = true
	}

	return len(m)
}

type mostCommon struct {
	*colAgg
	set  []any
	ties bool
}

func (e *mostCommon) finish(*tableInfo) (bool, map[string]any, error) {
	var best int64
	for _, v := range e.vcount {
		if v.count > best {
			best = v.count
		}
	}
	var modes []any
	for _, v := range e.vcount {
		if v.count == best {
			modes = append(modes, v.v)
		}
	}
	sort.Slice(modes, func(i, j int) bool { return pyStr(modes[i]) < pyStr(modes[j]) })
	want := map[any]bool{}
	for _, v := range e.set {
		want[key(v)] = true
	}
	hits := 0
	for _, m := range modes {
		if want[key(m)] {
			hits++
		}
	}
	ok := hits > 0
	if !e.ties {
		ok = len(modes) == 1 && hits == 1
	}
	obs := make([]any, len(modes))
	for i, m := range modes {
		obs[i] = jsonValue(m)
	}

	return ok, map[string]any{"observed_value": obs}, nil
}
