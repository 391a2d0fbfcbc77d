package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
)

// PartitionField is one declared partition field.
type PartitionField struct {
	Source    string // dotted column path
	Transform string
	Name      string
}

// SortField is one declared sort field.
type SortField struct {
	Source    string
	Transform string
	Direction string // asc | desc
	NullOrder string // nulls-first | nulls-last
}

// TableSpec is everything the provider declares about a table.
type TableSpec struct {
	Fields           []*Field
	IdentifierFields []string
	Partition        []PartitionField
	Sort             []SortField
	Properties       map[string]string // declared keys only
	RemovedProps     []string          // keys to remove
	Location         string            // "" = catalog default
	FormatVersion    int
}

// DefaultPartitionName is the partition field name Iceberg engines use for
// a transform of a source column.
func DefaultPartitionName(source string, t iceberg.Transform) string {
	src := strings.ReplaceAll(source, ".", "_")
	switch t := t.(type) {
	case iceberg.IdentityTransform:
		return src
	case iceberg.BucketTransform:
		return fmt.Sprintf("%s_bucket_%d", src, t.NumBuckets)
	case iceberg.TruncateTransform:
		return fmt.Sprintf("%s_trunc_%d", src, t.Width)
	case iceberg.VoidTransform:
		return src + "_null"
	default:
		return src + "_" + t.String()
	}
}

// ParseTransform parses a transform spelling: identity, bucket[N],
// truncate[W], year, month, day, hour or void (round brackets accepted).
func ParseTransform(s string) (iceberg.Transform, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("(", "[", ")", "]", " ", "").Replace(n)
	t, err := iceberg.ParseTransform(n)
	if err != nil {
		return nil, fmt.Errorf("%q is not a transform; use identity, bucket[N], truncate[W], year, month, day, hour or void", s)
	}
	switch t.(type) {
	case iceberg.IdentityTransform, iceberg.BucketTransform, iceberg.TruncateTransform, iceberg.YearTransform,
		iceberg.MonthTransform, iceberg.DayTransform, iceberg.HourTransform, iceberg.VoidTransform:
		return t, nil
	}

	return nil, fmt.Errorf("transform %q is not supported; use identity, bucket[N], truncate[W], year, month, day, hour or void", s)
}

// SameTransform reports whether two spellings name one transform.
func SameTransform(a, b string) bool {
	ta, errA := ParseTransform(a)
	tb, errB := ParseTransform(b)

	return errA == nil && errB == nil && ta.String() == tb.String()
}

// CheckTransform resolves a source column and checks the transform applies.
func CheckTransform(fields []*Field, source, transform string) (*Field, iceberg.Transform, error) {
	f, t, err := ResolvePrimitive(fields, source)
	if err != nil {
		return nil, nil, err
	}
	tr, err := ParseTransform(transform)
	if err != nil {
		return nil, nil, err
	}
	if !tr.CanTransform(t) {
		return nil, nil, fmt.Errorf("transform %s cannot apply to %s column %q", tr, TypeName(t), source)
	}

	return f, tr, nil
}

// Schema builds the Iceberg schema of s (ids must be assigned).
func (s *TableSpec) Schema(id int) (*iceberg.Schema, error) {
	nested, err := ToIcebergFields(s.Fields)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, ref := range s.IdentifierFields {
		f, err := CheckIdentifierField(s.Fields, ref)
		if err != nil {
			return nil, fmt.Errorf("identifier field %q: %w", ref, err)
		}
		ids = append(ids, f.ID)
	}

	return iceberg.NewSchemaWithIdentifiers(id, ids, nested...), nil
}

// PartitionSpec builds the partition spec of s against sc, reusing the
// partition field id of the latest earlier field with the same source field
// id and transform: renaming the source column, or the partition field,
// keeps the field.
func (s *TableSpec) PartitionSpec(sc *iceberg.Schema, history []iceberg.PartitionSpec) (iceberg.PartitionSpec, error) {
	var opts []iceberg.PartitionOption
	taken := map[int]bool{}
	for _, p := range s.Partition {
		f, tr, err := CheckTransform(s.Fields, p.Source, p.Transform)
		if err != nil {
			return iceberg.PartitionSpec{}, err
		}
		var fid *int
		for _, old := range history {
			for _, of := range old.Fields() {
				if of.SourceID() != f.ID || taken[of.FieldID] {
					continue
				}
				if of.Transform.String() == tr.String() || s.voidKeepsID(tr) && of.Name == p.Name {
					id := of.FieldID
					fid = &id
				}
			}
		}
		if fid != nil {
			taken[*fid] = true
		}
		opts = append(opts, iceberg.AddPartitionFieldBySourceID(f.ID, p.Name, tr, sc, fid))
	}

	return iceberg.NewPartitionSpecOpts(opts...)
}

