package labelstudiotest

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var projectDefaults = map[string]any{
	"title": "", "description": "", "label_config": "<View></View>", "expert_instruction": "",
	"show_instruction": false, "show_skip_button": true, "enable_empty_annotation": true,
	"show_annotation_history": false, "color": "#FFFFFF", "maximum_annotations": float64(1),
	"is_published": false, "is_draft": false, "model_version": "", "sampling": "Sequential sampling",
	"show_overlap_first": false, "overlap_cohort_percentage": float64(100),
	"evaluate_predictions_automatically": false, "skip_queue": "REQUEUE_FOR_OTHERS",
	"reveal_preannotations_interactively": false, "pinned_at": nil, "control_weights": map[string]any{},
}

var (
	reColor   = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)
	reScript  = regexp.MustCompile(`(?is)<script[^>]*>.*?</script>`)
	samplings = map[string]bool{"Sequential sampling": true, "Uniform sampling": true, "Uncertainty sampling": true}
)

func (s *Server) projectCollection(rq *request) {
	switch rq.r.Method {
	case http.MethodGet:
		s.listProjects(rq)
	case http.MethodPost:
		p := map[string]any{}
		for k, v := range projectDefaults {
			p[k] = v
		}
		if !s.applyProjectFields(rq, 0, p) {
			return
		}
		id := s.newID()
		p["id"] = float64(id)
		p["created_at"] = now()
		p["organization"] = float64(1)
		p["created_by"] = map[string]any{"id": float64(1), "email": "steward@example.edu"}
		s.projects[id] = p
		rq.json(http.StatusCreated, s.projectView(id))
	default:
		rq.methodNotAllowed()
	}
}

func (s *Server) listProjects(rq *request) {
	q := rq.r.URL.Query()
	page, size := 1, 30
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			rq.fail(http.StatusNotFound, "Invalid page.", nil)

			return
		}
		page = n
	}
	if v := q.Get("page_size"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			size = min(n, 100)
		}
	}
	title := strings.ToLower(q.Get("title"))
	ids := sortedKeys(s.projects)
	// Newest first, as the server orders them.
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	var results []any
	for _, id := range ids {
		if t, _ := s.projects[id]["title"].(string); title != "" && !strings.Contains(strings.ToLower(t), title) {
			continue
		}
		results = append(results, s.projectView(id))
	}
	count := len(results)
	start := (page - 1) * size
	if start >= count && page != 1 {
		rq.fail(http.StatusNotFound, "Invalid page.", nil)

		return
	}
	end := min(start+size, count)
	var next, prev any
	if end < count {
		next = fmt.Sprintf("%s%s?page=%d&page_size=%d", s.URL, rq.r.URL.Path, page+1, size)
	}
	if page > 1 {
		prev = fmt.Sprintf("%s%s?page=%d&page_size=%d", s.URL, rq.r.URL.Path, page-1, size)
	}
	out := []any{}
	if start < count {
		out = results[start:end]
	}
	rq.json(http.StatusOK, map[string]any{"count": count, "next": next, "previous": prev, "results": out})
}

func (s *Server) projectItem(rq *request, id int64) {
	p, ok := s.projects[id]
	if !ok {
		rq.notFound()

		return
	}
	switch rq.r.Method {
	case http.MethodGet:
		rq.json(http.StatusOK, s.projectView(id))
	case http.MethodPatch, http.MethodPut:
		next := clone(p)
		if !s.applyProjectFields(rq, id, next) {
			return
		}
		s.projects[id] = next
		rq.json(http.StatusOK, s.projectView(id))
	case http.MethodDelete:
		s.deleteProjectLocked(id)
		rq.w.WriteHeader(http.StatusNoContent)
	default:
		rq.methodNotAllowed()
	}
}

func (s *Server) deleteProjectLocked(id int64) {
	delete(s.projects, id)
	delete(s.annotations, id)
	for dir, m := range s.storages {
		for sid, st := range m {
			if st["project"] == float64(id) {
				delete(m, sid)
				delete(s.credentials[dir], sid)
			}
		}
	}
	for wid, w := range s.webhooks {
		if w["project"] == float64(id) {
			delete(s.webhooks, wid)
		}
	}
}

func (s *Server) projectView(id int64) map[string]any {
	p := clone(s.projects[id])
	n := len(s.annotations[id])
	p["task_number"] = float64(n)
	p["total_annotations_number"] = float64(n)
	p["num_tasks_with_annotations"] = float64(n)
	p["parsed_label_config"] = map[string]any{}

	return p
}

