package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
)

// Field is one declared column, as the provider models it: a primitive, or
// a struct (Fields), a list (ElementType, and Fields when the element is a
// struct) or a map (KeyType, ValueType, and Fields when the value is a
// struct). IDs are Iceberg field ids; 0 means not assigned yet.
type Field struct {
	ID       int
	Name     string
	Type     string
	Required bool
	Doc      string
	Fields   []*Field

	ElementType     string
	ElementRequired bool
	ElementID       int

	KeyType       string
	KeyID         int
	ValueType     string
	ValueRequired bool
	ValueID       int
}

// PathError is an error about one declared field; Path holds the names
// from the top-level column down, and Attr the attribute at fault.
type PathError struct {
	Index []int // positions in each level's field list
	Path  []string
	Attr  string
	Err   error
}

func (e *PathError) Error() string {
	return fmt.Sprintf("field %q: %v", strings.Join(e.Path, "."), e.Err)
}

func (e *PathError) Unwrap() error { return e.Err }

// kind returns struct, list, map or primitive.
func (f *Field) kind() string {
	switch strings.ToLower(strings.TrimSpace(f.Type)) {
	case TypeStruct, TypeList, TypeMap:
		return strings.ToLower(strings.TrimSpace(f.Type))
	}

	return "primitive"
}

// childStruct tells whether Fields describes a nested struct for this field.
func (f *Field) childStruct() bool {
	switch f.kind() {
	case TypeStruct:
		return true
	case TypeList:
		return strings.EqualFold(strings.TrimSpace(f.ElementType), TypeStruct)
	case TypeMap:
		return strings.EqualFold(strings.TrimSpace(f.ValueType), TypeStruct)
	}

	return false
}

// ToIcebergFields converts declared fields (with ids assigned) into
// Iceberg nested fields.
func ToIcebergFields(fields []*Field) ([]iceberg.NestedField, error) {
	out := make([]iceberg.NestedField, 0, len(fields))
	for i, f := range fields {
		t, err := f.icebergType()
		if err != nil {
			var pe *PathError
			if errors.As(err, &pe) {
				pe.Index = append([]int{i}, pe.Index...)
				pe.Path = append([]string{f.Name}, pe.Path...)

				return nil, pe
			}

			return nil, &PathError{Index: []int{i}, Path: []string{f.Name}, Attr: "type", Err: err}
		}
		out = append(out, iceberg.NestedField{ID: f.ID, Name: f.Name, Type: t, Required: f.Required, Doc: f.Doc})
	}

	return out, nil
}

func (f *Field) structType() (*iceberg.StructType, error) {
	if len(f.Fields) == 0 {
		return nil, errors.New("a struct needs at least one field in `fields`")
	}
	nested, err := ToIcebergFields(f.Fields)
	if err != nil {
		return nil, err
	}

	return &iceberg.StructType{FieldList: nested}, nil
}

func (f *Field) elemType(name string) (iceberg.Type, error) {
	if strings.EqualFold(strings.TrimSpace(name), TypeStruct) {
		return f.structType()
	}
	if name == "" {
		return nil, errors.New("the element/value type is missing")
	}

	return ParsePrimitive(name)
}

func (f *Field) icebergType() (iceberg.Type, error) {
	switch f.kind() {
	case TypeStruct:
		return f.structType()
	case TypeList:
		et, err := f.elemType(f.ElementType)
		if err != nil {
			return nil, err
		}

		return &iceberg.ListType{ElementID: f.ElementID, Element: et, ElementRequired: f.ElementRequired}, nil
	case TypeMap:
		if f.KeyType == "" {
			return nil, errors.New("a map needs key_type")
		}
		kt, err := ParsePrimitive(f.KeyType)
		if err != nil {
			return nil, err
		}
		vt, err := f.elemType(f.ValueType)
		if err != nil {
			return nil, err
		}

		return &iceberg.MapType{KeyID: f.KeyID, KeyType: kt, ValueID: f.ValueID, ValueType: vt, ValueRequired: f.ValueRequired}, nil
	default:
		if len(f.Fields) > 0 {
			return nil, errors.New("`fields` is only allowed for struct, list of struct and map with struct values")
		}

		return ParsePrimitive(f.Type)
	}
}