// voidKeepsID tells whether a partition field with transform tr keeps the
// id of the field it replaces: a format-version-1 table cannot drop
// partition fields (their ids are positional), so a removed field becomes
// void under the same id and name, as Iceberg's own engines do it.
func (s *TableSpec) voidKeepsID(tr iceberg.Transform) bool {
	_, void := tr.(iceberg.VoidTransform)

	return void && s.FormatVersion == 1
}

// SortOrder builds the sort order of s; an empty one is unsorted.
func (s *TableSpec) SortOrder(orderID int) (table.SortOrder, error) {
	if len(s.Sort) == 0 {
		return table.UnsortedSortOrder, nil
	}
	fields := make([]table.SortField, 0, len(s.Sort))
	for _, sf := range s.Sort {
		f, tr, err := CheckTransform(s.Fields, sf.Source, sf.Transform)
		if err != nil {
			return table.SortOrder{}, err
		}
		fields = append(fields, table.SortField{SourceIDs: []int{f.ID}, Transform: tr,
			Direction: table.SortDirection(sf.Direction), NullOrder: table.NullOrder(sf.NullOrder)})
	}

	return table.NewSortOrder(orderID, fields)
}

// Updates computes the updates and requirements that turn the table's
// current metadata into s, in one commit.
func Updates(md table.Metadata, s *TableSpec) ([]table.Requirement, []table.Update, error) {
	reqs := []table.Requirement{table.AssertTableUUID(md.TableUUID())}
	var ups []table.Update
	if s.FormatVersion > md.Version() {
		ups = append(ups, table.NewUpgradeFormatVersionUpdate(s.FormatVersion))
	}
	cur := md.CurrentSchema()
	sc, err := s.Schema(cur.ID)
	if err != nil {
		return nil, nil, err
	}
	if !sameSchema(cur, sc) {
		next := slices.MaxFunc(md.Schemas(), func(a, b *iceberg.Schema) int { return a.ID - b.ID }).ID + 1
		sc.ID = next
		reqs = append(reqs, table.AssertCurrentSchemaID(cur.ID), table.AssertLastAssignedFieldID(md.LastColumnID()))
		if curFields, err := FromIcebergFields(cur.Fields()); err == nil && tightens(curFields, s.Fields) {
			// Making a column required was checked against the rows present
			// now; a writer appending before this commit lands must fail it.
			var snap *int64
			if cs := md.CurrentSnapshot(); cs != nil {
				snap = &cs.SnapshotID
			}
			reqs = append(reqs, table.AssertRefSnapshotID("main", snap))
		}
		ups = append(ups, table.NewAddSchemaUpdate(sc), table.NewSetCurrentSchemaUpdate(-1))
	}
	spec, err := s.PartitionSpec(sc, md.PartitionSpecs())
	if err != nil {
		return nil, nil, fmt.Errorf("partition spec: %w", err)
	}
	if !samePartition(md.PartitionSpec(), spec) {
		reqs = append(reqs, table.AssertDefaultSpecID(md.DefaultPartitionSpec()))
		ups = append(ups, table.NewAddPartitionSpecUpdate(&spec, false), table.NewSetDefaultSpecUpdate(-1))
	}
	next := 1
	for _, o := range md.SortOrders() {
		next = max(next, o.OrderID()+1)
	}
	so, err := s.SortOrder(next)
	if err != nil {
		return nil, nil, fmt.Errorf("sort order: %w", err)
	}
	if !sameSort(md.SortOrder(), so) {
		reqs = append(reqs, table.AssertDefaultSortOrderID(md.DefaultSortOrder()))
		ups = append(ups, table.NewAddSortOrderUpdate(&so), table.NewSetDefaultSortOrderUpdate(-1))
	}
	set := iceberg.Properties{}
	for k, v := range s.Properties {
		if cv, ok := md.Properties()[k]; !ok || cv != v {
			set[k] = v
		}
	}
	if len(set) > 0 {
		ups = append(ups, table.NewSetPropertiesUpdate(set))
	}
	var remove []string
	for _, k := range s.RemovedProps {
		if _, ok := md.Properties()[k]; ok {
			remove = append(remove, k)
		}
	}
	if len(remove) > 0 {
		ups = append(ups, table.NewRemovePropertiesUpdate(remove))
	}
	if s.Location != "" && strings.TrimRight(s.Location, "/") != strings.TrimRight(md.Location(), "/") {
		ups = append(ups, table.NewSetLocationUpdate(strings.TrimRight(s.Location, "/")))
	}

	return reqs, ups, nil
}

