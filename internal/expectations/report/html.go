package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"sort"
	"strconv"

	"github.com/wcharczuk/go-chart/v2"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/textclip"
)

// WriteHTML writes one self-contained page: styles inline, charts as inline
// SVG drawn by go-chart, no scripts and no network fetches.
func WriteHTML(w io.Writer, tables []Table) error {
	var page htmlPage
	for _, t := range tables {
		ht := htmlTable{Name: t.Name, Suite: t.Result.SuiteName, Success: t.Result.Success, Stats: t.Result.Statistics,
			Rows: fmt.Sprint(t.Result.Meta["row_count"])}
		var bars []chart.Value
		for i, e := range t.Result.Results {
			he := htmlExp{N: i + 1, Desc: Describe(e.ExpectationConfig), Success: e.Success, Obs: Observation(e)}
			detail, _ := json.MarshalIndent(e.Result, "", "  ")
			he.Detail = string(detail)
			if n, ok := toInt(e.Result["unexpected_count"]); ok {
				bars = append(bars, chart.Value{Value: float64(n), Label: fmt.Sprintf("#%d", i+1)})
			}
			if counts, ok := e.Result["partial_unexpected_counts"].([]map[string]any); ok && len(counts) > 0 {
				he.Chart = valueChart("Unexpected values (first "+fmt.Sprint(len(counts))+")", counts, "value", "count")
			} else if d, ok := e.Result["details"].(map[string]any); ok {
				if vc, ok := d["value_counts"].([]map[string]any); ok && len(vc) > 0 {
					he.Chart = valueChart("Value distribution", topN(vc, 25), "value", "count")
				}
			}
			ht.Exps = append(ht.Exps, he)
		}
		ht.Malformed = MalformedOf(t.Result)
		if anyPositive(bars) {
			ht.Chart = barSVG("Unexpected rows per expectation", bars)
		}
		if profs, ok := t.Result.Meta["column_profiles"].([]expectations.ColumnProfile); ok {
			for _, p := range profs {
				// A column without a chart still gets its note: it says why
				// (no values, too many distinct ones, none frequent).
				hp := htmlProfile{Column: p.Column, Note: p.Note}
				var hb []chart.Value
				for _, h := range p.Histogram {
					hb = append(hb, chart.Value{Value: float64(h.Count), Label: h.Label})
				}
				if anyPositive(hb) {
					hp.Chart = barSVG(p.Column, hb)
				}
				ht.Profiles = append(ht.Profiles, hp)
			}
		}
		page.Tables = append(page.Tables, ht)
	}

	return pageTmpl.Execute(w, page)
}

func topN(vc []map[string]any, n int) []map[string]any {
	out := append([]map[string]any(nil), vc...)
	sort.SliceStable(out, func(i, j int) bool {
		a, _ := toInt(out[i]["count"])
		b, _ := toInt(out[j]["count"])
		return a > b
	})
	if len(out) > n {
		out = out[:n]
	}

	return out
}

// toInt reads a count from a result, as the engine or a decoded JSON
// document gives it.
func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case float64:
		return int64(x), true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}

	return 0, false
}

func maxValue(v []chart.Value) float64 {
	m := 1.0
	for _, b := range v {
		m = max(m, b.Value)
	}

	return m
}

func anyPositive(v []chart.Value) bool {
	for _, b := range v {
		if b.Value > 0 {
			return true
		}
	}

	return false
}

func valueChart(title string, counts []map[string]any, vk, ck string) template.HTML {
	var bars []chart.Value
	for _, c := range counts {
		n, _ := toInt(c[ck])
		label := "null" // as results write a missing value
		if s, isStr := c[vk].(string); isStr {
			label = s
		} else if b, err := json.Marshal(c[vk]); err == nil {
			label = string(b)
		}
		label = textclip.Clip(label, 18)
		bars = append(bars, chart.Value{Value: float64(n), Label: label})
	}
	if !anyPositive(bars) {
		return ""
	}

	return barSVG(title, bars)
}

