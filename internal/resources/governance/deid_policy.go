package governance

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/deid"
)

// DeidPolicyKeyPrefix is where policies go when the configuration names no key.
const DeidPolicyKeyPrefix = "governance/deid-policies/"

type deidPolicyResourceModel struct {
	DocumentModel
	Name          types.String `tfsdk:"name"`
	Description   types.String `tfsdk:"description"`
	Profile       types.String `tfsdk:"profile"`
	DefaultAction types.String `tfsdk:"default_action"`
	KeyEnv        types.String `tfsdk:"key_env"`
	KeyFile       types.String `tfsdk:"key_file"`
	SubjectColumn types.String `tfsdk:"subject_column"`
	ReferenceDate types.String `tfsdk:"reference_date"`
	AgeLabel      types.String `tfsdk:"age_label"`
	Columns       types.Map    `tfsdk:"columns"`
}

type deidColumnModel struct {
	Action       types.String `tfsdk:"action"`
	Identifier   types.String `tfsdk:"identifier"`
	Positions    types.List   `tfsdk:"positions"`
	NewValue     types.String `tfsdk:"new_value"`
	MaskingChar  types.String `tfsdk:"masking_char"`
	CharsToMask  types.Int64  `tfsdk:"chars_to_mask"`
	FromEnd      types.Bool   `tfsdk:"from_end"`
	HashType     types.String `tfsdk:"hash_type"`
	Length       types.Int64  `tfsdk:"length"`
	Prefix       types.String `tfsdk:"prefix"`
	MaxShiftDays types.Int64  `tfsdk:"max_shift_days"`
	BirthDate    types.Bool   `tfsdk:"birth_date"`
	Scrub        types.Object `tfsdk:"scrub"`
}

type deidScrubModel struct {
	KeepYear      types.Bool    `tfsdk:"keep_year"`
	MinConfidence types.Float64 `tfsdk:"min_confidence"`
	Skip          types.Set     `tfsdk:"skip"`
}

var deidScrubAttrTypes = map[string]attr.Type{
	"keep_year": types.BoolType, "min_confidence": types.Float64Type, "skip": types.SetType{ElemType: types.StringType},
}

var deidColumnAttrTypes = map[string]attr.Type{
	"action": types.StringType, "identifier": types.StringType, "positions": types.ListType{ElemType: types.Int64Type},
	"new_value": types.StringType, "masking_char": types.StringType, "chars_to_mask": types.Int64Type,
	"from_end": types.BoolType, "hash_type": types.StringType, "length": types.Int64Type, "prefix": types.StringType,
	"max_shift_days": types.Int64Type, "birth_date": types.BoolType,
	"scrub": types.ObjectType{AttrTypes: deidScrubAttrTypes},
}

// NewDeidPolicyResource is lakehouse_deid_policy.
func NewDeidPolicyResource() resource.Resource {
	return NewDocumentResource[deidPolicyResourceModel](DocumentSpec[deidPolicyResourceModel]{
		TypeSuffix: "deid_policy",
		Kind:       "de-identification policy",
		MarkdownDescription: "A de-identification policy: per column, what `lakehouse-runner deid --policy " +
			"s3://<bucket>/<key> INPUT --out OUTPUT` does to a CSV, TSV or Parquet file. Columns are dropped, kept, " +
			"pseudonymised with a keyed HMAC-SHA-256, generalised (dates to the year or shifted by one secret offset " +
			"per subject, ZIP codes to three digits with the 17 restricted prefixes as `000`, ages over 89 as one " +
			"category), masked, redacted, replaced, hashed or encrypted exactly as Presidio's operators do, or " +
			"scrubbed as free text for all 18 HIPAA Safe Harbor identifiers. With `profile = \"safe-harbor\"` " +
			"columns without a rule are classified by name (see the safe-harbor profile section below). " +
			"The secret key is never part of the policy: `key_env` or `key_file` only name where the runner " +
			"finds it. The key defaults to `" + DeidPolicyKeyPrefix + "<name>.json`.",
		Attributes: deidPolicyAttributes(),
		DefaultKey: func(m *deidPolicyResourceModel) string { return keyFromName(DeidPolicyKeyPrefix, m.Name) },
		Encode:     encodeDeidPolicy,
		Decode:     decodeDeidPolicy,
		Validate:   validateDeidPolicy,
	})
}

