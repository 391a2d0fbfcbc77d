package accesspolicy

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
)

// accessPolicyResourceModel holds the configuration in plain Go types
// (decoded only once it is fully known) and the compiled outputs in
// framework types, which are unknown until ModifyPlan fills them.
type accessPolicyResourceModel struct {
	ID             types.String     `tfsdk:"id"`
	Name           types.String     `tfsdk:"name"`
	Description    types.String     `tfsdk:"description"`
	Rules          []ruleModel      `tfsdk:"rules"`
	Principals     []principalModel `tfsdk:"principals"`
	Dremio         *dremioModel     `tfsdk:"dremio"`
	IdP            *idpModel        `tfsdk:"identity_provider"`
	DocumentBucket types.String     `tfsdk:"document_bucket"`
	DocumentKey    types.String     `tfsdk:"document_key"`
	Document       types.String     `tfsdk:"document"`
	S3Statements   types.Map        `tfsdk:"s3_statements"`
	MinIOPolicies  types.Map        `tfsdk:"minio_policies"`
	DremioGrants   types.List       `tfsdk:"dremio_grants"`
}

type ruleModel struct {
	Name       string           `tfsdk:"name"`
	Effect     *string          `tfsdk:"effect"` // nil in config before the default applies
	Subjects   *selectorModel   `tfsdk:"subjects"`
	Actions    []string         `tfsdk:"actions"`
	Resources  []resourceModel  `tfsdk:"resources"`
	Conditions []conditionModel `tfsdk:"conditions"`
	SourceIPs  []string         `tfsdk:"source_ip_ranges"`
	NotBefore  *string          `tfsdk:"not_before"`
	NotAfter   *string          `tfsdk:"not_after"`
}

type selectorModel struct {
	Roles         []string            `tfsdk:"roles"`
	Institutions  []string            `tfsdk:"institutions"`
	Projects      []string            `tfsdk:"projects"`
	Purposes      []string            `tfsdk:"purposes"`
	ConsentScopes []string            `tfsdk:"consent_scopes"`
	Groups        []string            `tfsdk:"groups"`
	Users         []string            `tfsdk:"users"`
	Claims        map[string][]string `tfsdk:"claims"`
}

type resourceModel struct {
	Bucket         *string  `tfsdk:"bucket"`
	Prefix         *string  `tfsdk:"prefix"`
	Table          *string  `tfsdk:"table"`
	Dataset        []string `tfsdk:"dremio_dataset"`
	DatasetType    *string  `tfsdk:"dremio_object_type"`
	RequireConsent []string `tfsdk:"require_consent"`
}

type conditionModel struct {
	Attribute string   `tfsdk:"attribute"`
	Operator  string   `tfsdk:"operator"`
	Values    []string `tfsdk:"values"`
}

type principalModel struct {
	Name        string              `tfsdk:"name"`
	Type        string              `tfsdk:"type"`
	Attributes  map[string][]string `tfsdk:"attributes"`
	S3Principal *string             `tfsdk:"s3_principal"`
	DremioRole  *string             `tfsdk:"dremio_role"`
	DremioUser  *string             `tfsdk:"dremio_user"`
}

type idpModel struct {
	ConsentGroupPrefix *string `tfsdk:"consent_group_prefix"`
}

type dremioModel struct {
	IcebergSource *string `tfsdk:"iceberg_source"`
}

// minioPolicyAttrTypes is the element type of minio_policies.
var minioPolicyAttrTypes = map[string]attr.Type{
	"principal":      types.StringType,
	"principal_type": types.StringType,
	"policy":         types.StringType,
	"attached":       types.BoolType,
}

func str(p *string) string {
	if p == nil {
		return ""
	}

	return *p
}

func ptr(s string) *string {
	if s == "" {
		return nil
	}

	return &s
}

