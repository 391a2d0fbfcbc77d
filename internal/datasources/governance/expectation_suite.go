// Package governance holds data sources that read governance documents
// (expectation suites) from a bucket.
package governance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/expectations"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var (
	_ datasource.DataSource              = (*expectationSuiteDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*expectationSuiteDataSource)(nil)
)

const suiteDataSourceType = "lakehouse_expectation_suite"

type expectationSuiteDataSource struct {
	data *providerdata.Data
}

type expectationSuiteDataSourceModel struct {
	ID           types.String         `tfsdk:"id"`
	Bucket       types.String         `tfsdk:"bucket"`
	Key          types.String         `tfsdk:"key"`
	Name         types.String         `tfsdk:"name"`
	Table        types.String         `tfsdk:"table"`
	Meta         jsontypes.Normalized `tfsdk:"meta"`
	Notes        types.String         `tfsdk:"notes"`
	Expectations types.List           `tfsdk:"expectations"`
	Content      jsontypes.Normalized `tfsdk:"content"`
	ETag         types.String         `tfsdk:"etag"`
}

var expectationAttrTypes = map[string]attr.Type{
	"type":   types.StringType,
	"kwargs": jsontypes.NormalizedType{},
	"meta":   jsontypes.NormalizedType{},
	"notes":  types.StringType,
}

// NewExpectationSuiteDataSource is the lakehouse_expectation_suite data source.
func NewExpectationSuiteDataSource() datasource.DataSource { return &expectationSuiteDataSource{} }

func (d *expectationSuiteDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_expectation_suite"
}

func (d *expectationSuiteDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an expectation suite document (GX 1.x, or GX 0.18 normalised to 1.x) from a bucket, " +
			"for example one written by another team's `lakehouse_expectation_suite`, to reuse its expectations or " +
			"pass its location to the runner.",
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true, MarkdownDescription: "`bucket/key`."},
			"bucket": schema.StringAttribute{Required: true, MarkdownDescription: "Bucket holding the suite."},
			"key":    schema.StringAttribute{Required: true, MarkdownDescription: "Object key of the suite."},
			"name":   schema.StringAttribute{Computed: true, MarkdownDescription: "Suite name."},
			"table":  schema.StringAttribute{Computed: true, MarkdownDescription: "Bound Iceberg table (`meta.table`), if any."},
			"meta": schema.StringAttribute{
				CustomType: jsontypes.NormalizedType{}, Computed: true,
				MarkdownDescription: "Suite `meta` as JSON, without `table`.",
			},
			"notes": schema.StringAttribute{Computed: true, MarkdownDescription: "Suite notes."},
			"expectations": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The expectations, in order, in GX 1.x form.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type":   schema.StringAttribute{Computed: true, MarkdownDescription: "GX expectation type."},
					"kwargs": schema.StringAttribute{CustomType: jsontypes.NormalizedType{}, Computed: true, MarkdownDescription: "kwargs as JSON."},
					"meta":   schema.StringAttribute{CustomType: jsontypes.NormalizedType{}, Computed: true, MarkdownDescription: "meta as JSON."},
					"notes":  schema.StringAttribute{Computed: true, MarkdownDescription: "Notes."},
				}},
			},
			"content": schema.StringAttribute{
				CustomType: jsontypes.NormalizedType{}, Computed: true,
				MarkdownDescription: "The suite as GX 1.x JSON, as the runner reads it.",
			},
			"etag": schema.StringAttribute{Computed: true, MarkdownDescription: "ETag of the object."},
		},
	}
}

func (d *expectationSuiteDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *expectationSuiteDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m expectationSuiteDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := m.Bucket.ValueString() + "/" + m.Key.ValueString()
	c, err := objectstore.FromData(d.data)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", suiteDataSourceType, id, "The object store is not configured.", "", err)

		return
	}
	raw, etag, err := readObject(ctx, c, m.Bucket.ValueString(), m.Key.ValueString())
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", suiteDataSourceType, id, "The suite object could not be read.",
			"Check the bucket and key, and that the provider's credentials may read the object.", err)

		return
	}
	suite, err := expectations.ParseSuite(raw)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", suiteDataSourceType, id, "The object is not a valid expectation suite.",
			"Fix the document, or point the data source at another object.", err)

		return
	}
	resp.Diagnostics.Append(fill(&m, suite, id, etag)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func readObject(ctx context.Context, c *minio.Client, bucket, key string) ([]byte, string, error) {
	obj, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, "", err
	}
	defer func() { _ = obj.Close() }() // read-only
	info, err := obj.Stat()
	if err != nil {
		return nil, "", err
	}
	raw, err := io.ReadAll(obj)

	return raw, info.ETag, err
}

func fill(m *expectationSuiteDataSourceModel, s *expectations.Suite, id, etag string) (ds diag.Diagnostics) {
	m.ID, m.ETag, m.Name = types.StringValue(id), types.StringValue(etag), types.StringValue(s.Name)
	m.Table = types.StringNull()
	meta := map[string]any{}
	for k, v := range s.Meta {
		if k == "table" {
			if t, ok := v.(string); ok {
				m.Table = types.StringValue(t)

				continue
			}
		}
		meta[k] = v
	}
	m.Meta = jsonOrNull(meta)
	m.Notes = types.StringNull()
	if n, ok := s.Notes.(string); ok && n != "" {
		m.Notes = types.StringValue(n)
	}
	elems := make([]attr.Value, 0, len(s.Expectations))
	for _, e := range s.Expectations {
		notes := types.StringNull()
		if n, ok := e.Notes.(string); ok && n != "" {
			notes = types.StringValue(n)
		}
		obj, d := types.ObjectValue(expectationAttrTypes, map[string]attr.Value{
			"type": types.StringValue(e.Type), "kwargs": jsonOrNull(e.Kwargs), "meta": jsonOrNull(e.Meta), "notes": notes,
		})
		ds.Append(d...)
		elems = append(elems, obj)
	}
	list, d := types.ListValue(types.ObjectType{AttrTypes: expectationAttrTypes}, elems)
	ds.Append(d...)
	m.Expectations = list
	doc, err := json.Marshal(s)
	if err != nil {
		ds.AddError("Error encoding suite", fmt.Sprintf("This is a bug in the provider; please report it: %v", err))
	}
	m.Content = jsontypes.NewNormalizedValue(string(doc))

	return ds
}

func jsonOrNull(m map[string]any) jsontypes.Normalized {
	if len(m) == 0 {
		return jsontypes.NewNormalizedNull()
	}
	b, _ := json.Marshal(m)

	return jsontypes.NewNormalizedValue(string(b))
}
