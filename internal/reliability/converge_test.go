package reliability_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

const labelConfig = `<View><Image name="img" value="$image"/><Choices name="c" toName="img"><Choice value="a"/><Choice value="b"/></Choices></View>`

// lakeConfig is a lakehouse of nb buckets with two objects each, two Iceberg
// namespaces with two tables each, a Dremio source, two spaces with two
// folders each, three Superset databases and two Label Studio projects with
// a storage and a webhook each.
func (s *stack) lakeConfig(nb int) string {
	return fmt.Sprintf(`
locals {
  buckets = toset([for i in range(%[2]d) : format("%[1]s-b%%02d", i)])
  objects = { for p in setproduct(local.buckets, ["a", "b"]) : "${p[0]}/${p[1]}" => { bucket = p[0], key = "data/${p[1]}.json" } }
  tables  = { for p in setproduct(["ns1", "ns2"], ["t1", "t2"]) : "${p[0]}.${p[1]}" => { ns = p[0], name = p[1] } }
  folders = { for p in setproduct(["s1", "s2"], ["f1", "f2"]) : "${p[0]}/${p[1]}" => { space = p[0], name = p[1] } }
}

resource "lakehouse_bucket" "b" {
  for_each      = local.buckets
  bucket        = each.value
  force_destroy = true
  tags          = { zone = "raw" }
}

resource "lakehouse_object" "o" {
  for_each     = local.objects
  bucket       = lakehouse_bucket.b[each.value.bucket].bucket
  key          = each.value.key
  content      = jsonencode({ object = each.key, rows = [1, 2, 3] })
  content_type = "application/json"
}

resource "lakehouse_iceberg_namespace" "ns" {
  for_each   = toset(["ns1", "ns2"])
  name       = ["%[1]s_${each.value}"]
  properties = { owner = "reliability" }
}

resource "lakehouse_iceberg_table" "t" {
  for_each  = local.tables
  namespace = lakehouse_iceberg_namespace.ns[each.value.ns].name
  name      = each.value.name
  schema = [
    { name = "id", type = "long", required = true },
    { name = "score", type = "double" },
    { name = "term", type = "string" },
  ]
}

resource "lakehouse_dremio_source" "lake" {
  name = "lake"
  s3 {
    buckets = [for b in lakehouse_bucket.b : b.bucket]
  }
}

resource "lakehouse_dremio_space" "s" {
  for_each = toset(["s1", "s2"])
  name     = "%[1]s-${each.value}"
}

resource "lakehouse_dremio_folder" "f" {
  for_each = local.folders
  path     = [lakehouse_dremio_space.s[each.value.space].name, each.value.name]
}

resource "lakehouse_superset_database" "db" {
  for_each         = toset(["one", "two", "three"])
  database_name    = "warehouse ${each.value}"
  sqlalchemy_uri   = "postgresql+psycopg2://report_ro@db.internal:5432/${each.value}"
  password         = "db-password-${each.value}"
  password_version = "1"
}

resource "lakehouse_labelstudio_project" "p" {
  for_each     = toset(["p1", "p2"])
  title        = "reliability ${each.value}"
  label_config = %[3]q
}

resource "lakehouse_labelstudio_storage" "st" {
  for_each              = lakehouse_labelstudio_project.p
  project_id            = each.value.id
  direction             = "import"
  bucket                = "%[1]s-b00"
  prefix                = "images/${each.key}"
  s3_endpoint           = "http://minio.internal:9000"
  aws_access_key_id     = "labelstudio"
  aws_secret_access_key = "ls-secret"
  credentials_version   = 1
}

resource "lakehouse_labelstudio_webhook" "w" {
  for_each   = lakehouse_labelstudio_project.p
  project_id = each.value.id
  url        = "https://pipeline.example.edu/hooks/${each.key}"
  actions    = ["ANNOTATION_CREATED"]
  headers    = { Authorization = "Bearer hook-token" }
}
`, s.prefix, nb, labelConfig)
}

// resourceCount is what lakeConfig(nb) declares.
func resourceCount(nb int) int { return nb + 2*nb + 2 + 4 + 1 + 2 + 4 + 3 + 2 + 2 + 2 }

