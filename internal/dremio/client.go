// Package dremio is the provider's client for Dremio Software (v25+) and
// Dremio Cloud: login and token renewal, the v3 catalog API with tag-based
// optimistic concurrency, and the SQL job API. Every call goes through the
// shared retrying transport; this package adds only what is Dremio's own.
package dremio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/httpx"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// MaskedSecret is what Dremio returns in place of a stored secret. Sent back
// on an update it means "keep the stored value"; it is never a real secret.
const MaskedSecret = "$DREMIO_EXISTING_VALUE$"

// CloudEndpoint is the Dremio Cloud API used when a project id is given
// without an endpoint (the EU control plane is https://api.eu.dremio.cloud).
const CloudEndpoint = "https://api.dremio.cloud"

// renewBefore is how long before the login token's stated expiry the client
// logs in again, so a long apply never sends a token that dies in flight.
const renewBefore = time.Minute

// Client talks to one Dremio deployment. It is safe for concurrent use.
type Client struct {
	base      string // endpoint without trailing slash
	projectID string // Dremio Cloud only
	username  string
	password  string
	pat       string
	http      *http.Client

	// now is a seam for tests that simulate token expiry.
	now func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time
	logins  int
}

// New builds a client from resolved settings and an HTTP client (normally
// the shared retrying one).
func New(s providerdata.DremioSettings, hc *http.Client) (*Client, error) {
	if s.Endpoint == "" && s.ProjectID != "" {
		s.Endpoint = CloudEndpoint
	}
	if s.Endpoint == "" {
		return nil, errors.New("the Dremio endpoint is empty")
	}
	u, err := url.Parse(s.Endpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("the Dremio endpoint %q is not a URL such as http://localhost:9047", s.Endpoint)
	}
	if s.Token == "" && (s.Username == "" || s.Password == "") {
		return nil, errors.New("no Dremio credentials: set token, or username and password")
	}
	if s.ProjectID != "" && s.Token == "" {
		return nil, errors.New("project_id is set, and Dremio Cloud needs a personal access token in token")
	}

	return &Client{
		base:      strings.TrimRight(s.Endpoint, "/"),
		projectID: s.ProjectID,
		username:  s.Username,
		password:  s.Password,
		pat:       s.Token,
		http:      hc,
		now:       time.Now,
	}, nil
}

// FromData returns the provider's cached Dremio client, or a
// *providerdata.NotConfiguredError when the dremio block is absent.
func FromData(d *providerdata.Data) (*Client, error) {
	if !d.Dremio.Configured {
		return nil, &providerdata.NotConfiguredError{Block: "dremio", Env: providerdata.DremioEnv}
	}

	return providerdata.Client(d, "dremio", func(d *providerdata.Data) (*Client, error) {
		return New(d.Dremio, d.HTTPClient("dremio", d.Dremio.TLS))
	})
}

// NewFromSettings builds a client on the shared retrying transport, for
// callers outside Terraform (the runner's SQL pushdown) that resolved their
// settings with provider.Settings().
func NewFromSettings(s providerdata.DremioSettings, retry httpx.RetrySettings) (*Client, error) {
	if !s.Configured {
		return nil, &providerdata.NotConfiguredError{Block: "dremio", Env: providerdata.DremioEnv}
	}

	return New(s, httpx.NewClient(httpx.Options{Retry: retry, TLS: s.TLS, Backend: "dremio"}))
}

// Logins counts successful logins, for tests of token renewal.
func (c *Client) Logins() int {
	c.mu.Lock()
	defer c.mu.Unlock()

	return c.logins
}

// SetClock replaces the client's clock (tests only).
func (c *Client) SetClock(now func() time.Time) { c.now = now }

// APIError is a non-success answer from Dremio.
type APIError struct {
	Method     string
	Path       string
	StatusCode int
	Message    string
	Context    []string
	Validation map[string]any
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	s := fmt.Sprintf("dremio %s %s: HTTP %d: %s", e.Method, e.Path, e.StatusCode, msg)
	if len(e.Context) > 0 {
		s += " (" + strings.Join(e.Context, "; ") + ")"
	}
	if len(e.Validation) > 0 {
		b, _ := json.Marshal(e.Validation)
		s += " validation: " + string(b)
	}

	return s
}

// IsNotFound reports a 404 from Dremio.
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsConflict reports a 409 from Dremio: a duplicate name or a stale tag.
func IsConflict(err error) bool { return statusIs(err, http.StatusConflict) }

func statusIs(err error, code int) bool {
	var ae *APIError

	return errors.As(err, &ae) && ae.StatusCode == code
}

// apiPath maps a v3 path ("/catalog/x") to the deployment's prefix.
func (c *Client) apiPath(p string) string {
	if c.projectID != "" {
		return "/v0/projects/" + url.PathEscape(c.projectID) + p
	}

	return "/api/v3" + p
}