var (
	envNamePattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	identifierChoices = func() []string {
		var ids []string
		for id := range deid.SafeHarborLetter {
			ids = append(ids, string(id))
		}
		ids = append(ids, string(deid.IDNotAnIdent), string(deid.IDFreeText))
		sort.Strings(ids)

		return ids
	}()
)

func deidPolicyAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Name of the policy, shown in the runner's audit report and used in the default key. " +
				"Letters, digits, `.`, `_` and `-`.",
			Validators: nameValidators(),
		},
		"description": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "What data the policy is for and under which rule (Safe Harbor, FERPA, a data-use agreement).",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"profile": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "`safe-harbor` classifies every column without a rule by its name onto the 18 Safe Harbor " +
				"identifiers (names dropped, ZIP to ZIP3, dates to year, ids pseudonymised, free-text columns scrubbed, ...). " +
				"Names are matched by tokens, in any case: `home_tel`, `HomePhone` and `Counselor Comments` are split on " +
				"`_`, `-`, spaces and camelCase before matching.",
			Validators: []validator.String{stringvalidator.OneOf(deid.ProfileSafeHarbor)},
		},
		"default_action": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "What to do with a column that neither a rule nor the profile covers: one of " + quoted(deid.DefaultActions) +
				". Unset means `fail`: the runner stops before writing anything and names the columns. With `keep` and the " +
				"`safe-harbor` profile, the runner's report names the columns the profile did not recognise (`unclassified_kept`).",
			Validators: []validator.String{stringvalidator.OneOf(deid.DefaultActions...)},
		},
		"key_env": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Name of the environment variable the runner reads the secret key from (for example " +
				"`LAKEHOUSE_DEID_KEY`). Only the name is stored. Conflicts with `key_file`.",
			Validators: []validator.String{
				stringvalidator.RegexMatches(envNamePattern, "must be an environment variable name"),
				stringvalidator.ConflictsWith(path.MatchRoot("key_file")),
			},
		},
		"key_file": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Path of a file holding the secret key on the machine that runs the runner. Only the path is stored.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"subject_column": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Column identifying the person; `date_shift` moves all dates of one subject by the same secret offset.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"reference_date": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Date (`YYYY-MM-DD`) at which ages are computed for `birth_date` rules; the day of the run when unset. " +
				"Set it to make outputs reproducible.",
		},
		"age_label": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Label of the single category for ages over 89 (default `90 or older`).",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"columns": schema.MapNestedAttribute{
			Optional: true,
			MarkdownDescription: "Rules by column name, matched exactly against the header (spaces, hyphens and any other " +
				"characters included). Either `columns` or `profile` is required.",
			Validators:   []validator.Map{mapvalidator.SizeAtLeast(1)},
			NestedObject: schema.NestedAttributeObject{Attributes: deidColumnAttributes()},
		},
	}
}

func deidColumnAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"action": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Operator: " + quoted(deid.Actions) + ".",
			Validators:          []validator.String{stringvalidator.OneOf(deid.Actions...)},
		},
		"identifier": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Safe Harbor identifier the column holds, for the audit report: " + quoted(identifierChoices) + ". When unset, the audit reports what the column name classifies as (see the safe-harbor profile), " +
				"else the kind the action implies, else `UNCLASSIFIED`; the label never depends on `keep` or `drop`.",
			Validators: []validator.String{stringvalidator.OneOf(identifierChoices...)},
		},
		"positions": schema.ListAttribute{
			ElementType: types.Int64Type, Optional: true,
			MarkdownDescription: "1-based column positions the rule covers, needed when the header repeats the name.",
			Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueInt64sAre(int64validator.AtLeast(1))},
		},
		"new_value":     schema.StringAttribute{Optional: true, MarkdownDescription: "`replace`: the replacement (default `<IDENTIFIER>`)."},
		"masking_char":  schema.StringAttribute{Optional: true, MarkdownDescription: "`mask`: the masking character (default `*`).", Validators: []validator.String{stringvalidator.LengthBetween(1, 4)}},
		"chars_to_mask": schema.Int64Attribute{Optional: true, MarkdownDescription: "`mask`: how many characters to mask (all when unset).", Validators: []validator.Int64{int64validator.AtLeast(0)}},
		"from_end": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "`mask`: mask from the end instead of the start.",
		},
		"hash_type": schema.StringAttribute{
			Optional: true, MarkdownDescription: "`hash`: `sha256` (default) or `sha512`. The salt is the secret key, as Presidio's `salt`.",
			Validators: []validator.String{stringvalidator.OneOf("sha256", "sha512")},
		},
		"length":         schema.Int64Attribute{Optional: true, MarkdownDescription: "`pseudonymise`: hex characters kept of the HMAC (8-64, default 64).", Validators: []validator.Int64{int64validator.Between(8, 64)}},
		"prefix":         schema.StringAttribute{Optional: true, MarkdownDescription: "`pseudonymise`: text put before the pseudonym, for example `P-`."},
		"max_shift_days": schema.Int64Attribute{Optional: true, MarkdownDescription: "`date_shift`: largest shift in days either way (default 365).", Validators: []validator.Int64{int64validator.Between(1, 3650)}},
		"birth_date": schema.BoolAttribute{
			Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "`date_year`, `date_shift`: the column is a birth date, so a person over 89 at `reference_date` gets `age_label` instead of a year. " +
				"Under `date_year` it may also be a birth year alone (`1936`): with no month or day known, a year 90 or more before " +
				"the reference year gets `age_label`.",
		},
		"scrub": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "`scrub`: free-text scrubber settings.",
			Attributes: map[string]schema.Attribute{
				"keep_year":      schema.BoolAttribute{Optional: true, MarkdownDescription: "Replace a date by `[DATE <year>]` rather than `[DATE]` (default true)."},
				"min_confidence": schema.Float64Attribute{Optional: true, MarkdownDescription: "Detections below this confidence stay in clear (default 0.4).", Validators: []validator.Float64{float64validator.Between(0, 1)}},
				"skip": schema.SetAttribute{
					ElementType: types.StringType, Optional: true,
					MarkdownDescription: "Identifier kinds left in clear, for example `[\"DATE\"]` under a limited data set.",
					Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf(identifierChoices...))},
				},
			},
		},
	}
}

// toPolicy converts the model; unknown values are left out (plan time).
func toPolicy(ctx context.Context, m *deidPolicyResourceModel) (*deid.Policy, diag.Diagnostics) {
	var d diag.Diagnostics
	p := &deid.Policy{
		FormatVersion: deid.FormatVersion, Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		Profile: m.Profile.ValueString(), DefaultAction: m.DefaultAction.ValueString(),
		SubjectColumn: m.SubjectColumn.ValueString(), ReferenceDate: m.ReferenceDate.ValueString(), AgeLabel: m.AgeLabel.ValueString(),
	}
	if m.KeyEnv.ValueString() != "" || m.KeyFile.ValueString() != "" {
		p.Key = &deid.KeySource{Env: m.KeyEnv.ValueString(), File: m.KeyFile.ValueString()}
	}
	if m.Columns.IsNull() || m.Columns.IsUnknown() {
		return p, d
	}
	cols := map[string]deidColumnModel{}
	d.Append(m.Columns.ElementsAs(ctx, &cols, false)...)
	p.Columns = map[string]*deid.Rule{}
	for name, c := range cols {
		r := &deid.Rule{
			Action: c.Action.ValueString(), Identifier: deid.Identifier(c.Identifier.ValueString()),
			MaskingChar: c.MaskingChar.ValueString(), FromEnd: c.FromEnd.ValueBool(), HashType: c.HashType.ValueString(),
			Length: int(c.Length.ValueInt64()), Prefix: c.Prefix.ValueString(), MaxShiftDays: int(c.MaxShiftDays.ValueInt64()),
			BirthDate: c.BirthDate.ValueBool(),
		}
		if !c.NewValue.IsNull() && !c.NewValue.IsUnknown() {
			v := c.NewValue.ValueString()
			r.NewValue = &v
		}
		if !c.CharsToMask.IsNull() && !c.CharsToMask.IsUnknown() {
			v := int(c.CharsToMask.ValueInt64())
			r.CharsToMask = &v
		}
		if !c.Positions.IsNull() && !c.Positions.IsUnknown() {
			var pos []int64
			d.Append(c.Positions.ElementsAs(ctx, &pos, false)...)
			for _, x := range pos {
				r.Positions = append(r.Positions, int(x))
			}
		}
		if !c.Scrub.IsNull() && !c.Scrub.IsUnknown() {
			var s deidScrubModel
			d.Append(c.Scrub.As(ctx, &s, objectAsOptions)...)
			so := &deid.ScrubOptions{MinConfidence: s.MinConfidence.ValueFloat64()}
			if !s.KeepYear.IsNull() && !s.KeepYear.IsUnknown() {
				v := s.KeepYear.ValueBool()
				so.KeepYear = &v
			}
			if !s.Skip.IsNull() && !s.Skip.IsUnknown() {
				var skip []string
				d.Append(s.Skip.ElementsAs(ctx, &skip, false)...)
				sort.Strings(skip)
				for _, x := range skip {
					so.Skip = append(so.Skip, deid.Identifier(x))
				}
			}
			r.Scrub = so
		}
		p.Columns[name] = r
	}

	return p, d
}

