package submission

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/runnerio"
)

// sidecar is the merged JSON metadata that applies to one data file:
// top-level fields, and per-column overrides under "columns".
type sidecar struct {
	fields  map[string]any
	columns map[string]map[string]any
	sources []string // sidecars merged, farthest first
}

type sidecarFile struct {
	rel      string
	dir      string
	stem     string
	entities map[string]string
	doc      map[string]any
	used     bool
}

// loadSidecars reads every JSON sidecar and merges, for each data file, the
// sidecars that apply to it: same stem (exact-name tables) or same suffix
// with a subset of its entities, in its folder or any folder above. Nearer
// sidecars override farther ones (the BIDS inheritance principle).
func (v *validator) loadSidecars(entries []runnerio.Entry, data []*file) (map[string]*sidecar, error) {
	var files []*sidecarFile
	for _, e := range entries {
		stem := strings.TrimSuffix(path.Base(e.Rel), ".json")
		sf := &sidecarFile{rel: e.Rel, dir: path.Dir(e.Rel), stem: stem}
		if _, known := v.schema.sidecarTables[stem]; !known {
			parts := strings.Split(stem, "_")
			if _, ok := v.schema.sidecarTables[parts[len(parts)-1]]; !ok {
				v.out.add(Issue{Code: "NOT_INCLUDED", Location: e.Rel,
					Message:    fmt.Sprintf("%q is not a sidecar of any table of schema %s", path.Base(e.Rel), v.schema.Name),
					Suggestion: "name sidecars after their table file (for example studentInfo.json beside studentInfo.csv)"}, "")

				continue
			}
			sf.stem = parts[len(parts)-1]
			sf.entities = map[string]string{}
			for _, p := range parts[:len(parts)-1] {
				k, val, _ := strings.Cut(p, "-")
				sf.entities[k] = val
			}
		}
		doc, bad, err := v.readJSON(e)
		if err != nil {
			return nil, err
		}
		if bad == "" {
			if c, ok := doc["columns"]; ok {
				if _, isObj := c.(map[string]any); !isObj {
					bad = `"columns" must be an object of column name to column fields`
				}
			}
		}
		if bad != "" {
			v.out.add(Issue{Code: "SIDECAR_INVALID", Location: e.Rel, Message: bad}, "")

			continue
		}
		sf.doc = doc
		files = append(files, sf)
	}
	out := map[string]*sidecar{}
	for _, f := range data {
		out[f.Rel] = v.mergeFor(f, files)
	}
	for _, sf := range files {
		if !sf.used {
			v.out.add(Issue{Code: "SIDECAR_WITHOUT_DATAFILE", Location: sf.rel, Message: "no data file inherits this sidecar"}, "")
		}
	}

	return out, nil
}

func (v *validator) mergeFor(f *file, files []*sidecarFile) *sidecar {
	key := f.stem
	if f.table.Suffix != "" {
		key = f.table.Suffix
	}
	byDepth := map[int][]*sidecarFile{}
	dir := path.Dir(f.Rel)
	for _, sf := range files {
		if sf.stem != key || !isAncestor(sf.dir, dir) || !subset(sf.entities, f.entities) {
			continue
		}
		d := depth(sf.dir)
		byDepth[d] = append(byDepth[d], sf)
	}
	depths := make([]int, 0, len(byDepth))
	for d := range byDepth {
		depths = append(depths, d)
	}
	sort.Ints(depths)
	sc := &sidecar{fields: map[string]any{}, columns: map[string]map[string]any{}}
	for _, d := range depths {
		level := byDepth[d]
		if len(level) > 1 {
			names := make([]string, len(level))
			for i, sf := range level {
				names[i] = sf.rel
			}
			v.out.add(Issue{Code: "MULTIPLE_INHERITABLE_FILES", Location: f.Rel,
				Message: "several sidecars at the same level apply: " + strings.Join(names, ", ")}, "")

			continue
		}
		sf := level[0]
		sf.used = true
		sc.sources = append(sc.sources, sf.rel)
		for k, val := range sf.doc {
			if k == "columns" {
				continue
			}
			if _, set := sc.fields[k]; set {
				v.out.add(Issue{Code: "SIDECAR_FIELD_OVERRIDE", Location: sf.rel, SubCode: k,
					Message: fmt.Sprintf("field %q overrides the value inherited from a sidecar further up", k)}, "")
			}
			sc.fields[k] = val
		}
		cols, _ := sf.doc["columns"].(map[string]any)
		for name, raw := range cols {
			m, ok := raw.(map[string]any)
			if !ok {
				v.out.add(Issue{Code: "SIDECAR_INVALID", Location: sf.rel, SubCode: name,
					Message: fmt.Sprintf("columns.%s must be an object", name)}, "")

				continue
			}
			if sc.columns[name] == nil {
				sc.columns[name] = map[string]any{}
			}
			for k, val := range m {
				sc.columns[name][k] = val
			}
		}
	}

	return sc
}

