// Package superset is a small client for the Apache Superset REST API v1:
// JWT login (with refresh before expiry) or a given access token, the CSRF
// token and session cookie every write needs, rison-encoded list queries
// with paging, and typed errors that keep 400 (schema) apart from 422
// (uniqueness, missing references). It runs on the shared retrying
// transport.
package superset

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/textclip"
)

// PasswordMask is what Superset shows instead of a database password. It is
// never a real password: the client refuses to send it.
const PasswordMask = "XXXXXXXXXX"

// refreshMargin renews the access token this long before it expires, so a
// request never starts with a token about to lapse.
const refreshMargin = time.Minute

// now is replaced in tests to simulate token expiry.
var now = time.Now

// Client talks to one Superset instance. It is safe for concurrent use.
type Client struct {
	base     string
	http     *http.Client
	username string
	password string
	provider string
	static   string // a given access token; no login or refresh

	mu         sync.Mutex
	access     string
	refresh    string
	accessExp  time.Time
	csrf       string
	csrfLoaded bool
}

// New builds a client from the provider's superset settings.
func New(s providerdata.SupersetSettings, hc *http.Client) (*Client, error) {
	if s.Endpoint == "" {
		return nil, errors.New("superset endpoint is empty")
	}
	if s.AccessToken == "" && (s.Username == "" || s.Password == "") {
		return nil, errors.New("superset needs either access_token or username and password")
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("creating cookie jar: %w", err)
	}
	c := *hc
	c.Jar = jar
	provider := s.AuthProvider
	if provider == "" {
		provider = "db"
	}

	return &Client{
		base: strings.TrimRight(s.Endpoint, "/"), http: &c,
		username: s.Username, password: s.Password, provider: provider, static: s.AccessToken,
	}, nil
}

// FromData returns the provider's cached Superset client, or a
// *providerdata.NotConfiguredError when the superset block is absent.
func FromData(d *providerdata.Data) (*Client, error) {
	if !d.Superset.Configured {
		return nil, &providerdata.NotConfiguredError{Block: "superset", Env: providerdata.SupersetEnv}
	}

	return providerdata.Client(d, "superset", func(d *providerdata.Data) (*Client, error) {
		return New(d.Superset, d.HTTPClient("superset", d.Superset.TLS))
	})
}

// Endpoint is the base URL the client talks to.
func (c *Client) Endpoint() string { return c.base }

// APIError is a non-2xx answer. Message flattens both of Superset's error
// shapes ({"message": ...} and {"errors": [...]}).
type APIError struct {
	Method  string
	Path    string
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("superset %s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Message)
}

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsUnprocessable reports a 422: a duplicate name, a missing reference or a
// failed connection test, as opposed to a malformed request (400).
func IsUnprocessable(err error) bool { return statusOf(err) == http.StatusUnprocessableEntity }

// IsUnauthorized reports a 401: credentials refused or a token that a new
// login could not replace.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

func statusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}

	return 0
}

// Get decodes GET path into out.
func (c *Client) Get(ctx context.Context, path string, out any) error {
	return c.do(ctx, http.MethodGet, path, nil, out)
}

// Post sends in as JSON and decodes the answer into out.
func (c *Client) Post(ctx context.Context, path string, in, out any) error {
	return c.do(ctx, http.MethodPost, path, in, out)
}

// Put sends in as JSON and decodes the answer into out.
func (c *Client) Put(ctx context.Context, path string, in, out any) error {
	return c.do(ctx, http.MethodPut, path, in, out)
}

// Delete deletes path.
func (c *Client) Delete(ctx context.Context, path string) error {
	return c.do(ctx, http.MethodDelete, path, nil, nil)
}

// Filter is one rison filter of a list query.
type Filter struct {
	Col   string `json:"col"`
	Opr   string `json:"opr"`
	Value any    `json:"value"`
}

// pageSize stays within FAB_API_MAX_PAGE_SIZE.
const pageSize = 100