func encodeDeidPolicy(ctx context.Context, m *deidPolicyResourceModel) (any, diag.Diagnostics) {
	p, d := toPolicy(ctx, m)
	if d.HasError() {
		return nil, d
	}
	for _, pr := range p.Validate() {
		d.AddAttributeError(deidProblemPath(pr.Path), "Invalid de-identification policy", pr.String())
	}

	return p, d
}

// validateDeidPolicy runs the runner's own validation at plan time, so a
// policy that plans is one the runner accepts; every problem is attached to
// its attribute, for example columns["Full Name"].masking_char.
func validateDeidPolicy(ctx context.Context, m *deidPolicyResourceModel, d *diag.Diagnostics) {
	if m.Columns.IsUnknown() || m.Profile.IsUnknown() || m.SubjectColumn.IsUnknown() || m.ReferenceDate.IsUnknown() || columnsHaveUnknowns(m.Columns) {
		return
	}
	p, dd := toPolicy(ctx, m)
	d.Append(dd...)
	if d.HasError() {
		return
	}
	for _, pr := range p.Validate() {
		d.AddAttributeError(deidProblemPath(pr.Path), "Invalid de-identification policy", pr.String())
	}
}

func columnsHaveUnknowns(v types.Map) bool {
	if v.IsNull() {
		return false
	}
	for _, e := range v.Elements() {
		o, ok := e.(types.Object)
		if !ok || o.IsUnknown() {
			return true
		}
		for _, a := range o.Attributes() {
			if a.IsUnknown() {
				return true
			}
		}
	}

	return false
}

// deidProblemPath turns a policy problem path (columns["Full Name"].scrub.skip[0])
// into the attribute path of the configuration.
func deidProblemPath(p string) path.Path {
	switch p {
	case "format_version", "(document)":
		return path.Root("name")
	case "key":
		return path.Root("key_env")
	}
	rest, ok := strings.CutPrefix(p, "columns[")
	if !ok {
		return path.Root(p)
	}
	end := strings.Index(rest, "].")
	if end < 0 {
		end = strings.LastIndex(rest, "]")
	}
	if end < 0 {
		return path.Root("columns")
	}
	name, err := strconv.Unquote(rest[:end])
	if err != nil {
		return path.Root("columns")
	}
	out := path.Root("columns").AtMapKey(name)
	for _, part := range strings.Split(strings.TrimPrefix(rest[end+1:], "."), ".") {
		if part == "" {
			continue
		}
		field, idx, hasIdx := strings.Cut(part, "[")
		out = out.AtName(field)
		if field == "skip" { // a set: its elements cannot be addressed by index
			break
		}
		if hasIdx {
			if n, err := strconv.Atoi(strings.TrimSuffix(idx, "]")); err == nil {
				out = out.AtListIndex(n)
			}
		}
	}

	return out
}

