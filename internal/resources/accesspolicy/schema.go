package accesspolicy

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
)

func stringList(desc string) schema.ListAttribute {
	return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc}
}

func quoted(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "`" + v + "`"
	}

	return strings.Join(q, ", ")
}

func actionNames() []string {
	out := make([]string, len(ap.Actions))
	for i, a := range ap.Actions {
		out[i] = string(a)
	}

	return out
}

func (r *accessPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An attribute-based access policy, compiled to every enforcement point: S3 bucket-policy statements, " +
			"MinIO IAM policies attached to users and groups, and Dremio grants. Rules select subjects by attributes " +
			"(role, institution, project, purpose of use, consent scopes, identity-provider groups and claims); the compiled " +
			"forms are computed at plan time so a reviewer sees every grant a change adds or removes.\n\n" +
			"The policy is not authoritative: it changes only what it owns. In a bucket policy it owns the statements whose " +
			"`Sid` starts with `lakehouse:<name>:` and leaves every other statement in place; in MinIO it owns the canned " +
			"policies named `lakehouse-<name>-...`; in Dremio it revokes only the grants it made.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The policy name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Policy name: 1-63 lower-case letters, digits, `.`, `_` or `-`. It prefixes every " +
					"statement and canned policy the policy owns, so changing it replaces the policy.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.RegexMatches(ap.NamePattern, "must be 1-63 lower-case letters, digits, '.', '_' or '-'")},
			},
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "What the policy is for (for example the data-use agreement it implements)."},
			"rules":       rulesSchema(),
			"principals":  principalsSchema(),
			"dremio": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Enforce the policy in Dremio as well, with GRANT and REVOKE statements for principals that " +
					"have `dremio_role` or `dremio_user`. Needs the provider's `dremio` block.",
				Attributes: map[string]schema.Attribute{
					"iceberg_source": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "Name of the Dremio source that serves the Iceberg catalog; rules on `table` resources " +
							"are granted on `<iceberg_source>.<namespace>[.<table>]`. Without it only `dremio_dataset` resources are granted.",
					},
				},
			},
			"identity_provider": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Also compile the policy for OpenID (identity-provider) users, as one canned policy named " +
					"`lakehouse-<name>-idp` in `minio_policies` (principal type `openid`, attached to nobody: name it in the token's " +
					"policy claim or the OpenID role policy). MinIO then selects subjects per request from the token: `groups` as " +
					"`jwt:groups`, `claims` and conditions on standard OpenID claims as `jwt:<claim>`, consent scopes as groups named " +
					"`<consent_group_prefix><scope>`. A token cannot carry role, institution, project, purpose or user name to MinIO, so " +
					"the policy fails closed: an allow rule selecting by them is left out, and a deny rule selecting by them applies to " +
					"every token; each with a plan warning.",
				Attributes: map[string]schema.Attribute{
					"consent_group_prefix": schema.StringAttribute{
						Optional: true, Computed: true, Default: stringdefault.StaticString("consent:"),
						MarkdownDescription: "Prefix of the groups that carry consent scopes in tokens; default `consent:`.",
					},
				},
			},
			"document_bucket": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Bucket (usually the governance bucket) to store the policy document in, at `document_key`, " +
					"where `lakehouse_access_decision` and the runner read it.",
			},
			"document_key": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Key of the stored policy document: `access-policies/<name>.json`.",
			},
			"document": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy as a JSON document, the input of `lakehouse_access_decision`.",
			},
			"s3_statements": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Per bucket, the bucket-policy statements this policy owns (JSON policy document). Only " +
					"principals with `s3_principal` appear; consent requirements are explicit `Deny` statements.",
			},
			"minio_policies": schema.MapAttribute{
				Computed: true, ElementType: types.ObjectType{AttrTypes: minioPolicyAttrTypes},
				MarkdownDescription: "Per MinIO canned policy name: the `principal` and `principal_type` (`user`, `group`, or " +
					"`openid` for the identity-provider policy, which is attached to nobody) it is attached to, the `policy` " +
					"document, and whether it is `attached`. A plan shows each statement added or removed.",
			},
			"dremio_grants": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The Dremio GRANT statements the policy holds, sorted. A plan shows each grant added and removed.",
			},
		},
	}
}

