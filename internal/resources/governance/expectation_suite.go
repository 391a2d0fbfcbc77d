package governance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/apache/iceberg-go/table"
	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsonkind"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

// ExpectationSuiteKeyPrefix is where suites go when the configuration names no key.
const ExpectationSuiteKeyPrefix = "governance/expectation-suites/"

type expectationSuiteResourceModel struct {
	DocumentModel
	Name         types.String         `tfsdk:"name"`
	Table        types.String         `tfsdk:"table"`
	Meta         jsontypes.Normalized `tfsdk:"meta"`
	Notes        types.String         `tfsdk:"notes"`
	Expectations []expectationModel   `tfsdk:"expectations"`
}

type expectationModel struct {
	Type   types.String         `tfsdk:"type"`
	Kwargs jsontypes.Normalized `tfsdk:"kwargs"`
	Meta   jsontypes.Normalized `tfsdk:"meta"`
	Notes  types.String         `tfsdk:"notes"`
}

// NewExpectationSuiteResource is lakehouse_expectation_suite.
func NewExpectationSuiteResource() resource.Resource {
	return NewDocumentResource[expectationSuiteResourceModel](DocumentSpec[expectationSuiteResourceModel]{
		TypeSuffix: "expectation_suite",
		Kind:       "expectation suite",
		MarkdownDescription: "A Great Expectations 1.x expectation suite, checked by " +
			"`lakehouse-runner check --suite s3://<bucket>/<key> <data>`. Each expectation has a GX type and its " +
			"kwargs as JSON; the types and kwargs are checked at plan time with the same engine the runner uses, and " +
			"when `table` binds the suite to an Iceberg table, every column an expectation names must exist in the " +
			"table's live schema (checked in the plan, and again before the suite is written). The key defaults " +
			"to `" + ExpectationSuiteKeyPrefix + "<name>.json`. Suites written by GX 0.18 can be imported with an empty plan; the document is rewritten in GX 1.x form on its " +
			"next change.",
		Attributes: expectationSuiteAttributes(),
		DefaultKey: func(m *expectationSuiteResourceModel) string { return keyFromName(ExpectationSuiteKeyPrefix, m.Name) },
		Encode:     encodeExpectationSuite,
		Decode:     decodeExpectationSuite,
		Validate:   validateExpectationSuite,
		LiveCheck:  checkSuiteColumns,
		Backends:   suiteBackends,
	})
}

// suiteBackends adds the catalog when the suite is bound to a table, whose
// columns the plan checks.
func suiteBackends(m *expectationSuiteResourceModel) []string {
	if m.Table.IsNull() {
		return nil
	}

	return []string{providerdata.BlockCatalog}
}

func expectationSuiteAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Suite name (GX `name`), shown in validation results and used in the default key.",
			Validators:          nameValidators(),
		},
		"table": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Iceberg table the suite is written for, as `namespace.table`. When set, the plan fails " +
				"if an expectation names a column the live table does not have, and the apply checks again before the " +
				"suite is written. Recorded in the suite's `meta.table`.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"meta": schema.StringAttribute{
			CustomType: jsontypes.NormalizedType{}, Optional: true,
			MarkdownDescription: "Suite `meta` as a JSON object. Key order and whitespace never show as a change.",
		},
		"notes": schema.StringAttribute{Optional: true, MarkdownDescription: "Suite notes (Markdown)."},
		"expectations": schema.ListNestedAttribute{
			Required:            true,
			MarkdownDescription: "The expectations, in order.",
			Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"type": schema.StringAttribute{
					Required: true,
					MarkdownDescription: "GX expectation type, for example `expect_column_values_to_not_be_null`. Known types: " +
						quoted(expectations.Types()) + ".",
					Validators: []validator.String{validators.Check("a known GX expectation type", "Unknown expectation type", expectations.CheckType)},
				},
				"kwargs": schema.StringAttribute{
					CustomType: jsontypes.NormalizedType{}, Required: true,
					MarkdownDescription: "The expectation's kwargs as a JSON object (use `jsonencode`). Checked at plan time: " +
						"required kwargs present and well typed, unknown kwargs refused.",
				},
				"meta": schema.StringAttribute{
					CustomType: jsontypes.NormalizedType{}, Optional: true,
					MarkdownDescription: "The expectation's `meta` as a JSON object.",
				},
				"notes": schema.StringAttribute{Optional: true, MarkdownDescription: "Notes shown with the expectation's result."},
			}},
		},
	}
}

// suiteDocument is the GX 1.x shape the runner reads.
type suiteDocument struct {
	Name         string           `json:"name"`
	Expectations []expectationDoc `json:"expectations"`
	Meta         map[string]any   `json:"meta,omitempty"`
	Notes        string           `json:"notes,omitempty"`
}

