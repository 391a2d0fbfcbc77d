package reliability_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// MinIO is killed in the middle of an apply of 20 buckets and 40 objects
// and started again. The apply fails for what was in flight; every bucket
// and object it did create is in the state (nothing orphaned). Re-running
// the apply converges: the backend then holds exactly what the state holds,
// nothing duplicated, and the plan is empty.
func TestReliability_minioRestartMidApply(t *testing.T) {
	requireAcc(t)
	prefix := acctest.RandomName()
	// Added latency stretches the apply so the kill lands in its middle.
	p := newFaultProxy(t, minioServer.Endpoint, faultConfig{Seed: 3, Latency: 40 * time.Millisecond})
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
	done := make(chan result, 1)
	go func() {
		out, errb, err := w.tf(3*time.Minute, nil, "apply", "-auto-approve", "-no-color", "-parallelism=4")
		done <- result{out, errb, err}
	}()
	// Kill once a third of the 60 creates went out.
	deadline := time.Now().Add(2 * time.Minute)
	for p.Count("PUT") < 20 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.down.Store(true)
	if err := minioServer.Restart(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	p.down.Store(false)
	first := <-done
	if first.err == nil {
		t.Fatalf("the first apply did not notice the restart:\n%s", tail(first.out, 2000))
	}
	t.Logf("first apply failed as expected: %s", tail(strings.Join(strings.Fields(first.errb), " "), 300))

	// Nothing orphaned: what MinIO holds now is what the state records.
	assertStateMatchesMinIO(t, w, s)

	w.must(3*time.Minute, "apply", "-auto-approve", "-no-color", "-parallelism=4")
	if got := s.buckets(t); len(got) != 20 {
		t.Fatalf("after the re-run MinIO has %d buckets, want 20", len(got))
	}
	assertStateMatchesMinIO(t, w, s)
	if empty, plan := w.planIsEmpty(2 * time.Minute); !empty {
		t.Fatalf("plan after the re-run is not empty:\n%s", tail(plan, 3000))
	}
}

// assertStateMatchesMinIO compares the buckets and object keys in the state
// with those in MinIO under the stack's prefix.
func assertStateMatchesMinIO(t *testing.T, w *workspace, s *stack) {
	t.Helper()
	var inState, inMinIO []string
	for addr, v := range w.stateOrEmpty() {
		switch {
		case strings.HasPrefix(addr, "lakehouse_bucket."):
			inState = append(inState, fmt.Sprint(v["bucket"]))
		case strings.HasPrefix(addr, "lakehouse_object."):
			inState = append(inState, fmt.Sprintf("%v/%v", v["bucket"], v["key"]))
		}
	}
	for b, keys := range s.buckets(t) {
		inMinIO = append(inMinIO, b)
		for _, k := range keys {
			inMinIO = append(inMinIO, b+"/"+k)
		}
	}
	sort.Strings(inState)
	sort.Strings(inMinIO)
	if strings.Join(inState, "\n") != strings.Join(inMinIO, "\n") {
		t.Fatalf("state and MinIO differ:\nstate (%d): %v\nminio (%d): %v", len(inState), inState, len(inMinIO), inMinIO)
	}
	t.Logf("state and MinIO agree on %d buckets and objects", len(inState))
}
