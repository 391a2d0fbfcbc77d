// Package accesspolicy holds the lakehouse_access_decision data source:
// the access evaluator, callable from `check` blocks and CI.
package accesspolicy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/diags"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/objectstore"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

var (
	_ datasource.DataSource                   = (*accessDecisionDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*accessDecisionDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*accessDecisionDataSource)(nil)
)

const typeName = "lakehouse_access_decision"

// DefaultPrefix is where lakehouse_access_policy stores its documents.
const DefaultPrefix = "access-policies/"

// NewAccessDecisionDataSource is the lakehouse_access_decision constructor.
func NewAccessDecisionDataSource() datasource.DataSource { return &accessDecisionDataSource{} }

type accessDecisionDataSource struct {
	data *providerdata.Data
}

type accessDecisionModel struct {
	PolicyDocuments []string       `tfsdk:"policy_documents"`
	DocumentBucket  *string        `tfsdk:"document_bucket"`
	DocumentPrefix  *string        `tfsdk:"document_prefix"`
	Subject         subjectModel   `tfsdk:"subject"`
	Action          string         `tfsdk:"action"`
	Resource        targetModel    `tfsdk:"resource"`
	SourceIP        *string        `tfsdk:"source_ip"`
	Time            *string        `tfsdk:"time"`
	Allowed         types.Bool     `tfsdk:"allowed"`
	Decision        types.String   `tfsdk:"decision"`
	Policy          types.String   `tfsdk:"policy"`
	Rule            types.String   `tfsdk:"rule"`
	Reason          types.String   `tfsdk:"reason"`
	Evaluated       []types.String `tfsdk:"policies_evaluated"`
}

type subjectModel struct {
	Name       *string             `tfsdk:"name"`
	Attributes map[string][]string `tfsdk:"attributes"`
}

type targetModel struct {
	Bucket  *string  `tfsdk:"bucket"`
	Key     *string  `tfsdk:"key"`
	Table   *string  `tfsdk:"table"`
	Dataset []string `tfsdk:"dremio_dataset"`
}

func (d *accessDecisionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_decision"
}

func actionNames() []string {
	out := make([]string, len(ap.Actions))
	for i, a := range ap.Actions {
		out[i] = string(a)
	}

	return out
}

func (d *accessDecisionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Decides one access request against access policies, the same way the compiled policies are " +
			"enforced: an explicit deny wins, then a missing consent scope that a resource requires, then an allow; " +
			"otherwise the default is deny. Use it in `check` blocks and CI to test policies.",
		Attributes: map[string]schema.Attribute{
			"policy_documents": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Policy documents to evaluate, usually `lakehouse_access_policy.<name>.document`.",
			},
			"document_bucket": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Also evaluate every policy document stored in this bucket under `document_prefix`.",
			},
			"document_prefix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Prefix of the stored documents in `document_bucket`; default `" + DefaultPrefix + "`.",
			},
			"subject": schema.SingleNestedAttribute{
				Required: true, MarkdownDescription: "Who asks.",
				Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Optional: true, MarkdownDescription: "User name (matched by `subjects.users`)."},
					"attributes": schema.MapAttribute{
						Optional: true, ElementType: types.ListType{ElemType: types.StringType},
						MarkdownDescription: "Attribute name to values: `role`, `institution`, `project`, `purpose`, `consent`, `groups`, or any claim.",
					},
				},
			},
			"action": schema.StringAttribute{
				Required: true, MarkdownDescription: "One of `read`, `write`, `list`, `manage`.",
				Validators: []validator.String{stringvalidator.OneOf(actionNames()...)},
			},
			"resource": schema.SingleNestedAttribute{
				Required: true, MarkdownDescription: "What is accessed: `bucket` (with `key`), `table` or `dremio_dataset`.",
				Attributes: map[string]schema.Attribute{
					"bucket":         schema.StringAttribute{Optional: true, MarkdownDescription: "Bucket name."},
					"key":            schema.StringAttribute{Optional: true, MarkdownDescription: "Object key, or the prefix listed for `list`."},
					"table":          schema.StringAttribute{Optional: true, MarkdownDescription: "Iceberg table, dot separated."},
					"dremio_dataset": schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Dremio path."},
				},
			},
			"source_ip": schema.StringAttribute{Optional: true, MarkdownDescription: "Client IP address; without it rules limited to IP ranges do not apply."},
			"time":      schema.StringAttribute{Optional: true, MarkdownDescription: "RFC 3339 time of the request; default now."},
			"allowed":   schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the request is allowed."},
			"decision":  schema.StringAttribute{Computed: true, MarkdownDescription: "`allow` or `deny`."},
			"policy":    schema.StringAttribute{Computed: true, MarkdownDescription: "Policy of the deciding rule; empty for the default deny."},
			"rule":      schema.StringAttribute{Computed: true, MarkdownDescription: "Deciding rule; empty for the default deny."},
			"reason":    schema.StringAttribute{Computed: true, MarkdownDescription: "Why, in words."},
			"policies_evaluated": schema.ListAttribute{
				Computed: true, ElementType: types.StringType, MarkdownDescription: "Names of the policies evaluated, sorted.",
			},
		},
	}
}

