package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
)

// Field identity across changes (documented on the table resource): a
// declared field keeps the id of the existing field with the same name at
// the same level, unless it names an id explicitly, which is how a rename
// keeps its identity and data. Fields that match nothing are new and get
// ids from last-column-id + 1 in declaration order; existing fields that
// match nothing are drops.

// Evolution is the outcome of matching declared fields against the table.
type Evolution struct {
	Dropped [][]string // paths of existing fields no longer declared
	LastID  int        // highest field id ever assigned, after this change
}

// EvolveOptions carries what the rules depend on besides the two schemas.
type EvolveOptions struct {
	LastColumnID  int  // last-column-id of the table metadata
	HasData       bool // the table has a current snapshot
	FormatVersion int
}

// Evolve assigns ids to planned (in place) by matching it against prior,
// and checks every change against Iceberg's schema evolution rules.
func Evolve(planned, prior []*Field, opts EvolveOptions) (*Evolution, error) {
	e := &evolver{opts: opts, next: max(opts.LastColumnID, MaxID(prior)), root: prior}
	if err := e.scope(planned, prior, nil, nil); err != nil {
		return nil, err
	}

	return &Evolution{Dropped: e.dropped, LastID: e.next}, nil
}

type evolver struct {
	opts    EvolveOptions
	next    int
	dropped [][]string
	root    []*Field // the whole prior schema, to name the owner of an id
}

func (e *evolver) newID() int {
	e.next++

	return e.next
}

func (e *evolver) scope(planned, prior []*Field, path []string, index []int) error {
	seen := map[string]int{}
	for i, f := range planned {
		if j, dup := seen[f.Name]; dup {
			return pathErr(path, index, i, f.Name, "name", fmt.Errorf("the name is declared twice at this level (also at position %d)", j+1))
		}
		seen[f.Name] = i
	}
	match := make([]*Field, len(planned))
	byID := make([]bool, len(planned))
	used := make([]bool, len(prior))
	for i, f := range planned {
		if f.ID == 0 {
			continue
		}
		j := slices.IndexFunc(prior, func(p *Field) bool { return p.ID == f.ID })
		if j < 0 {
			if owner, ok := FieldPath(e.root, f.ID); ok {
				return pathErr(path, index, i, f.Name, "id", fmt.Errorf("field id %d belongs to column %q, at another "+
					"level; a column cannot move between levels. Remove id to add %q as a new column", f.ID, owner, f.Name))
			}

			return pathErr(path, index, i, f.Name, "id", fmt.Errorf("field id %d is not an existing field at this level; "+
				"set id only to keep an existing field's identity across a rename, and leave it unset for new fields", f.ID))
		}
		if used[j] {
			return pathErr(path, index, i, f.Name, "id", fmt.Errorf("field id %d is claimed by two declared fields", f.ID))
		}
		used[j], match[i], byID[i] = true, prior[j], true
	}
	for i, f := range planned {
		if match[i] != nil {
			continue
		}
		j := slices.IndexFunc(prior, func(p *Field) bool { return p.Name == f.Name })
		if j >= 0 && !used[j] {
			used[j], match[i] = true, prior[j]
		}
	}
	for j, p := range prior {
		if !used[j] {
			e.dropped = append(e.dropped, append(slices.Clone(path), p.Name))
		}
	}
	for i, f := range planned {
		p := match[i]
		here := append(slices.Clone(path), f.Name)
		at := append(slices.Clone(index), i)
		if p == nil {
			if err := e.added(f, here, at, len(prior) > 0 || len(path) > 0); err != nil {
				return err
			}

			continue
		}
		if err := e.matched(f, p, here, at, byID[i] && p.Name != f.Name); err != nil {
			return err
		}
	}

	return nil
}

// added assigns fresh ids to a new field and everything inside it.
func (e *evolver) added(f *Field, path []string, index []int, existingTable bool) error {
	if f.Required && existingTable && e.opts.HasData {
		return &PathError{Index: index, Path: path, Attr: "required", Err: errors.New("a new column on a table " +
			"that holds data must be optional: existing rows have no value for it")}
	}
	f.ID = e.newID()
	switch f.kind() {
	case TypeList:
		f.ElementID = e.newID()
	case TypeMap:
		f.KeyID = e.newID()
		f.ValueID = e.newID()
	}
	for i, c := range f.Fields {
		c.ID = 0
		if err := e.added(c, append(slices.Clone(path), c.Name), append(slices.Clone(index), i), false); err != nil {
			return err
		}
	}

	return nil
}

