// Package accesspolicy is the attribute-based access model of the lakehouse:
// rules that select subjects by attributes (role, institution, project,
// purpose of use, consent scopes, identity-provider groups and claims), name
// resources (bucket prefixes, Iceberg namespaces and tables, Dremio
// datasets) and actions, and carry request conditions (source IP ranges, a
// date window). One evaluator decides requests; compilers turn the same
// policy into what each enforcement point understands: S3 bucket-policy
// statements, MinIO IAM policies per user or group, and Dremio GRANTs. The
// compilers call the evaluator's own matching functions, so the decision a
// user tests in a `check` block is the decision the servers enforce.
package accesspolicy

import (
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"

	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Effect of a rule.
type Effect string

// Effects.
const (
	Allow Effect = "allow"
	Deny  Effect = "deny"
)

// Action is what a subject wants to do.
type Action string

// Actions, from least to most powerful.
const (
	Read   Action = "read"
	Write  Action = "write"
	List   Action = "list"
	Manage Action = "manage"
)

// Actions lists every action, in documentation order.
var Actions = []Action{Read, Write, List, Manage}

// Operators of attribute conditions.
const (
	OpEquals = "equals"
	OpIn     = "in"
	OpNotIn  = "not_in"
)

// Operators lists every condition operator.
var Operators = []string{OpEquals, OpIn, OpNotIn}

// Well-known subject attribute keys. Any other key may be used in
// conditions and claims.
const (
	AttrRole        = "role"
	AttrInstitution = "institution"
	AttrProject     = "project"
	AttrPurpose     = "purpose"
	AttrConsent     = "consent"
	AttrGroups      = "groups"
)

// Policy is one named set of rules, plus the principals it is compiled for.
type Policy struct {
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Rules       []Rule      `json:"rules"`
	Principals  []Principal `json:"principals,omitempty"`
	// IdentityProvider, when set, also compiles the policy for OpenID
	// users (CompileIdentityProvider).
	IdentityProvider *IdPOptions `json:"identity_provider,omitempty"`
	// Dremio, when set, also compiles the policy to Dremio grants.
	Dremio *DremioOptions `json:"dremio,omitempty"`
}

// DremioOptions say how lakehouse names map to Dremio paths.
type DremioOptions struct {
	IcebergSource string `json:"iceberg_source,omitempty"`
}

// Rule allows or denies actions on resources to the subjects it selects,
// under its conditions.
type Rule struct {
	Name       string      `json:"name"`
	Effect     Effect      `json:"effect"`
	Subjects   Selector    `json:"subjects"`
	Actions    []Action    `json:"actions"`
	Resources  []Resource  `json:"resources"`
	Conditions []Condition `json:"conditions,omitempty"`
	SourceIPs  []string    `json:"source_ip_ranges,omitempty"`
	NotBefore  string      `json:"not_before,omitempty"` // RFC 3339
	NotAfter   string      `json:"not_after,omitempty"`  // RFC 3339, exclusive
}

// Selector picks subjects. Each non-empty field must match (AND); within a
// field any listed value matches (OR), except ConsentScopes, which the
// subject must hold all of. An empty selector matches every subject.
type Selector struct {
	Roles         []string            `json:"roles,omitempty"`
	Institutions  []string            `json:"institutions,omitempty"`
	Projects      []string            `json:"projects,omitempty"`
	Purposes      []string            `json:"purposes,omitempty"`
	ConsentScopes []string            `json:"consent_scopes,omitempty"`
	Groups        []string            `json:"groups,omitempty"`
	Users         []string            `json:"users,omitempty"`
	Claims        map[string][]string `json:"claims,omitempty"`
}

// Resource is one protected thing. Exactly one of Bucket, Table or Dataset
// is set.
type Resource struct {
	Bucket         string   `json:"bucket,omitempty"`
	Prefix         string   `json:"prefix,omitempty"`
	Table          string   `json:"table,omitempty"` // Iceberg namespace or namespace.table, dot separated
	Dataset        []string `json:"dremio_dataset,omitempty"`
	DatasetType    string   `json:"dremio_object_type,omitempty"`
	RequireConsent []string `json:"require_consent,omitempty"`
}

// Condition tests one subject attribute.
type Condition struct {
	Attribute string   `json:"attribute"`
	Operator  string   `json:"operator"`
	Values    []string `json:"values"`
}

// Principal is an identity the policy is compiled for: a MinIO user or
// group (or an identity-provider group MinIO maps), with the attributes it
// carries, and optionally its S3 bucket-policy principal and Dremio grantee.
type Principal struct {
	Name        string              `json:"name"`
	Type        string              `json:"type"` // "user" or "group"
	Attributes  map[string][]string `json:"attributes,omitempty"`
	S3Principal string              `json:"s3_principal,omitempty"`
	DremioRole  string              `json:"dremio_role,omitempty"`
	DremioUser  string              `json:"dremio_user,omitempty"`
}

// Principal types.
const (
	PrincipalUser  = "user"
	PrincipalGroup = "group"
)

// Subject returns the attributes the principal presents to the evaluator:
// its declared attributes, and for a group its own name among its groups.
func (p Principal) Subject() Subject {
	attrs := map[string][]string{}
	for k, v := range p.Attributes {
		attrs[k] = slices.Clone(v)
	}
	if p.Type == PrincipalGroup && !slices.Contains(attrs[AttrGroups], p.Name) {
		attrs[AttrGroups] = append(attrs[AttrGroups], p.Name)
	}
	name := ""
	if p.Type == PrincipalUser {
		name = p.Name
	}

	return Subject{Name: name, Attributes: attrs}
}

// NamePattern is what a policy name may look like. It has no ':' so the Sid
// prefix "lakehouse:<name>:" of one policy is never a prefix of another's.
var NamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// SidPrefix marks the bucket-policy statements a policy owns.
func SidPrefix(policy string) string { return policydoc.ManagedSidPrefix + policy + ":" }

// Validate reports the first structural problem, with a path a user can find.
func (p Policy) Validate() error {
	if !NamePattern.MatchString(p.Name) {
		return pe([]any{"name"}, "name %q must be 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit", p.Name)
	}
	seen := map[string]bool{}
	for i, r := range p.Rules {
		if err := r.validate(); err != nil {
			return at(err, "rules", i)
		}
		if seen[r.Name] {
			return pe([]any{"rules", i, "name"}, "the rule name %q is used twice", r.Name)
		}
		seen[r.Name] = true
	}
	seenP := map[string]bool{}
	for i, pr := range p.Principals {
		if pr.Type != PrincipalUser && pr.Type != PrincipalGroup {
			return pe([]any{"principals", i, "type"}, "type must be %q or %q", PrincipalUser, PrincipalGroup)
		}
		if pr.Name == "" {
			return pe([]any{"principals", i, "name"}, "name is empty")
		}
		if pr.DremioRole != "" && pr.DremioUser != "" {
			return pe([]any{"principals", i, "dremio_user"}, "set dremio_role or dremio_user, not both")
		}
		key := pr.Type + "/" + pr.Name
		if seenP[key] {
			return pe([]any{"principals", i, "name"}, "%s %q is listed twice", pr.Type, pr.Name)
		}
		seenP[key] = true
	}

	return nil
}

var ruleNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

func (r Rule) validate() error {
	if !ruleNamePattern.MatchString(r.Name) {
		return pe([]any{"name"}, "name %q must be 1-63 letters, digits, '.', '_' or '-'", r.Name)
	}
	if r.Effect != Allow && r.Effect != Deny {
		return pe([]any{"effect"}, "effect %q must be %q or %q", r.Effect, Allow, Deny)
	}
	if len(r.Actions) == 0 {
		return pe([]any{"actions"}, "actions is empty")
	}
	for _, a := range r.Actions {
		if !slices.Contains(Actions, a) {
			return pe([]any{"actions"}, "action %q is not one of read, write, list, manage", a)
		}
	}
	if len(r.Resources) == 0 {
		return pe([]any{"resources"}, "resources is empty")
	}
	for i, res := range r.Resources {
		if err := res.validate(); err != nil {
			return at(err, "resources", i)
		}
	}
	for i, c := range r.Conditions {
		if err := c.validate(); err != nil {
			return at(err, "conditions", i)
		}
	}
	for _, cidr := range r.SourceIPs {
		if _, err := netip.ParsePrefix(cidr); err != nil {
			return pe([]any{"source_ip_ranges"}, "%q is not a CIDR range such as 10.0.0.0/8", cidr)
		}
	}
	nb, err := parseTime("not_before", r.NotBefore)
	if err != nil {
		return err
	}
	na, err := parseTime("not_after", r.NotAfter)
	if err != nil {
		return err
	}
	if !nb.IsZero() && !na.IsZero() && !na.After(nb) {
		return pe([]any{"not_after"}, "not_after must be later than not_before")
	}

	return nil
}

func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, pe([]any{field}, "%q is not an RFC 3339 time such as 2026-09-01T00:00:00Z", s)
	}

	return t, nil
}

