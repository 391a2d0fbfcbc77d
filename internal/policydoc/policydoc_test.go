package policydoc_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr/xattr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"
)

// C01: what the user wrote and what the server read back.
const (
	configured = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},
	  "Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::analytics-raw/*"]}]}`
	readBack = `{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":"*",
	  "Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::analytics-raw/*","Condition":{}}]}`
)

func TestEqual(t *testing.T) {
	cases := []struct {
		name string
		a, b string
		want bool
	}{
		{"C01 server read-back", configured, readBack, true},
		{"C01 dropping an action is a change", configured,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::analytics-raw/*"}]}`, false},
		{"key order and whitespace", `{"a":1,"Statement":[]}`, "{ \"Statement\" : [ ],\n \"a\" : 1 }", true},
		{"statement order", `{"Statement":[{"Effect":"Allow","Action":"a"},{"Effect":"Deny","Action":"b"}]}`,
			`{"Statement":[{"Effect":"Deny","Action":["b"]},{"Effect":"Allow","Action":["a"]}]}`, true},
		{"single statement object", `{"Statement":{"Effect":"Allow","Action":"a"}}`, `{"Statement":[{"Effect":"Allow","Action":["a"]}]}`, true},
		{"empty Id dropped", `{"Id":"","Statement":[]}`, `{"Statement":[]}`, true},
		{"non-empty Sid kept", `{"Statement":[{"Sid":"x","Effect":"Allow"}]}`, `{"Statement":[{"Effect":"Allow"}]}`, false},
		{"account id as root ARN", `{"Statement":[{"Principal":{"AWS":"123456789012"}}]}`,
			`{"Statement":[{"Principal":{"AWS":["arn:aws:iam::123456789012:root"]}}]}`, true},
		{"principal star forms", `{"Statement":[{"Principal":{"AWS":"*"}}]}`, `{"Statement":[{"Principal":"*"}]}`, true},
		{"condition values as sets", `{"Statement":[{"Condition":{"StringEquals":{"s3:prefix":["b","a"]}}}]}`,
			`{"Statement":[{"Condition":{"StringEquals":{"s3:prefix":["a","b"]}}}]}`, true},
		{"condition value scalar", `{"Statement":[{"Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}]}`,
			`{"Statement":[{"Condition":{"NumericLessThan":{"s3:max-keys":[10]}}}]}`, true},
		{"different condition", `{"Statement":[{"Condition":{"StringEquals":{"s3:prefix":"a"}}}]}`,
			`{"Statement":[{"Condition":{"StringLike":{"s3:prefix":"a"}}}]}`, false},
		{"duplicate actions", `{"Statement":[{"Action":["a","a"]}]}`, `{"Statement":[{"Action":"a"}]}`, true},
		{"effect differs", `{"Statement":[{"Effect":"Allow"}]}`, `{"Statement":[{"Effect":"Deny"}]}`, false},
		{"invalid never equal", `{`, `{`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := policydoc.Equal(c.a, c.b); got != c.want {
				ca, _ := policydoc.Canonical(c.a)
				cb, _ := policydoc.Canonical(c.b)
				t.Errorf("Equal = %t, want %t\n a: %s\n b: %s", got, c.want, ca, cb)
			}
		})
	}
}

func TestCanonicalErrors(t *testing.T) {
	for _, doc := range []string{`[]`, `"x"`, `{"Statement":"x"}`, `{"Statement":[1]}`, `{} {}`, ``} {
		if _, err := policydoc.Canonical(doc); err == nil {
			t.Errorf("Canonical(%q): want an error", doc)
		}
	}
}

func TestSemanticEquals(t *testing.T) {
	ok, d := policydoc.NewValue(configured).StringSemanticEquals(context.Background(), policydoc.NewValue(readBack))
	if d.HasError() || !ok {
		t.Fatalf("StringSemanticEquals = %t, %v", ok, d)
	}
}

func TestValidateAttribute(t *testing.T) {
	var resp xattr.ValidateAttributeResponse
	policydoc.NewValue(`[1]`).ValidateAttribute(context.Background(), xattr.ValidateAttributeRequest{Path: path.Root("policy")}, &resp)
	if resp.Diagnostics.ErrorsCount() != 1 {
		t.Fatalf("want one error, got %v", resp.Diagnostics)
	}
}

func TestKeepEquivalentState(t *testing.T) {
	req := planmodifier.StringRequest{
		StateValue: types.StringValue(readBack), ConfigValue: types.StringValue(configured), PlanValue: types.StringValue(configured),
	}
	resp := planmodifier.StringResponse{PlanValue: req.PlanValue}
	policydoc.KeepEquivalentState().PlanModifyString(context.Background(), req, &resp)
	if resp.PlanValue.ValueString() != readBack {
		t.Fatal("an equivalent configuration must plan the prior text")
	}
	req.ConfigValue = types.StringValue(`{"Statement":[]}`)
	resp = planmodifier.StringResponse{PlanValue: req.ConfigValue}
	policydoc.KeepEquivalentState().PlanModifyString(context.Background(), req, &resp)
	if resp.PlanValue.ValueString() != `{"Statement":[]}` {
		t.Fatal("a different configuration must plan the configured text")
	}
}
