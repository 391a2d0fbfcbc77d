// Package submission validates a data submission (a folder or s3:// prefix
// of CSV/TSV tables and JSON metadata) against a submission schema, the
// document that lakehouse_submission_schema writes. It follows the BIDS
// validator's model: file-name rules of ordered entities and a suffix,
// sidecar JSON inherited from parent folders, column dictionaries per table,
// cross-file rules, and a report of issues with stable codes.
//
// The schema format is documented in docs/guides/submission-schema.md and
// in the Schema type below; both the provider and the runner use this type,
// so what Terraform writes is exactly what the runner reads.
package submission

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/jsondoc"
)

// FormatV1 identifies version 1 of the schema document.
const FormatV1 = "lakehouse.submission-schema/v1"

// Logical column types.
const (
	TypeString   = "string"
	TypeInteger  = "integer"
	TypeNumber   = "number"
	TypeBoolean  = "boolean"
	TypeDate     = "date"     // YYYY-MM-DD
	TypeDatetime = "datetime" // RFC 3339, or YYYY-MM-DD hh:mm:ss
)

// ColumnTypes lists the logical types in documentation order.
var ColumnTypes = []string{TypeString, TypeInteger, TypeNumber, TypeBoolean, TypeDate, TypeDatetime}

// Entity label formats (BIDS objects/formats: label and index).
const (
	FormatLabel = "label" // [0-9a-zA-Z]+
	FormatIndex = "index" // [0-9]+
)

// Additional-column policies.
const (
	AdditionalNotAllowed = "not_allowed"
	AdditionalWarn       = "warn"
	AdditionalAllowed    = "allowed"
)

// DescriptionFields are the FAIR fields a dataset_description.json may be
// required to carry.
var DescriptionFields = []string{"title", "creators", "license", "data_use", "doi", "version", "description", "keywords"}

// DataUseBases are the accepted values of data_use.basis.
var DataUseBases = []string{"consent", "data_use_agreement", "public", "other"}

// Schema is a submission schema document.
type Schema struct {
	Format             string              `json:"format"`
	Name               string              `json:"name"`
	Version            string              `json:"version,omitempty"`
	Description        string              `json:"description,omitempty"`
	DatasetDescription *DescriptionRules   `json:"dataset_description,omitempty"`
	Entities           []Entity            `json:"entities,omitempty"`
	MissingValues      []string            `json:"missing_values,omitempty"`
	Ignore             []string            `json:"ignore,omitempty"`
	Tables             []Table             `json:"tables"`
	ForeignKeys        []ForeignKey        `json:"foreign_keys,omitempty"`
	entityIndex        map[string]int      // name -> position, built by Check
	tableIndex         map[string]*Table   // name -> table, built by Check
	sidecarTables      map[string][]*Table // sidecar stem or suffix -> tables
}

// DescriptionRules say what dataset_description.json must contain.
type DescriptionRules struct {
	File           string   `json:"file,omitempty"` // default dataset_description.json
	RequiredFields []string `json:"required_fields"`
	Licenses       []string `json:"licenses,omitempty"` // allowed SPDX ids; empty allows any valid SPDX expression
	RequireORCID   bool     `json:"require_orcid,omitempty"`
}

// Entity is one key of the key-value_ file-name scheme, in the order the
// schema lists them.
type Entity struct {
	Name        string `json:"name"`
	Format      string `json:"format"`
	Description string `json:"description,omitempty"`
}

// Table is one kind of data file and its column dictionary. A table matches
// files either by an exact file name (FileName) or by the entity scheme
// (Suffix, entities, extension).
type Table struct {
	Name                  string   `json:"name"`
	Description           string   `json:"description,omitempty"`
	FileName              string   `json:"file_name,omitempty"`
	Suffix                string   `json:"suffix,omitempty"`
	RequiredEntities      []string `json:"required_entities,omitempty"`
	OptionalEntities      []string `json:"optional_entities,omitempty"`
	Extensions            []string `json:"extensions,omitempty"` // default [".csv"]
	Required              bool     `json:"required,omitempty"`
	AdditionalColumns     string   `json:"additional_columns,omitempty"` // default not_allowed
	PrimaryKey            []string `json:"primary_key,omitempty"`
	SidecarRequiredFields []string `json:"sidecar_required_fields,omitempty"`
	Columns               []Column `json:"columns"`
}

