package dremiotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	var body struct {
		SQL     string   `json:"sql"`
		Context []string `json:"context"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.reply(w, http.StatusBadRequest, errBody("Invalid value found at: sql"))

		return
	}
	s.mu.Lock()
	h := s.sqlHandler
	id := fmt.Sprintf("job-%s", randomHex(8))
	j := &job{state: "ENQUEUED", context: body.Context}
	s.jobs[id] = j
	s.mu.Unlock()
	// The job is always accepted; errors surface as state FAILED, as on the real server.
	res, err := h(body.SQL, body.Context)
	s.mu.Lock()
	if err != nil {
		j.errMsg = err.Error()
	} else {
		j.result = res
	}
	s.mu.Unlock()
	s.reply(w, http.StatusOK, map[string]any{"id": id})
}

func (s *Server) jobRoute(w http.ResponseWriter, r *http.Request, rest string) {
	id, sub, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	j, ok := s.jobs[id]
	if !ok {
		s.mu.Unlock()
		s.reply(w, http.StatusNotFound, errBody(fmt.Sprintf("Could not find a job with id [%s]", id)))

		return
	}
	switch {
	case sub == "" && r.Method == http.MethodGet:
		s.advance(j)
		out := map[string]any{"jobState": j.state, "rowCount": 0, "errorMessage": "", "cancellationReason": "", "queryType": "REST"}
		if j.state == "FAILED" {
			out["errorMessage"] = j.errMsg
		}
		if j.state == "CANCELED" {
			out["cancellationReason"] = "Query cancelled by user"
		}
		if j.state == "COMPLETED" && j.result != nil {
			out["rowCount"] = len(j.result.Rows)
		}
		s.mu.Unlock()
		s.reply(w, http.StatusOK, out)
	case sub == "cancel" && r.Method == http.MethodPost:
		if j.state != "COMPLETED" && j.state != "FAILED" {
			j.state = "CANCELED"
		}
		s.mu.Unlock()
		s.reply(w, http.StatusNoContent, nil)
	case sub == "results" && r.Method == http.MethodGet:
		s.mu.Unlock()
		s.results(w, r, j)
	default:
		s.mu.Unlock()
		s.reply(w, http.StatusNotFound, errBody("HTTP 404 Not Found"))
	}
}

// advance moves a job one step on each poll: ENQUEUED, RUNNING (for
// jobPolls polls), then COMPLETED or FAILED. Called with s.mu held.
func (s *Server) advance(j *job) {
	switch j.state {
	case "ENQUEUED":
		j.state = "RUNNING"
		j.polls = 1
	case "RUNNING":
		if j.polls < s.jobPolls {
			j.polls++

			return
		}
		if j.errMsg != "" {
			j.state = "FAILED"
		} else {
			j.state = "COMPLETED"
		}
	}
}

func (s *Server) results(w http.ResponseWriter, r *http.Request, j *job) {
	s.mu.Lock()
	state := j.state
	res := j.result
	s.mu.Unlock()
	if state != "COMPLETED" {
		s.reply(w, http.StatusBadRequest, errBody(fmt.Sprintf("Can not fetch details for a job that is in [%s] state.", state)))

		return
	}
	q := r.URL.Query()
	offset := atoiDefault(q.Get("offset"), 0)
	limit := atoiDefault(q.Get("limit"), 100)
	if limit > 500 {
		s.reply(w, http.StatusBadRequest, errBody("limit can not exceed 500 rows"))

		return
	}
	schema := []map[string]any{}
	rows := []map[string]any{}
	total := 0
	if res != nil {
		for _, c := range res.Columns {
			schema = append(schema, map[string]any{"name": c.Name, "type": map[string]any{"name": c.Type}})
		}
		total = len(res.Rows)
		if offset < total {
			rows = res.Rows[offset:min(offset+limit, total)]
		}
	}
	s.reply(w, http.StatusOK, map[string]any{"rowCount": total, "schema": schema, "rows": rows})
}

// EvalLiteralSelect is the fake's default evaluator. It answers
// "SELECT <literal> [AS name], ..." with one row, where a literal is an
// integer, a decimal, a 'string', TRUE, FALSE or NULL; anything else fails
// the job the way a planning error does. Tests that need real queries plug
// in their own handler with SetSQLHandler.
func EvalLiteralSelect(sql string, _ []string) (*Result, error) {
	s := strings.TrimRight(strings.TrimSpace(sql), ";")
	if len(s) < 7 || !strings.EqualFold(s[:7], "SELECT ") {
		return nil, fmt.Errorf("PARSE ERROR: only SELECT of literals is supported by the fake: %q", sql)
	}
	out := &Result{}
	row := map[string]any{}
	for i, item := range splitTopLevel(s[7:]) {
		expr, name := item, fmt.Sprintf("EXPR$%d", i)
		if idx := strings.LastIndex(strings.ToUpper(item), " AS "); idx >= 0 {
			expr, name = strings.TrimSpace(item[:idx]), strings.Trim(strings.TrimSpace(item[idx+4:]), `"`)
		}
		v, typ, err := literal(expr)
		if err != nil {
			return nil, err
		}
		out.Columns = append(out.Columns, Column{Name: name, Type: typ})
		row[name] = v
	}
	out.Rows = []map[string]any{row}

	return out, nil
}

func splitTopLevel(s string) []string {
	var out []string
	depth, start, inStr := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			inStr = !inStr
		case inStr:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}

	return append(out, strings.TrimSpace(s[start:]))
}

func literal(e string) (any, string, error) {
	switch up := strings.ToUpper(e); {
	case up == "NULL":
		return nil, "NULL", nil
	case up == "TRUE" || up == "FALSE":
		return up == "TRUE", "BOOLEAN", nil
	case len(e) >= 2 && e[0] == '\'' && e[len(e)-1] == '\'':
		return strings.ReplaceAll(e[1:len(e)-1], "''", "'"), "VARCHAR", nil
	}
	if n, err := strconv.ParseInt(e, 10, 64); err == nil {
		return n, "BIGINT", nil
	}
	if f, err := strconv.ParseFloat(e, 64); err == nil {
		return f, "DOUBLE", nil
	}

	return nil, "", fmt.Errorf("VALIDATION ERROR: the fake cannot evaluate %q", e)
}
