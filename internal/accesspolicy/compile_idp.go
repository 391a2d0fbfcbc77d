package accesspolicy

import (
	"fmt"
	"slices"
	"strings"
)

// IdPPrincipalType marks the canned policy for identity-provider users: it
// is attached to nobody, MinIO applies it to OpenID users whose token (or
// the OpenID role configuration) names it, and evaluates the token's
// claims through jwt: condition keys on each request.
const IdPPrincipalType = "openid"

// jwtClaims are the token claims MinIO can evaluate as jwt:<claim>
// condition keys; it refuses a policy naming any other.
var jwtClaims = map[string]bool{
	"sub": true, "iss": true, "aud": true, "jti": true, "upn": true, "name": true, "groups": true,
	"given_name": true, "family_name": true, "middle_name": true, "nickname": true, "preferred_username": true,
	"profile": true, "picture": true, "website": true, "email": true, "gender": true, "birthdate": true,
	"phone_number": true, "address": true, "scope": true, "client_id": true,
}

// TokenClaims lists, sorted, the claims an identity-provider policy can
// test (as jwt:<claim>).
func TokenClaims() []string {
	out := make([]string, 0, len(jwtClaims))
	for c := range jwtClaims {
		out = append(out, c)
	}
	slices.Sort(out)

	return out
}

// IdPOptions says how attributes arrive in identity-provider tokens.
type IdPOptions struct {
	// ConsentGroupPrefix: a consent scope s is held by a token whose groups
	// claim contains ConsentGroupPrefix+s.
	ConsentGroupPrefix string `json:"consent_group_prefix"`
}

// IdPPolicyName names the identity-provider policy of a policy.
func IdPPolicyName(policy string) string { return "lakehouse-" + policy + "-idp" }

// CompileIdentityProvider renders the rules as one canned policy whose
// subject selection happens at request time from token claims: groups as
// jwt:groups, other selectors and conditions on claims MinIO knows as
// jwt:<claim>, consent scopes as groups with ConsentGroupPrefix. Selectors
// a token cannot carry to MinIO (role, institution, project, purpose and
// users, or two tests of one claim) are reported, and the policy fails
// closed: such an allow is not given, and such a deny applies to every
// token (within its source IP ranges and window), so no OpenID user gets
// access the evaluator would refuse.
func CompileIdentityProvider(p Policy, o IdPOptions) (*MinIOBinding, []string) {
	var stmts []Statement
	var warnings []string
	for _, r := range p.Rules {
		cond, why := r.tokenConditions(o)
		switch {
		case why != "" && r.Effect == Deny:
			warnings = append(warnings, fmt.Sprintf("rule %q denies every identity-provider user on its resources: %s", r.Name, why))
			cond = r.contextConditions()
		case why != "":
			warnings = append(warnings, fmt.Sprintf("rule %q is not in the identity-provider policy: %s", r.Name, why))

			continue
		}
		for _, res := range r.Resources {
			if res.Bucket != "" {
				stmts = append(stmts, s3Statements(r.Effect, r.Actions, res, cond)...)
			}
		}
	}
	// Consent binds every token, whichever rule would allow.
	seen := map[string]bool{}
	for _, r := range p.Rules {
		if r.Effect != Allow {
			continue
		}
		for _, res := range r.Resources {
			for _, scope := range res.RequireConsent {
				key := res.Bucket + "/" + res.Prefix + "\x00" + scope
				if res.Bucket == "" || seen[key] {
					continue
				}
				seen[key] = true
				stmts = append(stmts, s3Statements(Deny, allActions, res, map[string]map[string][]string{
					"StringNotEquals": {"jwt:groups": {o.ConsentGroupPrefix + scope}},
				})...)
			}
		}
	}
	if len(stmts) == 0 {
		return nil, warnings
	}
	for i := range stmts {
		stmts[i].Sid = fmt.Sprintf("idp%d", i)
	}

	return &MinIOBinding{PolicyName: IdPPolicyName(p.Name), PrincipalType: IdPPrincipalType,
		Document: Document{Version: PolicyVersion, Statement: stmts}.JSON()}, warnings
}

// tokenConditions translates a rule's selector and attribute conditions to
// jwt: conditions, or says why it cannot.
func (r Rule) tokenConditions(o IdPOptions) (map[string]map[string][]string, string) {
	s := r.Subjects
	for _, f := range []struct {
		name string
		vals []string
	}{{"roles", s.Roles}, {"institutions", s.Institutions}, {"projects", s.Projects}, {"purposes", s.Purposes}, {"users", s.Users}} {
		if len(f.vals) > 0 {
			return nil, fmt.Sprintf("it selects by %s, which MinIO cannot read from a token; deliver it as a group or a standard claim", f.name)
		}
	}
	c := r.contextConditions()
	put := func(op, claim string, vals []string) string {
		key := "jwt:" + claim
		if !jwtClaims[claim] {
			return fmt.Sprintf("MinIO cannot evaluate the claim %q (only standard OpenID claims)", claim)
		}
		if _, dup := c[op][key]; dup {
			return fmt.Sprintf("it tests the claim %q twice, which one policy statement cannot express", claim)
		}
		addCond(c, op, key, "")
		c[op][key] = slices.Clone(vals)

		return ""
	}
	var groupTests [][]string
	if len(s.Groups) > 0 {
		groupTests = append(groupTests, s.Groups)
	}
	for _, scope := range s.ConsentScopes {
		groupTests = append(groupTests, []string{o.ConsentGroupPrefix + scope})
	}
	// Two different operators can test the groups claim in one statement.
	ops := []string{"ForAnyValue:StringEquals", "ForAnyValue:StringLike"}
	if len(groupTests) > len(ops) {
		return nil, "it tests group membership more than twice (groups and consent scopes), which one policy statement cannot express"
	}
	for i, vals := range groupTests {
		if i == 1 && slices.ContainsFunc(vals, func(v string) bool { return strings.ContainsAny(v, "*?") }) {
			return nil, "a consent group name holds a wildcard character"
		}
		if why := put(ops[i], "groups", vals); why != "" {
			return nil, why
		}
	}
	for _, claim := range sortedClaimNames(s.Claims) {
		if why := put("ForAnyValue:StringEquals", claim, s.Claims[claim]); why != "" {
			return nil, why
		}
	}
	for _, cd := range r.Conditions {
		op := "ForAnyValue:StringEquals"
		if cd.Operator == OpNotIn {
			op = "StringNotEquals"
		}
		if why := put(op, cd.Attribute, cd.Values); why != "" {
			return nil, why
		}
	}

	return c, ""
}

func sortedClaimNames(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)

	return out
}