func rulesSchema() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Required: true,
		MarkdownDescription: "Rules, evaluated together: an explicit `deny` anywhere wins over any `allow`; a resource's " +
			"`require_consent` denies subjects without the scope whatever allows them; otherwise access is denied by default.",
		Validators: []validator.List{listvalidator.SizeAtLeast(1)},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Rule name, unique in the policy; decisions name it."},
			"effect": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(string(ap.Allow)),
				MarkdownDescription: "`allow` (default) or `deny`.",
				Validators:          []validator.String{stringvalidator.OneOf(string(ap.Allow), string(ap.Deny))},
			},
			"subjects": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Who the rule applies to. Every attribute set here must match (AND); within one, any value " +
					"matches (OR), except `consent_scopes`, which must all be held. Omit to select everyone.",
				Attributes: map[string]schema.Attribute{
					"roles":          stringList("Subject attribute `role`, any of."),
					"institutions":   stringList("Subject attribute `institution`, any of."),
					"projects":       stringList("Subject attribute `project`, any of."),
					"purposes":       stringList("Subject attribute `purpose` (purpose of use), any of."),
					"consent_scopes": stringList("Consent scopes (subject attribute `consent`) the subject must all hold."),
					"groups":         stringList("Identity-provider or MinIO groups (subject attribute `groups`), any of."),
					"users":          stringList("User names, any of."),
					"claims": schema.MapAttribute{
						Optional: true, ElementType: types.ListType{ElemType: types.StringType},
						MarkdownDescription: "Other identity-provider claims: claim name to accepted values (any of).",
					},
				},
			},
			"actions": schema.ListAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "Actions: " + quoted(actionNames()) + ".",
				Validators: []validator.List{listvalidator.SizeAtLeast(1),
					listvalidator.ValueStringsAre(stringvalidator.OneOf(actionNames()...))},
			},
			"resources": schema.ListNestedAttribute{
				Required:            true,
				MarkdownDescription: "What the rule covers. Each entry sets exactly one of `bucket`, `table` or `dremio_dataset`.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"bucket": schema.StringAttribute{Optional: true, MarkdownDescription: "Bucket name."},
					"prefix": schema.StringAttribute{Optional: true, MarkdownDescription: "Key prefix inside `bucket` (literal, no wildcards); empty covers the bucket."},
					"table": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Iceberg namespace or table, dot separated (`oulad` or `oulad.student_info`). A namespace covers its tables."},
					"dremio_dataset": stringList("Dremio path, one element per level (`[\"lake\", \"oulad\", \"student_info\"]`); covers what is below it."),
					"dremio_object_type": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Dremio securable type for grants: " + quoted(ap.DremioObjectTypes) + ". Default `TABLE` (`FOLDER` for a one-level `table`).",
						Validators:          []validator.String{stringvalidator.OneOf(ap.DremioObjectTypes...)}},
					"require_consent": stringList("Consent scopes a subject must hold to access this resource at all, whichever rule allows it."),
				}},
			},
			"conditions": schema.ListNestedAttribute{
				Optional:            true,
				MarkdownDescription: "Attribute conditions, all of which must hold.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"attribute": schema.StringAttribute{Required: true, MarkdownDescription: "Subject attribute name (`role`, `institution`, a claim, ...)."},
					"operator": schema.StringAttribute{Required: true, MarkdownDescription: "Operator: " + quoted(ap.Operators) + ".",
						Validators: []validator.String{stringvalidator.OneOf(ap.Operators...)}},
					"values": stringList("Values to compare with; `equals` takes one."),
				}},
			},
			"source_ip_ranges": stringList("CIDR ranges requests must come from (checked by S3 and MinIO on each request; Dremio cannot, so such rules give no Dremio grant)."),
			"not_before":       schema.StringAttribute{Optional: true, MarkdownDescription: "RFC 3339 time from which the rule applies."},
			"not_after":        schema.StringAttribute{Optional: true, MarkdownDescription: "RFC 3339 time from which the rule no longer applies."},
		}},
	}
}

func principalsSchema() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Optional: true,
		MarkdownDescription: "Identities the policy is compiled for, with the attributes they carry (for example from a " +
			"data-use agreement register). Each gets its own MinIO canned policy, holding exactly what the rules give it.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "MinIO user (access key) or group name."},
			"type": schema.StringAttribute{Required: true, MarkdownDescription: "`user` or `group`.",
				Validators: []validator.String{stringvalidator.OneOf(ap.PrincipalUser, ap.PrincipalGroup)}},
			"attributes": schema.MapAttribute{
				Optional: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Attribute name to values: `role`, `institution`, `project`, `purpose`, `consent`, " +
					"`groups`, or any claim. A group is always among its own `groups`.",
			},
			"s3_principal": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Principal to name in bucket-policy statements (an IAM ARN on AWS). Without it the principal is enforced through MinIO IAM only."},
			"dremio_role": schema.StringAttribute{Optional: true, MarkdownDescription: "Dremio role that receives this principal's grants."},
			"dremio_user": schema.StringAttribute{Optional: true, MarkdownDescription: "Dremio user that receives this principal's grants."},
		}},
	}
}
