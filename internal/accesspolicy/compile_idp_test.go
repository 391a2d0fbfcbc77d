package accesspolicy_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
)

func TestCompileIdentityProvider(t *testing.T) {
	p := accesspolicy.Policy{Name: "idp", Rules: []accesspolicy.Rule{
		{Name: "group-read", Effect: accesspolicy.Allow,
			Subjects: accesspolicy.Selector{Groups: []string{"ou-researchers"}, ConsentScopes: []string{"survey"},
				Claims: map[string][]string{"email": {"a@ou.ac.uk"}}},
			Actions:   []accesspolicy.Action{accesspolicy.Read},
			Resources: []accesspolicy.Resource{{Bucket: "c", Prefix: "oulad/"}, {Bucket: "c", Prefix: "pii/", RequireConsent: []string{"linkage"}}}},
		{Name: "by-role", Effect: accesspolicy.Allow, Subjects: accesspolicy.Selector{Roles: []string{"researcher"}},
			Actions: []accesspolicy.Action{accesspolicy.Read}, Resources: []accesspolicy.Resource{{Bucket: "c"}}},
		{Name: "custom-claim", Effect: accesspolicy.Deny, Subjects: accesspolicy.Selector{Claims: map[string][]string{"eduPersonAffiliation": {"student"}}},
			Actions: []accesspolicy.Action{accesspolicy.Write}, Resources: []accesspolicy.Resource{{Bucket: "c"}}},
	}}
	b, warnings := accesspolicy.CompileIdentityProvider(p, accesspolicy.IdPOptions{ConsentGroupPrefix: "consent:"})
	if b == nil || b.PolicyName != "lakehouse-idp-idp" || b.PrincipalType != accesspolicy.IdPPrincipalType {
		t.Fatalf("binding %+v", b)
	}
	var d accesspolicy.Document
	if err := json.Unmarshal([]byte(b.Document), &d); err != nil {
		t.Fatal(err)
	}
	var allow, consentDeny, closed int
	for _, s := range d.Statement {
		// The deny on a claim MinIO cannot read fails closed: it binds
		// every token, with no subject condition.
		if s.Effect == "Deny" && len(s.Condition) == 0 && strings.Join(s.Resource, ",") == "arn:aws:s3:::c/*" &&
			strings.Contains(strings.Join(s.Action, ","), "s3:PutObject") {
			closed++
		}
		if s.Effect == "Allow" {
			allow++
			if got := s.Condition["ForAnyValue:StringEquals"]["jwt:groups"]; len(got) != 1 || got[0] != "ou-researchers" {
				t.Errorf("groups condition: %v", s.Condition)
			}
			if got := s.Condition["ForAnyValue:StringLike"]["jwt:groups"]; len(got) != 1 || got[0] != "consent:survey" {
				t.Errorf("selector consent condition: %v", s.Condition)
			}
			if got := s.Condition["ForAnyValue:StringEquals"]["jwt:email"]; len(got) != 1 {
				t.Errorf("claim condition: %v", s.Condition)
			}
		}
		if g := s.Condition["StringNotEquals"]["jwt:groups"]; s.Effect == "Deny" && len(g) == 1 && g[0] == "consent:linkage" {
			consentDeny++
		}
	}
	if allow == 0 || consentDeny == 0 || closed != 1 {
		t.Fatalf("allow=%d consent deny=%d closed deny=%d in %s", allow, consentDeny, closed, b.Document)
	}
	joined := strings.Join(warnings, "\n")
	for _, w := range []string{`rule "by-role" is not in`, `rule "custom-claim" denies every identity-provider user`, `eduPersonAffiliation`} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings lack %s: %s", w, joined)
		}
	}
}

func TestTokenClaims(t *testing.T) {
	got := accesspolicy.TokenClaims()
	if !slices.IsSorted(got) || !slices.Contains(got, "groups") || !slices.Contains(got, "email") || slices.Contains(got, "institution") {
		t.Fatalf("TokenClaims() = %v", got)
	}
}
