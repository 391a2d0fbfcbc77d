// Package minioadmin is a small client for the parts of the MinIO admin API
// (v3) that access policies need: canned policies, attaching them to users
// and groups, and (for tests and demos) users and groups themselves.
// Requests are signed with minio-go's SigV4 signer for service "s3", as the
// server expects; bodies that carry secrets are sealed with the caller's
// secret key in the admin API's encryption format (encrypt.go). The AGPL
// admin library is deliberately not used.
package minioadmin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7/pkg/signer"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const prefix = "/minio/admin/v3"

// Client calls one MinIO deployment's admin API.
type Client struct {
	base         string
	accessKey    string
	secretKey    string
	sessionToken string
	region       string
	http         *http.Client
}

// New builds a client from the provider's s3 settings.
func New(s providerdata.S3Settings, hc *http.Client) (*Client, error) {
	if s.Endpoint == "" || s.AccessKey == "" || s.SecretKey == "" {
		return nil, errors.New("the MinIO admin API needs the s3 endpoint, access key and secret key")
	}
	scheme := "http"
	if s.UseSSL {
		scheme = "https"
	}
	region := s.Region
	if region == "" {
		region = "us-east-1"
	}

	return &Client{base: scheme + "://" + s.Endpoint, accessKey: s.AccessKey, secretKey: s.SecretKey,
		sessionToken: s.SessionToken, region: region, http: hc}, nil
}

// FromData returns the provider's cached admin client.
func FromData(d *providerdata.Data) (*Client, error) {
	if !d.S3.Configured {
		return nil, &providerdata.NotConfiguredError{Block: "s3", Env: providerdata.S3Env}
	}

	return providerdata.Client(d, "minioadmin", func(d *providerdata.Data) (*Client, error) {
		return New(d.S3, d.HTTPClient("minio-admin", d.S3.TLS))
	})
}

// Error is a non-success admin API answer.
type Error struct {
	StatusCode int
	Code       string `json:"Code"`
	Message    string `json:"Message"`
	Op         string
}

func (e *Error) Error() string {
	return fmt.Sprintf("minio admin %s: HTTP %d %s: %s", e.Op, e.StatusCode, e.Code, e.Message)
}

// IsNotFound reports a missing policy, user or group.
func IsNotFound(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}

	return e.StatusCode == http.StatusNotFound || strings.HasPrefix(e.Code, "XMinioAdminNoSuch")
}

// isNoChange reports an attach or detach that changes nothing: the policy
// is already (or no longer) attached.
func isNoChange(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case "XMinioAdminPolicyChangeAlreadyApplied", "XMinioPolicyAlreadyAttached", "XMinioPolicyNotAttached":
		return true
	}

	return false
}

func (c *Client) do(ctx context.Context, method, op string, query url.Values, body []byte, out any) error {
	u := c.base + prefix + "/" + op
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building minio admin request: %w", err)
	}
	sum := sha256.Sum256(body)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	req.ContentLength = int64(len(body))
	// The server refuses sealed bodies under any other type, so that no
	// proxy or framework reads them as form data.
	req.Header.Set("Content-Type", "application/octet-stream")
	signed := signer.SignV4(*req, c.accessKey, c.secretKey, c.sessionToken, c.region)
	tflog.Debug(ctx, "minio admin call", map[string]any{"lakehouse.minio.op": op, "lakehouse.minio.method": method})
	resp, err := c.http.Do(signed)
	if err != nil {
		return fmt.Errorf("minio admin %s: %w", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("reading minio admin %s answer: %w", op, err)
	}
	if resp.StatusCode >= 300 {
		e := &Error{StatusCode: resp.StatusCode, Op: op}
		if json.Unmarshal(raw, e) != nil || e.Code == "" {
			e.Message = strings.TrimSpace(string(raw[:min(len(raw), 512)]))
		}

		return e
	}
	if out == nil {
		return nil
	}
	if b, ok := out.(*[]byte); ok {
		*b = raw

		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decoding minio admin %s answer: %w", op, err)
	}

	return nil
}

// PutPolicy creates or replaces a canned policy.
func (c *Client) PutPolicy(ctx context.Context, name, document string) error {
	return c.do(ctx, http.MethodPut, "add-canned-policy", url.Values{"name": {name}}, []byte(document), nil)
}