// Column is one entry of a column dictionary.
type Column struct {
	Name          string   `json:"name"`
	Type          string   `json:"type"`
	Description   string   `json:"description,omitempty"`
	Unit          string   `json:"unit,omitempty"`
	Required      bool     `json:"required,omitempty"` // the column must be present
	Nullable      *bool    `json:"nullable,omitempty"` // missing values allowed; default true
	AllowedValues []string `json:"allowed_values,omitempty"`
	Minimum       *float64 `json:"minimum,omitempty"`
	Maximum       *float64 `json:"maximum,omitempty"`
	Pattern       string   `json:"pattern,omitempty"` // RE2, must match the whole value
	MissingValues []string `json:"missing_values,omitempty"`
}

// ForeignKey says every key in Table.Columns appears in
// References.Columns (for example every student key in a fact table
// appears in the roster).
type ForeignKey struct {
	Name              string   `json:"name,omitempty"`
	Table             string   `json:"table"`
	Columns           []string `json:"columns"`
	ReferencesTable   string   `json:"references_table"`
	ReferencesColumns []string `json:"references_columns"`
}

// IsNullable reports whether missing values are allowed.
func (c *Column) IsNullable() bool { return c.Nullable == nil || *c.Nullable }

// Problem is one defect in a schema document, located by a JSON path such
// as tables[2].columns[0].type.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// SchemaError lists every problem of a schema document.
type SchemaError struct{ Problems []Problem }

func (e *SchemaError) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}

	return "invalid submission schema:\n  " + strings.Join(s, "\n  ")
}

// ParseSchema reads a schema document strictly (unknown fields are errors,
// so a misspelt rule is never silently ignored) and checks it.
func ParseSchema(raw []byte) (*Schema, error) {
	var s Schema
	// Every decoding problem at its JSON path (an unknown key inside the
	// third table says so), as Check's problems are.
	if probs := jsondoc.Decode(raw, &s); len(probs) > 0 {
		se := &SchemaError{}
		for _, pr := range probs {
			se.Problems = append(se.Problems, Problem{Path: pr.Path, Message: pr.Message})
		}

		return nil, se
	}
	if probs := s.Check(); len(probs) > 0 {
		return nil, &SchemaError{Problems: probs}
	}

	return &s, nil
}

var (
	nameRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	entityRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	suffixRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	extRE    = regexp.MustCompile(`^(\.[A-Za-z0-9]+)+$`)
)

// Check validates the document and builds its lookup tables. The same
// rules back the provider's plan-time validation.
func (s *Schema) Check() []Problem {
	var p []Problem
	add := func(at, format string, a ...any) { p = append(p, Problem{at, fmt.Sprintf(format, a...)}) }
	if s.Format != FormatV1 {
		add("format", "must be %q, got %q", FormatV1, s.Format)
	}
	if strings.TrimSpace(s.Name) == "" {
		add("name", "must not be empty")
	}
	if d := s.DatasetDescription; d != nil {
		for i, f := range d.RequiredFields {
			if !slices.Contains(DescriptionFields, f) {
				add(fmt.Sprintf("dataset_description.required_fields[%d]", i), "unknown field %q; use one of %s", f, strings.Join(DescriptionFields, ", "))
			}
		}
		for i, l := range d.Licenses {
			if msg := CheckLicense(l); msg != "" {
				add(fmt.Sprintf("dataset_description.licenses[%d]", i), "%s", msg)
			}
		}
		if d.File != "" && (strings.Contains(d.File, "/") || !strings.HasSuffix(d.File, ".json")) {
			add("dataset_description.file", "must be a .json file name at the dataset root, got %q", d.File)
		}
	}
	s.entityIndex = map[string]int{}
	for i, e := range s.Entities {
		at := fmt.Sprintf("entities[%d]", i)
		if !entityRE.MatchString(e.Name) {
			add(at+".name", "must be lower-case letters and digits, starting with a letter, got %q", e.Name)
		}
		if _, dup := s.entityIndex[e.Name]; dup {
			add(at+".name", "entity %q is declared twice", e.Name)
		}
		s.entityIndex[e.Name] = i
		if e.Format != FormatLabel && e.Format != FormatIndex {
			add(at+".format", "must be %q or %q, got %q", FormatLabel, FormatIndex, e.Format)
		}
	}
	for i, g := range s.Ignore {
		if _, err := path.Match(g, ""); err != nil {
			add(fmt.Sprintf("ignore[%d]", i), "is not a valid glob pattern: %v", err)
		}
	}
	if len(s.Tables) == 0 {
		add("tables", "must declare at least one table")
	}
	s.tableIndex = map[string]*Table{}
	s.sidecarTables = map[string][]*Table{}
	for i := range s.Tables {
		t := &s.Tables[i]
		at := fmt.Sprintf("tables[%d]", i)
		if !nameRE.MatchString(t.Name) {
			add(at+".name", "must start with a letter and hold only letters, digits and underscores, got %q", t.Name)
		}
		if _, dup := s.tableIndex[t.Name]; dup {
			add(at+".name", "table %q is declared twice", t.Name)
		}
		s.tableIndex[t.Name] = t
		p = append(p, s.checkTableFiles(t, at)...)
		p = append(p, checkColumns(t, at)...)
	}
	for i, fk := range s.ForeignKeys {
		p = append(p, s.checkForeignKey(fk, fmt.Sprintf("foreign_keys[%d]", i))...)
	}
	if len(p) == 0 {
		if cyc := s.foreignKeyCycle(); cyc != "" {
			add("foreign_keys", "tables reference each other in a cycle (%s); break the cycle", cyc)
		}
	}

	return p
}

