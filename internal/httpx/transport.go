// Package httpx builds the one HTTP client every REST backend of the provider
// and the runner shares: retries with exponential backoff and jitter on
// connection errors, 429 (honouring Retry-After) and 5xx, a per-request
// timeout, and debug logging through tflog with credentials redacted. The S3
// client gets the same policy as a transport (RetryingTransport).
package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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

// TransportOptions tune RetryingTransport.
type TransportOptions struct {
	Retry   RetrySettings
	Backend string
	// Retryable is asked about an answer CheckRetry would not retry, for
	// reasons a protocol puts in the body (S3 error codes). It may read
	// resp.Body but must leave it readable from the start.
	Retryable func(resp *http.Response) bool
	// MaxReplayBody is the largest request body kept in memory so that it
	// can be sent again; a request with a larger body gets one attempt.
	MaxReplayBody int64
}

type retryingTransport struct {
	next http.RoundTripper
	o    TransportOptions
}

// RetryingTransport sends each request up to Retry.MaxAttempts times under
// the shared policy (CheckRetry, then Backoff between attempts, Retry-After
// included) and logs every attempt with its number and every answer, at
// debug and redacted. It is for clients whose own retry loop cannot follow
// the retry block and is turned off (minio-go); a client that also retried
// would multiply the attempts.
func RetryingTransport(next http.RoundTripper, o TransportOptions) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}

	return &retryingTransport{next: next, o: o}
}

func (t *retryingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	body, attempts, err := replayableBody(req, max(t.o.Retry.MaxAttempts, 1), t.o.MaxReplayBody)
	if err != nil {
		return nil, fmt.Errorf("reading the body of %s %s: %w", req.Method, RedactURL(req.URL), err)
	}
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if r.Body, err = body(); err != nil {
			return nil, fmt.Errorf("reading the body of %s %s again: %w", req.Method, RedactURL(req.URL), err)
		}
		logRequest(r, attempt-1, t.o.Backend, nil)
		resp, err := t.next.RoundTrip(r)
		if err == nil {
			logResponse(resp, t.o.Backend)
		}
		retry, stop := CheckRetry(ctx, resp, err)
		if stop == nil && !retry && err == nil && t.o.Retryable != nil {
			retry = t.o.Retryable(resp)
		}
		if stop != nil || !retry || attempt >= attempts {
			return resp, err
		}
		wait := Backoff(t.o.Retry.MinBackoff, t.o.Retry.MaxBackoff, attempt-1, resp)
		fields := map[string]any{"lakehouse.http.backend": t.o.Backend, "lakehouse.http.method": req.Method,
			"lakehouse.http.url": RedactURL(req.URL), "lakehouse.http.attempt": attempt, "lakehouse.http.wait": wait.String()}
		if err != nil {
			fields["error"] = err.Error()
		} else {
			fields["lakehouse.http.status"] = resp.StatusCode
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
			_ = resp.Body.Close()
		}
		tflog.Debug(ctx, "request failed; sending it again after a wait", fields)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()

			return nil, ctx.Err()
		case <-timer.C:
		}
	}
}

// replayableBody prepares req's body for up to n attempts: it returns what
// gives each attempt its body, and n, or 1 when the body cannot be sent
// again (longer than limit). A body without GetBody is read into memory.
func replayableBody(req *http.Request, n int, limit int64) (func() (io.ReadCloser, error), int, error) {
	same := func() (io.ReadCloser, error) { return req.Body, nil }
	switch {
	case req.Body == nil || req.Body == http.NoBody:
		return same, n, nil
	case req.GetBody != nil:
		first := true

		return func() (io.ReadCloser, error) {
			if first {
				first = false

				return req.Body, nil
			}

			return req.GetBody()
		}, n, nil
	case n == 1 || req.ContentLength > limit:
		return same, 1, nil
	}
	data, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
	if err != nil {
		_ = req.Body.Close() // a RoundTripper closes the body, also on errors

		return nil, 0, err
	}
	if int64(len(data)) > limit { // a body of unknown length, too long to keep
		rest := req.Body
		once := struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(data), rest), rest}

		return func() (io.ReadCloser, error) { return once, nil }, 1, nil
	}
	_ = req.Body.Close() // read to the end

	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, n, nil
}
