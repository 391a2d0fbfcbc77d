package labelstudio

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// WebhookActions are the event names a webhook may subscribe to.
var WebhookActions = []string{
	"PROJECT_CREATED", "PROJECT_UPDATED", "PROJECT_DELETED",
	"TASKS_CREATED", "TASKS_DELETED",
	"ANNOTATION_CREATED", "ANNOTATIONS_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED",
	"LABEL_LINK_CREATED", "LABEL_LINK_UPDATED", "LABEL_LINK_DELETED",
}

// Webhook is a project webhook as the server returns it.
type Webhook struct {
	ID                int64             `json:"id"`
	Project           *int64            `json:"project"`
	URL               string            `json:"url"`
	SendPayload       bool              `json:"send_payload"`
	SendForAllActions bool              `json:"send_for_all_actions"`
	Headers           map[string]string `json:"headers"`
	IsActive          bool              `json:"is_active"`
	Actions           []string          `json:"actions"`
	CreatedAt         string            `json:"created_at"`
	UpdatedAt         string            `json:"updated_at"`
}

// WebhookInput is a create or full-update body. Project is read-only after
// create and ignored by the server on update.
type WebhookInput struct {
	Project           int64             `json:"project,omitempty"`
	URL               string            `json:"url"`
	SendPayload       bool              `json:"send_payload"`
	SendForAllActions bool              `json:"send_for_all_actions"`
	Headers           map[string]string `json:"headers"`
	IsActive          bool              `json:"is_active"`
	Actions           []string          `json:"actions"`
}

func webhookPath(id int64) string { return "/api/webhooks/" + strconv.FormatInt(id, 10) + "/" }

// CreateWebhook creates a webhook (201; 404 when the project is unknown).
func (c *Client) CreateWebhook(ctx context.Context, in WebhookInput) (*Webhook, error) {
	var w Webhook
	if err := c.do(ctx, http.MethodPost, "/api/webhooks/", nil, in, &w); err != nil {
		return nil, err
	}

	return &w, nil
}

// GetWebhook reads one webhook.
func (c *Client) GetWebhook(ctx context.Context, id int64) (*Webhook, error) {
	var w Webhook
	if err := c.do(ctx, http.MethodGet, webhookPath(id), nil, nil, &w); err != nil {
		return nil, err
	}

	return &w, nil
}

// UpdateWebhook replaces a webhook's settings.
func (c *Client) UpdateWebhook(ctx context.Context, id int64, in WebhookInput) (*Webhook, error) {
	in.Project = 0
	var w Webhook
	if err := c.do(ctx, http.MethodPut, webhookPath(id), nil, in, &w); err != nil {
		return nil, err
	}

	return &w, nil
}

// DeleteWebhook deletes a webhook.
func (c *Client) DeleteWebhook(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, webhookPath(id), nil, nil, nil)
}

// ListWebhooks lists webhooks, of one project when project is not zero.
func (c *Client) ListWebhooks(ctx context.Context, project int64) ([]Webhook, error) {
	var q url.Values
	if project != 0 {
		q = url.Values{"project": {strconv.FormatInt(project, 10)}}
	}
	var out []Webhook
	err := c.do(ctx, http.MethodGet, "/api/webhooks/", q, nil, &out)

	return out, err
}
