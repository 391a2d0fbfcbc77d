package reliability_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
)

// The provider figures of scripts/bench.sh: API calls per resource per
// refresh, plan wall time at scale, provider start-up. They are
// measurements, not pass/fail checks, so they run only when
// LAKEHOUSE_BENCH=1 (with TF_ACC=1), and write markdown table rows to
// LAKEHOUSE_BENCH_OUT.
func TestBenchProviderFigures(t *testing.T) {
	if os.Getenv("LAKEHOUSE_BENCH") == "" {
		t.Skip("a measurement for scripts/bench.sh: set LAKEHOUSE_BENCH=1")
	}
	requireAcc(t)
	out := os.Getenv("LAKEHOUSE_BENCH_OUT")
	if out == "" {
		out = "/dev/stdout"
	}
	f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := f.Close(); err != nil {
			t.Error(err)
		}
	}()
	row := func(measure, value, note string) {
		if _, err := fmt.Fprintf(f, "| %s | %s | %s |\n", measure, value, note); err != nil {
			t.Error(err)
		}
		t.Logf("%s: %s (%s)", measure, value, note)
	}

	startup := providerStartup(t, 5)
	row("provider start-up to GetProviderSchema", fmt.Sprintf("%.0f ms", ms(startup)), "median of 5: process start, handshake, first schema answer")

	// API calls per resource per refresh, each type alone, counted at the
	// proxy in front of its backend: the refresh of n resources less that
	// of one, over n-1, so one-off calls (logins, CSRF tokens, the bucket
	// the objects live in) do not count.
	type shape struct {
		name, hcl string
		n         int
		proxy     func(*stack) *faultProxy
	}
	s3 := func(s *stack) *faultProxy { return s.s3P }
	const n = 20
	for _, sh := range []shape{
		{"lakehouse_bucket (bucket only)", bucketsHCL, n, s3},
		{"lakehouse_bucket (versioning, tags, lifecycle)", fullBucketsHCL, n, s3},
		{"lakehouse_object", objectsHCL, n, s3},
		{"lakehouse_iceberg_table", tablesHCL, n, s3},
		{"lakehouse_dremio_space", spacesHCL, n, func(s *stack) *faultProxy { return s.dremioP }},
		{"lakehouse_superset_database", databasesHCL, n, func(s *stack) *faultProxy { return s.supersetP }},
		{"lakehouse_labelstudio_project", projectsHCL, n, func(s *stack) *faultProxy { return s.lsP }},
	} {
		refresh := func(count int) int {
			s := newStack(t, faultConfig{Seed: 1})
			p := sh.proxy(s)
			hcl := strings.ReplaceAll(fmt.Sprintf(sh.hcl, count), "PREFIX", s.prefix)
			w := newWorkspace(t, s.provider(fastRetry)+hcl)
			w.must(5*time.Minute, "apply", "-auto-approve", "-no-color", "-parallelism=10")
			p.Reset()
			w.must(5*time.Minute, "plan", "-refresh-only", "-no-color", "-parallelism=10")
			total, _ := p.Stats()

			return total
		}
		one, many := refresh(1), refresh(sh.n)
		row("API calls per "+sh.name+" per refresh", fmt.Sprintf("%.1f", float64(many-one)/float64(sh.n-1)),
			fmt.Sprintf("recording proxy, plan -refresh-only: %d requests for %d, %d for 1", many, sh.n, one))
	}

	// Plan wall time at scale.
	for _, sh := range []shape{
		{"200 buckets", bucketsHCL, 200, s3},
		{"50 tables", tablesHCL, 50, s3},
	} {
		s := newStack(t, faultConfig{Seed: 1})
		w := newWorkspace(t, s.provider(fastRetry)+strings.ReplaceAll(fmt.Sprintf(sh.hcl, sh.n), "PREFIX", s.prefix))
		w.must(10*time.Minute, "apply", "-auto-approve", "-no-color", "-parallelism=10")
		start := time.Now()
		w.must(5*time.Minute, "plan", "-no-color")
		row("terraform plan, "+sh.name, fmt.Sprintf("%.2f s", time.Since(start).Seconds()), "refresh included, default parallelism 10, MinIO + SQLite catalog on loopback")
	}
}