// do sends one API call; body and out may be nil. A 401 on a session token
// triggers one fresh login and a second try.
func (c *Client) do(ctx context.Context, method, p string, body, out any) error {
	var raw []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding request body: %w", err)
		}
		raw = b
	}
	rejected := ""
	for attempt := 0; ; attempt++ {
		auth, err := c.authHeader(ctx, rejected)
		if err != nil {
			return err
		}
		status, respBody, err := c.send(ctx, method, p, raw, auth)
		if err != nil {
			return err
		}
		if status == http.StatusUnauthorized && c.pat == "" && attempt == 0 {
			tflog.Debug(ctx, "dremio session token rejected, logging in again")
			rejected = auth

			continue
		}
		if status >= 300 {
			return decodeError(method, p, status, respBody)
		}
		if out != nil && len(respBody) > 0 {
			if err := json.Unmarshal(respBody, out); err != nil {
				return fmt.Errorf("decoding dremio %s %s response: %w", method, p, err)
			}
		}

		return nil
	}
}

func (c *Client) send(ctx context.Context, method, p string, raw []byte, auth string) (int, []byte, error) {
	var rdr io.Reader
	if raw != nil {
		rdr = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+p, rdr)
	if err != nil {
		return 0, nil, fmt.Errorf("building dremio request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("dremio %s %s: %w", method, p, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("reading dremio %s %s response: %w", method, p, err)
	}

	return resp.StatusCode, b, nil
}

func decodeError(method, p string, status int, body []byte) error {
	e := &APIError{Method: method, Path: p, StatusCode: status}
	var gm struct {
		ErrorMessage           string         `json:"errorMessage"`
		Context                []string       `json:"context"`
		ValidationErrorMessage map[string]any `json:"validationErrorMessages"`
	}
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &gm) == nil {
		e.Message, e.Context, e.Validation = gm.ErrorMessage, gm.Context, gm.ValidationErrorMessage
	} else if len(body) > 0 {
		e.Message = strings.TrimSpace(string(body[:min(len(body), 512)]))
	}
	if status == http.StatusUnauthorized && e.Message == "" {
		e.Message = "not authenticated (token missing, expired or revoked)"
	}

	return e
}

// authHeader returns the Authorization value, logging in when there is no
// session token, when it is about to expire, or when the current one is
// the header Dremio just rejected (a 401). Calls in flight when the session
// ended share one new login instead of each making its own.
func (c *Client) authHeader(ctx context.Context, rejected string) (string, error) {
	if c.pat != "" {
		return "Bearer " + c.pat, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	current := "_dremio" + c.token
	if c.token != "" && current != rejected && (c.expires.IsZero() || c.now().Add(renewBefore).Before(c.expires)) {
		return current, nil
	}
	if err := c.login(ctx); err != nil {
		return "", err
	}

	return "_dremio" + c.token, nil
}

type loginResponse struct {
	Token   string `json:"token"`
	Expires int64  `json:"expires"`
}

// login must be called with c.mu held.
func (c *Client) login(ctx context.Context) error {
	raw, _ := json.Marshal(map[string]string{"userName": c.username, "password": c.password})
	status, body, err := c.send(ctx, http.MethodPost, "/apiv2/login", raw, "")
	if err != nil {
		return fmt.Errorf("logging in to dremio: %w", err)
	}
	if status != http.StatusOK {
		return fmt.Errorf("logging in to dremio as %q: %w", c.username, decodeError(http.MethodPost, "/apiv2/login", status, body))
	}
	var lr loginResponse
	if err := json.Unmarshal(body, &lr); err != nil || lr.Token == "" {
		return fmt.Errorf("logging in to dremio: the answer carries no token")
	}
	c.token = lr.Token
	c.expires = time.Time{}
	if lr.Expires > 0 {
		c.expires = time.UnixMilli(lr.Expires)
	}
	c.logins++
	tflog.Debug(ctx, "dremio login succeeded", map[string]any{"dremio.user": c.username, "dremio.expires": c.expires})

	return nil
}

// FirstUser is the administrator a new Dremio Software installation needs
// before anything else works.
type FirstUser struct {
	UserName  string `json:"userName"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
	Password  string `json:"password"`
}

// Bootstrap creates the first user of a fresh installation (demo and test
// setups). Dremio refuses it with 400 once any user exists.
func Bootstrap(ctx context.Context, hc *http.Client, endpoint string, u FirstUser) error {
	c := &Client{base: strings.TrimRight(endpoint, "/"), http: hc, now: time.Now}
	raw, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encoding first user: %w", err)
	}
	status, body, err := c.send(ctx, http.MethodPut, "/apiv2/bootstrap/firstuser", raw, "")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return decodeError(http.MethodPut, "/apiv2/bootstrap/firstuser", status, body)
	}

	return nil
}
