package accesspolicy

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Subject is who asks: a user name (empty for a group) and attribute values.
type Subject struct {
	Name       string
	Attributes map[string][]string
}

func (s Subject) has(key, value string) bool { return slices.Contains(s.Attributes[key], value) }

func (s Subject) hasAny(key string, values []string) bool {
	for _, v := range values {
		if s.has(key, v) {
			return true
		}
	}

	return false
}

// Target is what a request touches. Exactly one of Bucket, Table or Dataset
// is set; Key is an object key or, for list, the listed prefix.
type Target struct {
	Bucket  string
	Key     string
	Table   string
	Dataset []string
}

// Request is one access to decide.
type Request struct {
	Subject  Subject
	Action   Action
	Target   Target
	SourceIP string    // empty: unknown, so IP-restricted rules do not apply
	Time     time.Time // zero: now
}

// Decision is the outcome and the rule that decided it.
type Decision struct {
	Allowed bool
	Policy  string // empty when no rule applied (default deny)
	Rule    string
	Reason  string
}

// Evaluate decides req against every policy. An explicit deny anywhere wins;
// then a missing consent scope that any allow rule's resource requires;
// then an allow; otherwise the request is denied by default.
func Evaluate(policies []Policy, req Request) Decision {
	if req.Time.IsZero() {
		req.Time = time.Now()
	}
	var consent, allow *Decision
	for _, p := range policies {
		for _, r := range p.Rules {
			for _, res := range r.Resources {
				if !res.expand(req.Subject).Covers(req.Target) {
					continue
				}
				// Consent belongs to the resource: it binds every action
				// and every subject, whichever rule or policy would allow.
				if r.Effect == Allow && consent == nil {
					if missing := res.missingConsent(req.Subject); missing != "" {
						consent = &Decision{Policy: p.Name, Rule: r.Name,
							Reason: fmt.Sprintf("the resource requires consent scope %q, which the subject does not hold", missing)}
					}
				}
				if !slices.Contains(r.Actions, req.Action) || !r.Subjects.Matches(req.Subject) || !r.conditionsHold(req.Subject) || !r.contextHolds(req.SourceIP, req.Time) {
					continue
				}
				if r.Effect == Deny {
					return Decision{Policy: p.Name, Rule: r.Name, Reason: "denied by rule"}
				}
				if allow == nil {
					allow = &Decision{Allowed: true, Policy: p.Name, Rule: r.Name, Reason: "allowed by rule"}
				}
			}
		}
	}
	switch {
	case consent != nil:
		return *consent
	case allow != nil:
		return *allow
	}

	return Decision{Reason: "no rule allows this request (default deny)"}
}

// Matches reports whether the selector picks the subject.
func (s Selector) Matches(sub Subject) bool {
	for _, f := range []struct {
		key    string
		values []string
	}{
		{AttrRole, s.Roles}, {AttrInstitution, s.Institutions}, {AttrProject, s.Projects},
		{AttrPurpose, s.Purposes}, {AttrGroups, s.Groups},
	} {
		if len(f.values) > 0 && !sub.hasAny(f.key, f.values) {
			return false
		}
	}
	for _, scope := range s.ConsentScopes {
		if !sub.has(AttrConsent, scope) {
			return false
		}
	}
	if len(s.Users) > 0 && !slices.Contains(s.Users, sub.Name) {
		return false
	}
	for claim, values := range s.Claims {
		if !sub.hasAny(claim, values) {
			return false
		}
	}

	return true
}

func (r Rule) conditionsHold(sub Subject) bool {
	for _, c := range r.Conditions {
		if !c.holds(sub) {
			return false
		}
	}

	return true
}

func (c Condition) holds(sub Subject) bool {
	switch c.Operator {
	case OpEquals, OpIn:
		return sub.hasAny(c.Attribute, c.Values)
	case OpNotIn:
		return !sub.hasAny(c.Attribute, c.Values)
	}

	return false
}

// contextHolds checks the request-time conditions: source IP and window.
func (r Rule) contextHolds(ip string, at time.Time) bool {
	if len(r.SourceIPs) > 0 {
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return false
		}
		in := false
		for _, cidr := range r.SourceIPs {
			if p, err := netip.ParsePrefix(cidr); err == nil && p.Contains(addr.Unmap()) {
				in = true
			}
		}
		if !in {
			return false
		}
	}
	if nb, _ := parseTime("", r.NotBefore); !nb.IsZero() && at.Before(nb) {
		return false
	}
	if na, _ := parseTime("", r.NotAfter); !na.IsZero() && !at.Before(na) {
		return false
	}

	return true
}

// Covers reports whether the resource includes the target. Tables and
// datasets compare as structured paths, so namespace "a" covers "a.b" but
// never "ab"; Dremio paths compare case-insensitively, as Dremio does.
func (r Resource) Covers(t Target) bool {
	switch {
	case r.Bucket != "":
		return t.Bucket == r.Bucket && strings.HasPrefix(t.Key, r.Prefix)
	case r.Table != "":
		if t.Table == "" {
			return false
		}

		return hasPathPrefix(strings.Split(t.Table, "."), strings.Split(r.Table, "."), false)
	case len(r.Dataset) > 0:
		return len(t.Dataset) > 0 && hasPathPrefix(t.Dataset, r.Dataset, true)
	}

	return false
}

func hasPathPrefix(p, prefix []string, fold bool) bool {
	if len(prefix) > len(p) {
		return false
	}
	for i := range prefix {
		if fold && !strings.EqualFold(p[i], prefix[i]) || !fold && p[i] != prefix[i] {
			return false
		}
	}

	return true
}

// policyVariable matches the request-time variables a prefix may hold,
// which S3 and MinIO substitute on each request: ${aws:username} and
// ${jwt:<claim>}.
var policyVariable = regexp.MustCompile(`\$\{(aws:username|jwt:[A-Za-z0-9_]+)\}`)

// expand substitutes policy variables in the prefix with the subject's
// values. A variable the subject has no value for leaves a prefix no key
// can have, as the servers do (the condition fails).
func (r Resource) expand(sub Subject) Resource {
	if !strings.Contains(r.Prefix, "${") {
		return r
	}
	unresolved := false
	r.Prefix = policyVariable.ReplaceAllStringFunc(r.Prefix, func(v string) string {
		name := policyVariable.FindStringSubmatch(v)[1]
		var val string
		if name == "aws:username" {
			val = sub.Name
		} else if vals := sub.Attributes[strings.TrimPrefix(name, "jwt:")]; len(vals) > 0 {
			val = vals[0]
		}
		if val == "" {
			unresolved = true
		}

		return val
	})
	if unresolved {
		r.Prefix = "\x00unresolved/"
	}

	return r
}

// missingConsent returns the first required scope the subject lacks.
func (r Resource) missingConsent(sub Subject) string {
	for _, scope := range r.RequireConsent {
		if !sub.has(AttrConsent, scope) {
			return scope
		}
	}

	return ""
}