// policy converts the configuration to the access model.
func (m *accessPolicyResourceModel) policy() ap.Policy {
	p := ap.Policy{Name: m.Name.ValueString(), Description: m.Description.ValueString()}
	for _, r := range m.Rules {
		rule := ap.Rule{Name: r.Name, Effect: ap.Effect(str(r.Effect)), SourceIPs: r.SourceIPs,
			NotBefore: str(r.NotBefore), NotAfter: str(r.NotAfter)}
		if rule.Effect == "" {
			rule.Effect = ap.Allow
		}
		if s := r.Subjects; s != nil {
			rule.Subjects = ap.Selector{Roles: s.Roles, Institutions: s.Institutions, Projects: s.Projects, Purposes: s.Purposes,
				ConsentScopes: s.ConsentScopes, Groups: s.Groups, Users: s.Users, Claims: s.Claims}
		}
		for _, a := range r.Actions {
			rule.Actions = append(rule.Actions, ap.Action(a))
		}
		for _, res := range r.Resources {
			rule.Resources = append(rule.Resources, ap.Resource{Bucket: str(res.Bucket), Prefix: str(res.Prefix), Table: str(res.Table),
				Dataset: res.Dataset, DatasetType: str(res.DatasetType), RequireConsent: res.RequireConsent})
		}
		for _, c := range r.Conditions {
			rule.Conditions = append(rule.Conditions, ap.Condition{Attribute: c.Attribute, Operator: c.Operator, Values: c.Values})
		}
		p.Rules = append(p.Rules, rule)
	}
	for _, pr := range m.Principals {
		p.Principals = append(p.Principals, ap.Principal{Name: pr.Name, Type: pr.Type, Attributes: pr.Attributes,
			S3Principal: str(pr.S3Principal), DremioRole: str(pr.DremioRole), DremioUser: str(pr.DremioUser)})
	}

	if m.Dremio != nil {
		p.Dremio = &ap.DremioOptions{IcebergSource: str(m.Dremio.IcebergSource)}
	}
	if m.IdP != nil {
		p.IdentityProvider = &ap.IdPOptions{ConsentGroupPrefix: str(m.IdP.ConsentGroupPrefix)}
	}

	return p
}

// setPolicy fills the configuration from a stored document (import).
func (m *accessPolicyResourceModel) setPolicy(p ap.Policy) {
	m.Name = types.StringValue(p.Name)
	m.Description = types.StringNull()
	if p.Description != "" {
		m.Description = types.StringValue(p.Description)
	}
	m.Rules = nil
	for _, r := range p.Rules {
		rm := ruleModel{Name: r.Name, Effect: ptr(string(r.Effect)), SourceIPs: r.SourceIPs, NotBefore: ptr(r.NotBefore), NotAfter: ptr(r.NotAfter)}
		s := r.Subjects
		if len(s.Roles)+len(s.Institutions)+len(s.Projects)+len(s.Purposes)+len(s.ConsentScopes)+len(s.Groups)+len(s.Users)+len(s.Claims) > 0 {
			rm.Subjects = &selectorModel{Roles: s.Roles, Institutions: s.Institutions, Projects: s.Projects, Purposes: s.Purposes,
				ConsentScopes: s.ConsentScopes, Groups: s.Groups, Users: s.Users, Claims: s.Claims}
		}
		for _, a := range r.Actions {
			rm.Actions = append(rm.Actions, string(a))
		}
		for _, res := range r.Resources {
			rm.Resources = append(rm.Resources, resourceModel{Bucket: ptr(res.Bucket), Prefix: ptr(res.Prefix), Table: ptr(res.Table),
				Dataset: res.Dataset, DatasetType: ptr(res.DatasetType), RequireConsent: res.RequireConsent})
		}
		for _, c := range r.Conditions {
			rm.Conditions = append(rm.Conditions, conditionModel{Attribute: c.Attribute, Operator: c.Operator, Values: c.Values})
		}
		m.Rules = append(m.Rules, rm)
	}
	m.Dremio = nil
	if p.Dremio != nil {
		m.Dremio = &dremioModel{IcebergSource: ptr(p.Dremio.IcebergSource)}
	}
	m.IdP = nil
	if p.IdentityProvider != nil {
		prefix := p.IdentityProvider.ConsentGroupPrefix
		m.IdP = &idpModel{ConsentGroupPrefix: &prefix}
	}
	m.Principals = nil
	for _, pr := range p.Principals {
		m.Principals = append(m.Principals, principalModel{Name: pr.Name, Type: pr.Type, Attributes: pr.Attributes,
			S3Principal: ptr(pr.S3Principal), DremioRole: ptr(pr.DremioRole), DremioUser: ptr(pr.DremioUser)})
	}
}

// attrPath maps a model PathError to the schema path of the attribute.
func attrPath(steps []any) path.Path {
	p := path.Empty()
	for _, s := range steps {
		switch v := s.(type) {
		case int:
			p = p.AtListIndex(v)
		case string:
			p = p.AtName(v)
		}
	}

	return p
}
