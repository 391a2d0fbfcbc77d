package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

var envName = regexp.MustCompile("`((?:LAKEHOUSE|AWS)_[A-Z0-9_]+)`")

// documentedEnv maps "block.attribute" to the environment variables its
// description documents, straight from the provider schema (which is what
// docs/index.md is generated from).
func documentedEnv(t *testing.T) map[string][]string {
	t.Helper()
	var resp fwprovider.SchemaResponse
	provider.New("test")().Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	out := map[string][]string{}
	for bname, b := range resp.Schema.Blocks {
		lb, ok := b.(schema.ListNestedBlock)
		if !ok {
			t.Fatalf("block %s is a %T", bname, b)
		}
		for aname, a := range lb.NestedObject.Attributes {
			var names []string
			for _, m := range envName.FindAllStringSubmatch(a.GetMarkdownDescription(), -1) {
				names = append(names, m[1])
			}
			out[bname+"."+aname] = names
		}
	}

	return out
}

// resolved is everything Settings returns, printed, so two runs compare.
func resolved(t *testing.T) string {
	t.Helper()
	d, err := provider.Settings()
	if err != nil {
		t.Fatalf("Settings: %v", err)
	}

	return fmt.Sprintf("%+v|%+v|%+v|%+v|%+v|%+v|%+v", d.Retry, d.S3, d.Catalog, d.Dremio, d.Superset, d.LabelStudio, d.DataCite)
}

// probe is a value of the right shape for a variable, different from every
// default.
func probe(t *testing.T, name string) []string {
	t.Helper()
	switch {
	case strings.HasSuffix(name, "_CA_CERTIFICATE"):
		return []string{tlstest.New(t).PEM()}
	case strings.HasSuffix(name, "_CA_FILE"), name == "AWS_CA_BUNDLE":
		return []string{tlstest.New(t).WritePEM(t)}
	case strings.HasSuffix(name, "_BACKOFF"), strings.HasSuffix(name, "_TIMEOUT"):
		return []string{"1234ms"}
	case strings.HasSuffix(name, "_ATTEMPTS"):
		return []string{"7"}
	case name == "LAKEHOUSE_CATALOG_TYPE":
		return []string{"rest"}
	case strings.HasSuffix(name, "_HEADERS"), strings.HasSuffix(name, "_PROPERTIES"):
		return []string{`{"probe":"value"}`}
	case strings.HasSuffix(name, "_SSL"), strings.HasSuffix(name, "_STYLE"), strings.HasSuffix(name, "_VERIFY"):
		return []string{"true", "false"} // one of them differs from the default
	}

	return []string{"probe-" + strings.ToLower(name)}
}

// Every setting of every block documents at least one environment variable,
// and each documented variable really changes what the provider (and the
// runner, through Settings) resolves.
func TestEveryDocumentedEnvFallbackIsRead(t *testing.T) {
	env := documentedEnv(t)
	attrs := make([]string, 0, len(env))
	for a := range env {
		attrs = append(attrs, a)
	}
	sort.Strings(attrs)
	for _, attr := range attrs {
		if len(env[attr]) == 0 {
			t.Errorf("%s documents no environment variable", attr)
		}
		for _, name := range env[attr] {
			t.Run(attr+"/"+name, func(t *testing.T) {
				clearEnv(t)
				base := resolved(t)
				for _, v := range probe(t, name) {
					t.Setenv(name, v)
					if resolved(t) != base {
						return
					}
				}
				t.Errorf("setting %s changes nothing in the resolved settings", name)
			})
		}
	}
}

func TestCatalogMapsFromEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("LAKEHOUSE_CATALOG_HEADERS", `{"X-Iceberg-Access-Delegation":"vended-credentials"}`)
	t.Setenv("LAKEHOUSE_CATALOG_PROPERTIES", `{"s3.endpoint":"http://minio:9000"}`)
	d, err := provider.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if d.Catalog.Headers["X-Iceberg-Access-Delegation"] != "vended-credentials" || d.Catalog.Properties["s3.endpoint"] != "http://minio:9000" {
		t.Fatalf("catalog maps: %+v", d.Catalog)
	}

	// A malformed value is an error naming the variable; header values may
	// be credentials, so the value itself is never quoted.
	t.Setenv("LAKEHOUSE_CATALOG_HEADERS", `Authorization=Bearer tok-SECRET`)
	_, err = provider.Settings()
	if err == nil || !strings.Contains(err.Error(), "LAKEHOUSE_CATALOG_HEADERS must be a JSON object") || strings.Contains(err.Error(), "tok-SECRET") {
		t.Fatalf("error = %v", err)
	}
}

// The variables the not-configured diagnostic names are documented ones.
func TestNotConfiguredNamesDocumentedVariables(t *testing.T) {
	documented := map[string]bool{}
	for _, names := range documentedEnv(t) {
		for _, n := range names {
			documented[n] = true
		}
	}
	for _, b := range []string{providerdata.BlockS3, providerdata.BlockCatalog, providerdata.BlockDremio,
		providerdata.BlockSuperset, providerdata.BlockLabelStudio, providerdata.BlockDataCite} {
		for _, n := range providerdata.NotConfigured(b).Env {
			if !documented[n] {
				t.Errorf("the %s diagnostic names %s, which no setting documents", b, n)
			}
		}
	}
}