const bucketsHCL = `
resource "lakehouse_bucket" "b" {
  for_each      = toset([for i in range(%d) : format("PREFIX-%%03d", i)])
  bucket        = each.value
  force_destroy = true
}
`

const fullBucketsHCL = `
resource "lakehouse_bucket" "b" {
  for_each      = toset([for i in range(%d) : format("PREFIX-%%03d", i)])
  bucket        = each.value
  force_destroy = true
  versioning    = "Enabled"
  tags          = { zone = "raw", owner = "bench" }
  lifecycle_rules = [{
    id              = "expire-scratch"
    filter          = { prefix = "scratch/" }
    expiration_days = 7
  }]
}
`

const spacesHCL = `
resource "lakehouse_dremio_space" "s" {
  for_each = toset([for i in range(%d) : format("PREFIX-%%03d", i)])
  name     = each.value
}
`

const databasesHCL = `
resource "lakehouse_superset_database" "d" {
  for_each       = toset([for i in range(%d) : format("PREFIX-%%03d", i)])
  database_name  = each.value
  sqlalchemy_uri = "postgresql+psycopg2://report_ro@db.internal:5432/${each.value}"
}
`

const projectsHCL = `
resource "lakehouse_labelstudio_project" "p" {
  for_each     = toset([for i in range(%d) : format("PREFIX-%%03d", i)])
  title        = each.value
  label_config = "<View><Text name=\"t\" value=\"$text\"/></View>"
}
`

const objectsHCL = `
resource "lakehouse_bucket" "b" {
  bucket        = "PREFIX-objects"
  force_destroy = true
}

resource "lakehouse_object" "o" {
  for_each = toset([for i in range(%d) : format("k%%03d.json", i)])
  bucket   = lakehouse_bucket.b.bucket
  key      = each.value
  content  = jsonencode({ key = each.value })
}
`

const tablesHCL = `
resource "lakehouse_iceberg_namespace" "ns" {
  name = ["PREFIX_bench"]
}

resource "lakehouse_iceberg_table" "t" {
  for_each  = toset([for i in range(%d) : format("t%%03d", i)])
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = each.value
  schema = [
    { name = "id", type = "long", required = true },
    { name = "score", type = "double" },
    { name = "term", type = "string" },
  ]
}
`

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// providerStartup starts the provider binary as Terraform does (go-plugin
// handshake over stdout) and times the first GetProviderSchema answer; the
// median of n runs.
func providerStartup(t *testing.T, n int) time.Duration {
	t.Helper()
	bin := providerBinary(t)
	var runs []time.Duration
	for i := 0; i < n; i++ {
		runs = append(runs, startOnce(t, bin))
	}
	for i := range runs {
		for j := i + 1; j < len(runs); j++ {
			if runs[j] < runs[i] {
				runs[i], runs[j] = runs[j], runs[i]
			}
		}
	}

	return runs[len(runs)/2]
}

func startOnce(t *testing.T, bin string) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(),
		"TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_MIN_PORT=0", "PLUGIN_MAX_PORT=0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no handshake: %v", err)
	}
	// core-version|app-version|network|address|protocol
	parts := strings.Split(strings.TrimSpace(line), "|")
	if len(parts) < 5 || parts[4] != "grpc" {
		t.Fatalf("handshake %q", line)
	}
	target := parts[3]
	if parts[2] == "unix" {
		target = "unix://" + target
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(rawCodec{})))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }() // nothing is lost when a client connection fails to close
	// The request message is empty; the answer is kept as raw bytes.
	var resp []byte
	if err := conn.Invoke(ctx, "/tfplugin6.Provider/GetProviderSchema", []byte{}, &resp); err != nil {
		t.Fatalf("GetProviderSchema: %v", err)
	}
	took := time.Since(start)
	if len(resp) < 1000 {
		t.Fatalf("schema answer of %d bytes", len(resp))
	}

	return took
}

// rawCodec passes protobuf bytes through untouched.
type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*(v.(*[]byte)) = data.Materialize()

	return nil
}
