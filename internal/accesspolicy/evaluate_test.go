package accesspolicy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
)

// research is the policy most tests share: researchers of one institution
// read curated OULAD data for research, PII needs consent, and a deny
// blocks the raw prefix to everyone but stewards.
func research() accesspolicy.Policy {
	return accesspolicy.Policy{
		Name: "oulad",
		Rules: []accesspolicy.Rule{
			{
				Name: "researchers-read", Effect: accesspolicy.Allow,
				Subjects: accesspolicy.Selector{Roles: []string{"researcher"}, Institutions: []string{"ou"}, Purposes: []string{"research"}},
				Actions:  []accesspolicy.Action{accesspolicy.Read, accesspolicy.List},
				Resources: []accesspolicy.Resource{
					{Bucket: "curated", Prefix: "oulad/"},
					{Bucket: "curated", Prefix: "pii/", RequireConsent: []string{"linkage"}},
					{Table: "oulad"},
				},
			},
			{
				Name: "no-raw", Effect: accesspolicy.Deny,
				Actions:    []accesspolicy.Action{accesspolicy.Read, accesspolicy.Write, accesspolicy.List, accesspolicy.Manage},
				Resources:  []accesspolicy.Resource{{Bucket: "curated", Prefix: "oulad/raw/"}},
				Conditions: []accesspolicy.Condition{{Attribute: "role", Operator: accesspolicy.OpNotIn, Values: []string{"steward"}}},
			},
			{
				Name: "stewards-write", Effect: accesspolicy.Allow,
				Subjects:  accesspolicy.Selector{Roles: []string{"steward"}},
				Actions:   []accesspolicy.Action{accesspolicy.Write, accesspolicy.Read},
				Resources: []accesspolicy.Resource{{Bucket: "curated"}},
				SourceIPs: []string{"10.0.0.0/8"},
				NotBefore: "2026-01-01T00:00:00Z", NotAfter: "2027-01-01T00:00:00Z",
			},
		},
	}
}

func subject(attrs map[string][]string) accesspolicy.Subject {
	return accesspolicy.Subject{Name: "u", Attributes: attrs}
}

var (
	researcher = map[string][]string{"role": {"researcher"}, "institution": {"ou"}, "purpose": {"research"}}
	consented  = map[string][]string{"role": {"researcher"}, "institution": {"ou"}, "purpose": {"research"}, "consent": {"linkage"}}
	steward    = map[string][]string{"role": {"steward"}}
	inWindow   = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

func TestEvaluate(t *testing.T) {
	cases := []struct {
		name    string
		attrs   map[string][]string
		action  accesspolicy.Action
		target  accesspolicy.Target
		ip      string
		at      time.Time
		allowed bool
		rule    string
		reason  string
	}{
		{"role allows read", researcher, accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "", inWindow, true, "researchers-read", ""},
		{"action not granted", researcher, accesspolicy.Write, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "", inWindow, false, "", "default deny"},
		{"other institution", map[string][]string{"role": {"researcher"}, "institution": {"mit"}, "purpose": {"research"}},
			accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "", inWindow, false, "", "default deny"},
		{"selector fields are ANDed: purpose missing", map[string][]string{"role": {"researcher"}, "institution": {"ou"}},
			accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "", inWindow, false, "", "default deny"},
		{"deny overrides allow", researcher, accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "oulad/raw/x.csv"}, "", inWindow, false, "no-raw", "denied"},
		{"not_in condition spares stewards", steward, accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "oulad/raw/x.csv"}, "10.1.2.3", inWindow, true, "stewards-write", ""},
		{"consent required, subject lacks it", researcher, accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "pii/ids.csv"}, "", inWindow, false, "researchers-read", "consent scope \"linkage\""},
		{"consent held", consented, accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "pii/ids.csv"}, "", inWindow, true, "researchers-read", ""},
		// A role that allows the whole bucket does not lift the consent requirement.
		{"consent binds other rules too", steward, accesspolicy.Read, accesspolicy.Target{Bucket: "curated", Key: "pii/ids.csv"}, "10.1.2.3", inWindow, false, "researchers-read", "consent"},
		{"source IP outside range", steward, accesspolicy.Write, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "192.168.1.1", inWindow, false, "", "default deny"},
		{"source IP unknown", steward, accesspolicy.Write, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "", inWindow, false, "", "default deny"},
		{"before window", steward, accesspolicy.Write, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "10.0.0.1", time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC), false, "", "default deny"},
		{"window end is exclusive", steward, accesspolicy.Write, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "10.0.0.1", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), false, "", "default deny"},
		{"in window and range", steward, accesspolicy.Write, accesspolicy.Target{Bucket: "curated", Key: "oulad/x.csv"}, "10.0.0.1", inWindow, true, "stewards-write", ""},
		{"namespace covers its tables", researcher, accesspolicy.Read, accesspolicy.Target{Table: "oulad.student_info"}, "", inWindow, true, "researchers-read", ""},
		{"namespace is not a string prefix", researcher, accesspolicy.Read, accesspolicy.Target{Table: "oulad_private.student_info"}, "", inWindow, false, "", "default deny"},
		{"other bucket", researcher, accesspolicy.Read, accesspolicy.Target{Bucket: "curated-2", Key: "oulad/x.csv"}, "", inWindow, false, "", "default deny"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := accesspolicy.Evaluate([]accesspolicy.Policy{research()}, accesspolicy.Request{
				Subject: subject(c.attrs), Action: c.action, Target: c.target, SourceIP: c.ip, Time: c.at,
			})
			if d.Allowed != c.allowed || d.Rule != c.rule || !strings.Contains(d.Reason, c.reason) {
				t.Fatalf("got %+v, want allowed=%t rule=%q reason~%q", d, c.allowed, c.rule, c.reason)
			}
		})
	}
}

