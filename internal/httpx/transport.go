// Package httpx builds the one HTTP client every REST backend of the provider
// and the runner shares: retries with exponential backoff and jitter on
// connection errors, 429 (honouring Retry-After) and 5xx, a per-request
// timeout, and debug logging through tflog with credentials redacted.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// RetrySettings mirrors the provider's retry block.
type RetrySettings struct {
	MaxAttempts    int
	MinBackoff     time.Duration
	MaxBackoff     time.Duration
	RequestTimeout time.Duration
}

// DefaultRetrySettings are used when the retry block is absent.
func DefaultRetrySettings() RetrySettings {
	return RetrySettings{
		MaxAttempts:    5,
		MinBackoff:     500 * time.Millisecond,
		MaxBackoff:     30 * time.Second,
		RequestTimeout: 60 * time.Second,
	}
}

// Options tune one client built on the shared policy.
type Options struct {
	Retry RetrySettings
	TLS   TLS
	// Backend names the backend in log lines ("dremio", "superset", ...).
	Backend string
	// RedactHeaders names headers, beyond the credential-looking ones,
	// whose values are never logged: extra headers the user configured as
	// sensitive (the catalog block's headers), whatever their names.
	RedactHeaders []string
}

// NewClient returns an *http.Client whose transport retries per the shared
// policy. Request bodies must be replayable (bytes or strings), which every
// client in this project uses.
func NewClient(opts Options) *http.Client {
	base := cleanhttp.DefaultPooledTransport()
	var rt http.RoundTripper = base
	// The provider validates the TLS settings at configure time; this is
	// the last guard for other callers.
	if cfg, err := opts.TLS.Config(); err != nil {
		rt = failingTransport{err: fmt.Errorf("%w of the %s backend: %w", errBadTLS, opts.Backend, err)}
	} else if cfg != nil {
		base.TLSClientConfig = cfg
	}

	rc := retryablehttp.NewClient()
	rc.HTTPClient = &http.Client{Transport: rt, Timeout: opts.Retry.RequestTimeout}
	rc.Logger = nil
	rc.RetryMax = max(opts.Retry.MaxAttempts-1, 0)
	rc.RetryWaitMin = opts.Retry.MinBackoff
	rc.RetryWaitMax = opts.Retry.MaxBackoff
	rc.CheckRetry = CheckRetry
	rc.Backoff = Backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	extra := map[string]bool{}
	for _, h := range opts.RedactHeaders {
		extra[strings.ToLower(h)] = true
	}
	rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
		logRequest(req, attempt, opts.Backend, extra)
	}
	rc.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
		logResponse(resp, opts.Backend)
	}

	return rc.StandardClient()
}

// CheckRetry retries connection errors, 429 and 5xx (but not 501), and never
// a cancelled context, a TLS certificate failure or bad TLS settings.
func CheckRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if errors.Is(err, errBadTLS) {
		return false, err
	}
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) && strings.Contains(uerr.Error(), "certificate") {
			return false, err
		}

		return true, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, nil
	}
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented {
		return true, nil
	}

	return false, nil
}

// Backoff waits min*2^attempt with full jitter, capped at max; a Retry-After
// header on 429 or 503 wins when present (still capped at max).
func Backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait)
		}
	}
	ceiling := float64(minWait) * math.Pow(2, float64(attempt))
	if ceiling > float64(maxWait) || math.IsInf(ceiling, 0) {
		ceiling = float64(maxWait)
	}
	floor := float64(minWait)
	if ceiling <= floor {
		return time.Duration(floor)
	}

	return time.Duration(floor + rand.Float64()*(ceiling-floor)) //nolint:gosec // jitter needs no crypto randomness
}

// RetryAfter parses a Retry-After header in either of its two forms.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}

	return 0, false
}

var sensitiveHeaders = map[string]bool{
	"authorization":        true,
	"cookie":               true,
	"set-cookie":           true,
	"x-csrftoken":          true,
	"x-amz-security-token": true,
}

// sensitiveHeader also catches API keys (X-Api-Key) and the SSE-C customer
// key headers by name, not only the well-known credential headers.
func sensitiveHeader(name string) bool {
	lk := strings.ToLower(name)
	if sensitiveHeaders[lk] {
		return true
	}
	for _, part := range []string{"token", "secret", "key", "password", "session", "auth"} {
		if strings.Contains(lk, part) {
			return true
		}
	}

	return false
}

// RedactHeaders returns a copy of h in which every credential-bearing header
// value is replaced, so logs never carry a token; extra names (lower case)
// more headers to hide.
func RedactHeaders(h http.Header, extra ...map[string]bool) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		v := strings.Join(vs, ",")
		if sensitiveHeader(k) || len(extra) > 0 && extra[0][strings.ToLower(k)] {
			v = "[REDACTED]"
		}
		out[k] = v
	}

	return out
}

// RedactURL drops query values that look like credentials.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	q := c.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "token") || strings.Contains(lk, "secret") || strings.Contains(lk, "password") ||
			strings.Contains(lk, "signature") || strings.Contains(lk, "credential") {
			q.Set(k, "[REDACTED]")
		}
	}
	c.RawQuery = q.Encode()

	return c.String()
}

func logRequest(req *http.Request, attempt int, backend string, extra map[string]bool) {
	tflog.Debug(req.Context(), "sending request", map[string]any{
		"lakehouse.http.backend": backend,
		"lakehouse.http.method":  req.Method,
		"lakehouse.http.url":     RedactURL(req.URL),
		"lakehouse.http.attempt": attempt + 1,
		"lakehouse.http.headers": fmt.Sprint(RedactHeaders(req.Header, extra)),
	})
}

func logResponse(resp *http.Response, backend string) {
	if resp == nil || resp.Request == nil {
		return
	}
	tflog.Debug(resp.Request.Context(), "received response", map[string]any{
		"lakehouse.http.backend": backend,
		"lakehouse.http.method":  resp.Request.Method,
		"lakehouse.http.url":     RedactURL(resp.Request.URL),
		"lakehouse.http.status":  resp.StatusCode,
	})
}

type loggingTransport struct {
	next    http.RoundTripper
	backend string
}

// LoggingTransport logs each request and response at debug, redacted, for
// clients that bring their own retry loop (minio-go, iceberg-go).
func LoggingTransport(next http.RoundTripper, backend string) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}

	return &loggingTransport{next: next, backend: backend}
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	logRequest(req, 0, t.backend, nil)
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		logResponse(resp, t.backend)
	}

	return resp, err
}
