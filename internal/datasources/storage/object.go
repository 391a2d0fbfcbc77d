package storage

import (
	"context"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
)

var (
	_ datasource.DataSource              = (*objectDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*objectDataSource)(nil)
)

const (
	objectType = "lakehouse_object"
	// maxContent is the largest body read into `content`.
	maxContent = 4 << 20
)

// NewObjectDataSource is the lakehouse_object data source constructor.
func NewObjectDataSource() datasource.DataSource { return &objectDataSource{} }

type objectDataSource struct {
	configurable
}

type objectDataSourceModel struct {
	ID           types.String `tfsdk:"id"`
	Bucket       types.String `tfsdk:"bucket"`
	Key          types.String `tfsdk:"key"`
	VersionID    types.String `tfsdk:"version_id"`
	Content      types.String `tfsdk:"content"`
	ContentType  types.String `tfsdk:"content_type"`
	ETag         types.String `tfsdk:"etag"`
	Size         types.Int64  `tfsdk:"size"`
	LastModified types.String `tfsdk:"last_modified"`
	Tags         types.Map    `tfsdk:"tags"`
}

func (d *objectDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_object"
}

func (d *objectDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one object's metadata and, when it is UTF-8 text of at most 4 MiB, its content " +
			"(for example a governance document written by another configuration).",
		Attributes: map[string]schema.Attribute{
			"id":            schema.StringAttribute{Computed: true, MarkdownDescription: "`<bucket>/<key>`."},
			"bucket":        schema.StringAttribute{Required: true, MarkdownDescription: "Bucket name."},
			"key":           schema.StringAttribute{Required: true, MarkdownDescription: "Object key."},
			"version_id":    schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "A specific version to read; defaults to the current one."},
			"content":       schema.StringAttribute{Computed: true, MarkdownDescription: "The body, when it is UTF-8 text of at most 4 MiB; otherwise null."},
			"content_type":  schema.StringAttribute{Computed: true, MarkdownDescription: "MIME type."},
			"etag":          schema.StringAttribute{Computed: true, MarkdownDescription: "ETag, without quotes."},
			"size":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Size in bytes."},
			"last_modified": schema.StringAttribute{Computed: true, MarkdownDescription: "Last modification time, RFC 3339."},
			"tags":          schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Object tags."},
		},
	}
}

func (d *objectDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m objectDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	bucket, key := m.Bucket.ValueString(), m.Key.ValueString()
	id := bucket + "/" + key
	c := clientFor(d.data, &resp.Diagnostics, objectType, id)
	if c == nil {
		return
	}

	fail := func(what string, err error) {
		todo := ""
		if objectstore.IsNotFound(err) {
			todo = "Check the bucket, the key and the version id."
		}
		diags.AddError(&resp.Diagnostics, "reading", objectType, id, what, todo, err)
	}
	o, err := c.GetObject(ctx, bucket, key, minio.GetObjectOptions{VersionID: m.VersionID.ValueString()})
	if err != nil {
		fail("Reading the object failed.", err)

		return
	}
	defer func() { _ = o.Close() }()
	st, err := o.Stat()
	if err != nil {
		fail("Reading the object failed.", err)

		return
	}
	m.Content = types.StringNull()
	if st.Size <= maxContent {
		b, err := io.ReadAll(o)
		if err != nil {
			fail("Reading the object's body failed.", err)

			return
		}
		if utf8.Valid(b) {
			m.Content = types.StringValue(string(b))
		}
	}
	t, err := c.GetObjectTagging(ctx, bucket, key, minio.GetObjectTaggingOptions{VersionID: st.VersionID})
	if err != nil && !objectstore.IsAbsentConfig(err) {
		fail("Reading the object's tags failed.", err)

		return
	}
	got := map[string]string{}
	if t != nil {
		got = t.ToMap()
	}

	m.ID = types.StringValue(id)
	m.VersionID = types.StringValue(st.VersionID)
	m.ContentType = types.StringValue(st.ContentType)
	m.ETag = types.StringValue(strings.Trim(st.ETag, `"`))
	m.Size = types.Int64Value(st.Size)
	m.LastModified = types.StringValue(st.LastModified.UTC().Format(time.RFC3339))
	tv, dg := types.MapValueFrom(ctx, types.StringType, got)
	resp.Diagnostics.Append(dg...)
	m.Tags = tv
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