// A deny in one policy wins over an allow in another, whatever the order.
func TestEvaluateDenyAcrossPolicies(t *testing.T) {
	allow := accesspolicy.Policy{Name: "a", Rules: []accesspolicy.Rule{{Name: "all", Effect: accesspolicy.Allow,
		Actions: []accesspolicy.Action{accesspolicy.Read}, Resources: []accesspolicy.Resource{{Bucket: "b"}}}}}
	deny := accesspolicy.Policy{Name: "d", Rules: []accesspolicy.Rule{{Name: "embargo", Effect: accesspolicy.Deny,
		Subjects: accesspolicy.Selector{Groups: []string{"external"}},
		Actions:  []accesspolicy.Action{accesspolicy.Read}, Resources: []accesspolicy.Resource{{Bucket: "b", Prefix: "embargo/"}}}}}
	req := accesspolicy.Request{Subject: subject(map[string][]string{"groups": {"external"}}), Action: accesspolicy.Read,
		Target: accesspolicy.Target{Bucket: "b", Key: "embargo/x"}}
	for _, order := range [][]accesspolicy.Policy{{allow, deny}, {deny, allow}} {
		if d := accesspolicy.Evaluate(order, req); d.Allowed || d.Policy != "d" || d.Rule != "embargo" {
			t.Fatalf("got %+v", d)
		}
	}
	req.Subject = subject(map[string][]string{"groups": {"internal"}})
	if d := accesspolicy.Evaluate([]accesspolicy.Policy{deny, allow}, req); !d.Allowed || d.Policy != "a" {
		t.Fatalf("got %+v", d)
	}
}

