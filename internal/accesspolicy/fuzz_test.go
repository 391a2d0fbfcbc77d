package accesspolicy_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
)

// FuzzParseDocument: any text is an access policy or an error, never a
// panic; a policy that parses survives its own round trip, and compiling it
// for MinIO and for bucket policies never panics.
func FuzzParseDocument(f *testing.F) {
	if doc, err := research().Document(); err == nil {
		f.Add(doc)
	}
	f.Add(`{"name":"x","rules":[{"name":"r","actions":["read"],"resources":[{"bucket":"b","prefix":"p/"}]}]}`)
	f.Add(`{"name":"x","rules":[],"extra":1}`)
	f.Add(`null`)
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := accesspolicy.ParseDocument(doc)
		if err != nil {
			return
		}
		out, err := p.Document()
		if err != nil {
			t.Fatalf("a parsed policy does not encode: %v", err)
		}
		back, err := accesspolicy.ParseDocument(out)
		if err != nil {
			t.Fatalf("the encoded policy does not parse again: %v\n%s", err, out)
		}
		if again, _ := back.Document(); again != out {
			t.Fatalf("round trip changed the document:\n%s\n%s", out, again)
		}
		_ = accesspolicy.CompileMinIO(p)
		_ = accesspolicy.CompileS3(p)
	})
}
