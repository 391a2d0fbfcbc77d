package dremio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// ObjectGrants is what GET /api/v3/catalog/{id}/grants answers (Dremio
// Enterprise and Cloud): the privileges each user and role holds on one
// catalog object.
type ObjectGrants struct {
	ID                  string   `json:"id"`
	AvailablePrivileges []string `json:"availablePrivileges"`
	Grants              []Grant  `json:"grants"`
}

// Grant is one grantee's privileges on an object. Privileges use the API
// spelling with underscores (MANAGE_GRANTS); SQL spells them with spaces.
type Grant struct {
	GranteeType string   `json:"granteeType"` // USER or ROLE
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	FirstName   string   `json:"firstName,omitempty"`
	LastName    string   `json:"lastName,omitempty"`
	Email       string   `json:"email,omitempty"`
	Privileges  []string `json:"privileges"`
}

// ErrGrantsUnsupported means the server has no grants endpoint: Dremio OSS
// parses GRANT statements but cannot list grants.
var ErrGrantsUnsupported = errors.New("this Dremio edition cannot list grants (GET /catalog/{id}/grants needs Dremio Enterprise or Cloud)")

// Grants reads the grants on the catalog object with this id. A 404 or 405
// is reported as ErrGrantsUnsupported, so call it with an id the catalog
// just returned (GrantsByPath does).
func (c *Client) Grants(ctx context.Context, id string) (*ObjectGrants, error) {
	var g ObjectGrants
	err := c.do(ctx, http.MethodGet, c.apiPath("/catalog/"+url.PathEscape(id)+"/grants"), nil, &g)
	if statusIs(err, http.StatusNotFound) || statusIs(err, http.StatusMethodNotAllowed) {
		return nil, fmt.Errorf("%w: %w", ErrGrantsUnsupported, err)
	}
	if err != nil {
		return nil, err
	}

	return &g, nil
}

// GrantsByPath resolves the object's id by path, then reads its grants. An
// object that does not exist answers IsNotFound; a server without the
// grants endpoint answers ErrGrantsUnsupported.
func (c *Client) GrantsByPath(ctx context.Context, path []string) (*ObjectGrants, error) {
	e, err := c.GetByPath(ctx, path)
	if err != nil {
		return nil, err
	}

	return c.Grants(ctx, e.ID)
}
