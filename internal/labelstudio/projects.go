package labelstudio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Project is the subset of ProjectSerializer the provider manages or shows.
type Project struct {
	ID                               int64  `json:"id"`
	Title                            string `json:"title"`
	Description                      string `json:"description"`
	LabelConfig                      string `json:"label_config"`
	ExpertInstruction                string `json:"expert_instruction"`
	ShowInstruction                  bool   `json:"show_instruction"`
	ShowSkipButton                   bool   `json:"show_skip_button"`
	EnableEmptyAnnotation            bool   `json:"enable_empty_annotation"`
	ShowAnnotationHistory            bool   `json:"show_annotation_history"`
	Color                            string `json:"color"`
	MaximumAnnotations               int64  `json:"maximum_annotations"`
	IsPublished                      bool   `json:"is_published"`
	Sampling                         string `json:"sampling"`
	ShowOverlapFirst                 bool   `json:"show_overlap_first"`
	OverlapCohortPercentage          int64  `json:"overlap_cohort_percentage"`
	EvaluatePredictionsAutomatically bool   `json:"evaluate_predictions_automatically"`
	CreatedAt                        string `json:"created_at"`
	TaskNumber                       int64  `json:"task_number"`
}

// ProjectInput is a create or partial-update body; nil fields are left out.
type ProjectInput struct {
	Title                            *string `json:"title,omitempty"`
	Description                      *string `json:"description,omitempty"`
	LabelConfig                      *string `json:"label_config,omitempty"`
	ExpertInstruction                *string `json:"expert_instruction,omitempty"`
	ShowInstruction                  *bool   `json:"show_instruction,omitempty"`
	ShowSkipButton                   *bool   `json:"show_skip_button,omitempty"`
	EnableEmptyAnnotation            *bool   `json:"enable_empty_annotation,omitempty"`
	ShowAnnotationHistory            *bool   `json:"show_annotation_history,omitempty"`
	Color                            *string `json:"color,omitempty"`
	MaximumAnnotations               *int64  `json:"maximum_annotations,omitempty"`
	IsPublished                      *bool   `json:"is_published,omitempty"`
	Sampling                         *string `json:"sampling,omitempty"`
	ShowOverlapFirst                 *bool   `json:"show_overlap_first,omitempty"`
	OverlapCohortPercentage          *int64  `json:"overlap_cohort_percentage,omitempty"`
	EvaluatePredictionsAutomatically *bool   `json:"evaluate_predictions_automatically,omitempty"`
}

// Sampling modes the server accepts.
var SamplingModes = []string{"Sequential sampling", "Uniform sampling", "Uncertainty sampling"}

func projectPath(id int64) string { return "/api/projects/" + strconv.FormatInt(id, 10) + "/" }

// CreateProject creates a project (201).
func (c *Client) CreateProject(ctx context.Context, in ProjectInput) (*Project, error) {
	var p Project
	if err := c.do(ctx, http.MethodPost, "/api/projects/", nil, in, &p); err != nil {
		return nil, err
	}

	return &p, nil
}

// GetProject reads one project; IsNotFound(err) after a delete.
func (c *Client) GetProject(ctx context.Context, id int64) (*Project, error) {
	var p Project
	if err := c.do(ctx, http.MethodGet, projectPath(id), nil, nil, &p); err != nil {
		return nil, err
	}

	return &p, nil
}

// UpdateProject patches the fields set in in.
func (c *Client) UpdateProject(ctx context.Context, id int64, in ProjectInput) (*Project, error) {
	var p Project
	if err := c.do(ctx, http.MethodPatch, projectPath(id), nil, in, &p); err != nil {
		return nil, err
	}

	return &p, nil
}

// DeleteProject deletes a project with its tasks, annotations and storages.
func (c *Client) DeleteProject(ctx context.Context, id int64) error {
	return c.do(ctx, http.MethodDelete, projectPath(id), nil, nil, nil)
}

// ListProjects walks every page of the project list. title filters by a
// case-insensitive substring when not empty.
func (c *Client) ListProjects(ctx context.Context, title string) ([]Project, error) {
	var all []Project
	for page := 1; ; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "page_size": {"100"}}
		if title != "" {
			q.Set("title", title)
		}
		var out struct {
			Count   int       `json:"count"`
			Next    *string   `json:"next"`
			Results []Project `json:"results"`
		}
		if err := c.do(ctx, http.MethodGet, "/api/projects/", q, nil, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Results...)
		if out.Next == nil || len(out.Results) == 0 {
			return all, nil
		}
	}
}

// ValidateLabelConfig asks the server whether a labeling config is valid on
// its own (POST /api/projects/validate/, 204 when it is).
func (c *Client) ValidateLabelConfig(ctx context.Context, config string) error {
	return c.do(ctx, http.MethodPost, "/api/projects/validate/", nil, map[string]string{"label_config": config}, nil)
}

// ValidateProjectLabelConfig asks whether a labeling config may replace the
// project's current one, given the annotations that already exist. Nothing
// is saved. It reports whether the config's essential data changed.
func (c *Client) ValidateProjectLabelConfig(ctx context.Context, id int64, config string) (bool, error) {
	var out struct {
		Changed bool `json:"config_essential_data_has_changed"`
	}
	err := c.do(ctx, http.MethodPost, fmt.Sprintf("/api/projects/%d/validate/", id), nil,
		map[string]string{"label_config": config}, &out)

	return out.Changed, err
}

// ExportFormat is one entry of /api/projects/{id}/export/formats.
type ExportFormat struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Link        string   `json:"link"`
	Tags        []string `json:"tags"`
	Disabled    bool     `json:"disabled"`
}

// ExportFormats lists the export formats and whether the project's labeling
// config supports each.
func (c *Client) ExportFormats(ctx context.Context, id int64) ([]ExportFormat, error) {
	var out []ExportFormat
	err := c.do(ctx, http.MethodGet, fmt.Sprintf("/api/projects/%d/export/formats", id), nil, nil, &out)

	return out, err
}
