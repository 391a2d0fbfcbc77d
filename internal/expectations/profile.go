package expectations

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// profileSample is the reservoir size per profiled column: value
// distributions for the report are drawn from a uniform sample, so memory
// stays flat whatever the row count.
const profileSample = 10000

// ColumnProfile is the value distribution of one column, for the report.
type ColumnProfile struct {
	Column    string         `json:"column"`
	Rows      int64          `json:"rows"`
	Nulls     int64          `json:"nulls"`
	Histogram []HistogramBin `json:"histogram"`
	Note      string         `json:"note"`
	sample    []any
	rng       *rand.Rand
	seen      int64
}

// HistogramBin is one bar: a numeric range or a value.
type HistogramBin struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
}

func newProfile(col string) *ColumnProfile {
	return &ColumnProfile{Column: col, rng: rand.New(rand.NewPCG(1, uint64(len(col))))}
}

func (p *ColumnProfile) observe(b *Batch) {
	c := b.Cols[p.Column]
	text := c.Type().Text
	for i := 0; i < b.Len; i++ {
		p.Rows++
		v := c.Value(i)
		if v == nil {
			p.Nulls++
			continue
		}
		if text {
			if f, ok := toFloatLoose(v); ok {
				v = f
			}
		}
		p.seen++
		if len(p.sample) < profileSample {
			p.sample = append(p.sample, v)
		} else if j := p.rng.Int64N(p.seen); j < profileSample {
			p.sample[j] = v
		}
	}
}

func (p *ColumnProfile) finish() {
	nonnull := p.Rows - p.Nulls
	if len(p.sample) == 0 {
		p.Note = "no values"
		return
	}
	scale := float64(nonnull) / float64(len(p.sample))
	numeric := true
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range p.sample {
		f, ok := toFloat(v)
		if _, isBool := v.(bool); !ok || isBool {
			numeric = false
			break
		}
		lo, hi = math.Min(lo, f), math.Max(hi, f)
	}
	if numeric && hi > lo {
		const bins = 20
		counts := make([]float64, bins)
		w := (hi - lo) / bins
		for _, v := range p.sample {
			f, _ := toFloat(v)
			k := int((f - lo) / w)
			if k >= bins {
				k = bins - 1
			}
			counts[k]++
		}
		for k, c := range counts {
			p.Histogram = append(p.Histogram, HistogramBin{Label: fmt.Sprintf("%.4g", lo+w*float64(k)), Count: int64(math.Round(c * scale))})
		}
	} else {
		counts := map[string]int64{}
		for _, v := range p.sample {
			counts[pyStr(v)]++
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if counts[keys[i]] != counts[keys[j]] {
				return counts[keys[i]] > counts[keys[j]]
			}
			return keys[i] < keys[j]
		})
		if len(keys) > 15 {
			keys = keys[:15]
		}
		for _, k := range keys {
			p.Histogram = append(p.Histogram, HistogramBin{Label: k, Count: int64(math.Round(float64(counts[k]) * scale))})
		}
	}
	if int64(len(p.sample)) < nonnull {
		p.Note = fmt.Sprintf("estimated from a uniform sample of %d of %d non-null values", len(p.sample), nonnull)
	} else {
		p.Note = fmt.Sprintf("all %d non-null values", nonnull)
	}
	p.sample = nil
}
