package reliability_test

import (
	"encoding/json"
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

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"
)

// A faultProxy stands between the provider and one backend in two layers:
//
//	provider -> toxiproxy (TCP faults) -> httpInjector (HTTP faults) -> backend
//
// Toxiproxy, run in-process, owns everything on the byte stream: latency and
// jitter, resets, stalled connections, slow closes, sliced packets. The HTTP
// injector behind it does only what a TCP proxy cannot: answer 5xx and 429
// itself, and lose the answer of an idempotent request the backend carried
// out. It also counts the requests and connections that reach it.
type faultProxy struct {
	// URL and HostPort are where the provider connects: toxiproxy.
	URL string
	tcp *toxiproxy.Proxy
	in  *httpInjector
}

// faultConfig tunes both layers. HTTP faults are drawn from a seeded RNG;
// toxiproxy draws its own (toxicity is a chance per connection).
type faultConfig struct {
	Seed uint64
	// Rate is the chance that one request reaching the injector gets an
	// HTTP fault.
	Rate float64
	// MaxConsecutive bounds the HTTP faults one request key (method and
	// path) gets in a row.
	MaxConsecutive int
	// LoseResponses lets an HTTP fault forward an idempotent request and
	// then drop the connection instead of answering: the server did the
	// work, the client never hears of it.
	LoseResponses bool
	// Answers are the HTTP status answers to draw from; httpFaults when
	// empty.
	Answers []string
	// Toxics are added to the toxiproxy proxy.
	Toxics []toxic
}

// toxic is one toxiproxy toxic, as its API takes it.
type toxic struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Stream     string         `json:"stream"` // "upstream" (to the backend) or "downstream"
	Toxicity   float32        `json:"toxicity"`
	Attributes map[string]any `json:"attributes"`
}

// toxiServer is the in-process toxiproxy server every faultProxy of a test
// binary registers with; logging off, metrics off.
var toxiServer = sync.OnceValue(func() *toxiproxy.ApiServer {
	return toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
})

// proxySeq names the proxies, which the server keeps by name.
var proxySeq atomic.Int64

func newFaultProxy(t testing.TB, target string, cfg faultConfig) *faultProxy {
	t.Helper()
	in := newHTTPInjector(t, target, cfg)
	name := fmt.Sprintf("proxy-%d", proxySeq.Add(1))
	tcp := toxiproxy.NewProxy(toxiServer(), name, "127.0.0.1:0", in.Listener.Addr().String())
	if err := toxiServer().Collection.Add(tcp, true); err != nil {
		t.Fatalf("starting toxiproxy %s: %v", name, err)
	}
	t.Cleanup(func() { _ = toxiServer().Collection.Remove(name) })
	p := &faultProxy{URL: "http://" + tcp.Listen, tcp: tcp, in: in}
	for _, tx := range cfg.Toxics {
		p.addToxic(t, tx)
	}

	return p
}

