package labelstudiotest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

var webhookActions = map[string]bool{
	"PROJECT_CREATED": true, "PROJECT_UPDATED": true, "PROJECT_DELETED": true, "TASKS_CREATED": true,
	"TASKS_DELETED": true, "ANNOTATION_CREATED": true, "ANNOTATIONS_CREATED": true, "ANNOTATION_UPDATED": true,
	"ANNOTATIONS_DELETED": true, "LABEL_LINK_CREATED": true, "LABEL_LINK_UPDATED": true, "LABEL_LINK_DELETED": true,
}

func (s *Server) webhookCollection(rq *request) {
	switch rq.r.Method {
	case http.MethodGet:
		pid, _ := strconv.ParseInt(rq.r.URL.Query().Get("project"), 10, 64)
		out := []any{}
		for _, id := range sortedKeys(s.webhooks) {
			if pid == 0 || s.webhooks[id]["project"] == float64(pid) {
				out = append(out, clone(s.webhooks[id]))
			}
		}
		rq.json(http.StatusOK, out)
	case http.MethodPost:
		pv, ok := rq.body["project"].(float64)
		if !ok || s.projects[int64(pv)] == nil {
			rq.fail(http.StatusNotFound, "Project not found.", nil)

			return
		}
		w := map[string]any{
			"url": "", "send_payload": true, "send_for_all_actions": true, "headers": map[string]any{},
			"is_active": true, "actions": []any{}, "project": pv, "organization": float64(1),
		}
		if !applyWebhookFields(rq, w) {
			return
		}
		id := s.newID()
		w["id"] = float64(id)
		w["created_at"] = now()
		w["updated_at"] = w["created_at"]
		s.webhooks[id] = w
		rq.json(http.StatusCreated, clone(w))
	default:
		rq.methodNotAllowed()
	}
}

func (s *Server) webhookItem(rq *request, id int64) {
	w, ok := s.webhooks[id]
	if !ok {
		rq.notFound()

		return
	}
	switch rq.r.Method {
	case http.MethodGet:
		rq.json(http.StatusOK, clone(w))
	case http.MethodPut, http.MethodPatch:
		next := clone(w)
		if !applyWebhookFields(rq, next) {
			return
		}
		next["updated_at"] = now()
		s.webhooks[id] = next
		rq.json(http.StatusOK, clone(next))
	case http.MethodDelete:
		delete(s.webhooks, id)
		rq.w.WriteHeader(http.StatusNoContent)
	default:
		rq.methodNotAllowed()
	}
}

func applyWebhookFields(rq *request, w map[string]any) bool {
	for k, v := range rq.body {
		switch k {
		case "url":
			u, _ := v.(string)
			p, err := url.Parse(u)
			if u == "" || len(u) > 2048 || err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
				rq.invalid("url", "Enter a valid URL.")

				return false
			}
			w[k] = u
		case "headers":
			if v == nil {
				v = map[string]any{}
			}
			h, ok := v.(map[string]any)
			if !ok {
				rq.invalid("headers", "headers must be a JSON object of strings")

				return false
			}
			for name, val := range h {
				if _, ok := val.(string); !ok {
					rq.invalid("headers", fmt.Sprintf("header %q must be a string", name))

					return false
				}
			}
			w[k] = h
		case "actions":
			list, ok := v.([]any)
			if !ok && v != nil {
				rq.invalid("actions", "Expected a list of items.")

				return false
			}
			for _, a := range list {
				if name, _ := a.(string); !webhookActions[name] {
					rq.invalid("actions", fmt.Sprintf("\"%v\" is not a valid choice.", a))

					return false
				}
			}
			if list == nil {
				list = []any{}
			}
			w[k] = list
		case "send_payload", "send_for_all_actions", "is_active":
			if _, ok := v.(bool); !ok {
				rq.invalid(k, "Must be a valid boolean.")

				return false
			}
			w[k] = v
			// project is read-only after create; id, organization and
			// timestamps are read-only always.
		}
	}
	if w["url"] == "" {
		rq.invalid("url", "This field is required.")

		return false
	}

	return true
}
