// Package datasets holds lakehouse_datasets, the discovery index of the
// platform: it searches the FAIR dataset records that lakehouse_dataset
// writes into a governance bucket.
package datasets

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/fair"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/validators"
)

const typeName = "lakehouse_datasets"

var (
	_ datasource.DataSource              = (*datasetsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*datasetsDataSource)(nil)
)

// NewDatasetsDataSource is the lakehouse_datasets constructor.
func NewDatasetsDataSource() datasource.DataSource { return &datasetsDataSource{} }

type datasetsDataSource struct {
	data *providerdata.Data
}

type datasetsDataSourceModel struct {
	ID        types.String `tfsdk:"id"`
	Bucket    types.String `tfsdk:"bucket"`
	KeyPrefix types.String `tfsdk:"key_prefix"`
	Query     types.String `tfsdk:"query"`
	Keyword   types.String `tfsdk:"keyword"`
	Subject   types.String `tfsdk:"subject"`
	Creator   types.String `tfsdk:"creator"`
	License   types.String `tfsdk:"license"`
	Access    types.String `tfsdk:"access_level"`
	Datasets  types.List   `tfsdk:"datasets"`
}

var datasetType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"dataset_id": types.StringType, "title": types.StringType, "description": types.StringType,
	"doi": types.StringType, "license": types.StringType, "version": types.StringType,
	"access_level": types.StringType, "publisher": types.StringType, "publication_year": types.Int64Type,
	"creators": types.ListType{ElemType: types.StringType}, "keywords": types.ListType{ElemType: types.StringType},
	"subjects": types.ListType{ElemType: types.StringType}, "related_tables": types.ListType{ElemType: types.StringType},
	"related_prefixes": types.ListType{ElemType: types.StringType}, "landing_url": types.StringType,
	"datacite_key": types.StringType, "schema_org_key": types.StringType,
}}

func (d *datasetsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_datasets"
}

func (d *datasetsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func filter(desc string, v ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v}
}

func computedList(desc string) schema.ListAttribute {
	return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
}

func computedStr(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func (d *datasetsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Searches the FAIR dataset records (`lakehouse_dataset`) in a governance bucket: the platform's " +
			"discovery index. Every filter is optional; set filters must all match, and comparisons ignore case. " +
			"Results are in dataset id order.",
		Attributes: map[string]schema.Attribute{
			"id":         computedStr("`<bucket>/<key_prefix>`."),
			"bucket":     schema.StringAttribute{Required: true, MarkdownDescription: "Governance bucket holding the records.", Validators: []validator.String{validators.BucketName()}},
			"key_prefix": filter("Folder of the records; defaults to `datasets/`, as in `lakehouse_dataset`."),
			"query":      filter("Words that must each appear in the title, description, keywords or subjects."),
			"keyword":    filter("A keyword the dataset carries, exactly (case-insensitive)."),
			"subject":    filter("A controlled-vocabulary subject term the dataset carries, exactly (case-insensitive)."),
			"creator":    filter("Part of a creator's name, or a creator's ORCID iD (bare or as a URI)."),
			"license":    filter("SPDX licence identifier, e.g. `CC-BY-4.0`.", validators.SPDXID()),
			"access_level": filter("Access level: "+strings.Join(fair.AccessLevels, ", ")+".",
				stringvalidator.OneOf(fair.AccessLevels...)),
			"datasets": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Matching records.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"dataset_id":       computedStr("Dataset id."),
					"title":            computedStr("Title."),
					"description":      computedStr("Abstract."),
					"doi":              computedStr("DOI, empty when the dataset has none."),
					"license":          computedStr("SPDX licence identifier."),
					"version":          computedStr("Version."),
					"access_level":     computedStr("Access level."),
					"publisher":        computedStr("Publisher."),
					"publication_year": schema.Int64Attribute{Computed: true, MarkdownDescription: "Publication year."},
					"creators":         computedList("Creator names, in citation order."),
					"keywords":         computedList("Keywords."),
					"subjects":         computedList("Subject terms."),
					"related_tables":   computedList("Iceberg tables holding the data."),
					"related_prefixes": computedList("Storage locations holding the data."),
					"landing_url":      computedStr("Landing page."),
					"datacite_key":     computedStr("Object key of the DataCite JSON document."),
					"schema_org_key":   computedStr("Object key of the schema.org JSON-LD document."),
				}},
			},
		},
	}
}

func (d *datasetsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m datasetsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}

	bucket, prefix := m.Bucket.ValueString(), fair.DefaultPrefix
	if !m.KeyPrefix.IsNull() {
		prefix = m.KeyPrefix.ValueString()
	}
	id := bucket + "/" + prefix
	if d.data == nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, id, "The provider was not configured.", "This is a bug in the provider; please report it.", nil)

		return
	}
	c, err := objectstore.FromData(d.data)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, id, "The object store client could not be created.",
			"Configure the provider's s3 block or its environment variables.", err)

		return
	}
	ids, err := fair.List(ctx, c, bucket, prefix)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, id, "The dataset records could not be listed.",
			"Check that the bucket exists and that the credentials may list it.", err)

		return
	}
	f := fair.Filter{Query: m.Query.ValueString(), Keyword: m.Keyword.ValueString(), Subject: m.Subject.ValueString(),
		Creator: m.Creator.ValueString(), License: m.License.ValueString(), Access: m.Access.ValueString()}
	var out []attr.Value
	for _, dsID := range ids {
		rec, err := fair.Load(ctx, c, bucket, prefix, dsID)
		if err != nil {
			// One broken record must not hide the others from discovery.
			resp.Diagnostics.AddWarning(fmt.Sprintf("%s (%s): record %s skipped", typeName, id, dsID),
				"The record could not be read or decoded; fix or re-apply its lakehouse_dataset.\n\nOriginal error: "+err.Error())

			continue
		}
		if !f.Match(rec) {
			continue
		}
		out = append(out, summary(prefix, rec))
	}
	tflog.Debug(ctx, "searched dataset records", map[string]any{"bucket": bucket, "records": len(ids), "matches": len(out)})
	m.ID = types.StringValue(id)
	m.Datasets = types.ListValueMust(datasetType, out)

	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func summary(prefix string, r *fair.Record) attr.Value {
	dk, sk := fair.Keys(prefix, r.DatasetID)
	creators := make([]string, len(r.Creators))
	for i, c := range r.Creators {
		creators[i] = c.Name
	}
	subjects := make([]string, len(r.Subjects))
	for i, s := range r.Subjects {
		subjects[i] = s.Subject
	}

	return types.ObjectValueMust(datasetType.AttrTypes, map[string]attr.Value{
		"dataset_id": types.StringValue(r.DatasetID), "title": types.StringValue(r.Title),
		"description": types.StringValue(r.Description), "doi": types.StringValue(r.DOI),
		"license": types.StringValue(r.License), "version": types.StringValue(r.Version),
		"access_level": types.StringValue(r.AccessLevel), "publisher": types.StringValue(r.Publisher),
		"publication_year": types.Int64Value(int64(r.PublicationYear)),
		"creators":         list(creators), "keywords": list(r.Keywords), "subjects": list(subjects),
		"related_tables": list(r.RelatedTables), "related_prefixes": list(r.RelatedPrefixes),
		"landing_url": types.StringValue(r.LandingURL), "datacite_key": types.StringValue(dk), "schema_org_key": types.StringValue(sk),
	})
}

func list(ss []string) types.List {
	vals := make([]attr.Value, len(ss))
	for i, s := range ss {
		vals[i] = types.StringValue(s)
	}

	return types.ListValueMust(types.StringType, vals)
}
