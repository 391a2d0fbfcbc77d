package governance

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
)

// SubmissionSchemaKeyPrefix is where submission schemas go when the
// configuration names no key.
const SubmissionSchemaKeyPrefix = "governance/submission-schemas/"

type submissionSchemaResourceModel struct {
	DocumentModel
	Name               types.String `tfsdk:"name"`
	SchemaVersion      types.String `tfsdk:"schema_version"`
	Description        types.String `tfsdk:"description"`
	DatasetDescription types.Object `tfsdk:"dataset_description"`
	Entities           types.List   `tfsdk:"entities"`
	MissingValues      types.List   `tfsdk:"missing_values"`
	Ignore             types.List   `tfsdk:"ignore"`
	Tables             types.Map    `tfsdk:"tables"`
	ForeignKeys        types.List   `tfsdk:"foreign_keys"`
}

type descriptionRulesModel struct {
	File           types.String `tfsdk:"file"`
	RequiredFields types.List   `tfsdk:"required_fields"`
	Licenses       types.Set    `tfsdk:"licenses"`
	RequireORCID   types.Bool   `tfsdk:"require_orcid"`
}

type entityModel struct {
	Name        types.String `tfsdk:"name"`
	Format      types.String `tfsdk:"format"`
	Description types.String `tfsdk:"description"`
}

type tableModel struct {
	Description           types.String `tfsdk:"description"`
	FileName              types.String `tfsdk:"file_name"`
	Suffix                types.String `tfsdk:"suffix"`
	RequiredEntities      types.List   `tfsdk:"required_entities"`
	OptionalEntities      types.List   `tfsdk:"optional_entities"`
	Extensions            types.List   `tfsdk:"extensions"`
	Required              types.Bool   `tfsdk:"required"`
	AdditionalColumns     types.String `tfsdk:"additional_columns"`
	PrimaryKey            types.List   `tfsdk:"primary_key"`
	SidecarRequiredFields types.List   `tfsdk:"sidecar_required_fields"`
	Columns               types.List   `tfsdk:"columns"`
}

type columnModel struct {
	Name          types.String  `tfsdk:"name"`
	Type          types.String  `tfsdk:"type"`
	Description   types.String  `tfsdk:"description"`
	Unit          types.String  `tfsdk:"unit"`
	Required      types.Bool    `tfsdk:"required"`
	Nullable      types.Bool    `tfsdk:"nullable"`
	AllowedValues types.Set     `tfsdk:"allowed_values"`
	Minimum       types.Float64 `tfsdk:"minimum"`
	Maximum       types.Float64 `tfsdk:"maximum"`
	Pattern       types.String  `tfsdk:"pattern"`
	MissingValues types.List    `tfsdk:"missing_values"`
}

type foreignKeyModel struct {
	Name              types.String `tfsdk:"name"`
	Table             types.String `tfsdk:"table"`
	Columns           types.List   `tfsdk:"columns"`
	ReferencesTable   types.String `tfsdk:"references_table"`
	ReferencesColumns types.List   `tfsdk:"references_columns"`
}

// NewSubmissionSchemaResource is lakehouse_submission_schema.
func NewSubmissionSchemaResource() resource.Resource {
	return NewDocumentResource[submissionSchemaResourceModel](DocumentSpec[submissionSchemaResourceModel]{
		TypeSuffix: "submission_schema",
		Kind:       "submission schema",
		MarkdownDescription: "A submission schema: the rules a data submission (a folder or `s3://` prefix of CSV/TSV " +
			"tables) must follow, checked by `lakehouse-runner validate --schema s3://<bucket>/<key> <dataset>`. " +
			"It declares the FAIR fields of `dataset_description.json`, file-name rules (exact names, or ordered " +
			"`key-value_` entities and a suffix, as in BIDS), a column dictionary per table, JSON sidecars " +
			"inherited from parent folders, primary keys and cross-file keys (every student in a fact table " +
			"appears in the roster). The key defaults to `" + SubmissionSchemaKeyPrefix + "<name>.json`.",
		Attributes: submissionSchemaAttributes(),
		DefaultKey: func(m *submissionSchemaResourceModel) string { return keyFromName(SubmissionSchemaKeyPrefix, m.Name) },
		Encode:     encodeSubmissionSchema,
		Decode:     decodeSubmissionSchema,
		Validate:   validateSubmissionSchema,
	})
}

