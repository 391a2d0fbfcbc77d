package dremio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Entity types of the catalog API.
const (
	EntitySpace   = "space"
	EntityFolder  = "folder"
	EntitySource  = "source"
	EntityDataset = "dataset"
	EntityHome    = "home"

	// VirtualDataset is a view's dataset type.
	VirtualDataset = "VIRTUAL_DATASET"
)

// Entity is one catalog object as Dremio returns it. Fields a type does not
// use stay empty.
type Entity struct {
	EntityType     string          `json:"entityType"`
	ID             string          `json:"id,omitempty"`
	Tag            string          `json:"tag,omitempty"`
	Name           string          `json:"name,omitempty"`
	Path           []string        `json:"path,omitempty"`
	Type           string          `json:"type,omitempty"` // dataset type, or source type
	SQL            string          `json:"sql,omitempty"`
	SQLContext     []string        `json:"sqlContext,omitempty"`
	Description    string          `json:"description,omitempty"`
	Config         map[string]any  `json:"config,omitempty"`
	MetadataPolicy *MetadataPolicy `json:"metadataPolicy,omitempty"`
	State          *SourceState    `json:"state,omitempty"`
	CreatedAt      string          `json:"createdAt,omitempty"`
	Children       []CatalogItem   `json:"children,omitempty"`
	NextPageToken  string          `json:"nextPageToken,omitempty"`
}

// CatalogItem is the short form used in listings and children.
type CatalogItem struct {
	ID            string   `json:"id"`
	Path          []string `json:"path"`
	Tag           string   `json:"tag,omitempty"`
	Type          string   `json:"type"`
	ContainerType string   `json:"containerType,omitempty"`
	DatasetType   string   `json:"datasetType,omitempty"`
}

// MetadataPolicy is a source's metadata refresh policy; durations in ms.
type MetadataPolicy struct {
	AuthTTLMs                 int64  `json:"authTTLMs,omitempty"`
	NamesRefreshMs            int64  `json:"namesRefreshMs,omitempty"`
	DatasetRefreshAfterMs     int64  `json:"datasetRefreshAfterMs,omitempty"`
	DatasetExpireAfterMs      int64  `json:"datasetExpireAfterMs,omitempty"`
	DatasetUpdateMode         string `json:"datasetUpdateMode,omitempty"`
	DeleteUnavailableDatasets bool   `json:"deleteUnavailableDatasets"`
	AutoPromoteDatasets       bool   `json:"autoPromoteDatasets"`
}

// SourceState is a source's health as Dremio sees it.
type SourceState struct {
	Status              string `json:"status"`
	SuggestedUserAction string `json:"suggestedUserAction,omitempty"`
	Messages            []struct {
		Level   string `json:"level"`
		Message string `json:"message"`
	} `json:"messages,omitempty"`
}

// PathID renders a catalog path the way people write it: a.b."c.d".
func PathID(p []string) string {
	parts := make([]string, len(p))
	for i, s := range p {
		if strings.ContainsAny(s, `."`) || s == "" {
			parts[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		} else {
			parts[i] = s
		}
	}

	return strings.Join(parts, ".")
}

// ParsePath is the inverse of PathID: dots separate elements, double quotes
// protect dots inside one element, and "" is a literal quote.
func ParsePath(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted, wasQuoted := false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quoted && ch == '"' && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case ch == '"':
			quoted = !quoted
			wasQuoted = true
		case ch == '.' && !quoted:
			if cur.Len() == 0 && !wasQuoted {
				return nil, fmt.Errorf("path %q has an empty element", s)
			}
			out = append(out, cur.String())
			cur.Reset()
			wasQuoted = false
		default:
			cur.WriteByte(ch)
		}
	}
	if quoted {
		return nil, fmt.Errorf("path %q has an unclosed quote", s)
	}
	if cur.Len() == 0 && !wasQuoted {
		return nil, fmt.Errorf("path %q has an empty element", s)
	}

	return append(out, cur.String()), nil
}

// Get reads an entity by id.
func (c *Client) Get(ctx context.Context, id string) (*Entity, error) {
	var e Entity
	if err := c.do(ctx, http.MethodGet, c.apiPath("/catalog/"+url.PathEscape(id)), nil, &e); err != nil {
		return nil, err
	}

	return &e, nil
}

// GetByPath reads an entity by its path, one URL-encoded segment per element.
func (c *Client) GetByPath(ctx context.Context, p []string) (*Entity, error) {
	segs := make([]string, len(p))
	for i, s := range p {
		segs[i] = url.PathEscape(s)
	}
	var e Entity
	if err := c.do(ctx, http.MethodGet, c.apiPath("/catalog/by-path/"+strings.Join(segs, "/")), nil, &e); err != nil {
		return nil, err
	}

	return &e, nil
}

// GetRaw reads an entity as a JSON object, keeping every field, for
// read-modify-write updates that must not drop what we do not model.
func (c *Client) GetRaw(ctx context.Context, id string) (map[string]any, error) {
	var m map[string]any
	if err := c.do(ctx, http.MethodGet, c.apiPath("/catalog/"+url.PathEscape(id)+"?exclude=children"), nil, &m); err != nil {
		return nil, err
	}
	delete(m, "children")
	delete(m, "nextPageToken")

	return m, nil
}

// AllChildren lists every child of a container, following page tokens.
func (c *Client) AllChildren(ctx context.Context, e *Entity) ([]CatalogItem, error) {
	out := append([]CatalogItem(nil), e.Children...)
	next := e.NextPageToken
	for next != "" {
		var page Entity
		p := c.apiPath("/catalog/" + url.PathEscape(e.ID) + "?pageToken=" + url.QueryEscape(next))
		if err := c.do(ctx, http.MethodGet, p, nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Children...)
		next = page.NextPageToken
	}

	return out, nil
}

// Create posts a new entity (space, source, folder or view). Dremio answers
// 200 with the stored entity.
func (c *Client) Create(ctx context.Context, body any) (*Entity, error) {
	var e Entity
	if err := c.do(ctx, http.MethodPost, c.apiPath("/catalog"), body, &e); err != nil {
		return nil, err
	}

	return &e, nil
}

// Update replaces an entity. body must carry the id and the tag the caller
// last saw; a stale tag makes Dremio answer 409.
func (c *Client) Update(ctx context.Context, id string, body map[string]any) (*Entity, error) {
	body["id"] = id
	var e Entity
	if err := c.do(ctx, http.MethodPut, c.apiPath("/catalog/"+url.PathEscape(id)), body, &e); err != nil {
		return nil, err
	}

	return &e, nil
}

// Delete removes an entity and, for containers, everything under it. A
// non-empty tag makes the delete conditional on it. Not found is success.
func (c *Client) Delete(ctx context.Context, id, tag string) error {
	p := c.apiPath("/catalog/" + url.PathEscape(id))
	if tag != "" {
		p += "?tag=" + url.QueryEscape(tag)
	}
	err := c.do(ctx, http.MethodDelete, p, nil, nil)
	if IsNotFound(err) {
		return nil
	}

	return err
}

// ToMap turns a typed request into a JSON object, for merging into a
// read-modify-write body.
func ToMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}

	return m, nil
}
