package expectations

import (
	"crypto/rand"
	"fmt"
	"time"
)

// Result is a GX 1.x ExpectationSuiteValidationResult.
type Result struct {
	Success         bool                `json:"success"`
	Results         []ExpectationResult `json:"results"`
	SuiteName       string              `json:"suite_name"`
	SuiteParameters map[string]any      `json:"suite_parameters"`
	Statistics      Statistics          `json:"statistics"`
	Meta            map[string]any      `json:"meta"`
	ID              string              `json:"id"`
}

// Statistics summarises a run.
type Statistics struct {
	Evaluated      int      `json:"evaluated_expectations"`
	Successful     int      `json:"successful_expectations"`
	Unsuccessful   int      `json:"unsuccessful_expectations"`
	SuccessPercent *float64 `json:"success_percent"`
}

// ExpectationResult is a GX 1.x ExpectationValidationResult.
type ExpectationResult struct {
	Success           bool           `json:"success"`
	ExpectationConfig Config         `json:"expectation_config"`
	Result            map[string]any `json:"result"`
	Meta              map[string]any `json:"meta"`
	ExceptionInfo     ExceptionInfo  `json:"exception_info"`
}

// ExceptionInfo reports an expectation that could not be evaluated.
type ExceptionInfo struct {
	Raised    bool    `json:"raised_exception"`
	Traceback *string `json:"exception_traceback"`
	Message   string  `json:"exception_message,omitempty"`
}

func (r *Result) finish(s *Suite, started time.Time, info *tableInfo) {
	r.Success = true
	for _, e := range r.Results {
		r.Statistics.Evaluated++
		if e.Success {
			r.Statistics.Successful++
		} else {
			r.Statistics.Unsuccessful++
			r.Success = false
		}
	}
	if r.Statistics.Evaluated > 0 {
		p := float64(r.Statistics.Successful) / float64(r.Statistics.Evaluated) * 100
		r.Statistics.SuccessPercent = &p
	}
	now := time.Now().UTC()
	r.Meta = map[string]any{
		"great_expectations_version": "1.2.0",
		"expectation_suite_name":     s.Name,
		"run_id":                     map[string]any{"run_name": nil, "run_time": started.UTC().Format(time.RFC3339Nano)},
		"validation_time":            now.Format("20060102T150405.000000Z"),
		"validation_id":              r.ID,
		"row_count":                  info.rows,
		"engine":                     "lakehouse-runner",
	}
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80

	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
