// Package datacite is a small client for the DataCite REST API (JSON:API):
// create, read, update and delete DOIs and move them between the states
// draft, registered and findable with the events register, publish and hide.
//
// The server's rules the client relies on:
//   - A DOI is created as a draft unless the create request carries an event.
//   - publish moves draft or registered to findable; register moves draft to
//     registered; hide moves findable back to registered. Any other event is
//     ignored without an error, so callers check the state they get back.
//   - Only drafts can be deleted; DELETE of a registered or findable DOI
//     answers 405 Method Not Allowed.
//   - Metadata is validated against the DataCite Metadata Schema only for
//     registered and findable DOIs; invalid metadata answers 422 with one
//     error object per problem.
//   - Requests authenticate with HTTP basic auth (repository id and
//     password); bad credentials answer 401.
package datacite

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

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/textclip"
)

// DOI states.
const (
	StateDraft      = "draft"
	StateRegistered = "registered"
	StateFindable   = "findable"
)

// State events accepted on create and update.
const (
	EventRegister = "register"
	EventPublish  = "publish"
	EventHide     = "hide"
)

// mediaType is the JSON:API media type DataCite documents use.
const mediaType = "application/vnd.api+json"

// Client talks to one DataCite API endpoint as one repository.
type Client struct {
	endpoint string
	repo     string
	password string
	prefix   string
	http     *http.Client
}

// Options configure New.
type Options struct {
	Endpoint     string // e.g. https://api.test.datacite.org
	RepositoryID string
	Password     string
	Prefix       string // e.g. 10.5072
	HTTPClient   *http.Client
}

// New returns a client for opts.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("datacite endpoint %q must be an http or https URL", opts.Endpoint)
	}
	if opts.RepositoryID == "" || opts.Password == "" {
		return nil, errors.New("datacite needs a repository_id and a password")
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}

	return &Client{
		endpoint: strings.TrimRight(opts.Endpoint, "/"), repo: opts.RepositoryID, password: opts.Password,
		prefix: opts.Prefix, http: hc,
	}, nil
}

// FromData returns the provider's cached DataCite client, or a
// NotConfiguredError naming the datacite block and its environment.
func FromData(d *providerdata.Data) (*Client, error) {
	return providerdata.Client(d, "datacite", func(d *providerdata.Data) (*Client, error) {
		s := d.DataCite
		if !s.Configured {
			return nil, &providerdata.NotConfiguredError{Block: "datacite", Env: providerdata.DataCiteEnv}
		}

		return New(Options{
			Endpoint: s.Endpoint, RepositoryID: s.RepositoryID, Password: s.Password, Prefix: s.Prefix,
			HTTPClient: d.HTTPClient("datacite", s.TLS),
		})
	})
}

// Prefix is the DOI prefix of the repository, from the provider settings.
func (c *Client) Prefix() string { return c.prefix }

// DOI is one DOI as the server returns it.
type DOI struct {
	ID         string         // the DOI name, e.g. 10.5072/abc-123 (lower case, as DataCite stores it)
	State      string         // draft, registered or findable
	Attributes map[string]any // every attribute of the JSON:API resource
}

// ErrorObject is one JSON:API error.
type ErrorObject struct {
	Status string `json:"status,omitempty"`
	Source string `json:"source,omitempty"`
	Title  string `json:"title"`
}

// Error is a non-2xx answer.
type Error struct {
	Method     string
	Path       string
	StatusCode int
	Errors     []ErrorObject
	Body       string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "datacite %s %s: HTTP %d", e.Method, e.Path, e.StatusCode)
	for i, o := range e.Errors {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		b.WriteString(sep)
		if o.Source != "" {
			b.WriteString(o.Source + ": ")
		}
		b.WriteString(o.Title)
	}
	if len(e.Errors) == 0 && e.Body != "" {
		b.WriteString(": " + textclip.Clip(e.Body, 300))
	}

	return b.String()
}

func statusIs(err error, code int) bool {
	var e *Error

	return errors.As(err, &e) && e.StatusCode == code
}

// IsNotFound reports a 404: the DOI does not exist, or it is a draft or
// registered DOI of another repository.
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsNotDeletable reports the 405 DataCite answers to DELETE of a registered
// or findable DOI.
func IsNotDeletable(err error) bool { return statusIs(err, http.StatusMethodNotAllowed) }

