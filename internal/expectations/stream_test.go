package expectations

import (
	"context"
	"sync"
	"testing"
)

// liveSource counts the batches handed out and not yet released, so a test
// can tell a streaming engine from one that holds the table.
type liveSource struct {
	*genSource
	mu         sync.Mutex
	live, peak int
	batches    int
}

func (l *liveSource) Next(ctx context.Context) (*Batch, error) {
	b, err := l.genSource.Next(ctx)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.live++
	l.batches++
	l.peak = max(l.peak, l.live)
	l.mu.Unlock()
	release := b.release
	b.release = func() {
		release()
		l.mu.Lock()
		l.live--
		l.mu.Unlock()
	}

	return b, nil
}

// The engine keeps a bounded number of batches alive whatever the row count
// (the one being evaluated, two read ahead, one being read), releases every
// batch, and reports progress after each batch.
func TestRunStreamsBatches(t *testing.T) {
	s := suiteOf(t, benchSuite)
	g := newGenSource(100_000)
	g.batch = 500
	src := &liveSource{genSource: g}
	var progress []int64
	res, err := Run(context.Background(), s, src, Options{Progress: func(rows int64) { progress = append(progress, rows) }})
	if err != nil {
		t.Fatal(err)
	}
	if src.batches != 200 || src.live != 0 {
		t.Fatalf("read %d batches (want 200), %d not released", src.batches, src.live)
	}
	if src.peak > 4 {
		t.Errorf("%d batches alive at once; the engine must stream (at most 4)", src.peak)
	}
	if len(progress) != 200 || progress[0] != 500 || progress[199] != 100_000 {
		t.Errorf("progress after each batch: got %d calls, first %v", len(progress), progress[:min(3, len(progress))])
	}
	if res.Meta["row_count"] != int64(100_000) || res.Statistics.Evaluated != 10 {
		t.Errorf("row_count %v, %d evaluated", res.Meta["row_count"], res.Statistics.Evaluated)
	}
	// 2% of the scores are null: not_be_null fails, every other check of
	// the bench suite except the in-set (grade F) passes.
	for i, r := range res.Results {
		want := i != 0 && i != 2
		if r.Success != want || r.ExceptionInfo.Raised {
			t.Errorf("%s: success %v, want %v (%v %s)", r.ExpectationConfig.Type, r.Success, want, r.Result, r.ExceptionInfo.Message)
		}
	}
}
