package dremio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Job states that end a job.
const (
	JobCompleted = "COMPLETED"
	JobFailed    = "FAILED"
	JobCanceled  = "CANCELED"
)

// resultsPage is the largest page Dremio serves (it refuses more than 500).
const resultsPage = 500

// SQLRequest is a query to submit. Context is the default schema path.
type SQLRequest struct {
	SQL     string   `json:"sql"`
	Context []string `json:"context,omitempty"`
}

// Job is the status of a submitted query.
type Job struct {
	JobState           string `json:"jobState"`
	RowCount           int64  `json:"rowCount"`
	ErrorMessage       string `json:"errorMessage"`
	CancellationReason string `json:"cancellationReason"`
}

// Column is one column of a result schema.
type Column struct {
	Name string `json:"name"`
	Type struct {
		Name string `json:"name"`
	} `json:"type"`
}

// QueryResult holds every row of a finished job.
type QueryResult struct {
	JobID  string
	Schema []Column
	Rows   []map[string]any
}

// JobError is a query that ended FAILED or CANCELED.
type JobError struct {
	JobID   string
	State   string
	Message string
}

func (e *JobError) Error() string {
	return fmt.Sprintf("dremio job %s ended %s: %s", e.JobID, e.State, e.Message)
}

// PollInterval is the first wait between job status polls; it doubles up to
// two seconds. A variable so tests can shorten it.
var PollInterval = 100 * time.Millisecond

// RunSQL submits sql, waits for it to finish and returns all rows. The
// expectations engine's SQL pushdown calls this; cancel ctx to stop waiting
// (the job is then cancelled on the server).
func (c *Client) RunSQL(ctx context.Context, sql string) ([]map[string]any, error) {
	res, err := c.Query(ctx, SQLRequest{SQL: sql})
	if err != nil {
		return nil, err
	}

	return res.Rows, nil
}

// Query is RunSQL with a context path and the result schema.
func (c *Client) Query(ctx context.Context, q SQLRequest) (*QueryResult, error) {
	var sub struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, c.apiPath("/sql"), q, &sub); err != nil {
		return nil, fmt.Errorf("submitting query: %w", err)
	}
	job, err := c.waitJob(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	res := &QueryResult{JobID: sub.ID}
	for offset := int64(0); offset < job.RowCount || offset == 0; offset += resultsPage {
		var page struct {
			RowCount int64            `json:"rowCount"`
			Schema   []Column         `json:"schema"`
			Rows     []map[string]any `json:"rows"`
		}
		p := fmt.Sprintf("/job/%s/results?offset=%d&limit=%d", url.PathEscape(sub.ID), offset, resultsPage)
		if err := c.do(ctx, http.MethodGet, c.apiPath(p), nil, &page); err != nil {
			return nil, fmt.Errorf("reading results of job %s: %w", sub.ID, err)
		}
		res.Schema = page.Schema
		res.Rows = append(res.Rows, page.Rows...)
		if job.RowCount == 0 {
			job.RowCount = page.RowCount
		}
		if len(page.Rows) == 0 {
			break
		}
	}

	return res, nil
}

// waitJob polls the job until it reaches a terminal state.
func (c *Client) waitJob(ctx context.Context, id string) (*Job, error) {
	wait := PollInterval
	for {
		var job Job
		if err := c.do(ctx, http.MethodGet, c.apiPath("/job/"+url.PathEscape(id)), nil, &job); err != nil {
			return nil, fmt.Errorf("polling job %s: %w", id, err)
		}
		switch job.JobState {
		case JobCompleted:
			return &job, nil
		case JobFailed, JobCanceled:
			msg := job.ErrorMessage
			if msg == "" {
				msg = job.CancellationReason
			}

			return nil, &JobError{JobID: id, State: job.JobState, Message: msg}
		}
		select {
		case <-ctx.Done():
			// Best effort: a query nobody waits for should not keep running.
			cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = c.do(cancelCtx, http.MethodPost, c.apiPath("/job/"+url.PathEscape(id)+"/cancel"), nil, nil)
			cancel()

			return nil, fmt.Errorf("waiting for job %s: %w", id, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(wait*2, 2*time.Second)
	}
}