// ErrConcurrentChange is returned when the table changed under the commit
// in a way that makes the planned change invalid.
var ErrConcurrentChange = errors.New("the table changed concurrently")

// Apply commits s to the table: one commit carrying requirements on the
// table uuid and current schema. priorSchema is the schema the change was
// planned against: when the table's schema is neither that nor already the
// target (someone else changed it since the plan), Apply fails with
// ErrConcurrentChange instead of overwriting their change. When the catalog
// reports a conflict it reloads and retries under the same rule. The result
// is verified against s after a fresh load.
func Apply(ctx context.Context, cat Catalog, ident []string, s *TableSpec, priorSchema []*Field) (*table.Table, error) {
	var lastErr error
	for range 4 {
		tbl, err := cat.LoadTable(ctx, ident)
		if err != nil {
			return nil, err
		}
		if priorSchema != nil {
			cur, err := FromIcebergFields(tbl.Schema().Fields())
			if err != nil || !sameFields(cur, priorSchema) && !sameFields(cur, s.Fields) {
				why := "none"
				if lastErr != nil {
					why = lastErr.Error()
				}

				return nil, fmt.Errorf("%w: its schema is now schema-id %d, not the one this change was planned against; "+
					"run terraform plan again to see the change against the new schema (last commit error: %s)",
					ErrConcurrentChange, tbl.Schema().ID, why)
			}
		}
		if err := checkLive(tbl.Metadata(), s); err != nil {
			return nil, err
		}
		reqs, ups, err := Updates(tbl.Metadata(), s)
		if err != nil {
			return nil, err
		}
		if len(ups) == 0 {
			return tbl, Verify(tbl.Metadata(), s)
		}
		if _, _, err = cat.CommitTable(ctx, ident, reqs, ups); err == nil {
			fresh, err := cat.LoadTable(ctx, ident)
			if err != nil {
				return nil, err
			}

			return fresh, Verify(fresh.Metadata(), s)
		}
		if !isConflict(err) {
			return nil, err
		}
		lastErr = err
	}

	return nil, fmt.Errorf("%w: gave up after repeated commit conflicts: %w", ErrConcurrentChange, lastErr)
}

// checkLive re-checks the declared schema against the table as loaded for
// the commit. The plan checked it against the state, which can be stale
// (terraform plan -refresh=false, or rows appended since the refresh): a
// column must not become required once the table holds data.
func checkLive(md table.Metadata, s *TableSpec) error {
	cur, err := FromIcebergFields(md.CurrentSchema().Fields())
	if err != nil {
		return err
	}
	planned := cloneFields(s.Fields)
	// Fields the table does not know yet are new: let Evolve treat them so.
	var forget func([]*Field)
	forget = func(fs []*Field) {
		for _, f := range fs {
			if f.ID > md.LastColumnID() {
				f.ID = 0
			}
			forget(f.Fields)
		}
	}
	forget(planned)
	_, err = Evolve(planned, cur, EvolveOptions{LastColumnID: md.LastColumnID(), HasData: md.CurrentSnapshot() != nil,
		FormatVersion: max(s.FormatVersion, md.Version())})
	if err != nil {
		return fmt.Errorf("the change is not valid for the table as it is now: %w", err)
	}

	return nil
}

func cloneFields(fs []*Field) []*Field {
	out := make([]*Field, len(fs))
	for i, f := range fs {
		c := *f
		c.Fields = cloneFields(f.Fields)
		out[i] = &c
	}

	return out
}

// tightens reports whether next makes any field of cur (matched by id)
// required, or its list elements or map values.
func tightens(cur, next []*Field) bool {
	for _, n := range next {
		i := slices.IndexFunc(cur, func(c *Field) bool { return c.ID == n.ID })
		if i < 0 {
			continue
		}
		c := cur[i]
		if n.Required && !c.Required || n.ElementRequired && !c.ElementRequired || n.ValueRequired && !c.ValueRequired ||
			tightens(c.Fields, n.Fields) {
			return true
		}
	}

	return false
}

func isConflict(err error) bool {
	if errors.Is(err, table.ErrCommitFailed) {
		return true
	}
	msg := strings.ToLower(err.Error())

	return strings.Contains(msg, "requirement failed") || strings.Contains(msg, "commit failed") ||
		strings.Contains(msg, "conflict")
}