type expectationDoc struct {
	Type   string         `json:"type"`
	Kwargs map[string]any `json:"kwargs"`
	Meta   map[string]any `json:"meta,omitempty"`
	Notes  string         `json:"notes,omitempty"`
}

// jsonObject decodes a JSON attribute that must hold an object; about names
// the expectation it belongs to, if any.
func jsonObject(v jsontypes.Normalized, p path.Path, about string, d *diag.Diagnostics) map[string]any {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var doc any
	if err := json.Unmarshal([]byte(v.ValueString()), &doc); err != nil {
		d.AddAttributeError(p, "Invalid JSON object", fmt.Sprintf("%s%s: the value is no JSON. Write it with "+
			"jsonencode({ ... }).\n\nOriginal error: %s", p, about, err))

		return nil
	}
	m, ok := doc.(map[string]any)
	if !ok {
		d.AddAttributeError(p, "Invalid JSON object", fmt.Sprintf("%s%s: the value is %s, but it must be a JSON object. "+
			"Write it with jsonencode({ ... }).", p, about, jsonkind.Of(doc)))

		return nil
	}

	return m
}

// expectationAbout names expectation i for a diagnostic: " (expectation 2,
// expect_column_values_to_not_be_null)".
func expectationAbout(i int, e expectationModel) string {
	if e.Type.IsNull() || e.Type.IsUnknown() {
		return fmt.Sprintf(" (expectation %d)", i)
	}

	return fmt.Sprintf(" (expectation %d, %s)", i, e.Type.ValueString())
}

func encodeExpectationSuite(_ context.Context, m *expectationSuiteResourceModel) (any, diag.Diagnostics) {
	var d diag.Diagnostics
	doc := suiteDocument{
		Name:  m.Name.ValueString(),
		Meta:  jsonObject(m.Meta, path.Root("meta"), "", &d),
		Notes: m.Notes.ValueString(),
	}
	if t := m.Table.ValueString(); t != "" {
		if doc.Meta == nil {
			doc.Meta = map[string]any{}
		}
		doc.Meta["table"] = t
	}
	for i, e := range m.Expectations {
		p := path.Root("expectations").AtListIndex(i)
		about := expectationAbout(i, e)
		kw := jsonObject(e.Kwargs, p.AtName("kwargs"), about, &d)
		if kw == nil {
			kw = map[string]any{}
		}
		doc.Expectations = append(doc.Expectations, expectationDoc{
			Type: e.Type.ValueString(), Kwargs: kw, Meta: jsonObject(e.Meta, p.AtName("meta"), about, &d), Notes: e.Notes.ValueString(),
		})
	}

	return doc, d
}

func decodeExpectationSuite(_ context.Context, raw []byte, m *expectationSuiteResourceModel) error {
	s, err := expectations.ParseSuite(raw)
	if err != nil {
		return err
	}
	m.Name = types.StringValue(s.Name)
	meta := s.Meta
	m.Table = types.StringNull()
	if t, ok := meta["table"].(string); ok {
		m.Table = types.StringValue(t)
		meta = copyWithout(meta, "table")
	}
	m.Meta = normalizedOrNull(meta)
	m.Notes = stringOrNull(s.Notes)
	m.Expectations = nil
	for _, c := range s.Expectations {
		kw, err := json.Marshal(c.Kwargs)
		if err != nil {
			return err
		}
		m.Expectations = append(m.Expectations, expectationModel{
			Type: types.StringValue(c.Type), Kwargs: jsontypes.NewNormalizedValue(string(kw)),
			Meta: normalizedOrNull(c.Meta), Notes: stringOrNull(c.Notes),
		})
	}

	return nil
}

func copyWithout(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}

	return out
}

func normalizedOrNull(m map[string]any) jsontypes.Normalized {
	if len(m) == 0 {
		return jsontypes.NewNormalizedNull()
	}
	b, _ := json.Marshal(m)

	return jsontypes.NewNormalizedValue(string(b))
}

func stringOrNull(v any) basetypes.StringValue {
	s, ok := v.(string)
	if !ok || s == "" {
		return types.StringNull()
	}

	return types.StringValue(s)
}

