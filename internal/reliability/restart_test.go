package reliability_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// MinIO is killed in the middle of an apply of 20 buckets and 40 objects
// and started again. The apply fails for what was in flight; every bucket
// and object it did create is in the state (nothing orphaned), and a write
// whose answer was lost is in the state as tainted. Re-running
// the apply converges: the backend then holds exactly what the state holds,
// nothing duplicated, and the plan is empty.
func TestReliability_minioRestartMidApply(t *testing.T) {
	requireAcc(t)
	prefix := acctest.RandomName()
	// Latency on the way to MinIO stretches the apply so the kill lands in
	// its middle.
	p := newFaultProxy(t, minioServer.Endpoint, faultConfig{Seed: 3, Toxics: []toxic{
		{Name: "latency", Type: "latency", Stream: "upstream", Toxicity: 1, Attributes: map[string]any{"latency": 20, "jitter": 20}},
	}})
	cfg := fmt.Sprintf(`
provider "lakehouse" {
  s3 {
    endpoint   = %[1]q
    access_key = %[2]q
    secret_key = %[3]q
    use_ssl    = false
    path_style = true
  }
  retry {
    max_attempts    = 2
    min_backoff     = "10ms"
    max_backoff     = "20ms"
    request_timeout = "5s"
  }
}

locals {
  buckets = toset([for i in range(20) : format("%[4]s-%%02d", i)])
  objects = { for p in setproduct(local.buckets, ["a", "b"]) : "${p[0]}/${p[1]}" => { bucket = p[0], key = "${p[1]}.csv" } }
}

resource "lakehouse_bucket" "b" {
  for_each      = local.buckets
  bucket        = each.value
  force_destroy = true
}

resource "lakehouse_object" "o" {
  for_each = local.objects
  bucket   = lakehouse_bucket.b[each.value.bucket].bucket
  key      = each.value.key
  content  = "id,score\n1,${each.key}\n"
}
`, p.HostPort(), minioServer.AccessKey, minioServer.SecretKey, prefix)
	w := newWorkspace(t, cfg)
	s := &stack{prefix: prefix}

	type result struct {
		out, errb string
		err       error
	}
	// MinIO goes down as the 21st PUT, a create, arrives: that request is
	// dropped, and its retries find the server down, so the first apply
	// fails part-way whatever else was in flight.
	killed := make(chan struct{})
	var once sync.Once
	p.CutWhen(func(r *http.Request) bool {
		if r.Method != http.MethodPut || p.Count(http.MethodPut) < 20 {
			return false
		}
		hit := false
		once.Do(func() {
			hit = true
			p.SetDown(t, true)
			close(killed)
		})

		return hit
	})
	done := make(chan result, 1)
	go func() {
		out, errb, err := w.tf(3*time.Minute, nil, "apply", "-auto-approve", "-no-color", "-parallelism=4")
		done <- result{out, errb, err}
	}()
	var first result
	select {
	case <-killed:
		if err := minioServer.Restart(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		p.SetDown(t, false)
		first = <-done
	case first = <-done:
		t.Fatal("the apply ended before 20 PUTs reached MinIO")
	}
	if first.err == nil {
		t.Fatalf("the first apply did not notice the restart:\n%s", tail(first.out, 2000))
	}
	t.Logf("first apply failed as expected: %s", tail(strings.Join(strings.Fields(first.errb), " "), 300))

	// Nothing orphaned: everything MinIO holds now is in the state.
	assertStateMatchesMinIO(t, w, s, true)

	w.must(3*time.Minute, "apply", "-auto-approve", "-no-color", "-parallelism=4")
	if got := s.buckets(t); len(got) != 20 {
		t.Fatalf("after the re-run MinIO has %d buckets, want 20", len(got))
	}
	assertStateMatchesMinIO(t, w, s, false)
	if empty, plan := w.planIsEmpty(2 * time.Minute); !empty {
		t.Fatalf("plan after the re-run is not empty:\n%s", tail(plan, 3000))
	}
}

// assertStateMatchesMinIO compares the buckets and object keys in the state
// with those in MinIO under the stack's prefix. With pending set, the state
// may also hold tainted entries MinIO lacks: writes whose answer the restart
// cut off, recorded so that the next apply checks and replaces them.
func assertStateMatchesMinIO(t *testing.T, w *workspace, s *stack, pending bool) {
	t.Helper()
	inState, tainted := map[string]bool{}, map[string]bool{}
	for addr, r := range w.stateResources() {
		var name string
		switch {
		case strings.HasPrefix(addr, "lakehouse_bucket."):
			name = fmt.Sprint(r.Values["bucket"])
		case strings.HasPrefix(addr, "lakehouse_object."):
			name = fmt.Sprintf("%v/%v", r.Values["bucket"], r.Values["key"])
		default:
			continue
		}
		inState[name], tainted[name] = true, r.Tainted
	}
	inMinIO := map[string]bool{}
	for b, keys := range s.buckets(t) {
		inMinIO[b] = true
		for _, k := range keys {
			inMinIO[b+"/"+k] = true
		}
	}
	var orphaned, missing []string
	for name := range inMinIO {
		if !inState[name] {
			orphaned = append(orphaned, name)
		}
	}
	for name := range inState {
		if !inMinIO[name] && (!pending || !tainted[name]) {
			missing = append(missing, name)
		}
	}
	sort.Strings(orphaned)
	sort.Strings(missing)
	if len(orphaned)+len(missing) > 0 {
		t.Fatalf("state and MinIO differ:\nin MinIO, not in the state (orphaned): %v\nin the state, not in MinIO: %v", orphaned, missing)
	}
	t.Logf("state and MinIO agree on %d buckets and objects", len(inMinIO))
}
