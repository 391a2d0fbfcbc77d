package catalog

import "github.com/aws/aws-sdk-go-v2/aws"

// S3HTTPClient is the SDK client behind the body-reading wrapper of cfg.
func S3HTTPClient(cfg *aws.Config) aws.HTTPClient {
	if w, ok := cfg.HTTPClient.(wholeSmallGets); ok {
		return w.next
	}

	return cfg.HTTPClient
}