// decodeDeidPolicy fills the model from a stored document (import, drift).
func decodeDeidPolicy(ctx context.Context, doc []byte, m *deidPolicyResourceModel) error {
	p, err := deid.ParsePolicy(doc)
	if err != nil {
		return err
	}
	m.Name = types.StringValue(p.Name)
	m.Description = deidOptString(p.Description)
	m.Profile = deidOptString(p.Profile)
	m.DefaultAction = deidOptString(p.DefaultAction)
	m.KeyEnv, m.KeyFile = types.StringNull(), types.StringNull()
	if p.Key != nil {
		m.KeyEnv, m.KeyFile = deidOptString(p.Key.Env), deidOptString(p.Key.File)
	}
	m.SubjectColumn = deidOptString(p.SubjectColumn)
	m.ReferenceDate = deidOptString(p.ReferenceDate)
	m.AgeLabel = deidOptString(p.AgeLabel)
	if len(p.Columns) == 0 {
		m.Columns = types.MapNull(types.ObjectType{AttrTypes: deidColumnAttrTypes})

		return nil
	}
	cols := map[string]attr.Value{}
	for name, r := range p.Columns {
		o, d := decodeDeidRule(ctx, r)
		if d.HasError() {
			return fmt.Errorf("column %q: %v", name, d)
		}
		cols[name] = o
	}
	v, d := types.MapValue(types.ObjectType{AttrTypes: deidColumnAttrTypes}, cols)
	if d.HasError() {
		return fmt.Errorf("columns: %v", d)
	}
	m.Columns = v

	return nil
}

func decodeDeidRule(ctx context.Context, r *deid.Rule) (types.Object, diag.Diagnostics) {
	c := deidColumnModel{
		Action: types.StringValue(r.Action), Identifier: deidOptString(string(r.Identifier)),
		Positions: types.ListNull(types.Int64Type), NewValue: types.StringNull(), MaskingChar: deidOptString(r.MaskingChar),
		CharsToMask: types.Int64Null(), FromEnd: types.BoolValue(r.FromEnd), HashType: deidOptString(r.HashType),
		Length: deidOptInt(r.Length), Prefix: deidOptString(r.Prefix), MaxShiftDays: deidOptInt(r.MaxShiftDays),
		BirthDate: types.BoolValue(r.BirthDate), Scrub: types.ObjectNull(deidScrubAttrTypes),
	}
	var d diag.Diagnostics
	if r.NewValue != nil {
		c.NewValue = types.StringValue(*r.NewValue)
	}
	if r.CharsToMask != nil {
		c.CharsToMask = types.Int64Value(int64(*r.CharsToMask))
	}
	if len(r.Positions) > 0 {
		pos := make([]attr.Value, len(r.Positions))
		for i, x := range r.Positions {
			pos[i] = types.Int64Value(int64(x))
		}
		var dd diag.Diagnostics
		c.Positions, dd = types.ListValue(types.Int64Type, pos)
		d.Append(dd...)
	}
	if s := r.Scrub; s != nil {
		sm := deidScrubModel{KeepYear: types.BoolNull(), MinConfidence: types.Float64Null(), Skip: types.SetNull(types.StringType)}
		if s.KeepYear != nil {
			sm.KeepYear = types.BoolValue(*s.KeepYear)
		}
		if s.MinConfidence != 0 {
			sm.MinConfidence = types.Float64Value(s.MinConfidence)
		}
		if len(s.Skip) > 0 {
			skip := make([]attr.Value, len(s.Skip))
			for i, x := range s.Skip {
				skip[i] = types.StringValue(string(x))
			}
			var dd diag.Diagnostics
			sm.Skip, dd = types.SetValue(types.StringType, skip)
			d.Append(dd...)
		}
		var dd diag.Diagnostics
		c.Scrub, dd = types.ObjectValueFrom(ctx, deidScrubAttrTypes, sm)
		d.Append(dd...)
	}
	o, dd := types.ObjectValueFrom(ctx, deidColumnAttrTypes, c)
	d.Append(dd...)

	return o, d
}

// deidOptString maps "" (omitted from the document) back to null.
func deidOptString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}

	return types.StringValue(s)
}

func deidOptInt(n int) types.Int64 {
	if n == 0 {
		return types.Int64Null()
	}

	return types.Int64Value(int64(n))
}