var (
	oneOrMore = []validator.List{listvalidator.SizeAtLeast(1)}
	// Empty optional lists are refused: the document omits them, so they
	// would read back as null and show a diff on every plan.
	stringList = func(desc string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: desc, Validators: oneOrMore}
	}
)

func quoted(v []string) string { return "`" + strings.Join(v, "`, `") + "`" }

func submissionSchemaAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Name of the schema, shown in reports and used in the default key. Letters, digits, " +
				"`.`, `_` and `-`. Changing it moves the document when the key is not set.",
			Validators: nameValidators(),
		},
		"schema_version": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Version of this schema (for example `1.0.0`), shown in reports.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"description": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "What submissions under this schema hold.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"dataset_description": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "Rules for the submission's `dataset_description.json` (its FAIR record). Without " +
				"this block the runner requires " + quoted(submission.DefaultRequiredFields) + ".",
			Attributes: map[string]schema.Attribute{
				"file": schema.StringAttribute{
					Optional: true, Computed: true, Default: stringdefault.StaticString("dataset_description.json"),
					MarkdownDescription: "File name of the description at the dataset root.",
				},
				"required_fields": schema.ListAttribute{
					ElementType: types.StringType, Optional: true, Computed: true,
					Default: listdefault.StaticValue(types.ListValueMust(types.StringType, stringValues(submission.DefaultRequiredFields))),
					MarkdownDescription: "Fields that must be present and non-empty, from " + quoted(submission.DescriptionFields) +
						". `doi` and `description` are recommended (a warning) when not required.",
					Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.OneOf(submission.DescriptionFields...)), listvalidator.UniqueValues()},
				},
				"licenses": schema.SetAttribute{
					ElementType: types.StringType, Optional: true,
					MarkdownDescription: "SPDX licence identifiers a submission may use (for example `CC-BY-4.0`); any valid " +
						"SPDX expression when unset.",
					Validators: []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(spdxValidator{})},
				},
				"require_orcid": schema.BoolAttribute{
					Optional: true, Computed: true, Default: booldefault.StaticBool(false),
					MarkdownDescription: "Require an ORCID iD for every creator. ORCID iDs that are given are always checked, check digit included.",
				},
			},
		},
		"entities": schema.ListNestedAttribute{
			Optional: true,
			MarkdownDescription: "Keys of entity-based file names, in the order they must appear: with `inst` and `term`, " +
				"a file is named `inst-<label>_term-<label>_<suffix>.csv`.",
			Validators: oneOrMore,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, MarkdownDescription: "Entity key: lower-case letters and digits, starting with a letter."},
				"format": schema.StringAttribute{
					Optional: true, Computed: true, Default: stringdefault.StaticString(submission.FormatLabel),
					MarkdownDescription: "`label` (letters and digits) or `index` (digits).",
					Validators:          []validator.String{stringvalidator.OneOf(submission.FormatLabel, submission.FormatIndex)},
				},
				"description": schema.StringAttribute{Optional: true, MarkdownDescription: "What the entity identifies."},
			}},
		},
		"missing_values": stringList("Tokens that mean a missing value in every table (default: the empty string). A column may override them."),
		"ignore":         stringList("Glob patterns (matched against the relative path and the file name) of files the runner skips, listed as info."),
		"tables": schema.MapNestedAttribute{
			Required:            true,
			MarkdownDescription: "Tables of the submission, by name. Each matches files by `file_name` or by `suffix` and entities.",
			Validators:          []validator.Map{mapvalidator.SizeAtLeast(1)},
			NestedObject:        schema.NestedAttributeObject{Attributes: tableAttributes()},
		},
		"foreign_keys": schema.ListNestedAttribute{
			Optional:            true,
			MarkdownDescription: "Cross-file rules: every key in `table`.`columns` must appear in `references_table`.`references_columns`.",
			Validators:          oneOrMore,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"name":               schema.StringAttribute{Optional: true, MarkdownDescription: "Name shown in the report (the issue's subCode)."},
				"table":              schema.StringAttribute{Required: true, MarkdownDescription: "Referencing table (a key of `tables`)."},
				"columns":            schema.ListAttribute{ElementType: types.StringType, Required: true, Validators: oneOrMore, MarkdownDescription: "Referencing columns."},
				"references_table":   schema.StringAttribute{Required: true, MarkdownDescription: "Referenced table, for example the roster."},
				"references_columns": schema.ListAttribute{ElementType: types.StringType, Required: true, Validators: oneOrMore, MarkdownDescription: "Referenced columns, in the same order."},
			}},
		},
	}
}

func tableAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"description":       schema.StringAttribute{Optional: true, MarkdownDescription: "What one row is."},
		"file_name":         schema.StringAttribute{Optional: true, MarkdownDescription: "Exact file name (in any folder), for example `studentInfo.csv`. Conflicts with `suffix`."},
		"suffix":            schema.StringAttribute{Optional: true, MarkdownDescription: "Suffix of entity-based names (`..._<suffix>.csv`). Conflicts with `file_name`."},
		"required_entities": stringList("Entities a file name must carry (suffix tables only)."),
		"optional_entities": stringList("Entities a file name may carry (suffix tables only)."),
		"extensions":        stringList("Allowed extensions of suffix tables (default `.csv`; `.tsv` is read tab-separated, `.parquet` as Parquet)."),
		"required": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "A submission must contain at least one file of this table.",
		},
		"additional_columns": schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString(submission.AdditionalNotAllowed),
			MarkdownDescription: "Columns not in the dictionary: `not_allowed` (error), `warn` or `allowed`.",
			Validators:          []validator.String{stringvalidator.OneOf(submission.AdditionalNotAllowed, submission.AdditionalWarn, submission.AdditionalAllowed)},
		},
		"primary_key":             stringList("Columns whose values together are unique across the table's files."),
		"sidecar_required_fields": stringList("Fields the JSON sidecars of each file, merged from parent folders, must set (for example `collection_period`)."),
		"columns": schema.ListNestedAttribute{
			Required:            true,
			MarkdownDescription: "The column dictionary.",
			Validators:          oneOrMore,
			NestedObject:        schema.NestedAttributeObject{Attributes: columnAttributes()},
		},
	}
}

func columnAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{Required: true, MarkdownDescription: "Column header, exactly."},
		"type": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Logical type: " + quoted(submission.ColumnTypes) + ". Dates are `YYYY-MM-DD`; date-times RFC 3339.",
			Validators:          []validator.String{stringvalidator.OneOf(submission.ColumnTypes...)},
		},
		"description": schema.StringAttribute{Optional: true, MarkdownDescription: "What the column means."},
		"unit":        schema.StringAttribute{Optional: true, MarkdownDescription: "Unit of measure, shown in range messages."},
		"required": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "The column must be present in the file.",
		},
		"nullable": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			MarkdownDescription: "Missing values are allowed.",
		},
		"allowed_values": schema.SetAttribute{
			ElementType: types.StringType, Optional: true,
			MarkdownDescription: "The only values allowed (compared after Unicode NFKC normalisation, so `µ` and `μ` match).",
			Validators:          []validator.Set{setvalidator.SizeAtLeast(1)},
		},
		"minimum":        schema.Float64Attribute{Optional: true, MarkdownDescription: "Smallest allowed value (integer and number columns)."},
		"maximum":        schema.Float64Attribute{Optional: true, MarkdownDescription: "Largest allowed value (integer and number columns)."},
		"pattern":        schema.StringAttribute{Optional: true, MarkdownDescription: "RE2 regular expression the whole value must match."},
		"missing_values": stringList("Tokens that mean a missing value in this column, replacing the schema's list (for example `[\"\", \"?\"]`)."),
	}
}

