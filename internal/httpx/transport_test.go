package httpx_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
)

func fastRetry(attempts int) httpx.RetrySettings {
	return httpx.RetrySettings{MaxAttempts: attempts, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Second, RequestTimeout: 10 * time.Second}
}

// server answers with the given statuses in turn, then 200, and counts calls.
func server(t *testing.T, statuses []int, header http.Header) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		body, _ := io.ReadAll(r.Body)
		if i < len(statuses) {
			for k, v := range header {
				w.Header()[k] = v
			}
			w.WriteHeader(statuses[i])

			return
		}
		_, _ = w.Write(append([]byte("ok:"), body...))
	}))
	t.Cleanup(s.Close)

	return s, &n
}

func TestRetriesServerErrorThenSucceeds(t *testing.T) {
	s, n := server(t, []int{http.StatusServiceUnavailable, http.StatusBadGateway}, nil)
	c := httpx.NewClient(httpx.Options{Retry: fastRetry(5), Backend: "test"})
	resp, err := c.Post(s.URL, "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || n.Load() != 3 {
		t.Fatalf("status %d after %d calls, want 200 after 3", resp.StatusCode, n.Load())
	}
	// The body is sent again on every attempt.
	if string(body) != "ok:payload" {
		t.Fatalf("body on the final attempt: %q", body)
	}
}

func TestHonoursRetryAfterOn429(t *testing.T) {
	s, n := server(t, []int{http.StatusTooManyRequests}, http.Header{"Retry-After": {"1"}})
	c := httpx.NewClient(httpx.Options{Retry: fastRetry(3)})
	start := time.Now()
	resp, err := c.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waited := time.Since(start)
	if resp.StatusCode != http.StatusOK || n.Load() != 2 {
		t.Fatalf("status %d after %d calls", resp.StatusCode, n.Load())
	}
	if waited < time.Second || waited > 4*time.Second {
		t.Fatalf("waited %s, want about the 1s Retry-After (min backoff is 1ms)", waited)
	}
}

func TestRetryAfterIsCappedByMaxBackoff(t *testing.T) {
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3600"}}}
	if d := httpx.Backoff(time.Millisecond, 2*time.Second, 0, resp); d != 2*time.Second {
		t.Fatalf("Backoff = %s, want the 2s cap", d)
	}
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	if d, ok := httpx.RetryAfter(date, time.Now()); !ok || d < 80*time.Second || d > 91*time.Second {
		t.Fatalf("RetryAfter(HTTP date) = %s, %t", d, ok)
	}
	if _, ok := httpx.RetryAfter("soon", time.Now()); ok {
		t.Fatal("RetryAfter accepted garbage")
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	s, n := server(t, []int{503, 503, 503, 503, 503, 503, 503}, nil)
	c := httpx.NewClient(httpx.Options{Retry: fastRetry(3)})
	resp, err := c.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || n.Load() != 3 {
		t.Fatalf("status %d after %d calls, want the last 503 after exactly 3", resp.StatusCode, n.Load())
	}
}

func TestDoesNotRetryClientErrors(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusNotImplemented} {
		s, n := server(t, []int{status, status}, nil)
		c := httpx.NewClient(httpx.Options{Retry: fastRetry(5)})
		resp, err := c.Get(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != status || n.Load() != 1 {
			t.Errorf("%d: got %d after %d calls, want no retry", status, resp.StatusCode, n.Load())
		}
	}
}

func TestRetriesConnectionErrors(t *testing.T) {
	s := httptest.NewServer(http.NotFoundHandler())
	url := s.URL
	s.Close() // nothing listens any more
	c := httpx.NewClient(httpx.Options{Retry: fastRetry(2)})
	start := time.Now()
	_, err := c.Get(url)
	if err == nil {
		t.Fatal("want an error from a closed port")
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("connection errors must not wait long with a 1ms backoff")
	}
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	s, n := server(t, []int{503, 503, 503, 503}, http.Header{"Retry-After": {"30"}})
	c := httpx.NewClient(httpx.Options{Retry: httpx.RetrySettings{MaxAttempts: 5, MinBackoff: time.Millisecond, MaxBackoff: time.Minute, RequestTimeout: time.Minute}})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	start := time.Now()
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("want the context's error")
	}
	if time.Since(start) > 5*time.Second || n.Load() != 1 {
		t.Fatalf("took %s and %d calls; a cancelled context must end the wait", time.Since(start), n.Load())
	}
}

