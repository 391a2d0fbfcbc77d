package validators

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// BucketNameRule is one line of the S3 bucket naming rules.
type BucketNameRule struct {
	Rule  string // what the name must satisfy, as shown to users
	Break func(name string) bool
}

// BucketNameRules is the one table of naming rules for buckets the provider
// creates, on AWS S3 and on MinIO alike (MinIO enforces the same core rules;
// the reserved prefixes and suffixes are AWS's and are kept so a
// configuration that works on MinIO also works on S3).
var BucketNameRules = []BucketNameRule{
	{"must be between 3 and 63 characters long", func(n string) bool { return len(n) < 3 || len(n) > 63 }},
	{"may contain only lower-case letters, digits, dots (.) and hyphens (-)", func(n string) bool {
		return strings.IndexFunc(n, func(r rune) bool {
			return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '.' && r != '-'
		}) >= 0
	}},
	{"must begin and end with a letter or digit", func(n string) bool {
		return n != "" && (!alnum(n[0]) || !alnum(n[len(n)-1]))
	}},
	{"must not contain two adjacent dots", func(n string) bool { return strings.Contains(n, "..") }},
	{"must not contain a dot next to a hyphen (\".-\" or \"-.\")", func(n string) bool {
		return strings.Contains(n, ".-") || strings.Contains(n, "-.")
	}},
	{"must not be formatted as an IP address", func(n string) bool { return net.ParseIP(n) != nil }},
	{"must not start with the reserved prefixes \"xn--\", \"sthree-\" or \"amzn-s3-demo-\"", func(n string) bool {
		return strings.HasPrefix(n, "xn--") || strings.HasPrefix(n, "sthree-") || strings.HasPrefix(n, "amzn-s3-demo-")
	}},
	{"must not end with the reserved suffixes \"-s3alias\", \"--ol-s3\", \".mrap\", \"--x-s3\" or \"--table-s3\"", func(n string) bool {
		for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
			if strings.HasSuffix(n, s) {
				return true
			}
		}

		return false
	}},
}

func alnum(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') }

// BucketNameProblems lists every rule the name breaks; nil means valid.
func BucketNameProblems(name string) []string {
	var out []string
	for _, r := range BucketNameRules {
		if r.Break(name) {
			out = append(out, r.Rule)
		}
	}

	return out
}

// BucketNameDetail formats the broken rules for a diagnostic.
func BucketNameDetail(name string, problems []string) string {
	return fmt.Sprintf("%q is not a valid bucket name: it %s. "+
		"Existing buckets with older (legacy) names can still be read and imported; these rules apply to buckets this provider creates.",
		name, strings.Join(problems, "; it "))
}

type bucketNameValidator struct{}

// BucketName checks a bucket name the provider will create against
// BucketNameRules.
func BucketName() validator.String { return bucketNameValidator{} }

func (bucketNameValidator) Description(context.Context) string {
	return "value must be a valid S3 bucket name"
}

func (v bucketNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (bucketNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	if p := BucketNameProblems(name); p != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid bucket name", BucketNameDetail(name, p))
	}
}
