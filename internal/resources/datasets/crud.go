package datasets

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/governance"
)

// stateDeleted marks a DOI that disappeared from DataCite (a draft deleted
// in Fabrica); the next apply creates one again.
const stateDeleted = "deleted"

func (r *datasetResource) s3(d *diag.Diagnostics, action, id string) *minio.Client {
	if r.data == nil {
		diags.AddError(d, action, typeName, id, "The provider was not configured before the resource was used.",
			"This is a bug in the provider; please report it.", nil)

		return nil
	}
	c, err := objectstore.FromData(r.data)
	if err != nil {
		diags.AddError(d, action, typeName, id, "The object store client could not be created.",
			"Configure the provider's s3 block or its environment variables.", err)

		return nil
	}

	return c
}

func (r *datasetResource) dataCite(d *diag.Diagnostics, action, id string) *datacite.Client {
	c, err := datacite.FromData(r.data)
	if err != nil {
		diags.AddError(d, action, typeName, id, "The DataCite client could not be created.",
			"Configure the provider's datacite block (endpoint, repository_id, password, prefix) or its environment variables.", err)

		return nil
	}

	return c
}

func (r *datasetResource) catalog(d *diag.Diagnostics, action, id string) catalog.Catalog {
	cat, err := catalog.FromData(r.data)
	if err != nil {
		diags.AddError(d, action, typeName, id, "The Iceberg catalog could not be opened to link related_tables.",
			"Configure the provider's catalog block or its environment variables, or remove related_tables.", err)

		return nil
	}

	return cat
}

func (r *datasetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan datasetResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := plan.ID.ValueString()
	s3 := r.s3(&resp.Diagnostics, "creating", id)
	if s3 == nil {
		return
	}
	doi := plan.doi(ctx, &resp.Diagnostics)
	var dc *datacite.Client
	var remote *datacite.DOI
	fresh := false
	if doi != nil {
		if dc = r.dataCite(&resp.Diagnostics, "creating", id); dc == nil {
			return
		}
		remote, fresh = r.openDOI(ctx, dc, &plan, doi, "creating", &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		plan.setDOI(ctx, doi, &resp.Diagnostics)
	}
	r.write(ctx, s3, &plan, nil, "creating", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		// Leave no orphan: a draft made for this record is deletable.
		if fresh && remote.State == datacite.StateDraft {
			_ = dc.Delete(ctx, remote.ID)
		}

		return
	}
	if doi != nil {
		r.moveDOI(ctx, dc, &plan, doi, remote.State, "creating", &resp.Diagnostics)
		plan.setDOI(ctx, doi, &resp.Diagnostics)
	}
	// On a failed state move the record exists with its DOI still a draft;
	// saving it lets the next apply retry (and destroy delete the draft).
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// openDOI creates the DOI as a draft, or adopts the existing DOI of that
// name (a record re-created after its documents were deleted keeps its
// DOI). It fills doi's id, suffix and url.
func (r *datasetResource) openDOI(ctx context.Context, c *datacite.Client, plan *datasetResourceModel, doi *doiModel,
	action string, d *diag.Diagnostics,
) (*datacite.DOI, bool) {
	id := plan.ID.ValueString()
	if c.Prefix() == "" {
		diags.AddError(d, action, typeName, id, "The provider's datacite block has no prefix.",
			"Set datacite.prefix (or LAKEHOUSE_DATACITE_PREFIX) to your repository's DOI prefix, e.g. 10.5072.", nil)

		return nil, false
	}
	name := ""
	if !doi.Suffix.IsNull() && !doi.Suffix.IsUnknown() {
		name = strings.ToLower(c.Prefix() + "/" + doi.Suffix.ValueString())
		got, err := c.Get(ctx, name)
		if err == nil {
			tflog.Info(ctx, "adopting existing DOI", map[string]any{"doi": got.ID, "state": got.State})
			fillDOI(doi, got.ID)

			return got, false
		}
		if !datacite.IsNotFound(err) {
			diags.AddError(d, action, typeName, id, "DataCite could not be asked whether DOI "+name+" exists.",
				"Check the datacite endpoint and credentials.", err)

			return nil, false
		}
	}
	generated := name == ""
	if generated {
		// The suffix is chosen here rather than by DataCite so that a create
		// the shared transport retries after a lost response finds its own
		// DOI ("already taken") instead of minting a second, orphan draft.
		name = strings.ToLower(c.Prefix() + "/" + randomSuffix())
	}
	attrs := withoutDOI(plan.recordWith(ctx, doi, d).DataCite())
	got, err := c.Create(ctx, name, attrs, "")
	if generated && datacite.IsTaken(err) {
		if got, err = c.Get(ctx, name); err == nil {
			fillDOI(doi, got.ID)

			return got, true
		}
	}
	if err != nil {
		diags.AddError(d, action, typeName, id, "DataCite refused to create the draft DOI.",
			"Check the repository credentials and prefix; a 422 lists the metadata DataCite rejected.", err)

		return nil, false
	}
	fillDOI(doi, got.ID)

	return got, true
}

// randomSuffix has the shape DataCite generates: eight base32 characters in
// two groups of four, from a crypto source so suffixes are unguessable.
func randomSuffix() string {
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	var b [8]byte
	_, _ = rand.Read(b[:])
	out := make([]byte, 0, 9)
	for i, x := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, alphabet[int(x)%len(alphabet)])
	}

	return string(out)
}