func TestLogsAreRedacted(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	s, _ := server(t, []int{503}, nil)
	c := httpx.NewClient(httpx.Options{Retry: fastRetry(2), Backend: "dremio"})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api?token=tok-QUERY-SECRET&page=2", nil)
	req.Header.Set("Authorization", "Bearer tok-HEADER-SECRET")
	req.Header.Set("X-Amz-Security-Token", "tok-SESSION-SECRET")
	req.Header.Set("Cookie", "session=tok-COOKIE-SECRET")
	req.Header.Set("X-Request-Id", "visible-id")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out := buf.String()
	for _, secret := range []string{"tok-QUERY-SECRET", "tok-HEADER-SECRET", "tok-SESSION-SECRET", "tok-COOKIE-SECRET"} {
		if strings.Contains(out, secret) {
			t.Errorf("log carries %s:\n%s", secret, out)
		}
	}
	for _, want := range []string{"REDACTED", "visible-id", "page=2", `"lakehouse.http.backend":"dremio"`, `"lakehouse.http.attempt":2`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestRetryingTransportRedacts(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	s, _ := server(t, nil, nil)
	c := &http.Client{Transport: httpx.RetryingTransport(nil, httpx.TransportOptions{Retry: fastRetry(1), Backend: "s3"})}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/b/k?X-Amz-Signature=sig-SECRET&X-Amz-Credential=cred-SECRET", nil)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA-SECRET/20260101/us-east-1/s3/aws4_request, Signature=abc")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, secret := range []string{"sig-SECRET", "cred-SECRET", "AKIA-SECRET"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("log carries %s:\n%s", secret, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "received response") {
		t.Errorf("no response line:\n%s", buf.String())
	}
}

func TestRedactHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-Api-Key", "k1")
	h.Set("X-Amz-Server-Side-Encryption-Customer-Key", "k2")
	h.Set("Proxy-Authorization", "Basic k3")
	h.Set("X-Csrftoken", "k4")
	h.Set("Content-Type", "application/json")
	got := httpx.RedactHeaders(h)
	for _, k := range []string{"X-Api-Key", "X-Amz-Server-Side-Encryption-Customer-Key", "Proxy-Authorization", "X-Csrftoken"} {
		if got[k] != "[REDACTED]" {
			t.Errorf("%s = %q, want it redacted", k, got[k])
		}
	}
	if got["Content-Type"] != "application/json" {
		t.Errorf("Content-Type must stay readable: %q", got["Content-Type"])
	}
}

// Waits grow as min*2^attempt up to max, and are spread (full jitter) so
// many clients retrying at once do not hit the server in lock step.
func TestBackoffExponentialWithJitter(t *testing.T) {
	minWait, maxWait := 100*time.Millisecond, 2*time.Second
	for attempt := 0; attempt <= 8; attempt++ {
		ceiling := min(minWait<<attempt, maxWait)
		seen := map[time.Duration]bool{}
		var top time.Duration
		for range 500 {
			d := httpx.Backoff(minWait, maxWait, attempt, nil)
			if d < minWait || d > ceiling {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", attempt, d, minWait, ceiling)
			}
			seen[d] = true
			top = max(top, d)
		}
		if attempt > 0 && len(seen) < 100 {
			t.Errorf("attempt %d: only %d distinct waits in 500 draws; want jitter", attempt, len(seen))
		}
		// The draws reach near the ceiling, so the growth is real.
		if attempt > 0 && top < minWait+(ceiling-minWait)*9/10 {
			t.Errorf("attempt %d: longest wait %s, want near %s", attempt, top, ceiling)
		}
	}
	// A 503 without Retry-After backs off like any other answer.
	resp := &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}}
	if d := httpx.Backoff(minWait, maxWait, 0, resp); d != minWait {
		t.Errorf("first wait after a plain 503 = %s, want %s", d, minWait)
	}
}