func (p *faultProxy) addToxic(t testing.TB, tx toxic) {
	t.Helper()
	body, err := json.Marshal(tx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.tcp.Toxics.AddToxicJson(strings.NewReader(string(body))); err != nil {
		t.Fatalf("toxic %s: %v", tx.Name, err)
	}
}

// HostPort is the proxy's address without scheme, for the s3 endpoint.
func (p *faultProxy) HostPort() string { return strings.TrimPrefix(p.URL, "http://") }

// SetDown makes toxiproxy reset every connection at its next request, as a
// dead server would, or lifts that.
func (p *faultProxy) SetDown(t testing.TB, down bool) {
	t.Helper()
	if down {
		p.addToxic(t, toxic{Name: "down", Type: "reset_peer", Stream: "upstream", Toxicity: 1, Attributes: map[string]any{"timeout": 0}})

		return
	}
	if err := p.tcp.Toxics.RemoveToxic(t.Context(), "down"); err != nil {
		t.Fatal(err)
	}
}

// Stats returns the requests that reached the injector and the HTTP faults
// it answered, by kind.
func (p *faultProxy) Stats() (int, map[string]int) { return p.in.stats() }

// Cuts returns how many connections toxiproxy opened to the injector and
// how many of those ended before a single request byte passed: connections
// whose first request toxiproxy reset or stalled. An unused spare connection
// the client closes counts too, so this is an upper bound on TCP faults that
// a fault-free run shows to be near zero.
func (p *faultProxy) Cuts() (conns, cut int) { return p.in.conns() }

// Count returns how many requests with this method reached the injector.
func (p *faultProxy) Count(method string) int { return p.in.count(method) }

// Reset zeroes the counters (not the RNG), to count one phase alone.
func (p *faultProxy) Reset() { p.in.reset() }

func (p *faultProxy) String() string {
	total, faults := p.Stats()
	kinds := make([]string, 0, len(faults))
	for k, v := range faults {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(kinds)
	conns, cut := p.Cuts()

	return fmt.Sprintf("%d requests, HTTP faults %s; %d connections, %d cut by toxiproxy", total, strings.Join(kinds, " "), conns, cut)
}

// httpInjector is an httputil.ReverseProxy that answers some requests with
// 5xx or 429 and loses the answer of some idempotent ones.
type httpInjector struct {
	*httptest.Server
	cfg faultConfig
	rp  *httputil.ReverseProxy

	mu       sync.Mutex
	rng      *rand.Rand
	streak   map[string]int
	requests map[string]int // "METHOD /path" -> count
	faults   map[string]int // kind -> count
	total    int
	active   map[net.Conn]bool // open connections -> a request was read
	// cut, when set, is asked first about each request; true drops the
	// connection without forwarding it.
	cut    func(*http.Request) bool
	nConns int
	nCut   int
}

// httpFaults are the answers the injector gives in place of the backend's;
// "lost" joins them for idempotent methods when the config allows.
var httpFaults = []string{"500", "502", "503", "429"}

func newHTTPInjector(t testing.TB, target string, cfg faultConfig) *httpInjector {
	t.Helper()
	if !strings.Contains(target, "://") {
		target = "http://" + target
	}
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	in := &httpInjector{
		cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		streak: map[string]int{}, requests: map[string]int{}, faults: map[string]int{}, active: map[net.Conn]bool{},
	}
	// The Host header is passed through unchanged (SigV4 signs it).
	in.rp = httputil.NewSingleHostReverseProxy(u)
	in.rp.ErrorLog = log.New(io.Discard, "", 0)
	in.Server = httptest.NewUnstartedServer(http.HandlerFunc(in.serve))
	in.Config.ConnState = in.connState
	in.Config.ErrorLog = log.New(io.Discard, "", 0)
	in.Start()
	t.Cleanup(in.Close)

	return in
}

// connState tells connections that carried a request from those toxiproxy
// cut before their first one.
func (in *httpInjector) connState(c net.Conn, s http.ConnState) {
	in.mu.Lock()
	defer in.mu.Unlock()
	switch s {
	case http.StateNew:
		in.active[c] = false
		in.nConns++
	case http.StateActive:
		in.active[c] = true
	case http.StateClosed, http.StateHijacked:
		if used, ok := in.active[c]; ok && !used {
			in.nCut++
		}
		delete(in.active, c)
	}
}

// decide draws the HTTP fault for one request, or "" for none.
func (in *httpInjector) decide(r *http.Request) string {
	key := r.Method + " " + r.URL.Path
	in.mu.Lock()
	defer in.mu.Unlock()
	in.total++
	in.requests[key]++
	if in.cfg.Rate <= 0 || in.rng.Float64() >= in.cfg.Rate || in.streak[key] >= in.cfg.MaxConsecutive {
		in.streak[key] = 0

		return ""
	}
	in.streak[key]++
	kinds := httpFaults
	if len(in.cfg.Answers) > 0 {
		kinds = in.cfg.Answers
	}
	if in.cfg.LoseResponses && idempotent(r.Method) {
		kinds = append(append([]string{}, kinds...), "lost")
	}
	kind := kinds[in.rng.IntN(len(kinds))]
	in.faults[kind]++

	return kind
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}

	return false
}

// CutWhen sets the test's own rule for dropping a request unforwarded.
func (p *faultProxy) CutWhen(f func(*http.Request) bool) {
	p.in.mu.Lock()
	defer p.in.mu.Unlock()
	p.in.cut = f
}

func (in *httpInjector) serve(w http.ResponseWriter, r *http.Request) {
	in.mu.Lock()
	cut := in.cut
	in.mu.Unlock()
	if cut != nil && cut(r) {
		dropConn(w)

		return
	}
	switch kind := in.decide(r); kind {
	case "":
		in.rp.ServeHTTP(w, r)
	case "lost":
		in.rp.ServeHTTP(httptest.NewRecorder(), r)
		dropConn(w)
	case "429":
		w.Header().Set("Retry-After", "0")
		http.Error(w, "injected fault: slow down", http.StatusTooManyRequests)
	default:
		code := map[string]int{"500": 500, "502": 502, "503": 503}[kind]
		http.Error(w, "injected fault", code)
	}
}

// dropConn closes the connection without an answer, with a TCP RST.
func dropConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func (in *httpInjector) stats() (int, map[string]int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	f := make(map[string]int, len(in.faults))
	for k, v := range in.faults {
		f[k] = v
	}

	return in.total, f
}

func (in *httpInjector) conns() (int, int) {
	in.mu.Lock()
	defer in.mu.Unlock()

	return in.nConns, in.nCut
}

func (in *httpInjector) count(method string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	for k, v := range in.requests {
		if strings.HasPrefix(k, method+" ") {
			n += v
		}
	}

	return n
}

func (in *httpInjector) reset() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.total, in.nConns, in.nCut = 0, 0, 0
	in.requests = map[string]int{}
	in.faults = map[string]int{}
}

