package policydoc_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"
)

// FuzzCanonical: any text is a canonical policy or an error, never a panic;
// the canonical form is a fixed point and means the same as its input; the
// split into access-policy statements and the rest never panics either.
func FuzzCanonical(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::raw/*"]}]}`)
	f.Add(`{"Version":"2012-10-17","Statement":{"Sid":"","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::raw","Condition":{}}}`)
	f.Add(`{"Statement":[{"Sid":"lakehouse:dua:r1","Effect":"Allow","Principal":{"AWS":["123456789012"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::c/*"}]}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":{"*":"*"},"Action":[],"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, doc string) {
		c, err := policydoc.Canonical(doc)
		_, _, _ = policydoc.SplitManaged(doc)
		if err != nil {
			if policydoc.Equal(doc, doc) {
				t.Fatalf("an invalid document equals itself: %q", doc)
			}

			return
		}
		c2, err := policydoc.Canonical(c)
		if err != nil || c2 != c {
			t.Fatalf("canonical form is not a fixed point:\n in  %s\n out %s (%v)", c, c2, err)
		}
		if !policydoc.Equal(doc, c) {
			t.Fatalf("a document differs from its canonical form: %q", doc)
		}
	})
}