// A connection reset (the server drops the connection without an answer)
// is retried, and the next attempt succeeds.
func TestRetriesConnectionReset(t *testing.T) {
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}

			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(s.Close)
	c := httpx.NewClient(httpx.Options{Retry: fastRetry(3)})
	resp, err := c.Get(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || n.Load() != 2 {
		t.Fatalf("status %d after %d attempts, want 200 after 2", resp.StatusCode, n.Load())
	}
}

// Headers the user configured as sensitive are hidden whatever their names.
func TestLogsRedactConfiguredHeaders(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	s, _ := server(t, nil, nil)
	c := httpx.NewClient(httpx.Options{Retry: fastRetry(1), Backend: "catalog", RedactHeaders: []string{"X-Tenant"}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	req.Header.Set("X-Tenant", "tenant-SECRET")
	req.Header.Set("X-Trace", "visible-trace")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if strings.Contains(buf.String(), "tenant-SECRET") || !strings.Contains(buf.String(), "visible-trace") {
		t.Fatalf("log:\n%s", buf.String())
	}
}

// The transport retries as the client does, numbers each attempt in the
// log, waits at least min_backoff between attempts and sends the body again,
// read once from a reader that cannot be rewound.
func TestRetryingTransportFollowsPolicy(t *testing.T) {
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	var (
		n      atomic.Int32
		bodies = make(chan string, 3)
		at     = make(chan time.Time, 3)
	)
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at <- time.Now()
		b, _ := io.ReadAll(r.Body)
		bodies <- string(b)
		if n.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)

			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(s.Close)
	retry := httpx.RetrySettings{MaxAttempts: 3, MinBackoff: 150 * time.Millisecond, MaxBackoff: time.Second, RequestTimeout: 5 * time.Second}
	c := &http.Client{Transport: httpx.RetryingTransport(nil, httpx.TransportOptions{Retry: retry, Backend: "s3", MaxReplayBody: 1 << 10})}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, s.URL+"/b/k", io.MultiReader(strings.NewReader("pay"), strings.NewReader("load")))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || n.Load() != 3 {
		t.Fatalf("status %d after %d attempts, want 200 after 3", resp.StatusCode, n.Load())
	}
	close(bodies)
	for b := range bodies {
		if b != "payload" {
			t.Errorf("an attempt sent %q, want the whole body", b)
		}
	}
	close(at)
	var prev time.Time
	for a := range at {
		if !prev.IsZero() && a.Sub(prev) < retry.MinBackoff {
			t.Errorf("attempts %s apart, want at least min_backoff %s", a.Sub(prev), retry.MinBackoff)
		}
		prev = a
	}
	for i := 1; i <= 3; i++ {
		if !strings.Contains(buf.String(), fmt.Sprintf(`"lakehouse.http.attempt":%d`, i)) {
			t.Errorf("no log line for attempt %d:\n%s", i, buf.String())
		}
	}
}

// A body longer than MaxReplayBody is not kept: the request gets one
// attempt, with its whole body.
func TestRetryingTransportSendsLongBodiesOnce(t *testing.T) {
	s, n := server(t, []int{http.StatusServiceUnavailable}, nil)
	c := &http.Client{Transport: httpx.RetryingTransport(nil, httpx.TransportOptions{Retry: fastRetry(3), MaxReplayBody: 4})}
	resp, err := c.Post(s.URL, "text/plain", io.MultiReader(strings.NewReader("pay"), strings.NewReader("load")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || n.Load() != 1 {
		t.Fatalf("status %d after %d attempts, want the 503 after 1", resp.StatusCode, n.Load())
	}
}