func (s *Schema) checkTableFiles(t *Table, at string) []Problem {
	var p []Problem
	add := func(f, format string, a ...any) { p = append(p, Problem{at + f, fmt.Sprintf(format, a...)}) }
	switch {
	case t.FileName != "" && t.Suffix != "":
		add(".file_name", "set either file_name or suffix, not both")
	case t.FileName == "" && t.Suffix == "":
		add(".suffix", "set file_name (an exact file name) or suffix (entity-based names)")
	case t.FileName != "":
		if strings.ContainsAny(t.FileName, "/*?[") || path.Ext(t.FileName) == "" {
			add(".file_name", "must be a plain file name with an extension, got %q", t.FileName)
		}
		if len(t.RequiredEntities)+len(t.OptionalEntities) > 0 {
			add(".required_entities", "entities apply only to suffix-named tables")
		}
		stem := strings.TrimSuffix(t.FileName, path.Ext(t.FileName))
		s.sidecarTables[stem] = append(s.sidecarTables[stem], t)
	default:
		if !suffixRE.MatchString(t.Suffix) {
			add(".suffix", "must be letters and digits only, got %q", t.Suffix)
		}
		s.sidecarTables[t.Suffix] = append(s.sidecarTables[t.Suffix], t)
	}
	seen := map[string]bool{}
	for j, e := range append(slices.Clone(t.RequiredEntities), t.OptionalEntities...) {
		f := fmt.Sprintf(".required_entities[%d]", j)
		if j >= len(t.RequiredEntities) {
			f = fmt.Sprintf(".optional_entities[%d]", j-len(t.RequiredEntities))
		}
		if _, ok := s.entityIndex[e]; !ok {
			add(f, "entity %q is not declared in entities", e)
		}
		if seen[e] {
			add(f, "entity %q is listed twice", e)
		}
		seen[e] = true
	}
	for j, e := range t.Extensions {
		if !extRE.MatchString(e) {
			add(fmt.Sprintf(".extensions[%d]", j), "must look like .csv or .tsv, got %q", e)
		}
	}
	switch t.AdditionalColumns {
	case "", AdditionalNotAllowed, AdditionalWarn, AdditionalAllowed:
	default:
		add(".additional_columns", "must be %s, %s or %s, got %q", AdditionalNotAllowed, AdditionalWarn, AdditionalAllowed, t.AdditionalColumns)
	}

	return p
}

