package validators

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

type objectKeyValidator struct{}

// ObjectKey checks an S3 object key: 1 to 1024 bytes of UTF-8, not starting
// with "/" (a leading slash makes an empty first path segment that the
// runner's s3://bucket/key addresses cannot express), without "//" or "."
// and ".." segments (which some clients and consoles collapse, so the object
// would be unreachable by the written name).
func ObjectKey() validator.String { return objectKeyValidator{} }

func (objectKeyValidator) Description(context.Context) string {
	return "value must be an object key of 1 to 1024 bytes, without a leading slash, empty segments or . and .. segments"
}

func (v objectKeyValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (objectKeyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if p := ObjectKeyProblem(req.ConfigValue.ValueString()); p != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid object key",
			fmt.Sprintf("%q is not a usable object key: it %s.", req.ConfigValue.ValueString(), p))
	}
}

// ObjectKeyProblem returns what is wrong with key, or "".
func ObjectKeyProblem(key string) string {
	switch {
	case key == "":
		return "is empty"
	case len(key) > 1024:
		return "is longer than 1024 bytes"
	case !utf8.ValidString(key):
		return "is not valid UTF-8"
	case strings.HasPrefix(key, "/"):
		return "starts with a slash"
	case strings.Contains(key, "//"):
		return "contains an empty segment (//)"
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "." || seg == ".." {
			return "contains a . or .. segment"
		}
	}

	return ""
}
