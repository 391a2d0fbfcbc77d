// Package iceberg holds the lakehouse_iceberg_* resources: namespaces and
// tables in the provider's Iceberg catalog (SQL or REST).
package iceberg

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
	icecatalog "github.com/apache/iceberg-go/catalog"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

const namespaceType = "lakehouse_iceberg_namespace"

var (
	_ resource.Resource                = (*namespaceResource)(nil)
	_ resource.ResourceWithConfigure   = (*namespaceResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*namespaceResource)(nil)
	_ resource.ResourceWithImportState = (*namespaceResource)(nil)
)

// NewNamespaceResource returns the lakehouse_iceberg_namespace resource.
func NewNamespaceResource() resource.Resource { return &namespaceResource{} }

type namespaceResource struct {
	data *providerdata.Data
}

type namespaceResourceModel struct {
	ID         types.String `tfsdk:"id"`
	Name       types.List   `tfsdk:"name"`
	Properties types.Map    `tfsdk:"properties"`
	DropEmpty  types.Bool   `tfsdk:"drop_empty_child_namespaces"`
}

func (r *namespaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_iceberg_namespace"
}

func (r *namespaceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An Apache Iceberg namespace in the provider's catalog (SQL or REST). A namespace is a " +
			"list of levels, compared level by level: `[\"edu\"]` and `[\"edu2\"]` are unrelated, and a level may hold " +
			"spaces, dots, `%`, `_` or any Unicode text.\n\n" +
			"Only the property keys declared here are managed: keys the catalog or other tools add are left alone " +
			"and never show as a change. Destroying a namespace that still holds tables or child namespaces fails " +
			"and names them; tables are never dropped on your behalf, and child namespaces only when " +
			"`drop_empty_child_namespaces` is set.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The levels joined with `.`, where a `.` or `\\` inside a level is escaped with `\\` " +
					"(`[\"lake\", \"v1.2\"]` is `lake.v1\\.2`). This is also the import ID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.ListAttribute{
				Required:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The namespace levels from the top, e.g. `[\"lake\", \"raw zone\"]`. Changing it creates a new namespace.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"properties": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Namespace properties to manage. Keys not listed here are not touched and never diff.",
			},
			"drop_empty_child_namespaces": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, also drop the child namespaces below this one, deepest first, when " +
					"none of them holds a table. A table anywhere below still makes the destroy fail, naming how many " +
					"there are. Defaults to `false`: any child namespace makes the destroy fail.",
			},
		},
	}
}