func checkColumns(t *Table, at string) []Problem {
	var p []Problem
	add := func(f, format string, a ...any) { p = append(p, Problem{at + f, fmt.Sprintf(format, a...)}) }
	if len(t.Columns) == 0 {
		add(".columns", "must declare at least one column")
	}
	names := map[string]bool{}
	for j, c := range t.Columns {
		cat := fmt.Sprintf(".columns[%d]", j)
		if strings.TrimSpace(c.Name) == "" {
			add(cat+".name", "must not be empty")
		}
		if names[c.Name] {
			add(cat+".name", "column %q is declared twice", c.Name)
		}
		names[c.Name] = true
		if !slices.Contains(ColumnTypes, c.Type) {
			add(cat+".type", "must be one of %s, got %q", strings.Join(ColumnTypes, ", "), c.Type)
		}
		numeric := c.Type == TypeInteger || c.Type == TypeNumber
		if (c.Minimum != nil || c.Maximum != nil) && !numeric {
			add(cat+".minimum", "minimum and maximum apply only to integer and number columns")
		}
		if c.Minimum != nil && c.Maximum != nil && *c.Minimum > *c.Maximum {
			add(cat+".maximum", "maximum %v is less than minimum %v", *c.Maximum, *c.Minimum)
		}
		if c.Pattern != "" {
			if _, err := regexp.Compile(c.Pattern); err != nil {
				add(cat+".pattern", "is not a valid RE2 regular expression: %v", err)
			}
		}
		for k, v := range c.AllowedValues {
			if msg := checkTyped(c.Type, v); msg != "" {
				add(fmt.Sprintf("%s.allowed_values[%d]", cat, k), "%q is not a valid %s: %s", v, c.Type, msg)
			}
		}
	}
	for j, k := range t.PrimaryKey {
		if !names[k] {
			add(fmt.Sprintf(".primary_key[%d]", j), "column %q is not in columns", k)
		}
	}

	return p
}

func (s *Schema) checkForeignKey(fk ForeignKey, at string) []Problem {
	var p []Problem
	add := func(f, format string, a ...any) { p = append(p, Problem{at + f, fmt.Sprintf(format, a...)}) }
	from, to := s.tableIndex[fk.Table], s.tableIndex[fk.ReferencesTable]
	if from == nil {
		add(".table", "table %q is not declared", fk.Table)
	}
	if to == nil {
		add(".references_table", "table %q is not declared", fk.ReferencesTable)
	}
	if len(fk.Columns) == 0 {
		add(".columns", "must list at least one column")
	}
	if len(fk.Columns) != len(fk.ReferencesColumns) {
		add(".references_columns", "must list as many columns as columns (%d), got %d", len(fk.Columns), len(fk.ReferencesColumns))
	}
	checkIn := func(t *Table, cols []string, f string) {
		if t == nil {
			return
		}
		for i, c := range cols {
			if !slices.ContainsFunc(t.Columns, func(col Column) bool { return col.Name == c }) {
				add(fmt.Sprintf("%s[%d]", f, i), "column %q is not in table %q", c, t.Name)
			}
		}
	}
	checkIn(from, fk.Columns, ".columns")
	checkIn(to, fk.ReferencesColumns, ".references_columns")

	return p
}

// foreignKeyCycle returns a description of a reference cycle, or "". The
// validator reads referenced tables first, so references must form a DAG.
func (s *Schema) foreignKeyCycle() string {
	_, err := s.tableOrder()
	if err != nil {
		return err.Error()
	}

	return ""
}

// tableOrder lists tables so that every referenced table comes before the
// tables that reference it.
func (s *Schema) tableOrder() ([]*Table, error) {
	deps := map[string][]string{}
	for _, fk := range s.ForeignKeys {
		if fk.Table != fk.ReferencesTable {
			deps[fk.Table] = append(deps[fk.Table], fk.ReferencesTable)
		}
	}
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var out []*Table
	var visit func(name string, trail []string) error
	visit = func(name string, trail []string) error {
		switch state[name] {
		case active:
			return errors.New(strings.Join(append(trail, name), " -> "))
		case done:
			return nil
		}
		state[name] = active
		for _, d := range deps[name] {
			if err := visit(d, append(trail, name)); err != nil {
				return err
			}
		}
		state[name] = done
		out = append(out, s.tableIndex[name])

		return nil
	}
	for _, t := range s.Tables {
		if err := visit(t.Name, nil); err != nil {
			return nil, err
		}
	}

	return out, nil
}

func (t *Table) extensions() []string {
	if len(t.Extensions) == 0 {
		return []string{".csv"}
	}

	return t.Extensions
}

func (t *Table) column(name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}

	return nil
}

func (d *DescriptionRules) fileName() string {
	if d == nil || d.File == "" {
		return "dataset_description.json"
	}

	return d.File
}