// tcpFaults are the toxiproxy toxics of the convergence test, on every
// backend's TCP path. Only the client's side of a connection is reset or
// stalled, before its first request passes: the backend never sees a request
// that is cut there, so a retried POST cannot be carried out twice (lost
// answers after the work are the HTTP layer's, for idempotent methods only).
var tcpFaults = []toxic{
	{Name: "reset", Type: "reset_peer", Stream: "upstream", Toxicity: 0.12, Attributes: map[string]any{"timeout": 0}},
	{Name: "stall", Type: "timeout", Stream: "upstream", Toxicity: 0.06, Attributes: map[string]any{"timeout": 150}},
	{Name: "latency_up", Type: "latency", Stream: "upstream", Toxicity: 1, Attributes: map[string]any{"latency": 4, "jitter": 4}},
	{Name: "latency_down", Type: "latency", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"latency": 6, "jitter": 6}},
	{Name: "slicer", Type: "slicer", Stream: "downstream", Toxicity: 0.5, Attributes: map[string]any{"average_size": 512, "size_variation": 256, "delay": 50}},
	{Name: "slow_close", Type: "slow_close", Stream: "downstream", Toxicity: 0.5, Attributes: map[string]any{"delay": 20}},
}

// s3Faults are added to the S3 proxy only: on 30% of the connections the
// answers stop after 3,000 bytes and the connection closes, which cuts
// listings, DeleteObjects answers and object bodies mid-stream.
var s3Faults = []toxic{
	{Name: "limit_data", Type: "limit_data", Stream: "downstream", Toxicity: 0.3, Attributes: map[string]any{"bytes": 3000}},
}

// An apply of 52 resources over MinIO, the SQLite Iceberg catalog and the
// three fakes, each backend behind toxiproxy (connections reset or stalled
// before their first request, latency and jitter both ways, responses sliced
// into small packets, slow closes; on S3 also answers cut after 3,000 bytes)
// and an HTTP injector behind it (~15% of requests answered 500/502/503, 429
// on the REST backends, or for idempotent methods carried out with the answer
// lost), converges without an error; the plan after it is empty, every
// object exists once on its backend, and a destroy under the same faults,
// with 150 more objects and an incomplete upload in each bucket for
// force_destroy, leaves nothing behind.
func TestReliability_applyConvergesThroughFaults(t *testing.T) {
	requireAcc(t)
	const nb = 10
	seed := uint64(20251203)
	if v := os.Getenv("LAKEHOUSE_FAULT_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("LAKEHOUSE_FAULT_SEED=%q: %v", v, err)
		}
		seed = n
	}
	t.Logf("HTTP fault seed %d (replay with LAKEHOUSE_FAULT_SEED=%d; toxiproxy draws its own)", seed, seed)
	s := newStack(t, faultConfig{Seed: seed, Rate: 0.15, MaxConsecutive: 2, LoseResponses: true, Toxics: tcpFaults})
	for _, tx := range s3Faults {
		s.s3P.addToxic(t, tx)
	}
	w := newWorkspace(t, s.provider(fastRetry)+s.lakeConfig(nb))

	start := time.Now()
	out := w.must(4*time.Minute, "apply", "-auto-approve", "-no-color", "-parallelism=10")
	t.Logf("apply: %s; %s", time.Since(start).Round(time.Millisecond), s.stats())
	if want := fmt.Sprintf("%d added, 0 changed, 0 destroyed", resourceCount(nb)); !strings.Contains(out, want) {
		t.Fatalf("apply did not report %q:\n%s", want, tail(out, 2000))
	}
	// The refresh and plan also run under faults.
	if empty, plan := w.planIsEmpty(3 * time.Minute); !empty {
		t.Fatalf("plan after apply is not empty:\n%s", tail(plan, 4000))
	}
	s.assertBackends(t, w, nb)

	// Data written since makes force_destroy list and delete pages that a
	// cut connection (limit_data) cannot carry whole.
	s.fillBuckets(t, 150)
	out = w.must(4*time.Minute, "destroy", "-auto-approve", "-no-color", "-parallelism=10")
	if want := fmt.Sprintf("%d destroyed", resourceCount(nb)); !strings.Contains(out, want) {
		t.Fatalf("destroy did not report %q:\n%s", want, tail(out, 2000))
	}
	if left := s.buckets(t); len(left) != 0 {
		t.Fatalf("buckets left after destroy: %v", left)
	}
	if ids := s.ls.ProjectIDs(); len(ids) != 0 {
		t.Fatalf("Label Studio projects left after destroy: %v", ids)
	}
	if n := s.dremio.Len(); n != 0 {
		t.Fatalf("%d Dremio catalog entities left after destroy", n)
	}
	t.Logf("total: %s", s.stats())
	s.assertFaultFloors(t)
}