type spdxValidator struct{}

func (spdxValidator) Description(context.Context) string {
	return "value must be an SPDX license identifier"
}

func (v spdxValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (spdxValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := submission.CheckLicense(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid licence", fmt.Sprintf("%s: %s.", req.Path, msg))
	}
}

// converter turns the model into a submission.Schema and remembers
// whether it met an unknown value.
type converter struct {
	ctx     context.Context
	d       diag.Diagnostics
	unknown bool
}

func (c *converter) str(v types.String) string {
	if v.IsUnknown() {
		c.unknown = true
	}

	return v.ValueString()
}

func (c *converter) strings(v attr.Value) []string {
	if v.IsNull() {
		return nil
	}
	if v.IsUnknown() {
		c.unknown = true

		return nil
	}
	var out []types.String
	switch t := v.(type) {
	case types.List:
		c.d.Append(t.ElementsAs(c.ctx, &out, false)...)
	case types.Set:
		c.d.Append(t.ElementsAs(c.ctx, &out, false)...)
	}
	res := make([]string, 0, len(out))
	for _, s := range out {
		res = append(res, c.str(s))
	}
	if _, isSet := v.(types.Set); isSet {
		sort.Strings(res)
	}

	return res
}

// orDefault reads an attribute that has a schema default. ValidateConfig
// sees the configuration before defaults apply, so null means the default.
func (c *converter) orDefault(v types.String, def string) string {
	if v.IsNull() {
		return def
	}

	return c.str(v)
}

func (c *converter) boolOrDefault(v types.Bool, def bool) bool {
	if v.IsNull() {
		return def
	}

	return c.boolean(v)
}

func (c *converter) boolean(v types.Bool) bool {
	if v.IsUnknown() {
		c.unknown = true
	}

	return v.ValueBool()
}

func (c *converter) float(v types.Float64) *float64 {
	if v.IsUnknown() {
		c.unknown = true
	}
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	f := v.ValueFloat64()

	return &f
}

func elements[T any](c *converter, v attr.Value) []T {
	if v.IsNull() {
		return nil
	}
	if v.IsUnknown() {
		c.unknown = true

		return nil
	}
	var out []T
	if l, ok := v.(types.List); ok {
		c.d.Append(l.ElementsAs(c.ctx, &out, false)...)
	}

	return out
}

// toSchema converts the model. Tables are written in name order, so the
// document is stable whatever order the map iterates in.
func (c *converter) toSchema(m *submissionSchemaResourceModel) (*submission.Schema, []string) {
	s := &submission.Schema{
		Format:        submission.FormatV1,
		Name:          c.str(m.Name),
		Version:       c.str(m.SchemaVersion),
		Description:   c.str(m.Description),
		MissingValues: c.strings(m.MissingValues),
		Ignore:        c.strings(m.Ignore),
	}
	if m.DatasetDescription.IsUnknown() {
		c.unknown = true
	} else if !m.DatasetDescription.IsNull() {
		var dr descriptionRulesModel
		c.d.Append(m.DatasetDescription.As(c.ctx, &dr, objectAsOptions)...)
		s.DatasetDescription = &submission.DescriptionRules{
			File: c.orDefault(dr.File, "dataset_description.json"), RequiredFields: c.strings(dr.RequiredFields),
			Licenses: c.strings(dr.Licenses), RequireORCID: c.boolean(dr.RequireORCID),
		}
		if s.DatasetDescription.RequiredFields == nil && !dr.RequiredFields.IsUnknown() {
			s.DatasetDescription.RequiredFields = []string{}
		}
	}
	for _, e := range elements[entityModel](c, m.Entities) {
		s.Entities = append(s.Entities, submission.Entity{Name: c.str(e.Name), Format: c.orDefault(e.Format, submission.FormatLabel), Description: c.str(e.Description)})
	}
	var names []string
	if m.Tables.IsUnknown() {
		c.unknown = true
	} else {
		tables := map[string]tableModel{}
		c.d.Append(m.Tables.ElementsAs(c.ctx, &tables, false)...)
		for n := range tables {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s.Tables = append(s.Tables, c.table(n, tables[n]))
		}
	}
	for _, fk := range elements[foreignKeyModel](c, m.ForeignKeys) {
		s.ForeignKeys = append(s.ForeignKeys, submission.ForeignKey{
			Name: c.str(fk.Name), Table: c.str(fk.Table), Columns: c.strings(fk.Columns),
			ReferencesTable: c.str(fk.ReferencesTable), ReferencesColumns: c.strings(fk.ReferencesColumns),
		})
	}

	return s, names
}

func (c *converter) table(name string, t tableModel) submission.Table {
	out := submission.Table{
		Name: name, Description: c.str(t.Description), FileName: c.str(t.FileName), Suffix: c.str(t.Suffix),
		RequiredEntities: c.strings(t.RequiredEntities), OptionalEntities: c.strings(t.OptionalEntities),
		Extensions: c.strings(t.Extensions), Required: c.boolean(t.Required),
		AdditionalColumns: c.orDefault(t.AdditionalColumns, submission.AdditionalNotAllowed), PrimaryKey: c.strings(t.PrimaryKey),
		SidecarRequiredFields: c.strings(t.SidecarRequiredFields),
	}
	for _, col := range elements[columnModel](c, t.Columns) {
		nullable := c.boolOrDefault(col.Nullable, true)
		out.Columns = append(out.Columns, submission.Column{
			Name: c.str(col.Name), Type: c.str(col.Type), Description: c.str(col.Description), Unit: c.str(col.Unit),
			Required: c.boolean(col.Required), Nullable: &nullable, AllowedValues: c.strings(col.AllowedValues),
			Minimum: c.float(col.Minimum), Maximum: c.float(col.Maximum), Pattern: c.str(col.Pattern),
			MissingValues: c.strings(col.MissingValues),
		})
	}

	return out
}

func encodeSubmissionSchema(ctx context.Context, m *submissionSchemaResourceModel) (any, diag.Diagnostics) {
	c := &converter{ctx: ctx}
	s, names := c.toSchema(m)
	if c.d.HasError() {
		return nil, c.d
	}
	for _, p := range s.Check() {
		addSchemaProblem(&c.d, s, names, p)
	}

	return s, c.d
}

// validateSubmissionSchema runs the runner's own schema checks at plan
// time, so a rule the runner would reject never reaches the bucket. It
// waits for values that are unknown until apply.
func validateSubmissionSchema(ctx context.Context, m *submissionSchemaResourceModel, d *diag.Diagnostics) {
	c := &converter{ctx: ctx}
	s, names := c.toSchema(m)
	d.Append(c.d...)
	if c.unknown || d.HasError() {
		return
	}
	for _, p := range s.Check() {
		addSchemaProblem(d, s, names, p)
	}
}

// addSchemaProblem reports a problem of the runner's schema check at its
// attribute. The path and what it is about are repeated in the text, as
// Terraform shows a problem inside a nested attribute at the resource line.
func addSchemaProblem(d *diag.Diagnostics, s *submission.Schema, names []string, p submission.Problem) {
	at := problemPath(p.Path, names)
	where := at.String()
	if about := problemSubject(s, p.Path); about != "" {
		where += " (" + about + ")"
	}
	d.AddAttributeError(at, "Invalid submission schema", where+": "+p.Message+".")
}

// problemSubject names the table, column, entity or foreign key a document
// path (tables[2].columns[0].type) is about: `table "roster", column "id"`.
func problemSubject(s *submission.Schema, p string) string {
	var out []string
	var tbl *submission.Table
	for _, seg := range strings.Split(p, ".") {
		m := segRE.FindStringSubmatch(seg)
		if m == nil || m[2] == "" {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		switch {
		case m[1] == "tables" && i < len(s.Tables):
			tbl = &s.Tables[i]
			out = append(out, fmt.Sprintf("table %q", tbl.Name))
		case m[1] == "columns" && tbl != nil && i < len(tbl.Columns):
			out = append(out, fmt.Sprintf("column %q", tbl.Columns[i].Name))
		case m[1] == "entities" && i < len(s.Entities):
			out = append(out, fmt.Sprintf("entity %q", s.Entities[i].Name))
		case m[1] == "foreign_keys" && i < len(s.ForeignKeys):
			fk := s.ForeignKeys[i]
			if fk.Name != "" {
				out = append(out, fmt.Sprintf("foreign key %q", fk.Name))
			} else {
				out = append(out, fmt.Sprintf("foreign key from %q to %q", fk.Table, fk.ReferencesTable))
			}
		}
	}

	return strings.Join(out, ", ")
}

var segRE = regexp.MustCompile(`^([a-z_]+)(?:\[(\d+)\])?$`)

// problemPath maps a document path (tables[2].columns[0].type) to the
// attribute path (tables["studentInfo"].columns[0].type). Set elements
// cannot be addressed, so a path into a set stops at the set.
func problemPath(p string, tables []string) path.Path {
	var out path.Path
	first := true
	for _, seg := range strings.Split(p, ".") {
		m := segRE.FindStringSubmatch(seg)
		if m == nil {
			break
		}
		name := m[1]
		if name == "format" && first {
			return path.Root("name") // the format is fixed by the provider
		}
		if name == "version" && first {
			name = "schema_version"
		}
		if first {
			out = path.Root(name)
			first = false
		} else {
			out = out.AtName(name)
		}
		if m[2] == "" {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		switch {
		case name == "tables" && i < len(tables):
			out = out.AtMapKey(tables[i])
		case name == "licenses" || name == "allowed_values":
			return out
		default:
			out = out.AtListIndex(i)
		}
	}
	if first {
		return path.Root("tables")
	}

	return out
}

func decodeSubmissionSchema(ctx context.Context, doc []byte, m *submissionSchemaResourceModel) error {
	s, err := submission.ParseSchema(doc)
	if err != nil {
		return err
	}
	var d diag.Diagnostics
	m.Name = types.StringValue(s.Name)
	m.SchemaVersion = optString(s.Version)
	m.Description = optString(s.Description)
	m.MissingValues = optList(s.MissingValues)
	m.Ignore = optList(s.Ignore)
	m.DatasetDescription = types.ObjectNull(attrTypes("dataset_description"))
	if r := s.DatasetDescription; r != nil {
		file := r.File
		if file == "" {
			file = "dataset_description.json"
		}
		fields := r.RequiredFields
		if fields == nil { // absent means the runner's default list
			fields = submission.DefaultRequiredFields
		}
		req := types.ListValueMust(types.StringType, stringValues(fields))
		lic := types.SetNull(types.StringType)
		if len(r.Licenses) > 0 {
			lic = types.SetValueMust(types.StringType, stringValues(r.Licenses))
		}
		var dd diag.Diagnostics
		m.DatasetDescription, dd = types.ObjectValueFrom(ctx, attrTypes("dataset_description"), descriptionRulesModel{
			File: types.StringValue(file), RequiredFields: req, Licenses: lic, RequireORCID: types.BoolValue(r.RequireORCID),
		})
		d.Append(dd...)
	}
	m.Entities = types.ListNull(types.ObjectType{AttrTypes: attrTypes("entities")})
	if len(s.Entities) > 0 {
		ents := make([]entityModel, len(s.Entities))
		for i, e := range s.Entities {
			ents[i] = entityModel{Name: types.StringValue(e.Name), Format: types.StringValue(e.Format), Description: optString(e.Description)}
		}
		var dd diag.Diagnostics
		m.Entities, dd = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: attrTypes("entities")}, ents)
		d.Append(dd...)
	}
	tables := map[string]tableModel{}
	for _, t := range s.Tables {
		tm, dd := decodeTable(ctx, t)
		d.Append(dd...)
		tables[t.Name] = tm
	}
	var dd diag.Diagnostics
	m.Tables, dd = types.MapValueFrom(ctx, types.ObjectType{AttrTypes: attrTypes("tables")}, tables)
	d.Append(dd...)
	m.ForeignKeys = types.ListNull(types.ObjectType{AttrTypes: attrTypes("foreign_keys")})
	if len(s.ForeignKeys) > 0 {
		fks := make([]foreignKeyModel, len(s.ForeignKeys))
		for i, fk := range s.ForeignKeys {
			fks[i] = foreignKeyModel{Name: optString(fk.Name), Table: types.StringValue(fk.Table), Columns: optList(fk.Columns),
				ReferencesTable: types.StringValue(fk.ReferencesTable), ReferencesColumns: optList(fk.ReferencesColumns)}
		}
		m.ForeignKeys, dd = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: attrTypes("foreign_keys")}, fks)
		d.Append(dd...)
	}
	if d.HasError() {
		return fmt.Errorf("mapping the document: %v", d.Errors())
	}

	return nil
}