// ${aws:username} and ${jwt:<claim>} in a prefix are the subject's own
// values, as MinIO and S3 substitute them per request.
func TestEvaluatePolicyVariables(t *testing.T) {
	p := accesspolicy.Policy{Name: "homes", Rules: []accesspolicy.Rule{{Name: "own-home", Effect: accesspolicy.Allow,
		Actions: []accesspolicy.Action{accesspolicy.Write},
		Resources: []accesspolicy.Resource{
			{Bucket: "home", Prefix: "users/${aws:username}/"},
			{Bucket: "home", Prefix: "inst/${jwt:institution}/"},
		}}}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, key string
		allowed   bool
	}{
		{"alice", "users/alice/x", true},
		{"alice", "users/bob/x", false},
		{"", "users//x", false},
		{"alice", "inst/ou/x", true},
		{"alice", "inst/mit/x", false},
	}
	for _, c := range cases {
		d := accesspolicy.Evaluate([]accesspolicy.Policy{p}, accesspolicy.Request{
			Subject: accesspolicy.Subject{Name: c.name, Attributes: map[string][]string{"institution": {"ou"}}},
			Action:  accesspolicy.Write, Target: accesspolicy.Target{Bucket: "home", Key: c.key},
		})
		if d.Allowed != c.allowed {
			t.Errorf("%s writes %s: %+v", c.name, c.key, d)
		}
	}
	p.Rules[0].Resources[0].Prefix = "users/${aws:userid}/"
	if err := p.Validate(); err == nil {
		t.Fatal("an unsupported variable must be refused")
	}
}

func TestSelectorClaimsAndUsers(t *testing.T) {
	s := accesspolicy.Selector{Users: []string{"alice"}, Claims: map[string][]string{"eduPersonAffiliation": {"faculty", "staff"}},
		ConsentScopes: []string{"a", "b"}}
	ok := accesspolicy.Subject{Name: "alice", Attributes: map[string][]string{"eduPersonAffiliation": {"staff"}, "consent": {"b", "a"}}}
	if !s.Matches(ok) {
		t.Fatal("alice with staff affiliation and both scopes must match")
	}
	for _, bad := range []accesspolicy.Subject{
		{Name: "bob", Attributes: ok.Attributes},
		{Name: "alice", Attributes: map[string][]string{"eduPersonAffiliation": {"student"}, "consent": {"a", "b"}}},
		{Name: "alice", Attributes: map[string][]string{"eduPersonAffiliation": {"staff"}, "consent": {"a"}}},
	} {
		if s.Matches(bad) {
			t.Errorf("%+v must not match", bad)
		}
	}
}

func TestValidate(t *testing.T) {
	base := research()
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(p *accesspolicy.Policy){
		"name":            func(p *accesspolicy.Policy) { p.Name = "Has:Colon" },
		"effect":          func(p *accesspolicy.Policy) { p.Rules[0].Effect = "maybe" },
		"action":          func(p *accesspolicy.Policy) { p.Rules[0].Actions = []accesspolicy.Action{"delete"} },
		"two targets":     func(p *accesspolicy.Policy) { p.Rules[0].Resources[0].Table = "x" },
		"wildcard prefix": func(p *accesspolicy.Policy) { p.Rules[0].Resources[0].Prefix = "a/*" },
		"cidr":            func(p *accesspolicy.Policy) { p.Rules[2].SourceIPs = []string{"10.0.0.0"} },
		"window order":    func(p *accesspolicy.Policy) { p.Rules[2].NotAfter = "2025-01-01T00:00:00Z" },
		"time format":     func(p *accesspolicy.Policy) { p.Rules[2].NotBefore = "2026-01-01" },
		"equals arity": func(p *accesspolicy.Policy) {
			p.Rules[1].Conditions = []accesspolicy.Condition{{Attribute: "x", Operator: "equals", Values: []string{"a", "b"}}}
		},
		"duplicate rule": func(p *accesspolicy.Policy) { p.Rules[1].Name = p.Rules[0].Name },
		"principal type": func(p *accesspolicy.Policy) { p.Principals = []accesspolicy.Principal{{Name: "x", Type: "robot"}} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			p := research()
			mutate(&p)
			if err := p.Validate(); err == nil {
				t.Fatal("want an error")
			}
		})
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	p := research()
	doc, err := p.Document()
	if err != nil {
		t.Fatal(err)
	}
	back, err := accesspolicy.ParseDocument(doc)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := back.Document()
	if again != doc {
		t.Fatalf("round trip changed the document:\n%s\n%s", doc, again)
	}
	if _, err := accesspolicy.ParseDocument(`{"name":"x","rules":[],"extra":1}`); err == nil {
		t.Fatal("unknown fields must be refused")
	}
}