// assertFaultFloors fails the test if too few faults were injected for its
// pass to mean anything. About 15% of the requests get an HTTP fault and
// about 18% of the connections a TCP one; which ones depends on the order of
// parallel requests and on toxiproxy's draws, so only a half (HTTP) and a
// third (TCP) of the expected counts are required: enough that recovery,
// not luck, made the apply pass.
func (s *stack) assertFaultFloors(t *testing.T) {
	t.Helper()
	faults, requests, conns, cut := 0, 0, 0, 0
	for _, p := range s.proxies() {
		n, f := p.Stats()
		requests += n
		for _, k := range f {
			faults += k
		}
		c, x := p.Cuts()
		conns, cut = conns+c, cut+x
	}
	t.Logf("HTTP layer: %d faults in %d requests; TCP layer: %d of %d connections cut before their first request", faults, requests, cut, conns)
	if faults < requests*15/200 || faults < 10 {
		t.Errorf("only %d HTTP faults in %d requests; the test proves nothing: %s", faults, requests, s.stats())
	}
	if cut < conns*18/300 || cut < 5 {
		t.Errorf("only %d of %d connections cut by toxiproxy; the test proves nothing: %s", cut, conns, s.stats())
	}
}

// assertBackends checks that each backend holds exactly what the state says:
// nothing duplicated by a retried create, nothing missing.
func (s *stack) assertBackends(t *testing.T, w *workspace, nb int) {
	t.Helper()
	got := s.buckets(t)
	if len(got) != nb {
		t.Fatalf("want %d buckets, MinIO has %d: %v", nb, len(got), got)
	}
	for b, keys := range got {
		if strings.Join(keys, ",") != "data/a.json,data/b.json" {
			t.Errorf("bucket %s holds %v", b, keys)
		}
	}
	if ids := s.ls.ProjectIDs(); len(ids) != 2 {
		t.Errorf("Label Studio has %d projects, want 2 (a retried create duplicated one?)", len(ids))
	}
	// One source, two spaces, four folders.
	if n := s.dremio.Len(); n != 7 {
		t.Errorf("Dremio holds %d catalog entities, want 7", n)
	}
	st := w.state()
	if n := len(st); n != resourceCount(nb) {
		t.Errorf("state has %d resources, want %d", n, resourceCount(nb))
	}
}

// state returns the addresses in the state with their attribute values,
// also after a failed apply.
func (w *workspace) state() map[string]map[string]any {
	w.t.Helper()
	out := map[string]map[string]any{}
	for addr, r := range w.stateResources() {
		out[addr] = r.Values
	}

	return out
}

// stateResource is one resource of `terraform show -json`.
type stateResource struct {
	Address string         `json:"address"`
	Values  map[string]any `json:"values"`
	Tainted bool           `json:"tainted"`
}

// stateResources returns the resources in the state by address.
func (w *workspace) stateResources() map[string]stateResource {
	w.t.Helper()
	raw := w.must(time.Minute, "show", "-json", "-no-color")
	var doc struct {
		Values struct {
			RootModule struct {
				Resources []stateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		w.t.Fatalf("terraform show -json: %v", err)
	}
	out := map[string]stateResource{}
	for _, r := range doc.Values.RootModule.Resources {
		out[r.Address] = r
	}

	return out
}