// FromIcebergFields converts Iceberg fields into declared fields. A list of
// lists, or a map whose value is a list or map, has no shape here and is an
// error naming the column.
func FromIcebergFields(fields []iceberg.NestedField) ([]*Field, error) {
	out := make([]*Field, 0, len(fields))
	for _, nf := range fields {
		f := &Field{ID: nf.ID, Name: nf.Name, Required: nf.Required, Doc: nf.Doc, Type: TypeName(nf.Type)}
		var err error
		switch t := nf.Type.(type) {
		case *iceberg.StructType:
			f.Fields, err = FromIcebergFields(t.FieldList)
		case *iceberg.ListType:
			f.ElementID, f.ElementRequired = t.ElementID, t.ElementRequired
			f.ElementType, f.Fields, err = nestedFrom(t.Element)
		case *iceberg.MapType:
			f.KeyID, f.ValueID, f.ValueRequired = t.KeyID, t.ValueID, t.ValueRequired
			f.KeyType = TypeName(t.KeyType)
			if _, ok := t.KeyType.(iceberg.PrimitiveType); !ok {
				err = errors.New("map keys that are not primitive cannot be represented")
			} else {
				f.ValueType, f.Fields, err = nestedFrom(t.ValueType)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", nf.Name, err)
		}
		out = append(out, f)
	}

	return out, nil
}

func nestedFrom(t iceberg.Type) (string, []*Field, error) {
	switch t := t.(type) {
	case *iceberg.StructType:
		fs, err := FromIcebergFields(t.FieldList)

		return TypeStruct, fs, err
	case iceberg.PrimitiveType:
		return TypeName(t), nil, nil
	default:
		return "", nil, fmt.Errorf("nested %s inside a list or map cannot be represented; declare it as a struct", TypeName(t))
	}
}

// AssignFreshIDs gives a new table's fields the ids Iceberg assigns when
// it creates the table, so the plan shows the ids the metadata will hold.
func AssignFreshIDs(fields []*Field) error {
	next := 0
	tmp := func() int { next++; return next } //nolint:nlreturn // tiny counter
	walkIDs(fields, func(p *int) { *p = tmp() })
	nested, err := ToIcebergFields(fields)
	if err != nil {
		return err
	}
	fresh, err := iceberg.AssignFreshSchemaIDs(iceberg.NewSchema(0, nested...), nil)
	if err != nil {
		return err
	}
	got, err := FromIcebergFields(fresh.Fields())
	if err != nil {
		return err
	}
	copyIDs(fields, got)

	return nil
}

// AssignNewTableIDs gives the fields of a table about to be created their
// ids. Declared ids (f.ID != 0) are kept, so a configuration written for an
// existing table (ids kept across a rename, or generated by an import)
// creates the same table elsewhere. The other fields, list elements and map
// keys and values take the lowest ids no declared field uses, in the order
// Iceberg numbers a new table: with no id declared, or only ids Iceberg
// would give anyway, the result is Iceberg's own numbering; after a rename
// that kept one id, the other columns get back the ids they had. A declared
// id that is out of range or declared twice, and a name declared twice at
// one level, are a PathError.
func AssignNewTableIDs(fields []*Field) error {
	// Element, key and value ids are never declared, only assigned.
	var unset func([]*Field)
	unset = func(fs []*Field) {
		for _, f := range fs {
			f.ElementID, f.KeyID, f.ValueID = 0, 0, 0
			unset(f.Fields)
		}
	}
	unset(fields)
	used := map[int][]int{}
	if err := checkDeclaredIDs(fields, nil, nil, used); err != nil {
		return err
	}
	if len(used) == 0 {
		return AssignFreshIDs(fields)
	}
	next := 0
	walkIDs(fields, func(p *int) {
		if *p != 0 {
			return
		}
		next++
		for used[next] != nil {
			next++
		}
		*p = next
	})

	return nil
}

func checkDeclaredIDs(fields []*Field, path []string, index []int, seen map[int][]int) error {
	names := map[string]int{}
	for i, f := range fields {
		at := append(slices.Clone(index), i)
		here := append(slices.Clone(path), f.Name)
		if j, dup := names[f.Name]; dup {
			return &PathError{Index: at, Path: here, Attr: "name", Err: fmt.Errorf("the name is declared twice at "+
				"this level (also at position %d)", j+1)}
		}
		names[f.Name] = i
		if f.ID != 0 {
			switch {
			case f.ID < 1 || f.ID > iceberg.MaxStructFieldID:
				return &PathError{Index: at, Path: here, Attr: "id", Err: fmt.Errorf("field id %d is outside 1..%d",
					f.ID, iceberg.MaxStructFieldID)}
			case seen[f.ID] != nil:
				return &PathError{Index: at, Path: here, Attr: "id", Err: fmt.Errorf("field id %d is declared twice "+
					"(also at %s); each field needs its own id", f.ID, IndexPath(seen[f.ID]))}
			}
			seen[f.ID] = at
		}
		if err := checkDeclaredIDs(f.Fields, here, at, seen); err != nil {
			return err
		}
	}

	return nil
}

// IndexPath spells field positions as the schema attribute's path:
// schema[2].fields[0].
func IndexPath(index []int) string {
	var b strings.Builder
	for i, idx := range index {
		if i == 0 {
			fmt.Fprintf(&b, "schema[%d]", idx)
		} else {
			fmt.Fprintf(&b, ".fields[%d]", idx)
		}
	}

	return b.String()
}

// walkIDs visits every id slot in pre-order: a field, then its element,
// key and value ids, then its nested fields.
func walkIDs(fields []*Field, fn func(*int)) {
	for _, f := range fields {
		fn(&f.ID)
		switch f.kind() {
		case TypeList:
			fn(&f.ElementID)
		case TypeMap:
			fn(&f.KeyID)
			fn(&f.ValueID)
		}
		walkIDs(f.Fields, fn)
	}
}

func copyIDs(dst, src []*Field) {
	for i := range dst {
		if i >= len(src) {
			return
		}
		dst[i].ID, dst[i].ElementID, dst[i].KeyID, dst[i].ValueID = src[i].ID, src[i].ElementID, src[i].KeyID, src[i].ValueID
		copyIDs(dst[i].Fields, src[i].Fields)
	}
}

// ClearNonApplicableIDs zeroes element/key/value ids that do not apply to a
// field's kind.
func ClearNonApplicableIDs(fields []*Field) {
	for _, f := range fields {
		if f.kind() != TypeList {
			f.ElementID = 0
		}
		if f.kind() != TypeMap {
			f.KeyID, f.ValueID = 0, 0
		}
		ClearNonApplicableIDs(f.Fields)
	}
}

// MaxID returns the highest id in fields.
func MaxID(fields []*Field) int {
	m := 0
	walkIDs(fields, func(p *int) { m = max(m, *p) })

	return m
}

// CheckFormatVersion refuses types the table's format version cannot hold
// (nanosecond timestamps need version 3), so the plan fails with the field
// path instead of the commit with the library's terse "invalid schema".
func CheckFormatVersion(fields []*Field, formatVersion int) error {
	for i, f := range fields {
		for _, a := range [][2]string{{"type", f.Type}, {"element_type", f.ElementType}, {"key_type", f.KeyType}, {"value_type", f.ValueType}} {
			attr, name := a[0], a[1]
			t, err := ParsePrimitive(name)
			if name == "" || err != nil {
				continue
			}
			if need := minFormatVersion(t); formatVersion < need {
				return &PathError{Index: []int{i}, Path: []string{f.Name}, Attr: attr,
					Err: fmt.Errorf("%s needs format_version = %d or higher (the table is format version %d)", TypeName(t), need, formatVersion)}
			}
		}
		if err := CheckFormatVersion(f.Fields, formatVersion); err != nil {
			var pe *PathError
			if errors.As(err, &pe) {
				pe.Index = append([]int{i}, pe.Index...)
				pe.Path = append([]string{f.Name}, pe.Path...)
			}

			return err
		}
	}

	return nil
}

func minFormatVersion(t iceberg.PrimitiveType) int {
	switch t.(type) {
	case iceberg.TimestampNsType, iceberg.TimestampTzNsType:
		return 3
	}

	return 1
}