// matched checks the change from the existing field p to the declared f.
// renamed says f claims p by id under another name: when its type cannot
// become f's, the id is the likelier mistake, so the error says whose id it
// is.
func (e *evolver) matched(f, p *Field, path []string, index []int, renamed bool) error {
	f.ID = p.ID
	fail := func(attr string, err error) error {
		if renamed && strings.HasSuffix(attr, "type") {
			attr = "id"
			err = fmt.Errorf("field id %d belongs to the existing column %q (%s), not to %q: setting id renames %q to "+
				"%q, and then %w. If %q is a new column, remove its id", p.ID, p.Name, p.Type, f.Name, p.Name, f.Name, err, f.Name)
		}

		return &PathError{Index: index, Path: path, Attr: attr, Err: err}
	}
	if f.kind() != p.kind() {
		return fail("type", fmt.Errorf("changing a %s column to %s is not allowed; add a new column instead", p.Type, f.Type))
	}
	if f.kind() == "primitive" {
		if err := e.promote("primitive", p.Type, f.Type, "type", fail); err != nil {
			return err
		}
	}
	if f.Required && !p.Required && e.opts.HasData {
		return fail("required", errors.New("making an optional column required is not allowed on a table that holds "+
			"data: existing rows may hold nulls"))
	}
	switch f.kind() {
	case TypeList:
		f.ElementID = p.ElementID
		if err := e.promote(elemKind(f.ElementType), p.ElementType, f.ElementType, "element_type", fail); err != nil {
			return err
		}
		if f.ElementRequired && !p.ElementRequired && e.opts.HasData {
			return fail("element_required", errors.New("list elements cannot become required on a table that holds data"))
		}
	case TypeMap:
		f.KeyID, f.ValueID = p.KeyID, p.ValueID
		if !SameTypeName(f.KeyType, p.KeyType) {
			return fail("key_type", fmt.Errorf("map key type cannot change (from %s to %s)", p.KeyType, f.KeyType))
		}
		if err := e.promote(elemKind(f.ValueType), p.ValueType, f.ValueType, "value_type", fail); err != nil {
			return err
		}
		if f.ValueRequired && !p.ValueRequired && e.opts.HasData {
			return fail("value_required", errors.New("map values cannot become required on a table that holds data"))
		}
	}
	if f.childStruct() {
		return e.scope(f.Fields, p.Fields, path, index)
	}

	return nil
}

func elemKind(t string) string {
	if strings.EqualFold(strings.TrimSpace(t), TypeStruct) {
		return TypeStruct
	}

	return "primitive"
}

// promote checks a type change of a field, list element or map value.
func (e *evolver) promote(kind, from, to, attr string, fail func(string, error) error) error {
	if kind != "primitive" || elemKind(from) != "primitive" {
		if elemKind(from) != kind {
			return fail(attr, fmt.Errorf("changing %s to %s is not allowed", from, to))
		}

		return nil
	}
	pf, err := ParsePrimitive(from)
	if err != nil {
		return fail(attr, err)
	}
	pt, err := ParsePrimitive(to)
	if err != nil {
		return fail(attr, err)
	}
	if err := CheckPromotion(pf, pt, e.opts.FormatVersion); err != nil {
		return fail(attr, err)
	}

	return nil
}

func pathErr(path []string, index []int, i int, name, attr string, err error) error {
	return &PathError{Index: append(slices.Clone(index), i), Path: append(slices.Clone(path), name), Attr: attr, Err: err}
}

// SplitPath splits a dotted column reference; a literal dot in a name is
// escaped as "\." like in identifiers.
func SplitPath(ref string) []string {
	levels, err := ParseIdentifier(ref)
	if err != nil {
		return []string{ref}
	}

	return levels
}

// Resolve finds the field a dotted reference names, walking only through
// structs, and reports the chain of fields from the top.
func Resolve(fields []*Field, ref string) ([]*Field, error) {
	var chain []*Field
	scope := fields
	for i, name := range SplitPath(ref) {
		j := slices.IndexFunc(scope, func(f *Field) bool { return f.Name == name })
		if j < 0 {
			return chain, fmt.Errorf("no column %q in the schema", strings.Join(SplitPath(ref)[:i+1], "."))
		}
		f := scope[j]
		chain = append(chain, f)
		scope = nil
		if f.kind() == TypeStruct {
			scope = f.Fields
		} else if i < len(SplitPath(ref))-1 {
			return chain, fmt.Errorf("%q is a %s; only struct fields can be named with a dotted path "+
				"(fields inside a list or map cannot be referenced)", f.Name, f.Type)
		}
	}

	return chain, nil
}

// CheckIdentifierField applies the spec's rules for identifier (row key)
// fields (C10): required, primitive, not float or double, and reached only
// through required structs - never through a list or a map.
func CheckIdentifierField(fields []*Field, ref string) (*Field, error) {
	chain, err := Resolve(fields, ref)
	if err != nil {
		return nil, err
	}
	for _, anc := range chain[:len(chain)-1] {
		if !anc.Required {
			return nil, fmt.Errorf("its parent struct %q is optional, so the field can still be null; "+
				"identifier fields must be reached through required structs", anc.Name)
		}
	}
	leaf := chain[len(chain)-1]
	if leaf.kind() != "primitive" {
		return nil, fmt.Errorf("it is a %s; identifier fields must be primitive and may not be inside a list or map", leaf.Type)
	}
	if !leaf.Required {
		return nil, errors.New("it is optional; identifier fields must be required")
	}
	t, err := ParsePrimitive(leaf.Type)
	if err != nil {
		return nil, err
	}
	switch t.(type) {
	case iceberg.Float32Type, iceberg.Float64Type:
		return nil, fmt.Errorf("it is a %s; float and double fields cannot be identifier fields", TypeName(t))
	}

	return leaf, nil
}

// ResolvePrimitive resolves a partition or sort source column.
func ResolvePrimitive(fields []*Field, ref string) (*Field, iceberg.PrimitiveType, error) {
	chain, err := Resolve(fields, ref)
	if err != nil {
		return nil, nil, err
	}
	leaf := chain[len(chain)-1]
	if leaf.kind() != "primitive" {
		return nil, nil, fmt.Errorf("%q is a %s; only primitive columns can be transformed", ref, leaf.Type)
	}
	t, err := ParsePrimitive(leaf.Type)

	return leaf, t, err
}
