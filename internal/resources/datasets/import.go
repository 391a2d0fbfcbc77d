package datasets

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/governance"
)

// parseImportID splits "<bucket>/<key_prefix><dataset_id>".
func parseImportID(id string) (bucket, prefix, datasetID string, ok bool) {
	bucket, rest, found := strings.Cut(id, "/")
	if !found || bucket == "" || rest == "" || strings.HasSuffix(rest, "/") {
		return "", "", "", false
	}
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		prefix, datasetID = rest[:i+1], rest[i+1:]
	} else {
		datasetID = rest
	}

	return bucket, prefix, datasetID, datasetIDRE.MatchString(datasetID)
}

// ImportState reads the record from the bucket, the DOI it names from
// DataCite, and the links from the catalog and bucket tags.
func (r *datasetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket, prefix, datasetID, ok := parseImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError(diags.Summary("importing", typeName, req.ID),
			fmt.Sprintf("The import ID must be <bucket>/<key_prefix><dataset_id>, for example governance/datasets/oulad-2025; got %q.", req.ID))

		return
	}
	s3 := r.s3(&resp.Diagnostics, "importing", req.ID)
	if s3 == nil {
		return
	}
	dk, sk := fair.Keys(prefix, datasetID)
	dcRaw, err1 := fair.Get(ctx, s3, bucket, dk)
	soRaw, err2 := fair.Get(ctx, s3, bucket, sk)
	if err1 != nil || err2 != nil {
		diags.AddError(&resp.Diagnostics, "importing", typeName, req.ID, "The record documents could not be read.",
			"Check the bucket, key prefix and dataset id in the import ID.", firstErr(err1, err2))

		return
	}
	dc, err1 := governance.NormalizeJSON(dcRaw)
	so, err2 := governance.NormalizeJSON(soRaw)
	rec, err := fair.Decode([]byte(dc), []byte(so))
	if err := firstErr(err1, err2, err); err != nil {
		diags.AddError(&resp.Diagnostics, "importing", typeName, req.ID, "The objects are not a dataset record.",
			"Import a record written by lakehouse_dataset.", err)

		return
	}
	m := datasetResourceModel{
		ID: types.StringValue(req.ID), Bucket: types.StringValue(bucket), KeyPrefix: types.StringValue(prefix),
		DatasetID: types.StringValue(datasetID), DataCiteKey: types.StringValue(dk), SchemaOrgKey: types.StringValue(sk),
		Creators: types.ListNull(creatorType), Subjects: types.ListNull(subjectType),
		Keywords: types.SetNull(stringType), ConsentReferences: types.SetNull(stringType),
		RelatedTables: types.SetNull(stringType), RelatedPrefixes: types.SetNull(stringType),
		DataCiteJSON: jsontypes.NewNormalizedValue(dc), SchemaOrgJSON: jsontypes.NewNormalizedValue(so),
	}
	m.applyRecord(ctx, rec, &resp.Diagnostics)
	m.setDOI(ctx, nil, &resp.Diagnostics)
	if rec.DOI != "" {
		doi := &doiModel{State: types.StringValue("")}
		fillDOI(doi, rec.DOI)
		m.setDOI(ctx, doi, &resp.Diagnostics)
		if !r.readDOI(ctx, &m, &resp.Diagnostics) && !resp.Diagnostics.HasError() {
			diags.AddError(&resp.Diagnostics, "importing", typeName, req.ID, "The record names DOI "+rec.DOI+", which DataCite does not have.",
				"Check the provider's datacite settings (test and production are separate), or remove the doi from the record.", nil)
		}
	}
	r.readLinks(ctx, s3, &m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}

	return nil
}