// List returns every item of collection (for example "database") matching
// filters, reading page after page from page 0.
func (c *Client) List(ctx context.Context, collection string, filters []Filter) ([]json.RawMessage, error) {
	var all []json.RawMessage
	for page := 0; ; page++ {
		q := map[string]any{"page": page, "page_size": pageSize, "order_column": "id", "order_direction": "asc"}
		if len(filters) > 0 {
			q["filters"] = filters
		}
		enc, err := EncodeRison(q)
		if err != nil {
			return nil, err
		}
		var out struct {
			Count  int               `json:"count"`
			Result []json.RawMessage `json:"result"`
		}
		if err := c.Get(ctx, "/api/v1/"+collection+"/?q="+url.QueryEscape(enc), &out); err != nil {
			return nil, err
		}
		all = append(all, out.Result...)
		if len(out.Result) < pageSize || len(all) >= out.Count {
			return all, nil
		}
	}
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encoding %s %s: %w", method, path, err)
		}
		if strings.HasPrefix(path, "/api/v1/database") && bytes.Contains(b, []byte(PasswordMask)) {
			// A masked password sent back would replace the real one on
			// some paths (C16); refuse rather than risk it.
			return fmt.Errorf("refusing to send the password mask %q in %s %s", PasswordMask, method, path)
		}
		body = b
	}
	write := method != http.MethodGet
	resp, err := c.send(ctx, method, path, body, write)
	if err != nil {
		return err
	}
	if resp.status == http.StatusUnauthorized && c.static == "" {
		// The token expired early or the server restarted: log in again
		// once. Calls in flight at that moment share one new login: only the
		// first to return clears the token they all used.
		c.mu.Lock()
		if c.access == resp.token {
			c.access, c.refresh, c.csrfLoaded = "", "", false
		}
		c.mu.Unlock()
		if resp, err = c.send(ctx, method, path, body, write); err != nil {
			return err
		}
	}
	if write && resp.status == http.StatusBadRequest && isCSRFError(resp.body) {
		// The session behind the CSRF token expired: fetch a new pair once.
		c.mu.Lock()
		c.csrfLoaded = false
		c.mu.Unlock()
		if resp, err = c.send(ctx, method, path, body, write); err != nil {
			return err
		}
	}
	if resp.status < 200 || resp.status > 299 {
		return &APIError{Method: method, Path: stripQuery(path), Status: resp.status, Message: errorMessage(resp.body)}
	}
	if out == nil || len(resp.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return fmt.Errorf("decoding %s %s: %w", method, stripQuery(path), err)
	}

	return nil
}

type response struct {
	status int
	body   []byte
	token  string // the access token the request carried
}

func (c *Client) send(ctx context.Context, method, path string, body []byte, write bool) (*response, error) {
	token, err := c.token(ctx)
	if err != nil {
		return nil, err
	}
	headers := map[string]string{"Authorization": "Bearer " + token}
	if write {
		csrf, err := c.csrfToken(ctx, token)
		if statusOf(err) == http.StatusUnauthorized {
			// The access token died before the CSRF fetch: answer as the
			// write itself would, so the caller logs in again once.
			return &response{status: http.StatusUnauthorized, body: []byte(`{"message":"Not authorized"}`), token: token}, nil
		}
		if err != nil {
			return nil, err
		}
		if csrf != "" {
			headers["X-CSRFToken"] = csrf
			headers["Referer"] = c.base + "/"
		}
	}
	tflog.Debug(ctx, "superset request", map[string]any{"method": method, "path": stripQuery(path)})
	resp, err := c.raw(ctx, method, path, body, headers)
	if resp != nil {
		resp.token = token
	}

	return resp, err
}

func (c *Client) raw(ctx context.Context, method, path string, body []byte, headers map[string]string) (*response, error) {
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rdr)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", method, stripQuery(path), err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("superset %s %s: %w", method, stripQuery(path), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading superset %s %s: %w", method, stripQuery(path), err)
	}

	return &response{status: resp.StatusCode, body: b}, nil
}

