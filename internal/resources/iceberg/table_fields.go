package iceberg

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
)

// MaxNesting is how deep struct/list/map fields may nest in the schema
// attribute (the top-level column counts as level 1); Terraform schemas
// cannot recurse.
const MaxNesting = 4

const typeDescription = "The column type: `boolean`, `int`, `long`, `float`, `double`, `decimal(P,S)`, `date`, " +
	"`time`, `timestamp` (no zone), `timestamptz` (UTC instant), `string`, `uuid`, `fixed[L]`, `binary`, " +
	"`timestamp_ns` and `timestamptz_ns` (nanoseconds, format version 3 only), or " +
	"`struct`, `list`, `map`. Other spellings of the same type (`bigint`, `timestamp with time zone`, " +
	"`decimal(10, 2)`, `fixed(16)`) are accepted and never diff. `timestamp` and `timestamptz` are different " +
	"types and one cannot be changed into the other."

var (
	nonEmpty       = locatedStrings(stringvalidator.LengthAtLeast(1))
	typeValidators = locatedStrings(typeValidator{})
)

// fieldAttributes returns the nested attributes of a schema field at the
// given nesting level.
func fieldAttributes(level int) map[string]schema.Attribute {
	a := map[string]schema.Attribute{
		"id": schema.Int64Attribute{
			Optional: true, Computed: true,
			MarkdownDescription: "The Iceberg field id. Leave it unset: the provider keeps the id of the existing " +
				"field with the same name and gives new fields `last_column_id + 1`. Set it to an existing field's id " +
				"to rename that field while keeping its identity and data. When the table is created, declared ids " +
				"are used as they are and the other fields take the lowest ids left free, in Iceberg's order, so a " +
				"configuration that keeps ids (after a rename, or written by `-generate-config-out`) creates the same " +
				"table elsewhere.",
		},
		"name": schema.StringAttribute{Required: true, MarkdownDescription: "The column name."},
		"type": schema.StringAttribute{Required: true, MarkdownDescription: typeDescription, CustomType: TypeNameType{},
			Validators: typeValidators},
		"required": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "Whether the column may not hold nulls. Defaults to `false`. A required column may " +
				"become optional at any time; the reverse is refused on a table that holds data."},
		"doc": schema.StringAttribute{Optional: true, MarkdownDescription: "The column documentation.", Validators: nonEmpty},
		"element_type": schema.StringAttribute{Optional: true, CustomType: TypeNameType{}, Validators: typeValidators,
			MarkdownDescription: "For `list`: the element type, a primitive or `struct` (then described by `fields`)."},
		"element_required": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "For `list`: whether elements may not be null. Defaults to `false`."},
		"element_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "For `list`: the element's field id."},
		"key_type": schema.StringAttribute{Optional: true, CustomType: TypeNameType{}, Validators: typeValidators,
			MarkdownDescription: "For `map`: the primitive key type."},
		"key_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "For `map`: the key's field id."},
		"value_type": schema.StringAttribute{Optional: true, CustomType: TypeNameType{}, Validators: typeValidators,
			MarkdownDescription: "For `map`: the value type, a primitive or `struct` (then described by `fields`)."},
		"value_required": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			MarkdownDescription: "For `map`: whether values may not be null. Defaults to `false`."},
		"value_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "For `map`: the value's field id."},
	}
	if level < MaxNesting {
		a["fields"] = schema.ListNestedAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("The fields of a `struct`, of a list's struct element or of a map's "+
				"struct value (nesting level %d of at most %d).", level+1, MaxNesting),
			NestedObject: schema.NestedAttributeObject{Attributes: fieldAttributes(level + 1)},
		}
	}

	return a
}

// fieldAttrTypes mirrors fieldAttributes as object attribute types.
func fieldAttrTypes(level int) map[string]attr.Type {
	t := map[string]attr.Type{
		"id": types.Int64Type, "name": types.StringType, "type": TypeNameType{}, "required": types.BoolType,
		"doc": types.StringType, "element_type": TypeNameType{}, "element_required": types.BoolType,
		"element_id": types.Int64Type, "key_type": TypeNameType{}, "key_id": types.Int64Type,
		"value_type": TypeNameType{}, "value_required": types.BoolType, "value_id": types.Int64Type,
	}
	if level < MaxNesting {
		t["fields"] = types.ListType{ElemType: types.ObjectType{AttrTypes: fieldAttrTypes(level + 1)}}
	}

	return t
}

// errUnknown says a value is not known yet at plan time.
var errUnknown = fmt.Errorf("value not known yet")

// fieldsFromList converts a schema list value into fields; unknown ids
// become 0 and any other unknown value returns errUnknown.
func fieldsFromList(l types.List) ([]*catalog.Field, error) {
	if l.IsUnknown() {
		return nil, errUnknown
	}
	if l.IsNull() {
		return nil, nil
	}
	out := make([]*catalog.Field, 0, len(l.Elements()))
	for _, e := range l.Elements() {
		o, ok := e.(basetypes.ObjectValue)
		if !ok || o.IsUnknown() {
			return nil, errUnknown
		}
		f, err := fieldFromObject(o)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}

	return out, nil
}

