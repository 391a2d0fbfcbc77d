package submission_test

import (
	"testing"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/submission"
)

// FuzzParseSchema: any document parses to a schema or an error, never a panic.
func FuzzParseSchema(f *testing.F) {
	f.Add([]byte(`{"format_version":1,"files":[{"pattern":"*.csv","columns":[{"name":"id","type":"integer","required":true}]}]}`))
	f.Add([]byte(`{"files":[{"pattern":"[","columns":[]}]}`))
	f.Add([]byte(`{"format_version":1,"files":[{"pattern":"x.csv","columns":[{"name":"d","type":"date","format":"%Y"}]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := submission.ParseSchema(data)
		if err == nil && s == nil {
			t.Fatal("nil schema without an error")
		}
	})
}