// applyProjectFields validates the writable fields of the request body and
// copies them into p. It answers the request itself on a validation error.
func (s *Server) applyProjectFields(rq *request, id int64, p map[string]any) bool {
	readOnly := map[string]bool{"id": true, "organization": true, "created_by": true, "created_at": true, "task_number": true}
	for k, v := range rq.body {
		if readOnly[k] {
			continue
		}
		if _, known := projectDefaults[k]; !known {
			continue // DRF ignores unknown fields
		}
		if msg := checkProjectField(k, v); msg != "" {
			rq.invalid(k, msg)

			return false
		}
		if sv, ok := v.(string); ok && k == "expert_instruction" {
			// Upstream sanitises instructions with bleach; the value read
			// back can differ from the value written.
			v = strings.TrimSpace(reScript.ReplaceAllString(sv, ""))
		}
		p[k] = v
	}
	if cfg, ok := rq.body["label_config"].(string); ok {
		if msg := s.checkConfig(id, cfg); msg != "" {
			rq.invalid("label_config", msg)

			return false
		}
	}

	return true
}

func checkProjectField(k string, v any) string {
	switch k {
	case "title":
		if v == nil {
			return ""
		}
		t, ok := v.(string)
		if !ok {
			return "Not a valid string."
		}
		if n := len([]rune(t)); n != 0 && (n < 3 || n > 50) {
			return "Ensure this field has between 3 and 50 characters."
		}
	case "color":
		c, _ := v.(string)
		if !reColor.MatchString(c) {
			return `Color must be in "#RRGGBB" format`
		}
	case "sampling":
		if sm, _ := v.(string); !samplings[sm] {
			return fmt.Sprintf("\"%v\" is not a valid choice.", v)
		}
	case "label_config", "description", "expert_instruction", "model_version":
		if _, ok := v.(string); !ok && v != nil {
			return "Not a valid string."
		}
	case "maximum_annotations", "overlap_cohort_percentage":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return "A valid integer is required."
		}
		if k == "overlap_cohort_percentage" && (f < 0 || f > 100) {
			return "Ensure this value is between 0 and 100."
		}
	case "show_instruction", "show_skip_button", "enable_empty_annotation", "show_annotation_history",
		"is_published", "is_draft", "show_overlap_first", "evaluate_predictions_automatically",
		"reveal_preannotations_interactively":
		if _, ok := v.(bool); !ok {
			return "Must be a valid boolean."
		}
	}

	return ""
}

// ---- label config ----

type tag struct {
	name, toName, tagName string
	labels                []string
}

// parseConfig mirrors the server's checks: the XML parses, names are unique
// and every toName names a tag.
func parseConfig(cfg string) ([]tag, error) {
	if strings.TrimSpace(cfg) == "" {
		return nil, errors.New("Label config is not set or is empty") //nolint:staticcheck // Label Studio's own message, answered verbatim
	}
	dec := xml.NewDecoder(strings.NewReader(cfg))
	var tags []tag
	var stack []int // index into tags of the enclosing named tag, or -1
	for {
		t, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("Validation failed on : can't parse XML: %w", err) //nolint:staticcheck // Label Studio's own message, answered verbatim
		}
		switch e := t.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			idx := -1
			if n, ok := attr["name"]; ok {
				tags = append(tags, tag{name: n, toName: attr["toName"], tagName: e.Name.Local})
				idx = len(tags) - 1
			}
			if (e.Name.Local == "Label" || e.Name.Local == "Choice") && attr["value"] != "" {
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i] >= 0 {
						tags[stack[i]].labels = append(tags[stack[i]].labels, attr["value"])

						break
					}
				}
			}
			stack = append(stack, idx)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
	seen := map[string]bool{}
	var names []string
	for _, t := range tags {
		if seen[t.name] {
			return nil, errors.New("Label config contains non-unique names") //nolint:staticcheck // Label Studio's own message, answered verbatim
		}
		seen[t.name] = true
		names = append(names, t.name)
	}
	for _, t := range tags {
		for _, to := range strings.Split(t.toName, ",") {
			if to = strings.TrimSpace(to); to != "" && !seen[to] {
				return nil, fmt.Errorf("toName=\"%s\" not found in names: %v", to, names)
			}
		}
	}

	return tags, nil
}

// checkConfig validates cfg for project id (0: a new project) and returns the
// server's message, or "" when it may be saved. Label usage is counted from
// the current annotations on every call.
func (s *Server) checkConfig(id int64, cfg string) string {
	tags, err := parseConfig(cfg)
	if err != nil {
		return err.Error()
	}
	if id == 0 {
		return ""
	}
	labels := map[string]map[string]bool{}
	for _, t := range tags {
		if labels[t.name] == nil {
			labels[t.name] = map[string]bool{}
		}
		for _, l := range t.labels {
			labels[t.name][l] = true
		}
	}
	missingControl := map[string]int{}
	missingLabel := map[string]map[string]int{}
	for _, a := range s.annotations[id] {
		switch {
		case labels[a.Control] == nil:
			missingControl[a.Control]++
		case !labels[a.Control][a.Label]:
			if missingLabel[a.Control] == nil {
				missingLabel[a.Control] = map[string]int{}
			}
			missingLabel[a.Control][a.Label]++
		}
	}
	if len(missingControl) > 0 {
		var parts []string
		for _, c := range sortedStrings(missingControl) {
			parts = append(parts, fmt.Sprintf("%s (%d)", c, missingControl[c]))
		}

		return "Created annotations are incompatible with provided labeling schema, we found:\n" + strings.Join(parts, "\n")
	}
	if len(missingLabel) > 0 {
		var b strings.Builder
		b.WriteString("These labels still exist in annotations or drafts:\n")
		ctrls := make([]string, 0, len(missingLabel))
		for c := range missingLabel {
			ctrls = append(ctrls, c)
		}
		sort.Strings(ctrls)
		for _, c := range ctrls {
			for _, l := range sortedStrings(missingLabel[c]) {
				fmt.Fprintf(&b, "%s (%d)\n", l, missingLabel[c][l])
			}
		}
		fmt.Fprintf(&b, "Please add labels to tag with name=\"%s\".", ctrls[0])

		return b.String()
	}

	return ""
}