// token returns a valid access token: the given one, the cached one, a
// refreshed one shortly before expiry, or a fresh login.
func (c *Client) token(ctx context.Context) (string, error) {
	if c.static != "" {
		return c.static, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.access != "" && now().Add(refreshMargin).Before(c.accessExp) {
		return c.access, nil
	}
	if c.refresh != "" {
		if err := c.refreshLocked(ctx); err == nil {
			return c.access, nil
		}
		tflog.Debug(ctx, "superset token refresh failed; logging in again")
	}
	if err := c.loginLocked(ctx); err != nil {
		return "", err
	}

	return c.access, nil
}

func (c *Client) loginLocked(ctx context.Context) error {
	body, _ := json.Marshal(map[string]any{
		"username": c.username, "password": c.password, "provider": c.provider, "refresh": true,
	})
	resp, err := c.raw(ctx, http.MethodPost, "/api/v1/security/login", body, nil)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return &APIError{Method: http.MethodPost, Path: "/api/v1/security/login", Status: resp.status, Message: errorMessage(resp.body)}
	}
	var out struct {
		Access  string `json:"access_token"`
		Refresh string `json:"refresh_token"`
	}
	if err := json.Unmarshal(resp.body, &out); err != nil || out.Access == "" {
		return fmt.Errorf("superset login: no access token in the answer: %w", err)
	}
	c.access, c.refresh, c.accessExp = out.Access, out.Refresh, jwtExpiry(out.Access)
	c.csrfLoaded = false

	return nil
}

func (c *Client) refreshLocked(ctx context.Context) error {
	resp, err := c.raw(ctx, http.MethodPost, "/api/v1/security/refresh", nil, map[string]string{"Authorization": "Bearer " + c.refresh})
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return &APIError{Method: http.MethodPost, Path: "/api/v1/security/refresh", Status: resp.status, Message: errorMessage(resp.body)}
	}
	var out struct {
		Access string `json:"access_token"`
	}
	if err := json.Unmarshal(resp.body, &out); err != nil || out.Access == "" {
		return fmt.Errorf("superset refresh: no access token in the answer: %w", err)
	}
	c.access, c.accessExp = out.Access, jwtExpiry(out.Access)

	return nil
}

// csrfToken fetches the CSRF token once per session; the cookie jar keeps
// the session cookie that carries its secret. A server with CSRF disabled
// answers 404 and the client sends no token.
func (c *Client) csrfToken(ctx context.Context, token string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.csrfLoaded {
		return c.csrf, nil
	}
	resp, err := c.raw(ctx, http.MethodGet, "/api/v1/security/csrf_token/", nil, map[string]string{"Authorization": "Bearer " + token})
	if err != nil {
		return "", err
	}
	switch {
	case resp.status == http.StatusNotFound:
		c.csrf = ""
	case resp.status != http.StatusOK:
		return "", &APIError{Method: http.MethodGet, Path: "/api/v1/security/csrf_token/", Status: resp.status, Message: errorMessage(resp.body)}
	default:
		var out struct {
			Result string `json:"result"`
		}
		if err := json.Unmarshal(resp.body, &out); err != nil {
			return "", fmt.Errorf("decoding superset csrf token: %w", err)
		}
		c.csrf = out.Result
	}
	c.csrfLoaded = true

	return c.csrf, nil
}

// jwtExpiry reads the exp claim without verifying the token (the server
// does that); an unreadable token is treated as valid for a short while.
func jwtExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) == 3 {
		if raw, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			var claims struct {
				Exp int64 `json:"exp"`
			}
			if json.Unmarshal(raw, &claims) == nil && claims.Exp > 0 {
				return time.Unix(claims.Exp, 0)
			}
		}
	}

	return now().Add(5 * time.Minute)
}

func isCSRFError(body []byte) bool {
	return bytes.Contains(bytes.ToLower(body), []byte("csrf"))
}

// errorMessage flattens {"message": str|{field:[msgs]}} and
// {"errors":[{"message":...}]} into one line.
func errorMessage(body []byte) string {
	var env struct {
		Message json.RawMessage `json:"message"`
		Errors  []struct {
			Message string `json:"message"`
			Extra   any    `json:"extra"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil {
		s := strings.TrimSpace(string(body))
		return textclip.Clip(s, 300)
	}
	var parts []string
	if len(env.Message) > 0 {
		var s string
		if json.Unmarshal(env.Message, &s) == nil {
			parts = append(parts, s)
		} else {
			parts = append(parts, string(env.Message))
		}
	}
	for _, e := range env.Errors {
		parts = append(parts, e.Message)
	}
	if len(parts) == 0 {
		return strings.TrimSpace(string(body))
	}

	return strings.Join(parts, "; ")
}

func stripQuery(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[:i]
	}

	return p
}
