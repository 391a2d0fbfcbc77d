package expectations

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options tune a run. The zero value is GX's behaviour.
type Options struct {
	// TreatAsNull lists text values counted as missing (besides null), for
	// example "NA" or " ". It applies to every expectation.
	TreatAsNull []string
	// MostlyDenominator is "nonmissing" (GX, default) or "all": with "all",
	// `mostly` is measured over every row, so missing values count against it.
	MostlyDenominator string
	// ResultFormat overrides the default result format (SUMMARY, 20).
	ResultFormat string
	// Parallelism bounds the goroutines evaluating a batch (GOMAXPROCS when 0).
	Parallelism int
	// Progress, when set, is called after each batch with the rows read so far.
	Progress func(rows int64)
	// Profile adds value distributions of the checked columns to the
	// result's meta.column_profiles, for reports, in state bounded
	// whatever the row count (see ColumnProfile).
	Profile bool
}

// Batch is a slice of rows of one table, the unit of streaming.
type Batch struct {
	Names  []string
	Cols   map[string]Column
	Len    int
	Offset int64   // row index of the batch's first row in the table
	index  []int64 // row indexes when rows were filtered out (row_condition)
	// Lines, when known (CSV), holds the physical line where each row starts.
	Lines []int
	// rowsHint, when known (Parquet footers), estimates the table's rows,
	// so uniqueness state is sized once instead of grown.
	rowsHint int64

	release func()
}

// Row is the table row index of batch row i.
func (b *Batch) Row(i int) int64 {
	if b.index != nil {
		return b.index[i]
	}

	return b.Offset + int64(i)
}

// Source streams a table's batches.
type Source interface {
	// Columns returns the column names in table order (known before the
	// first batch).
	Columns() []string
	// Types returns each column's logical type (known before the first batch).
	Types() map[string]LogicalType
	// Next returns the next batch or io.EOF.
	Next(ctx context.Context) (*Batch, error)
	Close() error
}

// tableInfo is what table-level expectations see at the end.
type tableInfo struct {
	columns []string
	types   map[string]LogicalType
	rows    int64
	// fileOf names the file a row came from when the table was read from
	// several files (nil for one), so CSV line numbers say whose lines.
	fileOf func(row int64) string
}

// multiFile is a Source read from several files that can say which file a
// row index came from.
type multiFile interface {
	FileOf(row int64) (string, bool)
}

// evaluator is one expectation's streaming state. observe is called with
// every batch in order (never concurrently for one evaluator); finish once.
type evaluator interface {
	observe(b *Batch) error
	finish(t *tableInfo) (bool, map[string]any, error)
}

// columnUser is implemented by evaluators that read columns, so a missing
// column is reported before the scan.
type columnUser interface{ columns() []string }

type buildEnv struct {
	opts   Options
	rf     resultFormat
	params map[string]any
	null   map[string]bool
	mostly string
}

type constructor func(k *kw, env *buildEnv) (evaluator, error)

var registry = map[string]constructor{}

func register(name string, c constructor) { registry[name] = c }

// built is one configured expectation ready to run.
type built struct {
	cfg    Config
	ev     evaluator
	rf     resultFormat
	cond   *rowCondition
	err    error // exception raised while running
	mostly string
	cost   time.Duration // its share of the last batch, for scheduling
}

