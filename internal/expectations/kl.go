package expectations

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// KL divergence between a column's distribution and an expected partition,
// with GX's rules for tail and internal weight holdouts. A continuous
// partition ({bins, weights, tail_weights?}) is counted in one pass (one
// counter per bin); a categorical one ({values, weights}) keeps a count per
// distinct value. Without a partition the expectation only profiles, which
// keeps the column's numbers (8 bytes a row).
func init() {
	register("expect_column_kl_divergence_to_be_less_than", func(k *kw, env *buildEnv) (evaluator, error) {
		e := &klExp{colAgg: newAgg(k.str("column", true), env)}
		if t, ok := k.num("threshold"); ok {
			if t < 0 {
				return nil, errors.New("threshold must be greater than or equal to zero")
			}
			e.threshold = &t
		}
		e.tail, _ = k.num("tail_weight_holdout")
		e.internal, _ = k.num("internal_weight_holdout")
		if e.tail < 0 || e.tail > 1 {
			return nil, errors.New("tail_weight_holdout must be between zero and one, less than or equal to 1")
		}
		if e.internal < 0 || e.internal > 1 {
			return nil, errors.New("internal_weight_holdout must be between zero and one, less than or equal to 1")
		}
		e.bucketize = k.boolean("bucketize_data", true)
		raw := k.raw("partition_object")
		if raw == nil {
			if e.bucketize {
				e.keepValues = true
			} else {
				e.counts = true
			}
			return e, nil
		}
		po, ok := raw.(map[string]any)
		if !ok {
			return nil, errors.New("ValueError: partition_object must be an object")
		}
		if err := e.readPartition(po); err != nil {
			return nil, fmt.Errorf("ValueError: invalid partition object: %w", err)
		}
		if e.tail != 0 && e.tailWeights != nil {
			return nil, errors.New("ValueError: tail_weight_holdout must be 0 when using tail_weights in partition object")
		}
		if e.values != nil {
			if e.internal > 0 {
				return nil, errors.New("ValueError: internal weight holdout cannot be used for discrete data")
			}
			e.counts = true
		} else if !e.bucketize {
			return nil, errors.New("ValueError: KL divergence needs bucketize_data for a continuous partition")
		}
		if e.bins != nil {
			lo, hi := math.IsInf(e.bins[0], -1), math.IsInf(e.bins[len(e.bins)-1], 1)
			if lo && hi && e.tail > 0 {
				return nil, errors.New("ValueError: tail_weight_holdout cannot be used for partitions with infinite endpoints")
			}
			if (lo || hi) && e.tailWeights != nil {
				return nil, errors.New("ValueError: there can be no tail weights for partitions with one or both endpoints at infinity")
			}
			e.hist = make([]int64, len(e.weights))
		}
		return e, nil
	})
}

type klExp struct {
	*colAgg
	threshold      *float64
	tail, internal float64
	bucketize      bool
	bins, weights  []float64
	tailWeights    []float64
	values         []any
	hist           []int64
	below, above   int64
}

func floats(v any) ([]float64, error) {
	l, ok := v.([]any)
	if !ok {
		return nil, errors.New("expected a list of numbers")
	}
	out := make([]float64, len(l))
	for i, x := range l {
		f, ok := toFloat(x)
		if !ok {
			return nil, fmt.Errorf("%v is not a number", x)
		}
		out[i] = f
	}

	return out, nil
}

func (e *klExp) readPartition(po map[string]any) error {
	w, err := floats(po["weights"])
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	e.weights = w
	sum := 0.0
	for _, x := range w {
		if x < 0 {
			return errors.New("weights must not be negative")
		}
		sum += x
	}
	if vals, ok := po["values"].([]any); ok {
		if len(vals) != len(w) {
			return errors.New("values and weights differ in length")
		}
		e.values = vals
	} else {
		bins, err := floats(po["bins"])
		if err != nil {
			return fmt.Errorf("bins: %w", err)
		}
		if len(bins) != len(w)+1 {
			return errors.New("bins must have one more entry than weights")
		}
		for i := 1; i < len(bins); i++ {
			if !(bins[i] > bins[i-1]) {
				return errors.New("bins must be strictly increasing")
			}
		}
		e.bins = bins
		if tw, ok := po["tail_weights"]; ok {
			if e.tailWeights, err = floats(tw); err != nil || len(e.tailWeights) != 2 {
				return errors.New("tail_weights must be two numbers")
			}
			sum += e.tailWeights[0] + e.tailWeights[1]
		}
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("weights sum to %v, not 1", sum)
	}

	return nil
}

func (e *klExp) observe(b *Batch) error {
	if err := e.colAgg.observe(b); err != nil {
		return err
	}
	if e.bins == nil {
		return nil
	}
	c := b.Cols[e.col]
	for i := 0; i < b.Len; i++ {
		v := c.Value(i)
		if e.missing(v) {
			continue
		}
		f, ok := toFloatLoose(v)
		if !ok {
			return fmt.Errorf("%s: %s is not a number", recordAt(b, i), shown(v))
		}
		n := len(e.bins)
		switch {
		case f < e.bins[0]:
			e.below++
		case f > e.bins[n-1]:
			e.above++
		case f == e.bins[n-1]:
			e.hist[n-2]++ // the last bin is closed, as in numpy
		default:
			j := sort.SearchFloat64s(e.bins, f)
			if j < n && e.bins[j] == f {
				e.hist[j]++
			} else {
				e.hist[j-1]++
			}
		}
	}

	return nil
}

