package iceberg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/iceberg-go/table"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// ModifyPlan assigns field ids and checks every change against Iceberg's
// rules on the config plus the prior state, so illegal changes fail at plan
// time with the attribute path rather than at commit time.
//
// A destroy plan (null plan) is never checked. terraform destroy first runs
// a normal plan, though, which plans a create for every table in the
// configuration but not in the state (deleted out of band, or never
// applied): the checks for a new table therefore refuse only what no table
// could hold, never a configuration an existing table accepts.
func (r *tableResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !providerdata.RequireInPlan(req, resp, r.data, "lakehouse_iceberg_table", providerdata.BlockCatalog) {
		return
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan tableResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planID := ""
	if ns, ok := knownStrings(plan.Namespace); ok && !plan.Name.IsUnknown() {
		planID = catalog.FormatIdentifier(append(ns, plan.Name.ValueString()))
	}
	catalogFileWarnings(r.data, &resp.Diagnostics, tableType, planID)
	var state *tableResourceModel
	if !req.State.Raw.IsNull() {
		state = &tableResourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if !plan.Name.Equal(state.Name) || !plan.Namespace.Equal(state.Namespace) {
			// A rename or move happens in place; only the id changes.
			plan.ID = types.StringUnknown()
			if planID != "" {
				plan.ID = types.StringValue(planID)
			}
		}
	}
	fields, err := fieldsFromList(plan.Schema)
	if err != nil || plan.FormatVersion.IsUnknown() || plan.AllowColumnDrops.IsUnknown() {
		return // values from other resources are not known yet
	}
	if !checkShapes(fields, path.Root("schema"), &resp.Diagnostics) {
		return
	}
	lastID, ok := assignIDs(fields, &plan, state, &resp.Diagnostics)
	if !ok {
		return
	}
	catalog.ClearNonApplicableIDs(fields)
	if _, err := catalog.ToIcebergFields(fields); err != nil {
		addFieldError(&resp.Diagnostics, err)

		return
	}
	if err := catalog.CheckFormatVersion(fields, int(plan.FormatVersion.ValueInt64())); err != nil {
		addFieldError(&resp.Diagnostics, err)

		return
	}
	checkIdentifiers(ctx, fields, &plan, state, &resp.Diagnostics)
	parts := planPartitions(ctx, fields, &plan, state, &resp.Diagnostics)
	sorts := planSorts(ctx, fields, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// Where the prior state spells a type differently but equally, plan the
	// prior spelling: Terraform accepts the prior value as "no change".
	var priorFields []*catalog.Field
	if state != nil {
		priorFields, _ = fieldsFromList(state.Schema)
	}
	plan.Schema = fieldsToList(fields, priorFields, 1)
	plan.LastColumnID = types.Int64Value(int64(lastID))
	if parts != nil {
		plan.PartitionSpec = *parts
	}
	if sorts != nil {
		plan.SortOrder = *sorts
	}
	if state != nil && plan.commitsNothing(state) {
		// Only spellings or provider-side settings differ: nothing will be
		// committed, so the server-side values stay as they are.
		plan.CurrentSchemaID, plan.CurrentSnapshotID = state.CurrentSchemaID, state.CurrentSnapshotID
		plan.MetadataLocation, plan.Location, plan.TableUUID = state.MetadataLocation, state.Location, state.TableUUID
		plan.LastColumnID, plan.ID = state.LastColumnID, state.ID
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// commitsNothing reports whether m declares for the table exactly what
// state holds, so that applying m commits nothing to the catalog. purge
// and allow_column_drops are settings of the provider, not of the table:
// changing only them is an update that touches nothing remote.
func (m *tableResourceModel) commitsNothing(state *tableResourceModel) bool {
	return m.Name.Equal(state.Name) && m.Namespace.Equal(state.Namespace) &&
		m.Schema.Equal(state.Schema) && m.IdentifierFields.Equal(state.IdentifierFields) &&
		m.PartitionSpec.Equal(state.PartitionSpec) && m.SortOrder.Equal(state.SortOrder) &&
		m.Properties.Equal(state.Properties) && m.FormatVersion.Equal(state.FormatVersion) &&
		(m.Location.IsUnknown() || m.Location.Equal(state.Location))
}

// checkShapes rejects attributes that do not belong to a field's type.
func checkShapes(fields []*catalog.Field, at path.Path, d *diag.Diagnostics) bool {
	ok := true
	for i, f := range fields {
		p := at.AtListIndex(i)
		kind := strings.ToLower(strings.TrimSpace(f.Type))
		bad := func(attr, msg string) {
			addAttrError(d, p.AtName(attr), "Invalid schema field", fmt.Sprintf("field %q: %s", f.Name, msg))
			ok = false
		}
		switch {
		case kind == catalog.TypeList && f.ElementType == "":
			bad("element_type", "a list needs element_type.")
		case kind != catalog.TypeList && f.ElementType != "":
			bad("element_type", "element_type applies only to type = \"list\".")
		case kind == catalog.TypeMap && (f.KeyType == "" || f.ValueType == ""):
			bad("key_type", "a map needs key_type and value_type.")
		case kind != catalog.TypeMap && (f.KeyType != "" || f.ValueType != ""):
			bad("key_type", "key_type and value_type apply only to type = \"map\".")
		}
		structy := kind == catalog.TypeStruct || kind == catalog.TypeList && strings.EqualFold(f.ElementType, catalog.TypeStruct) ||
			kind == catalog.TypeMap && strings.EqualFold(f.ValueType, catalog.TypeStruct)
		if structy && len(f.Fields) == 0 {
			bad("fields", "a struct needs its fields declared in `fields`.")
		}
		if !structy && len(f.Fields) > 0 {
			bad("fields", "`fields` applies only to a struct, a list of struct or a map with struct values.")
		}
		if !checkShapes(f.Fields, p.AtName("fields"), d) {
			ok = false
		}
	}

	return ok
}

// assignIDs gives every planned field its id and returns last_column_id.
func assignIDs(fields []*catalog.Field, plan, state *tableResourceModel, d *diag.Diagnostics) (int, bool) {
	if state == nil {
		// A new table keeps the ids the configuration declares (left there
		// by a rename or written by -generate-config-out), so one
		// configuration creates the same table in every namespace and
		// again after an out-of-band delete.
		if err := catalog.AssignNewTableIDs(fields); err != nil {
			addFieldError(d, err)

			return 0, false
		}

		return catalog.MaxID(fields), true
	}
	prior, err := fieldsFromList(state.Schema)
	if err != nil {
		d.AddError("Invalid prior state", err.Error())

		return 0, false
	}
	if plan.FormatVersion.ValueInt64() < state.FormatVersion.ValueInt64() {
		d.AddAttributeError(path.Root("format_version"), "Format version cannot be lowered",
			fmt.Sprintf("The table is format version %d; Iceberg cannot downgrade it to %d.",
				state.FormatVersion.ValueInt64(), plan.FormatVersion.ValueInt64()))

		return 0, false
	}
	ev, err := catalog.Evolve(fields, prior, catalog.EvolveOptions{
		LastColumnID: int(state.LastColumnID.ValueInt64()), HasData: !state.CurrentSnapshotID.IsNull(),
		FormatVersion: int(plan.FormatVersion.ValueInt64()),
	})
	if err != nil {
		addFieldError(d, err)

		return 0, false
	}
	if len(ev.Dropped) > 0 && !plan.AllowColumnDrops.ValueBool() {
		names := make([]string, len(ev.Dropped))
		for i, p := range ev.Dropped {
			names[i] = strings.Join(p, ".")
		}
		d.AddAttributeError(path.Root("schema"), "Column drop not allowed",
			fmt.Sprintf("The table has column(s) %s that the schema no longer declares. Dropping a column makes its "+
				"data unreadable, so it needs allow_column_drops = true. To rename a column instead, keep its id: set "+
				"id on the renamed field. If the column was added outside Terraform, declare it.",
				strings.Join(quoteAll(names), ", ")))
		// Carry on, so the identifier, partition and sort checks can name
		// the other settings that still use the column.
	}

	return ev.LastID, true
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}

	return out
}

// addFieldError turns a catalog.PathError into an attribute error.
func addFieldError(d *diag.Diagnostics, err error) {
	var pe *catalog.PathError
	if !errors.As(err, &pe) {
		d.AddAttributeError(path.Root("schema"), "Invalid schema", err.Error())

		return
	}
	p := path.Root("schema")
	for i, idx := range pe.Index {
		if i > 0 {
			p = p.AtName("fields")
		}
		p = p.AtListIndex(idx)
	}
	if pe.Attr != "" {
		p = p.AtName(pe.Attr)
	}
	addAttrError(d, p, "Invalid schema change", pe.Error())
}

func checkIdentifiers(ctx context.Context, fields []*catalog.Field, plan, state *tableResourceModel, d *diag.Diagnostics) {
	var prior []*catalog.Field
	if state != nil {
		prior, _ = fieldsFromList(state.Schema)
	}
	for i, ref := range stringList(ctx, plan.IdentifierFields, d) {
		if _, err := catalog.CheckIdentifierField(fields, ref); err != nil {
			msg := fmt.Sprintf("identifier_fields names %q, which Iceberg does not allow: %v.", ref, err)
			if _, perr := catalog.Resolve(prior, ref); perr == nil && prior != nil {
				if _, nerr := catalog.Resolve(fields, ref); nerr != nil {
					msg = fmt.Sprintf("identifier_fields names %q, but schema no longer declares that column. Remove "+
						"it from identifier_fields in the same change that removes it from schema.", ref)
				}
			}
			addAttrError(d, path.Root("identifier_fields").AtListIndex(i), "Invalid identifier field", msg)
		}
	}
}

// planPartitions checks the partition fields and fills in their names. A
// field matches an existing one by source field id and transform (the
// source name resolved through the planned schema, whose ids survive a
// rename), never by the source column's name.
func planPartitions(ctx context.Context, fields []*catalog.Field, plan, state *tableResourceModel, d *diag.Diagnostics) *types.List {
	parts := partitionFields(ctx, plan.PartitionSpec, d)
	if len(parts) == 0 {
		return nil
	}
	var prior []partitionFieldModel
	var priorIDs []int
	if state != nil {
		prior = partitionFields(ctx, state.PartitionSpec, d)
		priorFields, _ := fieldsFromList(state.Schema)
		priorIDs = sourceIDs(priorFields, prior)
	}
	ids := make([]int, len(parts))
	for i := range parts {
		p := &parts[i]
		if p.Source.IsUnknown() || p.Transform.IsUnknown() {
			return nil
		}
		f, tr, err := catalog.CheckTransform(fields, p.Source.ValueString(), p.Transform.ValueString())
		if err != nil {
			addAttrError(d, transformAttr(fields, path.Root("partition_spec").AtListIndex(i), p.Source.ValueString()),
				"Invalid partition field", err.Error())

			continue
		}
		ids[i] = f.ID
		v1Void := plan.FormatVersion.ValueInt64() == 1 && catalog.SameTransform(p.Transform.ValueString(), "void")
		if !p.Name.IsNull() && !p.Name.IsUnknown() {
			continue
		}
		p.Name = types.StringValue(catalog.DefaultPartitionName(p.Source.ValueString(), tr))
		for j, o := range prior {
			if priorIDs[j] == f.ID && (catalog.SameTransform(o.Transform.ValueString(), p.Transform.ValueString()) || v1Void && j == i) {
				p.Name = o.Name
			}
		}
	}
	if plan.FormatVersion.ValueInt64() == 1 {
		checkV1Partitions(fields, parts, ids, prior, priorIDs, d)
	}
	l, dd := types.ListValueFrom(ctx, plan.PartitionSpec.ElementType(ctx), parts)
	d.Append(dd...)

	return &l
}

// transformAttr is the attribute of the partition or sort field at that a
// CheckTransform error is about: its source when the column does not
// resolve to a primitive, else its transform.
func transformAttr(fields []*catalog.Field, at path.Path, source string) path.Path {
	if _, _, err := catalog.ResolvePrimitive(fields, source); err != nil {
		return at.AtName("source")
	}

	return at.AtName("transform")
}

// sourceIDs resolves the source column of each partition field through
// fields; 0 where it does not resolve.
func sourceIDs(fields []*catalog.Field, parts []partitionFieldModel) []int {
	ids := make([]int, len(parts))
	for i, p := range parts {
		if chain, err := catalog.Resolve(fields, p.Source.ValueString()); err == nil {
			ids[i] = chain[len(chain)-1].ID
		}
	}

	return ids
}

// checkV1Partitions enforces that a format-version-1 table only appends
// partition fields: its partition field ids are positional, so a field can
// be replaced by void (keeping its name) but not removed or moved. Fields
// are compared by source field id, so renaming the source column is fine.
func checkV1Partitions(fields []*catalog.Field, parts []partitionFieldModel, ids []int, prior []partitionFieldModel, priorIDs []int, d *diag.Diagnostics) {
	for i, o := range prior {
		at := path.Root("partition_spec").AtListIndex(i)
		if i >= len(parts) {
			at = path.Root("partition_spec")
		}
		if i < len(parts) && ids[i] != 0 && ids[i] == priorIDs[i] && parts[i].Name.Equal(o.Name) &&
			(catalog.SameTransform(parts[i].Transform.ValueString(), o.Transform.ValueString()) ||
				catalog.SameTransform(parts[i].Transform.ValueString(), "void")) {
			continue
		}
		source := o.Source.ValueString()
		if now, ok := catalog.FieldPath(fields, priorIDs[i]); ok && priorIDs[i] != 0 {
			source = now
		}
		addAttrError(d, at, "Partition field cannot be removed on a format-version-1 table",
			fmt.Sprintf("the table is format version 1, whose partition fields cannot be removed, reordered or "+
				"renamed. Keep field %q (source %q) at position %d and set its transform to \"void\" to stop "+
				"partitioning by it, or raise format_version to 2 in the same change. New fields may be appended.",
				o.Name.ValueString(), source, i))

		return
	}
}

func planSorts(ctx context.Context, fields []*catalog.Field, plan *tableResourceModel, d *diag.Diagnostics) *types.List {
	sorts := sortFields(ctx, plan.SortOrder, d)
	if len(sorts) == 0 {
		return nil
	}
	for i := range sorts {
		o := &sorts[i]
		if o.Source.IsUnknown() || o.Transform.IsUnknown() {
			return nil
		}
		if _, _, err := catalog.CheckTransform(fields, o.Source.ValueString(), o.Transform.ValueString()); err != nil {
			addAttrError(d, transformAttr(fields, path.Root("sort_order").AtListIndex(i), o.Source.ValueString()),
				"Invalid sort field", err.Error())

			continue
		}
		if o.NullOrder.IsNull() || o.NullOrder.IsUnknown() {
			o.NullOrder = types.StringValue(string(table.NullsFirst))
			if o.Direction.ValueString() == string(table.SortDESC) {
				o.NullOrder = types.StringValue(string(table.NullsLast))
			}
		}
	}
	l, dd := types.ListValueFrom(ctx, plan.SortOrder.ElementType(ctx), sorts)
	d.Append(dd...)

	return &l
}

// fromTable maps table metadata into m, shared by Create, Read, Update and
// import so all of them produce the same shapes (C13). prior supplies the
// user's spellings and which property keys are tracked.
func (m *tableResourceModel) fromTable(ctx context.Context, tbl *table.Table, prior *tableResourceModel, importing bool) diag.Diagnostics {
	var d diag.Diagnostics
	md := tbl.Metadata()
	sc := md.CurrentSchema()
	fields, err := catalog.FromIcebergFields(sc.Fields())
	if err == nil && depth(fields) > MaxNesting {
		err = fmt.Errorf("the schema nests %d levels deep; this provider models at most %d", depth(fields), MaxNesting)
	}
	if err != nil {
		d.AddError("Table schema cannot be represented", err.Error())

		return d
	}
	priorFields, _ := fieldsFromList(prior.Schema)
	m.Schema = fieldsToList(fields, priorFields, 1)
	m.IdentifierFields = identifierList(ctx, fields, sc.IdentifierFieldIDs, prior.IdentifierFields, &d)
	m.PartitionSpec = partitionList(ctx, fields, md, prior, &d)
	m.SortOrder = sortList(ctx, fields, md, prior, &d)
	m.Properties = trackedProperties(ctx, prior.Properties, md.Properties(), serverProperties, importing, &d)
	m.Location = types.StringValue(md.Location())
	m.FormatVersion = types.Int64Value(int64(md.Version()))
	m.TableUUID = types.StringValue(md.TableUUID().String())
	m.MetadataLocation = types.StringValue(tbl.MetadataLocation())
	m.CurrentSnapshotID = types.Int64Null()
	if s := md.CurrentSnapshot(); s != nil {
		m.CurrentSnapshotID = types.Int64Value(s.SnapshotID)
	}
	m.CurrentSchemaID = types.Int64Value(int64(sc.ID))
	m.LastColumnID = types.Int64Value(int64(md.LastColumnID()))
	if m.AllowColumnDrops.IsNull() || m.AllowColumnDrops.IsUnknown() {
		m.AllowColumnDrops = types.BoolValue(false)
	}
	if m.Purge.IsNull() || m.Purge.IsUnknown() {
		m.Purge = types.BoolValue(false)
	}

	return d
}

func identifierList(ctx context.Context, fields []*catalog.Field, ids []int, prior types.List, d *diag.Diagnostics) types.List {
	var names []string
	for _, id := range ids {
		if p, ok := catalog.FieldPath(fields, id); ok {
			names = append(names, p)
		}
	}
	priorNames := stringList(ctx, prior, d)
	if len(names) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.ListNull(types.StringType)
	}
	// Iceberg keeps identifier fields as a set: keep the declared order.
	a, b := slices.Clone(names), slices.Clone(priorNames)
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(a, b) {
		names = priorNames
	}
	l, dd := types.ListValueFrom(ctx, types.StringType, names)
	d.Append(dd...)

	return l
}

func partitionList(ctx context.Context, fields []*catalog.Field, md table.Metadata, prior *tableResourceModel, d *diag.Diagnostics) types.List {
	elem := types.ObjectType{AttrTypes: map[string]attr.Type{"source": types.StringType, "transform": types.StringType, "name": types.StringType}}
	priorParts := partitionFields(ctx, prior.PartitionSpec, d)
	var out []partitionFieldModel
	spec := md.PartitionSpec()
	i := 0
	for _, f := range spec.Fields() {
		src, _ := catalog.FieldPath(fields, f.SourceID())
		tr := f.Transform.String()
		if i < len(priorParts) && priorParts[i].Source.ValueString() == src && catalog.SameTransform(priorParts[i].Transform.ValueString(), tr) {
			tr = priorParts[i].Transform.ValueString()
		}
		out = append(out, partitionFieldModel{Source: types.StringValue(src), Transform: types.StringValue(tr), Name: types.StringValue(f.Name)})
		i++
	}
	if len(out) == 0 && (prior.PartitionSpec.IsNull() || prior.PartitionSpec.IsUnknown()) {
		return types.ListNull(elem)
	}
	l, dd := types.ListValueFrom(ctx, elem, out)
	d.Append(dd...)

	return l
}

func sortList(ctx context.Context, fields []*catalog.Field, md table.Metadata, prior *tableResourceModel, d *diag.Diagnostics) types.List {
	elem := types.ObjectType{AttrTypes: map[string]attr.Type{"source": types.StringType, "transform": types.StringType,
		"direction": types.StringType, "null_order": types.StringType}}
	priorSorts := sortFields(ctx, prior.SortOrder, d)
	var out []sortFieldModel
	i := 0
	for _, f := range md.SortOrder().Fields() {
		src, _ := catalog.FieldPath(fields, f.SourceID())
		tr := f.Transform.String()
		if i < len(priorSorts) && catalog.SameTransform(priorSorts[i].Transform.ValueString(), tr) {
			tr = priorSorts[i].Transform.ValueString()
		}
		out = append(out, sortFieldModel{Source: types.StringValue(src), Transform: types.StringValue(tr),
			Direction: types.StringValue(string(f.Direction)), NullOrder: types.StringValue(string(f.NullOrder))})
		i++
	}
	if len(out) == 0 && (prior.SortOrder.IsNull() || prior.SortOrder.IsUnknown()) {
		return types.ListNull(elem)
	}
	l, dd := types.ListValueFrom(ctx, elem, out)
	d.Append(dd...)

	return l
}

// typeValidator checks a field type spelling at validate time; it is used
// wrapped in locatedString.
type typeValidator struct{}

func (typeValidator) Description(context.Context) string { return "must be an Iceberg type" }
func (v typeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (typeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := catalog.NormalizeTypeName(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid column type", err.Error())
	}
}