func build(c Config, params map[string]any, opts Options) (*built, error) {
	ctor, ok := registry[c.Type]
	if !ok {
		msg := fmt.Sprintf("unknown expectation type %q", c.Type)
		if s := suggestType(c.Type); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return nil, errors.New(msg)
	}
	sub, err := substituteParameters(c.Kwargs, params)
	if err != nil {
		return nil, err
	}
	kwargs, _ := sub.(map[string]any)
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	def := resultFormat{Level: "SUMMARY", PartialCount: 20}
	if opts.ResultFormat != "" {
		def.Level = strings.ToUpper(opts.ResultFormat)
	}
	rf, err := parseResultFormat(kwargs["result_format"], def)
	if err != nil {
		return nil, err
	}
	env := &buildEnv{opts: opts, rf: rf, params: params, null: map[string]bool{}, mostly: "nonmissing"}
	for _, s := range opts.TreatAsNull {
		env.null[s] = true
	}
	if opts.MostlyDenominator != "" {
		env.mostly = opts.MostlyDenominator
	}
	k := newKW(kwargs)
	if v, ok := kwargs["treat_as_null"]; ok && v != nil {
		for _, s := range k.strList("treat_as_null", false) {
			env.null[s] = true
		}
	}
	if v, ok := kwargs["mostly_denominator"]; ok && v != nil {
		env.mostly = k.str("mostly_denominator", false)
	}
	if env.mostly != "nonmissing" && env.mostly != "all" {
		return nil, fmt.Errorf("mostly_denominator must be \"nonmissing\" or \"all\", not %q", env.mostly)
	}
	b := &built{cfg: Config{Type: c.Type, Kwargs: kwargs, Meta: c.Meta, ID: c.ID, Notes: c.Notes, Description: c.Description}, rf: rf, mostly: env.mostly}
	cond, err := parseRowCondition(k.str("row_condition", false), k.str("condition_parser", false))
	if err != nil {
		return nil, err
	}
	b.cond = cond
	ev, err := ctor(k, env)
	if err != nil {
		return nil, k.explain(err)
	}
	if err := k.done(); err != nil {
		return nil, err
	}
	b.ev = ev

	return b, nil
}