func fillDOI(doi *doiModel, name string) {
	name = strings.ToLower(name)
	_, suffix, _ := strings.Cut(name, "/")
	doi.ID, doi.Suffix, doi.URL = types.StringValue(name), types.StringValue(suffix), types.StringValue(fair.DOIURL(name))
}

// eventFor is the DataCite event that moves a DOI from one state to another.
func eventFor(from, to string) (string, error) {
	switch {
	case from == to:
		return "", nil
	case to == datacite.StateFindable:
		return datacite.EventPublish, nil
	case to == datacite.StateRegistered && from == datacite.StateDraft:
		return datacite.EventRegister, nil
	case to == datacite.StateRegistered && from == datacite.StateFindable:
		return datacite.EventHide, nil
	}

	return "", fmt.Errorf("DataCite cannot move a DOI from %s to %s", from, to)
}

// moveDOI sends the metadata and, when the state changes, the event in one
// request, so DataCite validates the metadata against the target state.
func (r *datasetResource) moveDOI(ctx context.Context, c *datacite.Client, plan *datasetResourceModel, doi *doiModel,
	from, action string, d *diag.Diagnostics,
) {
	id := plan.ID.ValueString()
	to := doi.State.ValueString()
	event, err := eventFor(from, to)
	if err != nil {
		diags.AddError(d, action, typeName, id, "The DOI "+doi.ID.ValueString()+" cannot reach the configured state.",
			"Registered and findable DOIs never return to draft.", err)

		return
	}
	attrs := withoutDOI(plan.record(ctx, d).DataCite())
	got, err := c.Update(ctx, doi.ID.ValueString(), attrs, event)
	if err != nil {
		doi.State = types.StringValue(from)
		diags.AddError(d, action, typeName, id, fmt.Sprintf("DataCite refused to update DOI %s to %s.", doi.ID.ValueString(), to),
			"A 422 names the metadata DataCite rejected; fix it in the configuration and apply again.", err)

		return
	}
	if got.State != to {
		doi.State = types.StringValue(got.State)
		diags.AddError(d, action, typeName, id, fmt.Sprintf("DataCite left DOI %s %s instead of %s.", got.ID, got.State, to),
			"Check the DOI in DataCite Fabrica; the state may have been changed there.", nil)
	}
}

// write renders and stores both documents and links the tables and buckets.
// prior is the state before an update, nil on create.
func (r *datasetResource) write(ctx context.Context, s3 *minio.Client, plan, prior *datasetResourceModel, action string, d *diag.Diagnostics) {
	id := plan.ID.ValueString()
	rec := plan.record(ctx, d)
	dc, err1 := render(rec.DataCite())
	so, err2 := render(rec.SchemaOrg())
	if err := errors.Join(err1, err2); err != nil {
		diags.AddError(d, action, typeName, id, "The documents could not be rendered.", "This is a bug in the provider; please report it.", err)

		return
	}
	bucket := plan.Bucket.ValueString()
	for _, doc := range []struct {
		key, text, ctype string
		prior            jsontypes.Normalized
	}{
		{plan.DataCiteKey.ValueString(), dc, "application/vnd.datacite.datacite+json", priorContent(prior, true)},
		{plan.SchemaOrgKey.ValueString(), so, "application/ld+json", priorContent(prior, false)},
	} {
		if governance.SameDocument(doc.prior, jsontypes.NewNormalizedValue(doc.text)) {
			continue
		}
		tflog.Debug(ctx, "writing dataset record document", map[string]any{"bucket": bucket, "key": doc.key, "bytes": len(doc.text)})
		if _, err := fair.Put(ctx, s3, bucket, doc.key, doc.text, doc.ctype); err != nil {
			diags.AddError(d, action, typeName, id, "The record document "+doc.key+" could not be written.",
				"Check that the bucket exists and that the credentials may write to it.", err)

			return
		}
	}
	plan.DataCiteJSON, plan.SchemaOrgJSON = jsontypes.NewNormalizedValue(dc), jsontypes.NewNormalizedValue(so)
	r.link(ctx, s3, plan, prior, action, d)
}

