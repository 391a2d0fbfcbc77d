// Package labelstudio is a small client for the Label Studio REST API:
// projects, S3 import and export storages, and webhooks. It authenticates
// with a legacy API token ("Authorization: Token <key>") or with a personal
// access token, which it exchanges at /api/token/refresh/ for a short-lived
// Bearer access token and renews before expiry or after a 401.
package labelstudio

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/textclip"
)

// Client talks to one Label Studio server. It is safe for concurrent use.
type Client struct {
	endpoint string
	apiKey   string
	pat      string
	http     *http.Client

	mu          sync.Mutex
	access      string
	accessUntil time.Time
}

// Options configure New. Exactly one of APIKey and PersonalAccessToken is
// needed; the personal access token wins when both are set.
type Options struct {
	Endpoint            string
	APIKey              string
	PersonalAccessToken string
	HTTPClient          *http.Client
}

// now is replaceable in tests that simulate token expiry.
var now = time.Now

// accessTokenMargin renews an access token this long before it expires, so a
// request never leaves with a token that dies in flight.
const accessTokenMargin = 30 * time.Second

// New returns a client for the server at opts.Endpoint.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("label studio endpoint %q must be an http or https URL", opts.Endpoint)
	}
	if opts.APIKey == "" && opts.PersonalAccessToken == "" {
		return nil, errors.New("label studio needs an api_key or a personal_access_token")
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}

	return &Client{
		endpoint: strings.TrimRight(opts.Endpoint, "/"),
		apiKey:   opts.APIKey,
		pat:      opts.PersonalAccessToken,
		http:     hc,
	}, nil
}

// FromData returns the provider's cached Label Studio client, or a
// NotConfiguredError naming the labelstudio block and its environment.
func FromData(d *providerdata.Data) (*Client, error) {
	return providerdata.Client(d, "labelstudio", func(d *providerdata.Data) (*Client, error) {
		s := d.LabelStudio
		if !s.Configured || s.Endpoint == "" {
			return nil, &providerdata.NotConfiguredError{Block: "labelstudio", Env: providerdata.LabelStudioEnv}
		}

		return New(Options{
			Endpoint:            s.Endpoint,
			APIKey:              s.APIKey,
			PersonalAccessToken: s.PersonalAccessToken,
			HTTPClient:          d.HTTPClient("labelstudio", s.TLS),
		})
	})
}

// Error is a non-2xx answer from Label Studio. Detail and ValidationErrors
// come from the server's error body, in either its wrapped shape
// ({"detail", "validation_errors"}) or plain DRF shape ({field: [msgs]}).
type Error struct {
	Method           string
	Path             string
	StatusCode       int
	Detail           string
	ValidationErrors map[string][]string
	Body             string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "label studio %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	if msgs := e.Messages(); len(msgs) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(msgs, "; "))
	}
	if e.Detail == "" && len(e.ValidationErrors) == 0 && e.Body != "" {
		fmt.Fprintf(&b, ": %s", textclip.Clip(e.Body, 300))
	}

	return b.String()
}

// Messages flattens ValidationErrors to "field: message" lines, sorted by
// field so the text is stable.
func (e *Error) Messages() []string {
	fields := make([]string, 0, len(e.ValidationErrors))
	for f := range e.ValidationErrors {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var out []string
	for _, f := range fields {
		for _, m := range e.ValidationErrors[f] {
			out = append(out, f+": "+m)
		}
	}

	return out
}

// FieldMessages returns the server's messages for one field.
func (e *Error) FieldMessages(field string) []string { return e.ValidationErrors[field] }

// IsNotFound reports whether err is a 404 from Label Studio.
func IsNotFound(err error) bool {
	var e *Error

	return errors.As(err, &e) && e.StatusCode == http.StatusNotFound
}

func parseError(method, path string, status int, body []byte) *Error {
	e := &Error{Method: method, Path: path, StatusCode: status, Body: strings.TrimSpace(string(body))}
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return e
	}
	for k, v := range raw {
		switch k {
		case "detail", "message":
			var s string
			if json.Unmarshal(v, &s) == nil {
				e.Detail = s
			}
		case "validation_errors":
			var ve map[string]json.RawMessage
			if json.Unmarshal(v, &ve) == nil {
				for f, m := range ve {
					e.addField(f, m)
				}
			}
		case "id", "status_code", "version", "exc_info":
		default:
			// Plain DRF shape: {"label_config": ["..."]}.
			e.addField(k, v)
		}
	}
	// The wrapped shape says only "Validation error" in detail; the
	// field messages carry the substance.
	if e.Detail == "Validation error" && len(e.ValidationErrors) > 0 {
		e.Detail = ""
	}

	return e
}