// Run evaluates every expectation of the suite over src in one pass.
func Run(ctx context.Context, s *Suite, src Source, opts Options) (*Result, error) {
	started := time.Now()
	exps := make([]*built, len(s.Expectations))
	for i, c := range s.Expectations {
		b, err := build(c, s.SuiteParameters, opts)
		if err != nil {
			return nil, &ConfigError{Index: i, Type: c.Type, Err: err}
		}
		exps[i] = b
	}
	info := &tableInfo{columns: src.Columns(), types: src.Types()}
	have := map[string]bool{}
	for _, c := range info.columns {
		have[c] = true
	}
	for _, b := range exps {
		if cu, ok := b.ev.(columnUser); ok {
			for _, c := range cu.columns() {
				if !have[c] {
					b.err = fmt.Errorf("column %q not found; the table has columns %s", c, strings.Join(quoteAll(info.columns), ", "))
					break
				}
			}
		}
		if b.err == nil && b.cond != nil {
			for _, c := range b.cond.columns() {
				if !have[c] {
					b.err = fmt.Errorf("row_condition: column %q not found", c)
				}
			}
		}
	}
	var profiles []*ColumnProfile
	if opts.Profile {
		seen := map[string]bool{}
		for _, b := range exps {
			if cu, ok := b.ev.(columnUser); ok && b.err == nil {
				for _, c := range cu.columns() {
					if have[c] && !seen[c] && !contains(b.rf.IndexColumns, c) {
						seen[c] = true
						p := newProfile(c)
						for _, tok := range opts.TreatAsNull {
							if p.st.null == nil {
								p.st.null = map[string]bool{}
							}
							p.st.null[tok] = true
						}
						profiles = append(profiles, p)
					}
				}
			}
		}
	}
	par := opts.Parallelism
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	// Read ahead one batch while the previous one is evaluated.
	type item struct {
		b   *Batch
		err error
	}
	ch := make(chan item, 2)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(ch)
		for {
			b, err := src.Next(rctx)
			if errors.Is(err, io.EOF) {
				return
			}
			select {
			case ch <- item{b, err}:
			case <-rctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	sem := make(chan struct{}, par)
	order := append([]*built(nil), exps...) // launch order; results keep the suite's

	defer func() {
		cancel()
		for it := range ch {
			if it.b != nil && it.b.release != nil {
				it.b.release()
			}
		}
	}()
	for it := range ch {
		if it.err != nil {
			return nil, it.err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b := it.b
		info.rows += int64(b.Len)
		views := map[string]*Batch{}
		viewErrs := map[string]error{}
		for _, e := range exps {
			if e.cond != nil && e.err == nil {
				if _, ok := views[e.cond.text]; !ok {
					views[e.cond.text], viewErrs[e.cond.text] = e.cond.filter(b)
				}
				// A condition that cannot be judged fails each expectation
				// it filters, as an exception does in GX.
				if err := viewErrs[e.cond.text]; err != nil {
					e.err = err
				}
			}
		}
		var wg sync.WaitGroup
		// Longest first: every batch waits for its slowest check, and one
		// started last would run alone while the other cores idle.
		sort.SliceStable(order, func(i, j int) bool { return order[i].cost > order[j].cost })
		for _, e := range order {
			if e.err != nil {
				continue
			}
			view := b
			if e.cond != nil {
				view = views[e.cond.text]
			}
			wg.Add(1)
			sem <- struct{}{}
			go func(e *built, view *Batch) {
				start := time.Now()
				defer func() {
					if r := recover(); r != nil {
						e.err = fmt.Errorf("internal error: %v", r)
					}
					e.cost = time.Since(start)
					<-sem
					wg.Done()
				}()
				if err := e.ev.observe(view); err != nil {
					e.err = err
				}
			}(e, view)
		}
		for _, p := range profiles {
			wg.Add(1)
			sem <- struct{}{}
			go func(p *ColumnProfile) {
				defer func() { <-sem; wg.Done() }()
				p.observe(b)
			}(p)
		}
		wg.Wait()
		if b.release != nil {
			b.release()
		}
		if opts.Progress != nil {
			opts.Progress(info.rows)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if mf, ok := src.(multiFile); ok {
		if _, many := mf.FileOf(-1); many {
			info.fileOf = func(row int64) string { name, _ := mf.FileOf(row); return name }
		}
	}
	res := &Result{SuiteName: s.Name, SuiteParameters: s.SuiteParameters, ID: newUUID(), Results: make([]ExpectationResult, 0, len(exps))}
	if res.SuiteParameters == nil {
		res.SuiteParameters = map[string]any{}
	}
	for _, e := range exps {
		res.Results = append(res.Results, e.result(info))
	}
	res.finish(s, started, info)
	if profiles != nil {
		out := make([]ColumnProfile, len(profiles))
		for i, p := range profiles {
			p.finish()
			out[i] = *p
		}
		res.Meta["column_profiles"] = out
	}

	return res, nil
}

func (e *built) result(info *tableInfo) ExpectationResult {
	r := ExpectationResult{ExpectationConfig: e.cfg, Meta: map[string]any{}, ExceptionInfo: ExceptionInfo{}}
	if e.err == nil {
		func() {
			defer func() {
				if p := recover(); p != nil {
					e.err = fmt.Errorf("internal error: %v", p)
				}
			}()
			ok, result, err := e.ev.finish(info)
			if err != nil {
				e.err = err
				return
			}
			r.Success = ok
			r.Result = result
		}()
	}
	if e.err != nil {
		r.Success = false
		r.Result = map[string]any{}
		r.ExceptionInfo = ExceptionInfo{Raised: true, Message: e.err.Error()}
		return r
	}
	if ac, ok := e.ev.(interface{ aggCounts() (int64, int64) }); ok && r.Result != nil {
		n, nonnull := ac.aggCounts()
		r.Result["element_count"] = n
		r.Result["missing_count"] = n - nonnull
		r.Result["missing_percent"] = pct(n-nonnull, n)
	}
	if _, isMap := e.ev.(mapLike); isMap {
		r.Meta["mostly_denominator"] = e.mostly
	}
	if e.rf.Level == "BOOLEAN_ONLY" {
		r.Result = map[string]any{}
	}
	if r.Result == nil {
		r.Result = map[string]any{}
	}

	return r
}

// mapLike marks row-wise expectations (they report mostly_denominator).
type mapLike interface{ isMap() }

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}

	return false
}