func (r Resource) validate() error {
	set := 0
	for _, b := range []bool{r.Bucket != "", r.Table != "", len(r.Dataset) > 0} {
		if b {
			set++
		}
	}
	if set != 1 {
		return pe(nil, "set exactly one of bucket, table or dremio_dataset")
	}
	if r.Prefix != "" && r.Bucket == "" {
		return pe([]any{"prefix"}, "prefix needs bucket")
	}
	if strings.ContainsAny(r.Prefix, "*?") {
		return pe([]any{"prefix"}, "prefix %q must be a literal key prefix without wildcards", r.Prefix)
	}
	if strings.Contains(policyVariable.ReplaceAllString(r.Prefix, ""), "${") {
		return pe([]any{"prefix"}, "prefix %q holds a policy variable other than ${aws:username} or ${jwt:<claim>}", r.Prefix)
	}
	if r.Table != "" {
		for _, part := range strings.Split(r.Table, ".") {
			if part == "" {
				return pe([]any{"table"}, "table %q has an empty level", r.Table)
			}
		}
	}
	if r.DatasetType != "" && r.Bucket != "" {
		return pe([]any{"dremio_object_type"}, "dremio_object_type applies to dremio_dataset or table, not to a bucket")
	}
	if r.DatasetType != "" && !slices.Contains(DremioObjectTypes, r.DatasetType) {
		return pe([]any{"dremio_object_type"}, "dremio_object_type %q must be one of %s", r.DatasetType, strings.Join(DremioObjectTypes, ", "))
	}

	return nil
}

