package expectations

import (
	"errors"
	"time"
)

// Pushdown describes how a backend that evaluates expectations itself (a
// SQL database) can compute an expectation, and turns the numbers it
// computed back into a GX result with the same formulas as the local
// engine.
type Pushdown struct {
	// Kind is "map" (count rows: element, missing, unexpected), "aggregate"
	// (one observed value) or "table" (row count and column list).
	Kind string
	// Columns the expectation reads.
	Columns []string
	// RowCondition is the row_condition, nil when none.
	RowCondition *RowCondition

	b *built
}

// RowCondition is a parsed row_condition: terms (column, operator,
// literal) ANDed within a group, groups ORed.
type RowCondition struct {
	Groups [][]ConditionTerm
	Text   string
}

// ConditionTerm is one comparison of a row condition.
type ConditionTerm struct {
	Column, Op string
	Literal    any // nil, bool, int64, float64 or string
}

// Counts are what a backend computed for one expectation.
type Counts struct {
	Element, Missing, Unexpected int64
	Observed                     any // aggregates
	Columns                      []string
}

// PlanPushdown reports how the suite's i-th expectation can be pushed
// down, after the same validation the local engine does.
func PlanPushdown(s *Suite, i int, opts Options) (*Pushdown, error) {
	b, err := build(s.Expectations[i], s.SuiteParameters, opts)
	if err != nil {
		return nil, &ConfigError{Index: i, Type: s.Expectations[i].Type, Err: err}
	}
	p := &Pushdown{b: b}
	if b.cond != nil {
		rc := &RowCondition{Text: b.cond.text}
		for _, and := range b.cond.or {
			var g []ConditionTerm
			for _, t := range and {
				g = append(g, ConditionTerm{Column: t.col, Op: t.op, Literal: t.lit})
			}
			rc.Groups = append(rc.Groups, g)
		}
		p.RowCondition = rc
	}
	switch e := b.ev.(type) {
	case *mapExp:
		p.Kind, p.Columns = "map", e.cols
	case *aggExp:
		p.Kind, p.Columns = "aggregate", []string{e.col}
	case *tableExp:
		p.Kind = "table"
	default:
		p.Kind = "local"
	}

	return p, nil
}

// Config is the expectation's configuration with suite parameters applied.
func (p *Pushdown) Config() Config { return p.b.cfg }

// Result builds the expectation's GX result from the backend's counts.
// Map results carry counts and percentages but no unexpected value lists.
func (p *Pushdown) Result(c Counts) ExpectationResult {
	switch e := p.b.ev.(type) {
	case *mapExp:
		e.element, e.missing, e.unexpected = c.Element, c.Missing, c.Unexpected
	case *aggExp:
		e.metric = func(*colAgg) (any, error) { return c.Observed, nil }
		e.n, e.nonnull = c.Element, c.Element-c.Missing
	case *tableExp:
		e.rows = c.Element // the rows that meet the row_condition, if any
	default:
		p.b.err = errors.New("this expectation cannot be evaluated by a SQL backend")
	}

	return p.b.result(&tableInfo{rows: c.Element, columns: c.Columns})
}

// Failed builds a result for an expectation the backend could not evaluate.
func (p *Pushdown) Failed(err error) ExpectationResult {
	p.b.err = err

	return p.b.result(&tableInfo{})
}

// Assemble builds the suite result from per-expectation results.
func Assemble(s *Suite, results []ExpectationResult, rows int64, engine string) *Result {
	res := &Result{SuiteName: s.Name, SuiteParameters: s.SuiteParameters, ID: newUUID(), Results: results}
	if res.SuiteParameters == nil {
		res.SuiteParameters = map[string]any{}
	}
	res.finish(s, time.Now(), &tableInfo{rows: rows})
	res.Meta["engine"] = engine

	return res
}