// barSVG renders a bar chart. go-chart writes labels into the SVG as they
// are, so they are escaped here first.
func barSVG(title string, bars []chart.Value) template.HTML {
	// Beyond a dozen bars, labelling every one makes them overlap: label
	// about eight, evenly spaced.
	every := max(1, (len(bars)+7)/8)
	for i := range bars {
		bars[i].Label = html.EscapeString(bars[i].Label)
		if len(bars) > 12 && i%every != 0 {
			bars[i].Label = ""
		}
	}
	width := 80 + 60*len(bars)
	if width < 400 {
		width = 400
	}
	if width > 1400 {
		width = 1400
	}
	bw := (width - 80) / len(bars) * 2 / 3
	if bw < 4 {
		bw = 4
	}
	c := chart.BarChart{
		Title:      html.EscapeString(title),
		Width:      width,
		Height:     280,
		BarWidth:   bw,
		Background: chart.Style{Padding: chart.Box{Top: 40, Left: 10, Right: 10, Bottom: 30}},
		// Counts start at zero, and ticks are rounded: a tick at 54.800000000000004
		// helps nobody.
		YAxis: chart.YAxis{Range: &chart.ContinuousRange{Min: 0, Max: maxValue(bars)}, ValueFormatter: func(v any) string {
			if f, ok := v.(float64); ok {
				return strconv.FormatFloat(f, 'g', 4, 64)
			}
			return fmt.Sprint(v)
		}},
		Bars: bars,
	}
	var buf bytes.Buffer
	if err := c.Render(chart.SVG, &buf); err != nil {
		return template.HTML("<p class=note>chart unavailable: " + html.EscapeString(err.Error()) + "</p>")
	}

	return template.HTML(buf.String()) //nolint:gosec // generated SVG, labels escaped above
}

type htmlPage struct{ Tables []htmlTable }

type htmlTable struct {
	Name, Suite, Rows string
	Success           bool
	Stats             expectations.Statistics
	Chart             template.HTML
	Exps              []htmlExp
	Malformed         *Malformed
	Profiles          []htmlProfile
}

type htmlProfile struct {
	Column, Note string
	Chart        template.HTML
}

type htmlExp struct {
	N                 int
	Desc, Obs, Detail string
	Success           bool
	Chart             template.HTML
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Expectation report</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2329;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
.pass{color:#16794c}.fail{color:#b42318}.warn{color:#9a6700}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde;padding:.4rem;text-align:left;vertical-align:top}
details pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:20rem}
.note{color:#667}
svg{max-width:100%;height:auto}
</style></head><body>
<h1>Expectation report</h1>
{{range .Tables}}
<h2>{{.Suite}} on {{.Name}}: {{if .Success}}<span class="pass">passed</span>{{else}}<span class="fail">failed</span>{{end}}</h2>
<p>{{.Stats.Successful}} of {{.Stats.Evaluated}} expectations met; {{.Rows}} rows.</p>
{{if .Chart}}<figure>{{.Chart}}</figure>{{end}}
{{with .Malformed}}<h3 class="{{if .FailsRun}}fail{{else}}warn{{end}}">{{.Summary}}</h3><ul>{{range .Records}}<li>{{.}}</li>{{end}}</ul>{{end}}
<table><thead><tr><th>#</th><th>Result</th><th>Expectation</th><th>Observed</th></tr></thead><tbody>
{{range .Exps}}<tr><td>{{.N}}</td><td>{{if .Success}}<span class="pass">pass</span>{{else}}<span class="fail">FAIL</span>{{end}}</td>
<td><code>{{.Desc}}</code>{{if .Chart}}<div>{{.Chart}}</div>{{end}}</td>
<td>{{.Obs}}<details><summary>result</summary><pre>{{.Detail}}</pre></details></td></tr>
{{end}}</tbody></table>
{{if .Profiles}}<h3>Value distributions</h3>{{range .Profiles}}{{if .Chart}}<figure>{{.Chart}}<figcaption class="note">{{.Column}}: {{.Note}}</figcaption></figure>{{else}}<p class="note">{{.Column}}: {{.Note}}</p>{{end}}{{end}}{{end}}
{{end}}
<p class="note">Written by lakehouse-runner check. Results follow the Great Expectations 1.x validation result format.</p>
</body></html>
`))