func priorContent(prior *datasetResourceModel, dataCite bool) jsontypes.Normalized {
	switch {
	case prior == nil:
		return jsontypes.NewNormalizedNull()
	case dataCite:
		return prior.DataCiteJSON
	default:
		return prior.SchemaOrgJSON
	}
}

// link tags the planned tables and buckets and untags the ones dropped
// since prior.
func (r *datasetResource) link(ctx context.Context, s3 *minio.Client, plan, prior *datasetResourceModel, action string, d *diag.Diagnostics) {
	id := plan.ID.ValueString()
	datasetID := plan.DatasetID.ValueString()
	key := TagKey(datasetID)
	tables := sortedStrings(ctx, plan.RelatedTables, d)
	var oldTables, oldPrefixes []string
	if prior != nil {
		oldTables = sortedStrings(ctx, prior.RelatedTables, d)
		oldPrefixes = sortedStrings(ctx, prior.RelatedPrefixes, d)
	}
	if len(tables)+len(oldTables) > 0 {
		cat := r.catalog(d, action, id)
		if cat == nil {
			return
		}
		value := tableTagValue(plan.Bucket.ValueString(), plan.KeyPrefix.ValueString(), datasetID)
		for _, t := range minus(oldTables, tables) {
			if err := untagTable(ctx, cat, t, key); err != nil {
				diags.AddError(d, action, typeName, id, "The property "+key+" could not be removed from table "+t+".",
					"Check that the catalog is reachable, then apply again.", err)

				return
			}
		}
		for _, t := range tables {
			if err := tagTable(ctx, cat, t, key, value); err != nil {
				diags.AddError(d, action, typeName, id, "The table "+t+" could not be linked to the dataset.",
					"Check that the table exists in the catalog (related_tables takes namespace.table).", err)

				return
			}
		}
	}
	buckets := bucketsOf(sortedStrings(ctx, plan.RelatedPrefixes, d))
	value := bucketTagValue(plan.Bucket.ValueString(), plan.KeyPrefix.ValueString(), datasetID)
	for _, b := range minus(bucketsOf(oldPrefixes), buckets) {
		if err := untagBucket(ctx, s3, b, key); err != nil {
			diags.AddError(d, action, typeName, id, "The tag "+key+" could not be removed from bucket "+b+".",
				"Check that the credentials may change bucket tags, then apply again.", err)

			return
		}
	}
	for _, b := range buckets {
		if err := tagBucket(ctx, s3, b, key, value); err != nil {
			diags.AddError(d, action, typeName, id, "The bucket "+b+" could not be tagged with the dataset.",
				"Check that the bucket of each related_prefixes entry exists and that the credentials may change its tags.", err)

			return
		}
	}
}

func bucketsOf(prefixes []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range prefixes {
		if b := prefixBucket(p); !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	sort.Strings(out)

	return out
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}

	return out
}

