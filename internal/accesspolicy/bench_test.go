package accesspolicy_test

import (
	"fmt"
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
)

// BenchmarkEvaluate decides one request against 20 policies of 3 rules
// each, the size of a university with a data-use agreement per project.
func BenchmarkEvaluate(b *testing.B) {
	var policies []accesspolicy.Policy
	for i := range 20 {
		p := research()
		p.Name = fmt.Sprintf("p%d", i)
		policies = append(policies, p)
	}
	req := accesspolicy.Request{Subject: subject(consented), Action: accesspolicy.Read,
		Target: accesspolicy.Target{Bucket: "curated", Key: "pii/ids.csv"}, SourceIP: "10.0.0.1", Time: inWindow}
	b.ReportAllocs()
	for b.Loop() {
		if !accesspolicy.Evaluate(policies, req).Allowed {
			b.Fatal("want allowed")
		}
	}
}

// BenchmarkCompileMinIO compiles one policy for 200 principals.
func BenchmarkCompileMinIO(b *testing.B) {
	p := research()
	for i := range 200 {
		p.Principals = append(p.Principals, accesspolicy.Principal{Name: fmt.Sprintf("u%d", i), Type: "user", Attributes: researcher})
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(accesspolicy.CompileMinIO(p)) != 200 {
			b.Fatal("want 200 bindings")
		}
	}
}