func fieldFromObject(o basetypes.ObjectValue) (*catalog.Field, error) {
	a := o.Attributes()
	f := &catalog.Field{}
	var err error
	str := func(name string, dst *string, must bool) {
		var v basetypes.StringValue
		switch x := a[name].(type) {
		case basetypes.StringValue:
			v = x
		case TypeNameValue:
			v = x.StringValue
		}
		if v.IsUnknown() {
			err = errUnknown
		}
		if must && v.IsNull() {
			err = fmt.Errorf("%s is required", name)
		}
		*dst = v.ValueString()
	}
	boolean := func(name string, dst *bool) {
		v, _ := a[name].(basetypes.BoolValue)
		if v.IsUnknown() {
			err = errUnknown
		}
		*dst = v.ValueBool()
	}
	id := func(name string, dst *int) {
		v, _ := a[name].(basetypes.Int64Value)
		*dst = int(v.ValueInt64()) // unknown or null: 0, assigned by the plan
	}
	str("name", &f.Name, true)
	str("type", &f.Type, true)
	str("doc", &f.Doc, false)
	str("element_type", &f.ElementType, false)
	str("key_type", &f.KeyType, false)
	str("value_type", &f.ValueType, false)
	boolean("required", &f.Required)
	boolean("element_required", &f.ElementRequired)
	boolean("value_required", &f.ValueRequired)
	id("id", &f.ID)
	id("element_id", &f.ElementID)
	id("key_id", &f.KeyID)
	id("value_id", &f.ValueID)
	if err != nil {
		return nil, err
	}
	if nested, ok := a["fields"].(basetypes.ListValue); ok {
		if f.Fields, err = fieldsFromList(nested); err != nil {
			return nil, err
		}
	}

	return f, nil
}

// fieldsToList converts fields into the schema list value. prior supplies
// the user's spellings: where a prior field with the same id names the
// same type differently, its spelling is kept so equal types never diff.
func fieldsToList(fields, prior []*catalog.Field, level int) types.List {
	elemType := types.ObjectType{AttrTypes: fieldAttrTypes(level)}
	vals := make([]attr.Value, 0, len(fields))
	for _, f := range fields {
		var p *catalog.Field
		for _, c := range prior {
			if c.ID == f.ID {
				p = c
			}
		}
		vals = append(vals, fieldToObject(f, p, level))
	}

	return types.ListValueMust(elemType, vals)
}

func fieldToObject(f, p *catalog.Field, level int) attr.Value {
	spell := func(remote string, prior func(*catalog.Field) string) TypeNameValue {
		if remote == "" {
			return typeNameNull()
		}
		if p != nil && catalog.SameTypeName(prior(p), remote) {
			return typeNameOf(prior(p))
		}

		return typeNameOf(remote)
	}
	optID := func(id int) types.Int64 {
		if id == 0 {
			return types.Int64Null()
		}

		return types.Int64Value(int64(id))
	}
	doc := types.StringNull()
	if f.Doc != "" {
		doc = types.StringValue(f.Doc)
	}
	typeName := f.Type
	if p != nil && strings.EqualFold(strings.TrimSpace(p.Type), f.Type) || p != nil && catalog.SameTypeName(p.Type, f.Type) {
		typeName = p.Type
	}
	attrs := map[string]attr.Value{
		"id": types.Int64Value(int64(f.ID)), "name": types.StringValue(f.Name), "type": typeNameOf(typeName),
		"required": types.BoolValue(f.Required), "doc": doc,
		"element_type":     spell(f.ElementType, func(c *catalog.Field) string { return c.ElementType }),
		"element_required": types.BoolValue(f.ElementRequired), "element_id": optID(f.ElementID),
		"key_type":       spell(f.KeyType, func(c *catalog.Field) string { return c.KeyType }),
		"key_id":         optID(f.KeyID),
		"value_type":     spell(f.ValueType, func(c *catalog.Field) string { return c.ValueType }),
		"value_required": types.BoolValue(f.ValueRequired), "value_id": optID(f.ValueID),
	}
	if level < MaxNesting {
		var priorNested []*catalog.Field
		if p != nil {
			priorNested = p.Fields
		}
		if len(f.Fields) == 0 {
			attrs["fields"] = types.ListNull(types.ObjectType{AttrTypes: fieldAttrTypes(level + 1)})
		} else {
			attrs["fields"] = fieldsToList(f.Fields, priorNested, level+1)
		}
	}

	return types.ObjectValueMust(fieldAttrTypes(level), attrs)
}

// depth returns how deep fields nest.
func depth(fields []*catalog.Field) int {
	d := 0
	for _, f := range fields {
		d = max(d, 1+depth(f.Fields))
	}

	return d
}

// SchemaValue is the schema attribute value for fields, shared with the
// lakehouse_iceberg_table data source so both show one shape.
func SchemaValue(fields []*catalog.Field) types.List { return fieldsToList(fields, nil, 1) }

// FieldAttrTypes returns the object type of a schema field at level.
func FieldAttrTypes(level int) map[string]attr.Type { return fieldAttrTypes(level) }