func (r *namespaceResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// ModifyPlan fails the plan, not the apply, when the provider has no
// settings for the backend this resource needs, and warns about a SQLite
// catalog file that is relative or not created yet. A destroy plan is
// never checked.
func (r *namespaceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !providerdata.RequireInPlan(req, resp, r.data, namespaceType, providerdata.BlockCatalog) {
		return
	}
	var name types.List
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	id := ""
	if levels, ok := knownStrings(name); ok {
		id = catalog.FormatIdentifier(levels)
	}
	catalogFileWarnings(r.data, &resp.Diagnostics, namespaceType, id)
}

func (r *namespaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan namespaceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	levels := stringList(ctx, plan.Name, &resp.Diagnostics)
	id := catalog.FormatIdentifier(levels)
	cat, ok := creatingCatalog(r.data, &resp.Diagnostics, namespaceType, id)
	if !ok {
		return
	}
	props := stringMap(ctx, plan.Properties, &resp.Diagnostics)
	tflog.Debug(ctx, "creating Iceberg namespace", map[string]any{"namespace": id})
	if err := cat.CreateNamespace(ctx, levels, props); err != nil {
		todo := "Check the catalog and the namespace name."
		if errors.Is(err, icecatalog.ErrNamespaceAlreadyExists) {
			todo = fmt.Sprintf("The namespace exists already; import it with: terraform import <address> '%s'", id)
		}
		AddCatalogError(&resp.Diagnostics, r.data, "creating", namespaceType, id, "The catalog refused to create the namespace.", todo, err)

		return
	}
	plan.ID = types.StringValue(id)
	r.read(ctx, cat, levels, &plan, false, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *namespaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state namespaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	levels := stringList(ctx, state.Name, &resp.Diagnostics)
	cat, ok := readingCatalog(ctx, r.data, resp, namespaceType, state.ID.ValueString())
	if !ok {
		return
	}
	importing := isImporting(ctx, req.Private, &resp.Diagnostics)
	if !r.read(ctx, cat, levels, &state, importing, &resp.Diagnostics) {
		if !resp.Diagnostics.HasError() {
			diags.NotFoundWarning(&resp.Diagnostics, namespaceType, state.ID.ValueString())
			resp.State.RemoveResource(ctx)
		}

		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	if importing {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	}
}

// read refreshes m's properties from the catalog, keeping only keys m
// already tracks (all keys when m tracks none yet, i.e. after import). It
// returns false when the namespace does not exist.
func (r *namespaceResource) read(ctx context.Context, cat catalog.Catalog, levels []string, m *namespaceResourceModel, importing bool, d *diagList) bool {
	props, err := cat.LoadNamespaceProperties(ctx, levels)
	if errors.Is(err, icecatalog.ErrNoSuchNamespace) {
		return false
	}
	if err != nil {
		AddCatalogError(d, r.data, "reading", namespaceType, m.ID.ValueString(), "The namespace properties could not be read.", "", err)

		return false
	}
	m.ID = types.StringValue(catalog.FormatIdentifier(levels))
	if m.DropEmpty.IsNull() || m.DropEmpty.IsUnknown() {
		m.DropEmpty = types.BoolValue(false) // state written before the attribute existed
	}
	m.Properties = trackedProperties(ctx, m.Properties, props, namespaceServerKeys, importing, d)

	return true
}

// namespaceServerKeys are keys catalogs add on their own.
var namespaceServerKeys = []string{"exists", "location"}

func (r *namespaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state namespaceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	levels := stringList(ctx, plan.Name, &resp.Diagnostics)
	id := catalog.FormatIdentifier(levels)
	cat, ok := OpenCatalog(r.data, &resp.Diagnostics, "updating", namespaceType, id)
	if !ok {
		return
	}
	want := stringMap(ctx, plan.Properties, &resp.Diagnostics)
	had := stringMap(ctx, state.Properties, &resp.Diagnostics)
	var removals []string
	for k := range had {
		if _, ok := want[k]; !ok {
			removals = append(removals, k)
		}
	}
	slices.Sort(removals)
	updates := iceberg.Properties{}
	for k, v := range want {
		if had[k] != v {
			updates[k] = v
		}
	}
	if len(removals) > 0 || len(updates) > 0 {
		if _, err := cat.UpdateNamespaceProperties(ctx, levels, removals, updates); err != nil {
			AddCatalogError(&resp.Diagnostics, r.data, "updating", namespaceType, id, "The namespace properties could not be updated.", "", err)

			return
		}
	}
	plan.ID = types.StringValue(id)
	if !r.read(ctx, cat, levels, &plan, false, &resp.Diagnostics) && !resp.Diagnostics.HasError() {
		diags.AddError(&resp.Diagnostics, "updating", namespaceType, id, "The namespace disappeared during the update.", "", nil)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *namespaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state namespaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	levels := stringList(ctx, state.Name, &resp.Diagnostics)
	id := catalog.FormatIdentifier(levels)
	cat, ok := OpenCatalog(r.data, &resp.Diagnostics, "deleting", namespaceType, id)
	if !ok {
		return
	}
	var drop [][]string
	var err error
	if state.DropEmpty.ValueBool() {
		drop, err = emptyDescendants(ctx, cat, levels)
	} else {
		err = checkNamespaceEmpty(ctx, cat, levels)
	}
	if err != nil {
		if errors.Is(err, icecatalog.ErrNoSuchNamespace) {
			return
		}
		if _, down := catalog.Unreachable(r.data, err); down {
			AddCatalogError(&resp.Diagnostics, r.data, "deleting", namespaceType, id, "", "", err)

			return
		}
		diags.AddError(&resp.Diagnostics, "deleting", namespaceType, id, err.Error(),
			"Drop or move the tables and child namespaces first (with Terraform, destroy their resources), then retry. "+
				"A table made outside Terraform (lakehouse-runner load --create, deid --out iceberg://) can be adopted with an "+
				"import block for lakehouse_iceberg_table and destroyed with the namespace, or dropped in the catalog.", nil)

		return
	}
	for _, ns := range append(drop, levels) {
		tflog.Debug(ctx, "dropping Iceberg namespace", map[string]any{"namespace": catalog.FormatIdentifier(ns)})
		if err := cat.DropNamespace(ctx, ns); err != nil && !errors.Is(err, icecatalog.ErrNoSuchNamespace) {
			AddCatalogError(&resp.Diagnostics, r.data, "deleting", namespaceType, id, fmt.Sprintf("The catalog refused to drop "+
				"the namespace %s.", catalog.FormatIdentifier(ns)), "", err)

			return
		}
	}
}

// emptyDescendants returns every namespace below levels, deepest first,
// or an error counting the tables in levels and below: a cascade never
// drops a table.
func emptyDescendants(ctx context.Context, cat catalog.Catalog, levels []string) ([][]string, error) {
	if ok, err := cat.CheckNamespaceExists(ctx, levels); err != nil || !ok {
		if err == nil {
			err = icecatalog.ErrNoSuchNamespace
		}

		return nil, err
	}
	seen := map[string]bool{}
	var all [][]string
	queue := [][]string{levels}
	tables := 0
	for len(queue) > 0 {
		ns := queue[0]
		queue = queue[1:]
		for _, err := range cat.ListTables(ctx, ns) {
			if err != nil {
				return nil, fmt.Errorf("listing tables of %s: %w", catalog.FormatIdentifier(ns), err)
			}
			tables++
		}
		listed, err := cat.ListNamespaces(ctx, ns)
		if err != nil {
			return nil, fmt.Errorf("listing child namespaces of %s: %w", catalog.FormatIdentifier(ns), err)
		}
		// Catalogs list either direct children or all descendants; both
		// are walked, each namespace once.
		for _, c := range listed {
			key := catalog.FormatIdentifier(c)
			if len(c) > len(ns) && slices.Equal(c[:len(ns)], ns) && !seen[key] {
				seen[key] = true
				all = append(all, c)
				queue = append(queue, c)
			}
		}
	}
	if tables > 0 {
		return nil, fmt.Errorf("namespace not empty (%s in it or below, %s); tables are never dropped with it",
			plural(tables, "table"), plural(len(all), "child namespace"))
	}
	slices.SortStableFunc(all, func(a, b []string) int { return len(b) - len(a) })

	return all, nil
}

// checkNamespaceEmpty counts child namespaces and tables, because the SQL
// catalog checks only tables and would orphan child namespaces.
func checkNamespaceEmpty(ctx context.Context, cat catalog.Catalog, levels []string) error {
	if ok, err := cat.CheckNamespaceExists(ctx, levels); err != nil || !ok {
		if err == nil {
			err = icecatalog.ErrNoSuchNamespace
		}

		return err
	}
	listed, err := cat.ListNamespaces(ctx, levels)
	if err != nil {
		return fmt.Errorf("listing child namespaces: %w", err)
	}
	// Catalogs differ in whether the listing holds the parent itself and
	// deeper levels; count the namespaces strictly below it, level by level.
	var children []string
	for _, ns := range listed {
		if len(ns) > len(levels) && slices.Equal(ns[:len(levels)], levels) {
			children = append(children, catalog.FormatIdentifier(ns))
		}
	}
	var tables []string
	for ident, err := range cat.ListTables(ctx, levels) {
		if err != nil {
			return fmt.Errorf("listing tables: %w", err)
		}
		tables = append(tables, catalog.FormatIdentifier(ident))
	}
	if len(children) == 0 && len(tables) == 0 {
		return nil
	}
	slices.Sort(tables)

	return fmt.Errorf("namespace not empty (%s, %s)%s", plural(len(children), "child namespace"), plural(len(tables), "table"),
		listSome(": ", append(children, tables...)))
}

// listSome joins the first names after prefix, so a message names what is
// in the way without growing without bound.
func listSome(prefix string, names []string) string {
	const most = 10
	if len(names) == 0 {
		return ""
	}
	if len(names) > most {
		return prefix + strings.Join(names[:most], ", ") + fmt.Sprintf(" and %d more", len(names)-most)
	}

	return prefix + strings.Join(names, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}

	return fmt.Sprintf("%d %ss", n, what)
}

func (r *namespaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	levels, err := catalog.ParseIdentifier(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID for "+namespaceType, fmt.Sprintf("Expected the namespace levels "+
			"joined with \".\" (a dot inside a level escaped as \"\\.\"), or a JSON array of levels, e.g. "+
			"'lake.raw zone' or '[\"lake\",\"v1.2\"]'. %v", err))

		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), catalog.FormatIdentifier(levels))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), levels)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("properties"), types.MapNull(types.StringType))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("drop_empty_child_namespaces"), false)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte(`true`))...)
}

// trackedProperties returns the remote values of the keys in tracked; right
// after import it returns every remote key but the ones the server manages,
// or null when there are none.
func trackedProperties(ctx context.Context, tracked types.Map, remote map[string]string, serverKeys []string, importing bool, d *diagList) types.Map {
	out := map[string]string{}
	if tracked.IsNull() && !importing {
		return tracked
	}
	if importing {
		for k, v := range remote {
			if !slices.Contains(serverKeys, k) {
				out[k] = v
			}
		}
		if len(out) == 0 {
			return types.MapNull(types.StringType)
		}
	} else {
		for k := range stringMap(ctx, tracked, d) {
			if v, ok := remote[k]; ok {
				out[k] = v
			}
		}
	}
	m, dd := types.MapValueFrom(ctx, types.StringType, maps.Clone(out))
	d.Append(dd...)

	return m
}