// validateExpectationSuite runs each known expectation through the runner's
// own engine, so the plan refuses exactly what `check` would refuse.
func validateExpectationSuite(_ context.Context, m *expectationSuiteResourceModel, d *diag.Diagnostics) {
	if !m.Table.IsNull() && !m.Table.IsUnknown() {
		if ident, err := catalog.ParseIdentifier(m.Table.ValueString()); err != nil || len(ident) < 2 {
			d.AddAttributeError(path.Root("table"), "Invalid table name",
				fmt.Sprintf("table: %q is not `namespace.table`. Name the Iceberg table the suite is written for, for "+
					"example `oulad.assessments`.", m.Table.ValueString()))
		}
	}
	known := expectations.Types()
	for i, e := range m.Expectations {
		p := path.Root("expectations").AtListIndex(i)
		if e.Type.IsUnknown() || e.Kwargs.IsUnknown() || e.Type.IsNull() || !slices.Contains(known, e.Type.ValueString()) {
			continue // unknown types are reported by the type's validator
		}
		kp := p.AtName("kwargs")
		if !json.Valid([]byte(e.Kwargs.ValueString())) {
			continue // the attribute's JSON type reports it
		}
		kw := jsonObject(e.Kwargs, kp, expectationAbout(i, e), d)
		if kw == nil {
			continue
		}
		doc, _ := json.Marshal(suiteDocument{Name: "plan", Expectations: []expectationDoc{{Type: e.Type.ValueString(), Kwargs: kw}}})
		if _, err := expectations.ParseSuite(doc); err != nil {
			var ce *expectations.ConfigError
			msg := err.Error()
			if errors.As(err, &ce) {
				msg = ce.Err.Error()
			}
			d.AddAttributeError(kp, "Invalid expectation kwargs",
				fmt.Sprintf("%s%s: %s. The runner's check command refuses the suite with these kwargs.",
					kp, expectationAbout(i, e), msg))
		}
	}
}

// columnsNamed lists the table columns an expectation's kwargs refer to.
func columnsNamed(kw map[string]any) []string {
	var out []string
	for _, k := range []string{"column", "column_A", "column_B"} {
		if s, ok := kw[k].(string); ok {
			out = append(out, s)
		}
	}
	if l, ok := kw["column_list"].([]any); ok {
		for _, v := range l {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}

	return out
}

// checkSuiteColumns fails the plan when a bound table lacks a column that an
// expectation names; a suite that silently checks nothing is worse than none.
func checkSuiteColumns(ctx context.Context, data *providerdata.Data, m *expectationSuiteResourceModel, d *diag.Diagnostics) {
	if m.Table.IsNull() || m.Table.IsUnknown() {
		return
	}
	tbl, ok := loadBoundTable(ctx, data, m.Table.ValueString(), d)
	if !ok {
		return
	}
	sch := tbl.Schema()
	for i, e := range m.Expectations {
		var kw map[string]any
		if json.Unmarshal([]byte(e.Kwargs.ValueString()), &kw) != nil {
			continue
		}
		var missing []string
		for _, c := range columnsNamed(kw) {
			if _, found := sch.FindFieldByName(c); !found {
				missing = append(missing, c)
			}
		}
		if len(missing) == 0 {
			continue
		}
		sort.Strings(missing)
		var have []string
		for _, f := range sch.Fields() {
			have = append(have, f.Name)
		}
		p := path.Root("expectations").AtListIndex(i).AtName("kwargs")
		d.AddAttributeError(p, "Column not in the bound table",
			fmt.Sprintf("%s: expectation %d (%s) names %s, which table %s does not have. Its columns are: %s. "+
				"Fix the column name. If this configuration also renames or adds the column in the table, apply the "+
				"table first (`terraform apply -target` on it), since the plan checks the live table.", p, i, e.Type.ValueString(),
				"`"+strings.Join(missing, "`, `")+"`", m.Table.ValueString(), strings.Join(have, ", ")))
	}
}

func loadBoundTable(ctx context.Context, data *providerdata.Data, name string, d *diag.Diagnostics) (*table.Table, bool) {
	p := path.Root("table")
	ident, err := catalog.ParseIdentifier(name)
	if err != nil || len(ident) < 2 {
		return nil, false // reported by validateExpectationSuite
	}
	cat, err := catalog.FromData(data)
	var missing *catalog.MissingFileError
	if errors.As(err, &missing) {
		// A plan never creates the catalog file; the apply that creates the
		// table creates it, and the runner checks the columns again.
		d.AddAttributeWarning(p, "Bound table not found",
			fmt.Sprintf("Table %s could not be loaded, so the columns the suite names were not checked: %v", name, err))

		return nil, false
	}
	if err != nil {
		d.AddAttributeError(p, "Cannot check the bound table",
			fmt.Sprintf("table: the suite is bound to %s, so its columns are checked, but the catalog is not reachable.\n\n"+
				"Configure the provider's catalog block, or remove `table`.\n\nOriginal error: %s", name, err))

		return nil, false
	}
	tbl, err := cat.LoadTable(ctx, ident)
	if err != nil {
		// A table created in the same apply does not exist yet; the runner
		// checks the columns again when it runs the suite.
		d.AddAttributeWarning(p, "Bound table not found",
			fmt.Sprintf("table: %s could not be loaded, so the columns the suite names were not checked. The runner "+
				"checks them when it runs the suite.\n\nOriginal error: %v", name, err))

		return nil, false
	}

	return tbl, true
}