func (e *Error) addField(field string, raw json.RawMessage) {
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		var one string
		if json.Unmarshal(raw, &one) != nil {
			return
		}
		list = []string{one}
	}
	if e.ValidationErrors == nil {
		e.ValidationErrors = map[string][]string{}
	}
	e.ValidationErrors[field] = append(e.ValidationErrors[field], list...)
}

// do sends one API call. in (if not nil) is sent as JSON; out (if not nil)
// receives the JSON answer. A 401 with a personal access token renews the
// access token once and repeats the call.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
	}
	for attempt := 0; ; attempt++ {
		status, resp, auth, err := c.send(ctx, method, path, query, body)
		if err != nil {
			return err
		}
		if status == http.StatusUnauthorized && c.pat != "" && attempt == 0 {
			c.forgetAccessToken(auth)

			continue
		}
		if status < 200 || status > 299 {
			return parseError(method, path, status, resp)
		}
		if out == nil || len(bytes.TrimSpace(resp)) == 0 {
			return nil
		}
		if err := json.Unmarshal(resp, out); err != nil {
			return fmt.Errorf("decoding the answer to %s %s: %w", method, path, err)
		}

		return nil
	}
}

func (c *Client) send(ctx context.Context, method, path string, query url.Values, body []byte) (int, []byte, string, error) {
	auth, err := c.authorization(ctx)
	if err != nil {
		return 0, nil, "", err
	}
	u := c.endpoint + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, "", fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, "", fmt.Errorf("label studio %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, "", fmt.Errorf("reading the answer to %s %s: %w", method, path, err)
	}

	return resp.StatusCode, data, auth, nil
}

// authorization returns the Authorization header value, exchanging the
// personal access token when no live access token is cached.
func (c *Client) authorization(ctx context.Context) (string, error) {
	if c.pat == "" {
		return "Token " + c.apiKey, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.access != "" && now().Add(accessTokenMargin).Before(c.accessUntil) {
		return "Bearer " + c.access, nil
	}
	access, err := c.refresh(ctx)
	if err != nil {
		return "", err
	}
	c.access = access
	c.accessUntil = tokenExpiry(access)

	return "Bearer " + access, nil
}

// forgetAccessToken drops the cached access token if it is the one the
// server just refused (rejected is that request's Authorization value), so
// calls in flight when it died share one new exchange.
func (c *Client) forgetAccessToken(rejected string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if "Bearer "+c.access == rejected {
		c.access = ""
	}
}

func (c *Client) refresh(ctx context.Context) (string, error) {
	const path = "/api/token/refresh/"
	body, _ := json.Marshal(map[string]string{"refresh": c.pat})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint+path, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("building the token refresh request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("exchanging the personal access token: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("reading the token refresh answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("exchanging the personal access token (is it valid and not revoked?): %w",
			parseError(http.MethodPost, path, resp.StatusCode, data))
	}
	var out struct {
		Access string `json:"access"`
	}
	if err := json.Unmarshal(data, &out); err != nil || out.Access == "" {
		return "", fmt.Errorf("the token refresh answer carries no access token")
	}

	return out.Access, nil
}

// tokenExpiry reads the exp claim of a JWT without verifying it (the server
// does that); a token we cannot read is assumed to live the simplejwt
// default of five minutes.
func tokenExpiry(token string) time.Time {
	fallback := now().Add(5 * time.Minute)
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fallback
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return fallback
	}
	var claims struct {
		Exp float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == 0 {
		return fallback
	}

	return time.Unix(int64(claims.Exp), 0)
}