// IsInvalid reports a 422: metadata that fails the schema, a taken DOI, a
// malformed payload.
func IsInvalid(err error) bool { return statusIs(err, http.StatusUnprocessableEntity) }

// IsTaken reports the 422 DataCite answers to creating a DOI that exists.
func IsTaken(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusUnprocessableEntity {
		return false
	}
	for _, o := range e.Errors {
		if strings.Contains(strings.ToLower(o.Title), "already been taken") {
			return true
		}
	}

	return false
}

// IsUnauthorized reports a 401 (bad repository id or password).
func IsUnauthorized(err error) bool { return statusIs(err, http.StatusUnauthorized) }

type document struct {
	Data resourceObject `json:"data"`
}

type resourceObject struct {
	ID         string         `json:"id,omitempty"`
	Type       string         `json:"type"`
	Attributes map[string]any `json:"attributes"`
}

// Create creates a DOI. With doi empty the server picks a suffix under the
// repository prefix. attrs are DataCite JSON attributes; event is "" (a
// draft), EventRegister or EventPublish.
func (c *Client) Create(ctx context.Context, doi string, attrs map[string]any, event string) (*DOI, error) {
	a := clone(attrs)
	if doi != "" {
		a["doi"] = doi
	} else {
		a["prefix"] = c.prefix
	}
	if event != "" {
		a["event"] = event
	}

	return c.do(ctx, http.MethodPost, "/dois", &document{Data: resourceObject{Type: "dois", Attributes: a}})
}

// Get reads a DOI with affiliations and publisher as objects, so their
// identifiers come back.
func (c *Client) Get(ctx context.Context, doi string) (*DOI, error) {
	return c.do(ctx, http.MethodGet, doiPath(doi)+"?affiliation=true&publisher=true", nil)
}

// Update replaces the given attributes of a DOI and applies event when it
// is not "".
func (c *Client) Update(ctx context.Context, doi string, attrs map[string]any, event string) (*DOI, error) {
	a := clone(attrs)
	if event != "" {
		a["event"] = event
	}

	return c.do(ctx, http.MethodPut, doiPath(doi)+"?affiliation=true&publisher=true",
		&document{Data: resourceObject{ID: doi, Type: "dois", Attributes: a}})
}

// Event applies one state event without touching the metadata.
func (c *Client) Event(ctx context.Context, doi, event string) (*DOI, error) {
	return c.Update(ctx, doi, map[string]any{}, event)
}

// Delete deletes a draft DOI. A registered or findable DOI cannot be
// deleted: the error satisfies IsNotDeletable.
func (c *Client) Delete(ctx context.Context, doi string) error {
	_, err := c.do(ctx, http.MethodDelete, doiPath(doi), nil)

	return err
}

// doiPath keeps the slash between prefix and suffix, as the API routes
// /dois/{prefix}/{suffix}, and escapes everything else.
func doiPath(doi string) string {
	prefix, suffix, _ := strings.Cut(doi, "/")

	return "/dois/" + url.PathEscape(prefix) + "/" + url.PathEscape(suffix)
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}

	return out
}

func (c *Client) do(ctx context.Context, method, path string, body *document) (*DOI, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encoding the request: %w", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint+path, rd)
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	req.SetBasicAuth(c.repo, c.password)
	req.Header.Set("Accept", mediaType)
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	tflog.Debug(ctx, "datacite request", map[string]any{"method": method, "path": path})
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("datacite %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("datacite %s %s: reading the response: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return nil, parseError(method, path, resp.StatusCode, raw)
	}
	if resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var doc document
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("datacite %s %s: decoding the response: %w", method, path, err)
	}
	out := &DOI{ID: doc.Data.ID, Attributes: doc.Data.Attributes}
	if s, ok := doc.Data.Attributes["state"].(string); ok {
		out.State = s
	}
	if out.ID == "" {
		out.ID, _ = doc.Data.Attributes["doi"].(string)
	}

	return out, nil
}

func parseError(method, path string, status int, body []byte) *Error {
	e := &Error{Method: method, Path: path, StatusCode: status, Body: strings.TrimSpace(string(body))}
	var payload struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &payload) != nil || payload.Errors == nil {
		return e
	}
	// Errors come as a list; some older endpoints send a single object.
	if json.Unmarshal(payload.Errors, &e.Errors) != nil {
		var one ErrorObject
		if json.Unmarshal(payload.Errors, &one) == nil {
			e.Errors = []ErrorObject{one}
		}
	}

	return e
}