func (c Condition) validate() error {
	if c.Attribute == "" {
		return pe([]any{"attribute"}, "attribute is empty")
	}
	switch c.Operator {
	case OpEquals:
		if len(c.Values) != 1 {
			return pe([]any{"values"}, "operator %q takes exactly one value", OpEquals)
		}
	case OpIn, OpNotIn:
		if len(c.Values) == 0 {
			return pe([]any{"values"}, "operator %q needs at least one value", c.Operator)
		}
	default:
		return pe([]any{"operator"}, "operator %q must be one of %s", c.Operator, strings.Join(Operators, ", "))
	}

	return nil
}

// PathError is a validation error at a place in the policy: Path holds
// attribute names (string) and list indexes (int), as in the Terraform
// schema, so a diagnostic can point at the attribute.
type PathError struct {
	Path []any
	Msg  string
}

func (e *PathError) Error() string {
	var b strings.Builder
	for _, s := range e.Path {
		switch v := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, v)
		}
	}
	if b.Len() == 0 {
		return e.Msg
	}

	return b.String() + ": " + e.Msg
}

func pe(path []any, format string, a ...any) error {
	return &PathError{Path: path, Msg: fmt.Sprintf(format, a...)}
}

// at prefixes a PathError's path with steps.
func at(err error, steps ...any) error {
	if p, ok := err.(*PathError); ok { //nolint:errorlint // only our own, unwrapped errors
		return &PathError{Path: append(append([]any{}, steps...), p.Path...), Msg: p.Msg}
	}

	return err
}

// Document is the JSON form of a policy, as stored in the governance bucket
// and read by the lakehouse_access_decision data source.
func (p Policy) Document() (string, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encoding access policy %s: %w", p.Name, err)
	}

	return string(b), nil
}

// ParseDocument reads a policy written by Document.
func ParseDocument(doc string) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("parsing access policy document: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Policy{}, fmt.Errorf("access policy document %q: %w", p.Name, err)
	}

	return p, nil
}
