package reliability_test

import (
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultConfig tunes a faultProxy. Faults are drawn from a seeded RNG so a
// failing run can be replayed with the same seed.
type faultConfig struct {
	Seed uint64
	// Rate is the chance that one request gets a fault.
	Rate float64
	// MaxConsecutive bounds the faults one request key (method and path)
	// gets in a row, so a client retrying more often than that always gets
	// through: the test proves recovery, not luck.
	MaxConsecutive int
	// Latency is the most delay added to a request (uniform from zero).
	Latency time.Duration
	// LoseResponses lets a fault forward the request and then reset the
	// connection instead of answering, for idempotent methods only: the
	// server did the work, the client never hears of it.
	LoseResponses bool
}

// faultProxy is an httputil.ReverseProxy that injects 5xx and 429 answers,
// connection resets, lost responses and latency in front of one backend, and
// counts every request it sees.
type faultProxy struct {
	*httptest.Server
	cfg faultConfig
	rp  *httputil.ReverseProxy

	down atomic.Bool // every connection is reset, as by a dead server

	mu       sync.Mutex
	rng      *rand.Rand
	streak   map[string]int
	requests map[string]int // "METHOD /path" -> count
	faults   map[string]int // kind -> count
	total    int
}

// faultKinds are what a fault can be; lost responses only for idempotent
// methods and only when the config allows them.
var faultKinds = []string{"500", "502", "503", "429", "reset"}

func newFaultProxy(t testing.TB, target string, cfg faultConfig) *faultProxy {
	t.Helper()
	if !strings.Contains(target, "://") {
		target = "http://" + target
	}
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{
		cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		streak: map[string]int{}, requests: map[string]int{}, faults: map[string]int{},
	}
	// The Host header is passed through unchanged (SigV4 signs it).
	p.rp = httputil.NewSingleHostReverseProxy(u)
	p.rp.ErrorLog = log.New(io.Discard, "", 0)
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)

	return p
}

// HostPort is the proxy's address without scheme, for the s3 endpoint.
func (p *faultProxy) HostPort() string { return strings.TrimPrefix(p.URL, "http://") }

// decide draws the fault (or "" for none) and the delay for one request.
func (p *faultProxy) decide(r *http.Request) (string, time.Duration) {
	key := r.Method + " " + r.URL.Path
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total++
	p.requests[key]++
	var delay time.Duration
	if p.cfg.Latency > 0 {
		delay = time.Duration(p.rng.Int64N(int64(p.cfg.Latency)))
	}
	if p.cfg.Rate <= 0 || p.rng.Float64() >= p.cfg.Rate || p.streak[key] >= p.cfg.MaxConsecutive {
		p.streak[key] = 0

		return "", delay
	}
	p.streak[key]++
	kinds := faultKinds
	if p.cfg.LoseResponses && idempotent(r.Method) {
		kinds = append(append([]string{}, kinds...), "lost")
	}
	kind := kinds[p.rng.IntN(len(kinds))]
	p.faults[kind]++

	return kind, delay
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}

	return false
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	if p.down.Load() {
		resetConn(w)

		return
	}
	kind, delay := p.decide(r)
	if delay > 0 {
		time.Sleep(delay)
	}
	switch kind {
	case "":
		p.rp.ServeHTTP(w, r)
	case "reset":
		resetConn(w)
	case "lost":
		p.rp.ServeHTTP(httptest.NewRecorder(), r)
		resetConn(w)
	case "429":
		w.Header().Set("Retry-After", "0")
		http.Error(w, "injected fault: slow down", http.StatusTooManyRequests)
	default:
		code := map[string]int{"500": 500, "502": 502, "503": 503}[kind]
		http.Error(w, "injected fault", code)
	}
}

// resetConn drops the client's connection with a TCP RST.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "injected fault", http.StatusBadGateway)

		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Stats returns the request total and the faults injected, by kind.
func (p *faultProxy) Stats() (int, map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := make(map[string]int, len(p.faults))
	for k, v := range p.faults {
		f[k] = v
	}

	return p.total, f
}

// Count returns how many requests with this method reached the proxy.
func (p *faultProxy) Count(method string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for k, v := range p.requests {
		if strings.HasPrefix(k, method+" ") {
			n += v
		}
	}

	return n
}

// Reset zeroes the counters (not the RNG), to count one phase alone.
func (p *faultProxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = 0
	p.requests = map[string]int{}
	p.faults = map[string]int{}
}

// SetRate changes the fault rate, e.g. to 0 for a clean verification plan.
func (p *faultProxy) SetRate(rate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.Rate = rate
}

func (p *faultProxy) String() string {
	total, faults := p.Stats()
	kinds := make([]string, 0, len(faults))
	for k, v := range faults {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(kinds)

	return fmt.Sprintf("%d requests, faults %s", total, strings.Join(kinds, " "))
}

// The injector itself: the same seed gives the same faults, the rate is
// near the configured one, and no key gets more faults in a row than
// MaxConsecutive.
func TestFaultProxy_seededAndBounded(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer backend.Close()
	draw := func() ([]string, int) {
		p := newFaultProxy(t, backend.URL, faultConfig{Seed: 7, Rate: 0.3, MaxConsecutive: 2})
		var seq []string
		worst, run := 0, 0
		for i := 0; i < 2000; i++ {
			r := httptest.NewRequest(http.MethodGet, "/same", nil)
			k, _ := p.decide(r)
			seq = append(seq, k)
			if k != "" {
				run++
				worst = max(worst, run)
			} else {
				run = 0
			}
		}

		return seq, worst
	}
	a, worst := draw()
	b, _ := draw()
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatal("the same seed gave different faults")
	}
	if worst > 2 {
		t.Fatalf("%d faults in a row, bound is 2", worst)
	}
	n := 0
	for _, k := range a {
		if k != "" {
			n++
		}
	}
	// With at most two in a row the effective rate is a little under 0.3.
	if n < 400 || n > 650 {
		t.Fatalf("%d faults in 2000 requests at rate 0.3", n)
	}

	// Every kind reaches a real client as the failure it stands for.
	p := newFaultProxy(t, backend.URL, faultConfig{Seed: 1, Rate: 1, MaxConsecutive: 1000})
	seen := map[string]bool{}
	for i := 0; i < 60; i++ {
		resp, err := http.Get(p.URL + "/x")
		switch {
		case err != nil:
			seen["error"] = true
		default:
			seen[resp.Status[:3]] = true
			resp.Body.Close()
		}
	}
	for _, want := range []string{"error", "500", "502", "503", "429"} {
		if !seen[want] {
			t.Errorf("never saw %s; saw %v", want, seen)
		}
	}
}