func (r *datasetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state datasetResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	s3 := r.s3(&resp.Diagnostics, "reading", id)
	if s3 == nil {
		return
	}
	bucket := state.Bucket.ValueString()
	dcRaw, err1 := fair.Get(ctx, s3, bucket, state.DataCiteKey.ValueString())
	soRaw, err2 := fair.Get(ctx, s3, bucket, state.SchemaOrgKey.ValueString())
	missing := objectstore.IsNotFound(err1) || objectstore.IsNotFound(err2)
	if err := errors.Join(err1, err2); err != nil && !missing {
		diags.AddError(&resp.Diagnostics, "reading", typeName, id, "The record documents could not be read.",
			"Check that the credentials may read the bucket, then run the plan again.", err)

		return
	}
	doiLive := r.readDOI(ctx, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if missing && !doiLive {
		diags.NotFoundWarning(&resp.Diagnostics, typeName, id)
		resp.State.RemoveResource(ctx)

		return
	}
	if missing {
		// The DOI outlives its record: keep the resource so the next apply
		// writes the documents again under the same DOI.
		state.DataCiteJSON, state.SchemaOrgJSON = jsontypes.NewNormalizedNull(), jsontypes.NewNormalizedNull()
	} else {
		r.refreshDocuments(ctx, &state, dcRaw, soRaw, &resp.Diagnostics)
	}
	r.readLinks(ctx, s3, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readDOI refreshes the doi block and reports whether the DOI exists.
func (r *datasetResource) readDOI(ctx context.Context, state *datasetResourceModel, d *diag.Diagnostics) bool {
	doi := state.doi(ctx, d)
	if doi == nil || doi.ID.IsNull() || doi.ID.IsUnknown() {
		return false
	}
	c := r.dataCite(d, "reading", state.ID.ValueString())
	if c == nil {
		return false
	}
	got, err := c.Get(ctx, doi.ID.ValueString())
	if datacite.IsNotFound(err) {
		d.AddWarning(fmt.Sprintf("%s (%s): DOI %s not found", typeName, state.ID.ValueString(), doi.ID.ValueString()),
			"The DOI no longer exists in DataCite (a draft deleted outside Terraform); the next apply creates it again.")
		doi.State, doi.ID, doi.URL = types.StringValue(stateDeleted), types.StringNull(), types.StringNull()
		doi.Metadata = jsontypes.NewNormalizedNull()
		state.setDOI(ctx, doi, d)

		return false
	}
	if err != nil {
		diags.AddError(d, "reading", typeName, state.ID.ValueString(), "DOI "+doi.ID.ValueString()+" could not be read from DataCite.",
			"Check the datacite endpoint and credentials, then run the plan again.", err)

		return false
	}
	doi.State = types.StringValue(got.State)
	meta, err := doiMetadata(got.Attributes)
	if err == nil && !governance.SameDocument(doi.Metadata, jsontypes.NewNormalizedValue(meta)) {
		tflog.Debug(ctx, "DOI metadata changed outside Terraform", map[string]any{"doi": got.ID})
		doi.Metadata = jsontypes.NewNormalizedValue(meta)
	}
	state.setDOI(ctx, doi, d)

	return true
}

// refreshDocuments decodes documents that changed in meaning into the typed
// attributes, so the plan shows the edit; reformatting is not a change.
func (r *datasetResource) refreshDocuments(ctx context.Context, state *datasetResourceModel, dcRaw, soRaw []byte, d *diag.Diagnostics) {
	dc, err1 := governance.NormalizeJSON(dcRaw)
	so, err2 := governance.NormalizeJSON(soRaw)
	if err := errors.Join(err1, err2); err != nil {
		d.AddWarning(fmt.Sprintf("%s (%s) holds an invalid document", typeName, state.ID.ValueString()),
			"A record document is no longer valid JSON; the next apply writes it again.\n\nOriginal error: "+err.Error())
		state.DataCiteJSON, state.SchemaOrgJSON = jsontypes.NewNormalizedNull(), jsontypes.NewNormalizedNull()

		return
	}
	if governance.SameDocument(state.DataCiteJSON, jsontypes.NewNormalizedValue(dc)) &&
		governance.SameDocument(state.SchemaOrgJSON, jsontypes.NewNormalizedValue(so)) {
		return
	}
	rec, err := fair.Decode([]byte(dc), []byte(so))
	if err != nil {
		d.AddWarning(fmt.Sprintf("%s (%s) holds an invalid document", typeName, state.ID.ValueString()),
			"A record document no longer decodes; the next apply writes it again.\n\nOriginal error: "+err.Error())
		state.DataCiteJSON, state.SchemaOrgJSON = jsontypes.NewNormalizedNull(), jsontypes.NewNormalizedNull()

		return
	}
	tflog.Debug(ctx, "dataset record changed outside Terraform", map[string]any{"id": state.ID.ValueString()})
	state.applyRecord(ctx, rec, d)
	state.DataCiteJSON, state.SchemaOrgJSON = jsontypes.NewNormalizedValue(dc), jsontypes.NewNormalizedValue(so)
}

// readLinks drops from state every table and prefix whose property or tag
// is gone, so the plan shows it being linked again.
func (r *datasetResource) readLinks(ctx context.Context, s3 *minio.Client, state *datasetResourceModel, d *diag.Diagnostics) {
	id := state.ID.ValueString()
	key := TagKey(state.DatasetID.ValueString())
	if tables := sortedStrings(ctx, state.RelatedTables, d); len(tables) > 0 && r.data.Catalog.Configured {
		cat, err := catalog.FromData(r.data)
		var missing *catalog.MissingFileError
		switch {
		case errors.As(err, &missing):
			tables = nil // no catalog file, no tables; a read never creates the file
		case err != nil:
			diags.AddError(d, "reading", typeName, id, "The Iceberg catalog could not be opened to link related_tables.",
				"Configure the provider's catalog block or its environment variables, or remove related_tables.", err)

			return
		}
		var keep []string
		for _, t := range tables {
			ok, err := tableTagged(ctx, cat, t, key)
			if err != nil {
				diags.AddError(d, "reading", typeName, id, "Table "+t+" could not be read from the catalog.",
					"Check that the catalog is reachable, then run the plan again.", err)

				return
			}
			if ok {
				keep = append(keep, t)
			}
		}
		state.RelatedTables = stringSet(keep, state.RelatedTables)
	}
	prefixes := sortedStrings(ctx, state.RelatedPrefixes, d)
	tagged := map[string]bool{}
	for _, b := range bucketsOf(prefixes) {
		m, err := bucketTags(ctx, s3, b)
		if err != nil && !objectstore.IsNoSuchBucket(err) {
			diags.AddError(d, "reading", typeName, id, "The tags of bucket "+b+" could not be read.",
				"Check that the credentials may read bucket tags, then run the plan again.", err)

			return
		}
		_, tagged[b] = m[key]
	}
	var keep []string
	for _, p := range prefixes {
		if tagged[prefixBucket(p)] {
			keep = append(keep, p)
		}
	}
	if len(prefixes) > 0 {
		state.RelatedPrefixes = stringSet(keep, state.RelatedPrefixes)
	}
}

func (r *datasetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state datasetResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := plan.ID.ValueString()
	s3 := r.s3(&resp.Diagnostics, "updating", id)
	if s3 == nil {
		return
	}
	prior, doi := state.doi(ctx, &resp.Diagnostics), plan.doi(ctx, &resp.Diagnostics)
	priorLive := prior != nil && !prior.ID.IsNull()
	var dc *datacite.Client
	if doi != nil || priorLive {
		if dc = r.dataCite(&resp.Diagnostics, "updating", id); dc == nil {
			return
		}
	}
	from, fresh := "", false
	switch {
	case doi == nil && priorLive:
		r.deleteDraft(ctx, dc, id, prior.ID.ValueString(), &resp.Diagnostics)
	case doi != nil && priorLive && strings.EqualFold(prior.ID.ValueString(), doi.ID.ValueString()):
		from = prior.State.ValueString()
	case doi != nil:
		if priorLive {
			r.deleteDraft(ctx, dc, id, prior.ID.ValueString(), &resp.Diagnostics)
		}
		var remote *datacite.DOI
		if remote, fresh = r.openDOI(ctx, dc, &plan, doi, "updating", &resp.Diagnostics); remote != nil {
			from = remote.State
		}
		plan.setDOI(ctx, doi, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if moved(&state, &plan) {
		r.move(ctx, s3, &plan, &state, &resp.Diagnostics)
	} else {
		r.write(ctx, s3, &plan, &state, "updating", &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if doi != nil && (fresh || from != doi.State.ValueString() || prior == nil ||
		!governance.SameDocument(prior.Metadata, doi.Metadata)) {
		r.moveDOI(ctx, dc, &plan, doi, from, "updating", &resp.Diagnostics)
		plan.setDOI(ctx, doi, &resp.Diagnostics)
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// moved reports a record whose location (bucket, key prefix or dataset id)
// changes.
func moved(state, plan *datasetResourceModel) bool {
	return !state.Bucket.Equal(plan.Bucket) || !state.KeyPrefix.Equal(plan.KeyPrefix) || !state.DatasetID.Equal(plan.DatasetID)
}

// move relocates the record in place, so its DOI survives a rename: the
// old links are removed first (the tag key or value may change even for a
// table that stays linked), the record is written and linked at its new
// place, and only then are the old documents removed.
func (r *datasetResource) move(ctx context.Context, s3 *minio.Client, plan, state *datasetResourceModel, d *diag.Diagnostics) {
	unlinked := *state
	unlinked.RelatedTables, unlinked.RelatedPrefixes = types.SetNull(stringType), types.SetNull(stringType)
	r.link(ctx, s3, &unlinked, state, "updating", d)
	if d.HasError() {
		return
	}
	r.write(ctx, s3, plan, nil, "updating", d)
	if d.HasError() {
		return
	}
	for _, key := range []string{state.DataCiteKey.ValueString(), state.SchemaOrgKey.ValueString()} {
		if err := fair.Remove(ctx, s3, state.Bucket.ValueString(), key); err != nil && !objectstore.IsNoSuchBucket(err) {
			diags.AddError(d, "updating", typeName, plan.ID.ValueString(), "The record moved, but its old document "+key+" could not be deleted.",
				"Delete s3://"+state.Bucket.ValueString()+"/"+key+" by hand; the record at its new place is complete.", err)

			return
		}
	}
}

// deleteDraft deletes a DOI that is no longer configured; ModifyPlan has
// refused the change already unless the DOI was a draft.
func (r *datasetResource) deleteDraft(ctx context.Context, c *datacite.Client, id, name string, d *diag.Diagnostics) {
	err := c.Delete(ctx, name)
	if err == nil || datacite.IsNotFound(err) {
		return
	}
	diags.AddError(d, "updating", typeName, id, "The draft DOI "+name+" could not be deleted.",
		"If it was registered or published outside Terraform it can no longer be deleted; keep the doi block.", err)
}

func (r *datasetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state datasetResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}

	id := state.ID.ValueString()
	s3 := r.s3(&resp.Diagnostics, "deleting", id)
	if s3 == nil {
		return
	}
	empty := state
	empty.RelatedTables, empty.RelatedPrefixes = types.SetNull(stringType), types.SetNull(stringType)
	r.link(ctx, s3, &empty, &state, "deleting", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, key := range []string{state.DataCiteKey.ValueString(), state.SchemaOrgKey.ValueString()} {
		if err := fair.Remove(ctx, s3, state.Bucket.ValueString(), key); err != nil {
			diags.AddError(&resp.Diagnostics, "deleting", typeName, id, "The record document "+key+" could not be deleted.",
				"Check that the credentials may delete objects in the bucket.", err)

			return
		}
	}
	r.retireDOI(ctx, &state, &resp.Diagnostics)
}

// retireDOI applies DataCite's rules on destroy: a draft is deleted, a
// findable DOI is hidden, a registered one is left; the last two warn.
func (r *datasetResource) retireDOI(ctx context.Context, state *datasetResourceModel, d *diag.Diagnostics) {
	doi := state.doi(ctx, d)
	if doi == nil || doi.ID.IsNull() {
		return
	}
	id, name := state.ID.ValueString(), doi.ID.ValueString()
	c := r.dataCite(d, "deleting", id)
	if c == nil {
		return
	}
	got, err := c.Get(ctx, name)
	if datacite.IsNotFound(err) {
		return
	}
	if err != nil {
		diags.AddError(d, "deleting", typeName, id, "DOI "+name+" could not be read from DataCite.", "Check the datacite endpoint and credentials.", err)

		return
	}
	switch got.State {
	case datacite.StateDraft:
		if err := c.Delete(ctx, name); err != nil && !datacite.IsNotFound(err) {
			diags.AddError(d, "deleting", typeName, id, "The draft DOI "+name+" could not be deleted.", "Delete it in DataCite Fabrica.", err)
		}

		return
	case datacite.StateFindable:
		if _, err := c.Event(ctx, name, datacite.EventHide); err != nil {
			diags.AddError(d, "deleting", typeName, id, "DOI "+name+" could not be hidden.",
				"Hide it in DataCite Fabrica; the record documents are already deleted.", err)

			return
		}
	}
	d.AddWarning(fmt.Sprintf("%s (%s): DOI %s kept as registered", typeName, id, name),
		"DataCite never deletes a registered or findable DOI. It is now registered (resolvable, not in search) and still "+
			"points to "+fmt.Sprint(got.Attributes["url"])+"; keep that page, or a tombstone page, online.")
}