func (d *accessDecisionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *accessDecisionDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	if !req.Config.Raw.IsFullyKnown() {
		return
	}
	var m accessDecisionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if _, err := m.request(); err != nil {
		var pe *ap.PathError
		p := path.Root("resource")
		if errors.As(err, &pe) {
			for _, s := range pe.Path {
				p = path.Root(fmt.Sprint(s))
			}
		}
		resp.Diagnostics.AddAttributeError(p, "Invalid access request", err.Error())
	}
	if m.PolicyDocuments == nil && m.DocumentBucket == nil {
		resp.Diagnostics.AddAttributeError(path.Root("policy_documents"), "No policies to evaluate",
			"Set policy_documents, document_bucket, or both.")
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}

	return *p
}

func (m *accessDecisionModel) request() (ap.Request, error) {
	req := ap.Request{
		Subject:  ap.Subject{Name: str(m.Subject.Name), Attributes: m.Subject.Attributes},
		Action:   ap.Action(m.Action),
		Target:   ap.Target{Bucket: str(m.Resource.Bucket), Key: str(m.Resource.Key), Table: str(m.Resource.Table), Dataset: m.Resource.Dataset},
		SourceIP: str(m.SourceIP),
	}
	set := 0
	for _, b := range []bool{req.Target.Bucket != "", req.Target.Table != "", len(req.Target.Dataset) > 0} {
		if b {
			set++
		}
	}
	if set != 1 {
		return req, &ap.PathError{Path: []any{"resource"}, Msg: "set exactly one of bucket, table or dremio_dataset"}
	}
	if req.Target.Key != "" && req.Target.Bucket == "" {
		return req, &ap.PathError{Path: []any{"resource"}, Msg: "key needs bucket"}
	}
	if t := str(m.Time); t != "" {
		at, err := time.Parse(time.RFC3339, t)
		if err != nil {
			return req, &ap.PathError{Path: []any{"time"}, Msg: fmt.Sprintf("%q is not an RFC 3339 time such as 2026-09-01T00:00:00Z", t)}
		}
		req.Time = at
	}

	return req, nil
}

func (d *accessDecisionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m accessDecisionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	areq, err := m.request()
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, "", "The access request is not valid.", "", err)

		return
	}
	policies, err := d.policies(ctx, &m)
	if err != nil {
		diags.AddError(&resp.Diagnostics, "reading", typeName, "", "Loading the access policies failed.",
			"Check policy_documents, or that document_bucket holds documents written by lakehouse_access_policy.", err)

		return
	}

	dec := ap.Evaluate(policies, areq)
	m.Allowed = types.BoolValue(dec.Allowed)
	m.Decision = types.StringValue(map[bool]string{true: "allow", false: "deny"}[dec.Allowed])
	m.Policy, m.Rule, m.Reason = types.StringValue(dec.Policy), types.StringValue(dec.Rule), types.StringValue(dec.Reason)
	m.Evaluated = nil
	for _, p := range policies {
		m.Evaluated = append(m.Evaluated, types.StringValue(p.Name))
	}
	sort.Slice(m.Evaluated, func(i, j int) bool { return m.Evaluated[i].ValueString() < m.Evaluated[j].ValueString() })
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// policies loads every document; a policy named twice (given inline and
// also stored) is evaluated once, the inline version winning.
func (d *accessDecisionDataSource) policies(ctx context.Context, m *accessDecisionModel) ([]ap.Policy, error) {
	seen := map[string]bool{}
	var out []ap.Policy
	for i, doc := range m.PolicyDocuments {
		p, err := ap.ParseDocument(doc)
		if err != nil {
			return nil, fmt.Errorf("policy_documents[%d]: %w", i, err)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("policy_documents[%d]: policy %q is given twice", i, p.Name)
		}
		seen[p.Name] = true
		out = append(out, p)
	}
	if m.DocumentBucket == nil {
		return out, nil
	}
	stored, err := d.stored(ctx, *m.DocumentBucket, prefixOr(m.DocumentPrefix))
	if err != nil {
		return nil, err
	}
	for _, p := range stored {
		if !seen[p.Name] {
			seen[p.Name] = true
			out = append(out, p)
		}
	}

	return out, nil
}

func prefixOr(p *string) string {
	if p == nil {
		return DefaultPrefix
	}

	return *p
}

func (d *accessDecisionDataSource) stored(ctx context.Context, bucket, prefix string) ([]ap.Policy, error) {
	if d.data == nil {
		return nil, errors.New("the provider is not configured")
	}
	c, err := objectstore.FromData(d.data)
	if err != nil {
		return nil, err
	}
	var out []ap.Policy
	for obj, err := range objectstore.ListObjects(ctx, c, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
		}
		if !strings.HasSuffix(obj.Key, ".json") {
			continue
		}
		r, err := c.GetObject(ctx, bucket, obj.Key, minio.GetObjectOptions{})
		if err != nil {
			return nil, fmt.Errorf("reading s3://%s/%s: %w", bucket, obj.Key, err)
		}
		b, err := io.ReadAll(io.LimitReader(r, 16<<20))
		_ = r.Close() // read-only
		if err != nil {
			return nil, fmt.Errorf("reading s3://%s/%s: %w", bucket, obj.Key, err)
		}
		p, err := ap.ParseDocument(string(b))
		if err != nil {
			return nil, fmt.Errorf("s3://%s/%s: %w", bucket, obj.Key, err)
		}
		out = append(out, p)
	}

	return out, nil
}