// Verify checks that the metadata holds exactly what s declares, so a
// change the catalog silently dropped is reported instead of trusted.
func Verify(md table.Metadata, s *TableSpec) error {
	var problems []string
	sc, err := s.Schema(md.CurrentSchema().ID)
	if err != nil {
		return err
	}
	if !sameSchema(md.CurrentSchema(), sc) {
		problems = append(problems, fmt.Sprintf("schema is %s, declared %s", md.CurrentSchema(), sc))
	}
	if spec, err := s.PartitionSpec(sc, md.PartitionSpecs()); err != nil || !samePartition(md.PartitionSpec(), spec) {
		problems = append(problems, fmt.Sprintf("partition spec is %s, declared %v", md.PartitionSpec().String(), s.Partition))
	}
	if so, err := s.SortOrder(max(1, md.SortOrder().OrderID())); err != nil || !sameSort(md.SortOrder(), so) {
		problems = append(problems, fmt.Sprintf("sort order is %s, declared %v", md.SortOrder(), s.Sort))
	}
	for k, v := range s.Properties {
		if got, ok := md.Properties()[k]; !ok || got != v {
			problems = append(problems, fmt.Sprintf("property %q is %q, declared %q", k, got, v))
		}
	}
	for _, k := range s.RemovedProps {
		if _, ok := md.Properties()[k]; ok {
			problems = append(problems, fmt.Sprintf("property %q was not removed", k))
		}
	}
	if s.FormatVersion != 0 && md.Version() != s.FormatVersion {
		problems = append(problems, fmt.Sprintf("format version is %d, declared %d", md.Version(), s.FormatVersion))
	}
	if s.Location != "" && strings.TrimRight(s.Location, "/") != strings.TrimRight(md.Location(), "/") {
		problems = append(problems, fmt.Sprintf("location is %s, declared %s", md.Location(), s.Location))
	}
	if len(problems) > 0 {
		return fmt.Errorf("after the commit the table metadata differs from the declaration: %s", strings.Join(problems, "; "))
	}

	return nil
}

func sameSchema(a, b *iceberg.Schema) bool {
	if !slices.Equal(sortedInts(a.IdentifierFieldIDs), sortedInts(b.IdentifierFieldIDs)) {
		return false
	}
	fa, errA := FromIcebergFields(a.Fields())
	fb, errB := FromIcebergFields(b.Fields())

	return errA == nil && errB == nil && sameFields(fa, fb)
}

func sortedInts(s []int) []int {
	c := slices.Clone(s)
	slices.Sort(c)

	return c
}

func sameFields(a, b []*Field) bool {
	return slices.EqualFunc(a, b, func(x, y *Field) bool {
		return x.ID == y.ID && x.Name == y.Name && SameTypeName(x.Type, y.Type) && x.Required == y.Required &&
			x.Doc == y.Doc && sameOptType(x.ElementType, y.ElementType) && x.ElementRequired == y.ElementRequired &&
			x.ElementID == y.ElementID && sameOptType(x.KeyType, y.KeyType) && x.KeyID == y.KeyID &&
			sameOptType(x.ValueType, y.ValueType) && x.ValueID == y.ValueID && x.ValueRequired == y.ValueRequired &&
			sameFields(x.Fields, y.Fields)
	})
}

func sameOptType(a, b string) bool {
	return a == b || SameTypeName(a, b)
}

func samePartition(a, b iceberg.PartitionSpec) bool {
	type pf struct {
		src       int
		transform string
		name      string
	}
	list := func(s iceberg.PartitionSpec) []pf {
		var out []pf
		for _, f := range s.Fields() {
			out = append(out, pf{f.SourceID(), f.Transform.String(), f.Name})
		}

		return out
	}

	return slices.Equal(list(a), list(b))
}

func sameSort(a, b table.SortOrder) bool {
	list := func(s table.SortOrder) []string {
		var out []string
		for _, f := range s.Fields() {
			out = append(out, fmt.Sprintf("%d %s %s %s", f.SourceID(), f.Transform, f.Direction, f.NullOrder))
		}

		return out
	}

	return slices.Equal(list(a), list(b))
}

// FieldPath returns the dotted path (escaped like identifiers) of the field
// with id in fields, searching through structs only.
func FieldPath(fields []*Field, id int) (string, bool) {
	for _, f := range fields {
		if f.ID == id {
			return FormatIdentifier([]string{f.Name}), true
		}
		if f.kind() == TypeStruct {
			if p, ok := FieldPath(f.Fields, id); ok {
				return FormatIdentifier([]string{f.Name}) + "." + p, true
			}
		}
	}

	return "", false
}