func isAncestor(anc, dir string) bool {
	return anc == "." || anc == dir || strings.HasPrefix(dir, anc+"/")
}

func depth(dir string) int {
	if dir == "." {
		return 0
	}

	return strings.Count(dir, "/") + 1
}

func subset(a, b map[string]string) bool {
	for k, val := range a {
		if b[k] != val {
			return false
		}
	}

	return true
}

// effectiveColumns applies the merged sidecar to the table's dictionary.
// Validation runs on the merged result: a sidecar may describe, add units
// and narrow allowed values or ranges, never widen them.
func (v *validator) effectiveColumns(f *file, sc *sidecar) []Column {
	cols := slices.Clone(f.table.Columns)
	if sc == nil {
		return cols
	}
	for _, req := range f.table.SidecarRequiredFields {
		if val, ok := sc.fields[req]; !ok || val == nil || val == "" {
			v.out.add(Issue{Code: "SIDECAR_FIELD_MISSING", Location: f.Rel, SubCode: req, Rule: "tables." + f.table.Name + ".sidecar_required_fields",
				Message:    fmt.Sprintf("no sidecar of this file sets %q", req),
				Suggestion: fmt.Sprintf("add %q to %s.json beside the file or in a parent folder", req, sidecarStem(f))}, "")
		}
	}
	names := make([]string, 0, len(sc.columns))
	for n := range sc.columns {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		over := sc.columns[name]
		i := slices.IndexFunc(cols, func(c Column) bool { return c.Name == name })
		if i < 0 {
			v.out.add(Issue{Code: "SIDECAR_UNKNOWN_COLUMN", Location: f.Rel, SubCode: name,
				Message: fmt.Sprintf("a sidecar (%s) describes column %q, which table %q does not define", strings.Join(sc.sources, ", "), name, f.table.Name)}, "")

			continue
		}
		v.narrow(f, &cols[i], over)
	}

	return cols
}

func sidecarStem(f *file) string {
	if f.table.Suffix != "" {
		return f.table.Suffix
	}

	return f.stem
}

func (v *validator) narrow(f *file, c *Column, over map[string]any) {
	bad := func(field, msg string) {
		v.out.add(Issue{Code: "SIDECAR_VALUES_NOT_SUBSET", Location: f.Rel, SubCode: c.Name + "." + field, Message: msg}, "")
	}
	if s, ok := over["description"].(string); ok {
		c.Description = s
	}
	if s, ok := over["unit"].(string); ok {
		c.Unit = s
	}
	if raw, ok := over["allowed_values"].([]any); ok {
		var vals []string
		for _, x := range raw {
			vals = append(vals, fmt.Sprint(x))
		}
		if len(c.AllowedValues) > 0 {
			base := map[string]bool{}
			for _, a := range c.AllowedValues {
				base[norm.NFKC.String(a)] = true
			}
			for _, x := range vals {
				if !base[norm.NFKC.String(x)] {
					bad("allowed_values", fmt.Sprintf("column %q: sidecar value %q is not among the schema's allowed values", c.Name, x))
				}
			}
		}
		c.AllowedValues = vals
	}
	if n, ok := number(over["minimum"]); ok {
		if c.Minimum != nil && n < *c.Minimum {
			bad("minimum", fmt.Sprintf("column %q: sidecar minimum %v is below the schema's %v", c.Name, n, *c.Minimum))
		} else {
			c.Minimum = &n
		}
	}
	if n, ok := number(over["maximum"]); ok {
		if c.Maximum != nil && n > *c.Maximum {
			bad("maximum", fmt.Sprintf("column %q: sidecar maximum %v is above the schema's %v", c.Name, n, *c.Maximum))
		} else {
			c.Maximum = &n
		}
	}
}

func number(x any) (float64, bool) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()

	return f, err == nil
}