// The HTTP layer: the same seed gives the same faults, the rate is near the
// configured one, no key gets more faults in a row than MaxConsecutive, and
// every kind reaches a real client through toxiproxy as the failure it
// stands for.
func TestFaultProxy_httpSeededAndBounded(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	defer backend.Close()
	draw := func() ([]string, int) {
		in := newHTTPInjector(t, backend.URL, faultConfig{Seed: 7, Rate: 0.3, MaxConsecutive: 2})
		var seq []string
		worst, run := 0, 0
		for i := 0; i < 2000; i++ {
			k := in.decide(httptest.NewRequest(http.MethodGet, "/same", nil))
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

	p := newFaultProxy(t, backend.URL, faultConfig{Seed: 1, Rate: 1, MaxConsecutive: 1000, LoseResponses: true})
	seen := map[string]bool{}
	for i := 0; i < 80; i++ {
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

// The TCP layer: each toxic the reliability tests use does to a real client
// what it is for, and a request it cuts never reaches the backend (so a
// retried POST cannot be carried out twice).
func TestFaultProxy_tcpToxics(t *testing.T) {
	var mu sync.Mutex
	reached := 0
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		reached++
		mu.Unlock()
		_, _ = io.WriteString(w, strings.Repeat("x", 4096))
	}))
	defer backend.Close()
	post := func(p *faultProxy) (time.Duration, error) {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
		start := time.Now()
		resp, err := c.Post(p.URL+"/create", "application/json", strings.NewReader(`{"name":"x"}`))
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %s", resp.Status)
			}
		}

		return time.Since(start), err
	}
	reachedNow := func() int {
		mu.Lock()
		defer mu.Unlock()

		return reached
	}

	for _, tc := range []struct {
		name  string
		toxic toxic
		want  string // error text; "" for a success
	}{
		{"reset_peer", toxic{Type: "reset_peer", Stream: "upstream", Toxicity: 1, Attributes: map[string]any{"timeout": 0}}, "reset by peer"},
		{"timeout", toxic{Type: "timeout", Stream: "upstream", Toxicity: 1, Attributes: map[string]any{"timeout": 100}}, "EOF"},
		{"slicer", toxic{Type: "slicer", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"average_size": 64, "size_variation": 32, "delay": 10}}, ""},
		{"slow_close", toxic{Type: "slow_close", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"delay": 20}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.toxic.Name = tc.name
			p := newFaultProxy(t, backend.URL, faultConfig{Toxics: []toxic{tc.toxic}})
			before := reachedNow()
			_, err := post(p)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("through %s: %v", tc.name, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("through %s: want an error with %q, got %v", tc.name, tc.want, err)
			case tc.want != "" && reachedNow() != before:
				t.Fatalf("the request %s cut reached the backend", tc.name)
			}
			if tc.want == "" {
				return
			}
			// The injector hears of the close after the client does.
			conns, cut := p.Cuts()
			for deadline := time.Now().Add(5 * time.Second); cut == 0 && time.Now().Before(deadline); conns, cut = p.Cuts() {
				time.Sleep(time.Millisecond)
			}
			if conns != 1 || cut != 1 {
				t.Errorf("injector saw %d connections, %d cut; want 1, 1", conns, cut)
			}
		})
	}

	// Latency with jitter: each direction adds latency-jitter at least.
	p := newFaultProxy(t, backend.URL, faultConfig{Toxics: []toxic{
		{Name: "latency_up", Type: "latency", Stream: "upstream", Toxicity: 1, Attributes: map[string]any{"latency": 60, "jitter": 20}},
		{Name: "latency_down", Type: "latency", Stream: "downstream", Toxicity: 1, Attributes: map[string]any{"latency": 60, "jitter": 20}},
	}})
	took, err := post(p)
	if err != nil {
		t.Fatal(err)
	}
	if took < 80*time.Millisecond {
		t.Fatalf("a request took %s through 2 x (60 +/- 20) ms of latency", took)
	}
	// Down resets every request until lifted; then they pass again.
	p.SetDown(t, true)
	if _, err := post(p); err == nil || !strings.Contains(err.Error(), "reset by peer") {
		t.Fatalf("while down: want a reset, got %v", err)
	}
	p.SetDown(t, false)
	if _, err := post(p); err != nil {
		t.Fatalf("after down: %v", err)
	}
}