// GetPolicy returns a canned policy's document as the server stores it.
func (c *Client) GetPolicy(ctx context.Context, name string) (string, error) {
	var raw []byte
	if err := c.do(ctx, http.MethodGet, "info-canned-policy", url.Values{"name": {name}}, nil, &raw); err != nil {
		return "", err
	}

	return string(raw), nil
}

// DeletePolicy removes a canned policy; a missing one is not an error.
func (c *Client) DeletePolicy(ctx context.Context, name string) error {
	err := c.do(ctx, http.MethodDelete, "remove-canned-policy", url.Values{"name": {name}}, nil, nil)
	if IsNotFound(err) {
		return nil
	}

	return err
}

type association struct {
	Policies []string `json:"policies"`
	User     string   `json:"user,omitempty"`
	Group    string   `json:"group,omitempty"`
}

// Attach attaches a policy to a user or group ("user" or "group"), leaving
// every other attachment alone. Attaching twice is not an error.
func (c *Client) Attach(ctx context.Context, policy, principalType, principal string) error {
	return c.associate(ctx, "attach", policy, principalType, principal)
}

// Detach undoes Attach. Detaching what is not attached is not an error.
func (c *Client) Detach(ctx context.Context, policy, principalType, principal string) error {
	err := c.associate(ctx, "detach", policy, principalType, principal)
	if IsNotFound(err) {
		return nil
	}

	return err
}

func (c *Client) associate(ctx context.Context, verb, policy, principalType, principal string) error {
	a := association{Policies: []string{policy}}
	if principalType == "group" {
		a.Group = principal
	} else {
		a.User = principal
	}
	plain, err := json.Marshal(a)
	if err != nil {
		return err
	}
	sealed, err := Encrypt(c.secretKey, plain)
	if err != nil {
		return err
	}
	err = c.do(ctx, http.MethodPost, "idp/builtin/policy/"+verb, nil, sealed, nil)
	if isNoChange(err) {
		return nil
	}

	return err
}

// Attached returns the policies attached to a user or group.
func (c *Client) Attached(ctx context.Context, principalType, principal string) ([]string, error) {
	var policy string
	if principalType == "group" {
		var g struct {
			Policy string `json:"policy"`
		}
		if err := c.do(ctx, http.MethodGet, "group", url.Values{"group": {principal}}, nil, &g); err != nil {
			return nil, err
		}
		policy = g.Policy
	} else {
		var u struct {
			PolicyName string `json:"policyName"`
		}
		if err := c.do(ctx, http.MethodGet, "user-info", url.Values{"accessKey": {principal}}, nil, &u); err != nil {
			return nil, err
		}
		policy = u.PolicyName
	}
	var out []string
	for _, p := range strings.Split(policy, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}

	return out, nil
}

// AddUser creates or updates a user with the given secret key.
func (c *Client) AddUser(ctx context.Context, accessKey, secretKey string) error {
	plain, err := json.Marshal(map[string]string{"secretKey": secretKey, "status": "enabled"})
	if err != nil {
		return err
	}
	sealed, err := Encrypt(c.secretKey, plain)
	if err != nil {
		return err
	}

	return c.do(ctx, http.MethodPut, "add-user", url.Values{"accessKey": {accessKey}}, sealed, nil)
}

// RemoveUser deletes a user; a missing one is not an error.
func (c *Client) RemoveUser(ctx context.Context, accessKey string) error {
	err := c.do(ctx, http.MethodDelete, "remove-user", url.Values{"accessKey": {accessKey}}, nil, nil)
	if IsNotFound(err) {
		return nil
	}

	return err
}

// AddGroupMembers adds users to a group, creating the group when needed.
func (c *Client) AddGroupMembers(ctx context.Context, group string, members ...string) error {
	return c.updateGroup(ctx, group, members, false)
}

// RemoveGroupMembers removes users from a group; with no members it
// removes the (then empty) group.
func (c *Client) RemoveGroupMembers(ctx context.Context, group string, members ...string) error {
	return c.updateGroup(ctx, group, members, true)
}

func (c *Client) updateGroup(ctx context.Context, group string, members []string, remove bool) error {
	if members == nil {
		members = []string{}
	}
	body, err := json.Marshal(map[string]any{"group": group, "members": members, "isRemove": remove})
	if err != nil {
		return err
	}

	return c.do(ctx, http.MethodPut, "update-group-members", nil, body, nil)
}