// entropy is scipy.stats.entropy(pk, qk): both normalised, 0·log 0 = 0.
func entropy(pk, qk []float64) float64 {
	var sp, sq float64
	for i := range pk {
		sp += pk[i]
		sq += qk[i]
	}
	s := 0.0
	for i := range pk {
		p, q := pk[i]/sp, qk[i]/sq
		switch {
		case p == 0:
		case q == 0:
			return math.Inf(1)
		default:
			s += p * math.Log(p/q)
		}
	}

	return s
}

func (e *klExp) verdict(kl float64, details map[string]any) (bool, map[string]any, error) {
	var obs any = kl
	if math.IsInf(kl, 0) || math.IsNaN(kl) {
		obs = nil
	}
	ok := e.threshold == nil || kl <= *e.threshold

	return ok, map[string]any{"observed_value": obs, "details": details}, nil
}

func (e *klExp) finish(*tableInfo) (bool, map[string]any, error) {
	nonnull := float64(e.nonnull)
	switch {
	case e.values != nil || (e.bins == nil && e.counts):
		return e.finishCategorical(nonnull)
	case e.bins == nil:
		// No partition: the column is its own reference (profiling).
		return e.verdict(0, map[string]any{})
	}
	obsW := make([]float64, len(e.hist))
	for i, h := range e.hist {
		obsW[i] = float64(h) / nonnull
	}
	expW := make([]float64, len(e.weights))
	zero := 0
	for i, w := range e.weights {
		expW[i] = w * (1 - e.tail - e.internal)
		if expW[i] == 0 {
			zero++
		}
	}
	if e.internal > 0 && zero > 0 {
		for i := range expW {
			if expW[i] == 0 {
				expW[i] = e.internal / float64(zero)
			}
		}
	}
	below, above := float64(e.below)/nonnull, float64(e.above)/nonnull
	lo, hi := math.IsInf(e.bins[0], -1), math.IsInf(e.bins[len(e.bins)-1], 1)
	var bins, combE, combO, tailE, tailO []float64
	n := len(expW)
	switch {
	case lo && hi:
		bins = e.bins[1 : len(e.bins)-1]
		combE, combO = expW, obsW
		tailE, tailO = []float64{expW[0], expW[n-1]}, []float64{obsW[0], obsW[n-1]}
		expW, obsW = expW[1:n-1], obsW[1:n-1]
	case lo:
		bins = e.bins[1:]
		combE = append(append([]float64{}, expW...), e.tail)
		combO = append(append([]float64{}, obsW...), above)
		tailE, tailO = []float64{expW[0], e.tail}, []float64{obsW[0], above}
		expW, obsW = expW[1:], obsW[1:]
	case hi:
		bins = e.bins[:len(e.bins)-1]
		combE = append([]float64{e.tail}, expW...)
		combO = append([]float64{below}, obsW...)
		tailE, tailO = []float64{e.tail, expW[n-1]}, []float64{below, obsW[n-1]}
		expW, obsW = expW[:n-1], obsW[:n-1]
	default:
		bins = e.bins
		if e.tailWeights != nil {
			tailE = e.tailWeights
		} else {
			tailE = []float64{e.tail / 2, e.tail / 2}
		}
		combE = append(append([]float64{tailE[0]}, expW...), tailE[1])
		combO = append(append([]float64{below}, obsW...), above)
		tailO = []float64{below, above}
	}
	kl := entropy(combO, combE)
	details := map[string]any{
		"observed_partition": map[string]any{"bins": bins, "weights": obsW, "tail_weights": tailO},
		"expected_partition": map[string]any{"bins": bins, "weights": expW, "tail_weights": tailE},
	}

	return e.verdict(kl, details)
}

func (e *klExp) finishCategorical(nonnull float64) (bool, map[string]any, error) {
	// Expected values first, then observed values not expected (sorted).
	var keys []any
	idx := map[any]int{}
	var expected []float64
	for i, v := range e.values {
		k := key(v)
		if _, dup := idx[k]; dup {
			continue
		}
		idx[k] = len(keys)
		keys = append(keys, v)
		expected = append(expected, e.weights[i])
	}
	nExpected := len(keys)
	var extra []*valCount
	for k, vc := range e.vcount {
		if _, ok := idx[k]; !ok {
			extra = append(extra, vc)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return pyStr(extra[i].v) < pyStr(extra[j].v) })
	for _, vc := range extra {
		idx[key(vc.v)] = len(keys)
		keys = append(keys, vc.v)
	}
	pk := make([]float64, len(keys))
	for k, vc := range e.vcount {
		pk[idx[k]] = float64(vc.count) / nonnull
	}
	qk := make([]float64, len(keys))
	missing := len(keys) - nExpected
	for i := range qk {
		if i < nExpected {
			qk[i] = expected[i]
			if missing > 0 {
				qk[i] *= 1 - e.tail
			}
		} else {
			qk[i] = e.tail / float64(missing)
		}
	}
	values := make([]any, len(keys))
	for i, v := range keys {
		values[i] = jsonValue(v)
	}
	details := map[string]any{
		"observed_partition": map[string]any{"values": values, "weights": pk},
		"expected_partition": map[string]any{"values": values, "weights": qk},
	}

	return e.verdict(entropy(pk, qk), details)
}