func decodeTable(ctx context.Context, t submission.Table) (tableModel, diag.Diagnostics) {
	add := t.AdditionalColumns
	if add == "" {
		add = submission.AdditionalNotAllowed
	}
	cols := make([]columnModel, len(t.Columns))
	for i, c := range t.Columns {
		allowed := types.SetNull(types.StringType)
		if len(c.AllowedValues) > 0 {
			allowed = types.SetValueMust(types.StringType, stringValues(c.AllowedValues))
		}
		cols[i] = columnModel{
			Name: types.StringValue(c.Name), Type: types.StringValue(c.Type), Description: optString(c.Description),
			Unit: optString(c.Unit), Required: types.BoolValue(c.Required), Nullable: types.BoolValue(c.IsNullable()),
			AllowedValues: allowed, Minimum: types.Float64PointerValue(c.Minimum), Maximum: types.Float64PointerValue(c.Maximum),
			Pattern: optString(c.Pattern), MissingValues: optList(c.MissingValues),
		}
	}
	colList, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: columnAttrTypes()}, cols)

	return tableModel{
		Description: optString(t.Description), FileName: optString(t.FileName), Suffix: optString(t.Suffix),
		RequiredEntities: optList(t.RequiredEntities), OptionalEntities: optList(t.OptionalEntities),
		Extensions: optList(t.Extensions), Required: types.BoolValue(t.Required), AdditionalColumns: types.StringValue(add),
		PrimaryKey: optList(t.PrimaryKey), SidecarRequiredFields: optList(t.SidecarRequiredFields), Columns: colList,
	}, d
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}

	return types.StringValue(s)
}

func stringValues(v []string) []attr.Value {
	out := make([]attr.Value, len(v))
	for i, s := range v {
		out[i] = types.StringValue(s)
	}

	return out
}

func optList(v []string) types.List {
	if len(v) == 0 {
		return types.ListNull(types.StringType)
	}

	return types.ListValueMust(types.StringType, stringValues(v))
}

// attrTypes returns the object attribute types of a nested attribute,
// derived from the schema so model and schema cannot drift apart.
func attrTypes(name string) map[string]attr.Type {
	a := submissionSchemaAttributes()[name]
	switch t := a.GetType().(type) {
	case types.ObjectType:
		return t.AttrTypes
	case types.ListType:
		return t.ElemType.(types.ObjectType).AttrTypes //nolint:forcetypeassert // nested attributes hold objects
	case types.MapType:
		return t.ElemType.(types.ObjectType).AttrTypes //nolint:forcetypeassert // nested attributes hold objects
	}
	panic("governance: no nested attribute " + name)
}

func columnAttrTypes() map[string]attr.Type {
	return attrTypes("tables")["columns"].(types.ListType).ElemType.(types.ObjectType).AttrTypes //nolint:forcetypeassert // schema shape
}

var objectAsOptions = basetypes.ObjectAsOptions{}