func sortedStrings(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)

	return out
}

// validateConfig is POST /api/projects/validate/: 204, or 400 in the plain
// DRF shape without the custom wrapper.
func (s *Server) validateConfig(rq *request) {
	cfg, _ := rq.body["label_config"].(string)
	if _, err := parseConfig(cfg); err != nil {
		rq.json(http.StatusBadRequest, map[string]any{"label_config": []string{err.Error()}})

		return
	}
	rq.w.WriteHeader(http.StatusNoContent)
}

// validateProjectConfig is POST /api/projects/{id}/validate/.
func (s *Server) validateProjectConfig(rq *request, id int64) {
	if rq.r.Method != http.MethodPost {
		rq.methodNotAllowed()

		return
	}
	p, ok := s.projects[id]
	if !ok {
		rq.notFound()

		return
	}
	cfg, _ := rq.body["label_config"].(string)
	if strings.TrimSpace(cfg) == "" {
		rq.fail(http.StatusBadRequest, "Label config is not set or is empty", nil)

		return
	}
	if msg := s.checkConfig(id, cfg); msg != "" {
		rq.invalid("label_config", msg)

		return
	}
	oldCfg, _ := p["label_config"].(string)
	oldTags, _ := parseConfig(oldCfg)
	newTags, _ := parseConfig(cfg)
	rq.json(http.StatusOK, map[string]any{"config_essential_data_has_changed": fmt.Sprint(oldTags) != fmt.Sprint(newTags)})
}

var exportFormats = []struct {
	name  string
	needs func(map[string]bool) bool
}{
	{"JSON", nil}, {"JSON_MIN", nil}, {"CSV", nil}, {"TSV", nil},
	{"CONLL2003", func(t map[string]bool) bool { return t["Labels"] && t["Text"] }},
	{"COCO", func(t map[string]bool) bool { return t["Image"] && (t["RectangleLabels"] || t["PolygonLabels"]) }},
	{"VOC", func(t map[string]bool) bool { return t["Image"] && t["RectangleLabels"] }},
	{"YOLO", func(t map[string]bool) bool { return t["Image"] && (t["RectangleLabels"] || t["PolygonLabels"]) }},
	{"BRUSH_TO_NUMPY", func(t map[string]bool) bool { return t["BrushLabels"] }},
	{"BRUSH_TO_PNG", func(t map[string]bool) bool { return t["BrushLabels"] }},
	{"ASR_MANIFEST", func(t map[string]bool) bool { return t["Audio"] && t["TextArea"] }},
}

func (s *Server) exportFormats(rq *request, id int64) {
	p, ok := s.projects[id]
	if !ok {
		rq.notFound()

		return
	}
	cfg, _ := p["label_config"].(string)
	tags, _ := parseConfig(cfg)
	present := map[string]bool{}
	for _, t := range tags {
		present[t.tagName] = true
	}
	out := []map[string]any{}
	for _, f := range exportFormats {
		e := map[string]any{"name": f.name, "title": f.name, "description": "", "link": "", "tags": []string{}}
		if f.needs != nil && !f.needs(present) {
			e["disabled"] = true
		}
		out = append(out, e)
	}
	rq.json(http.StatusOK, out)
}

func (s *Server) export(rq *request, id int64) {
	if _, ok := s.projects[id]; !ok {
		rq.notFound()

		return
	}
	q := rq.r.URL.Query()
	format := q.Get("exportType")
	if format == "" {
		format = q.Get("export_type")
	}
	if format == "" {
		format = "JSON"
	}
	known := false
	for _, f := range exportFormats {
		known = known || f.name == format
	}
	if !known {
		rq.invalid("export_type", fmt.Sprintf("\"%s\" is not a valid choice.", format))

		return
	}
	tasks := []map[string]any{}
	for i, a := range s.annotations[id] {
		tasks = append(tasks, map[string]any{"id": i + 1, "annotations": []any{map[string]any{
			"result": []any{map[string]any{"from_name": a.Control, "value": map[string]any{"labels": []string{a.Label}}}},
		}}})
	}
	rq.w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="project-%d.json"`, id))
	rq.json(http.StatusOK, tasks)
}
