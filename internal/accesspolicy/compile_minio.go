package accesspolicy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
)

// MinIOBinding is one canned IAM policy and the user or group it is
// attached to.
type MinIOBinding struct {
	PolicyName    string
	Principal     string
	PrincipalType string // "user" or "group"
	Document      string
}

var unsafePolicyChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// consentExemption lets the members of a group who are themselves declared
// users holding the consent through a group's consent Deny: consent is a
// person's attribute, and a group rarely holds it as a whole.
func consentExemption(p Policy, pr Principal, res Resource) map[string]map[string][]string {
	if pr.Type != PrincipalGroup {
		return nil
	}
	var users []string
	for _, u := range p.Principals {
		if u.Type == PrincipalUser && res.missingConsent(u.Subject()) == "" {
			users = append(users, u.Name)
		}
	}
	if len(users) == 0 {
		return nil
	}

	return map[string]map[string][]string{"StringNotEquals": {"aws:username": uniqueSorted(users)}}
}

// MinIOPolicyName names the canned policy of one principal. Characters a
// policy name cannot hold are replaced, and a short hash of the original
// name keeps two principals that differ only in those characters apart.
func MinIOPolicyName(policy, principalType, principal string) string {
	safe := unsafePolicyChars.ReplaceAllString(principal, "-")
	kind := "u"
	if principalType == PrincipalGroup {
		kind = "g"
	}
	name := fmt.Sprintf("lakehouse-%s-%s-%s", policy, kind, safe)
	if safe != principal {
		h := sha256.Sum256([]byte(principal))
		name += "-" + hex.EncodeToString(h[:4])
	}

	return name
}

// CompileMinIO evaluates the rules against each principal's attributes and
// returns one canned policy per principal that any rule concerns. Attribute
// selectors and conditions are decided here, with the evaluator's own
// functions; the source IP range and date window stay request conditions
// (aws:SourceIp, aws:CurrentTime) that MinIO checks on each request. A
// missing consent scope becomes an explicit Deny, which in MinIO overrides
// an Allow from any other policy attached to the same identity; a group's
// consent Deny spares the declared users who hold the scope
// (aws:username), so a consented member keeps access.
func CompileMinIO(p Policy) []MinIOBinding {
	var out []MinIOBinding
	for _, pr := range p.Principals {
		sub := pr.Subject()
		var stmts []Statement
		denied := map[string]bool{}
		for _, r := range p.Rules {
			selected := r.Subjects.Matches(sub) && r.conditionsHold(sub)
			for _, res := range r.Resources {
				if res.Bucket == "" {
					continue
				}
				if r.Effect == Allow && res.missingConsent(sub) != "" {
					key := res.Bucket + "/" + res.Prefix
					exempt := consentExemption(p, pr, res)
					if !denied[key] {
						denied[key] = true
						stmts = append(stmts, s3Statements(Deny, allActions, res, exempt)...)
					}
					if exempt == nil {
						continue // nobody in this principal may use the allow
					}
				}
				if selected {
					stmts = append(stmts, s3Statements(r.Effect, r.Actions, res, r.contextConditions())...)
				}
			}
		}
		if len(stmts) == 0 {
			continue
		}
		for i := range stmts {
			stmts[i].Sid = fmt.Sprintf("s%d", i)
		}
		out = append(out, MinIOBinding{
			PolicyName:    MinIOPolicyName(p.Name, pr.Type, pr.Name),
			Principal:     pr.Name,
			PrincipalType: pr.Type,
			Document:      Document{Version: PolicyVersion, Statement: stmts}.JSON(),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PolicyName < out[j].PolicyName })

	return out
}
