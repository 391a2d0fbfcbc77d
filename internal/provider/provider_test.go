package provider_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/providerdata"
)

// clearEnv unsets every variable the provider reads, so the developer's
// own environment cannot leak into a test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range []string{
		"LAKEHOUSE_S3_ENDPOINT", "LAKEHOUSE_S3_ACCESS_KEY", "LAKEHOUSE_S3_SECRET_KEY", "LAKEHOUSE_S3_SESSION_TOKEN",
		"LAKEHOUSE_S3_REGION", "LAKEHOUSE_S3_USE_SSL", "LAKEHOUSE_S3_PATH_STYLE", "LAKEHOUSE_S3_INSECURE_SKIP_VERIFY",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION",
		"LAKEHOUSE_CATALOG_TYPE", "LAKEHOUSE_CATALOG_URI", "LAKEHOUSE_DREMIO_ENDPOINT", "LAKEHOUSE_SUPERSET_ENDPOINT",
		"LAKEHOUSE_LABELSTUDIO_ENDPOINT", "LAKEHOUSE_DATACITE_ENDPOINT", "LAKEHOUSE_DATACITE_REPOSITORY_ID",
		"LAKEHOUSE_RETRY_MAX_ATTEMPTS", "LAKEHOUSE_RETRY_MIN_BACKOFF", "LAKEHOUSE_RETRY_MAX_BACKOFF", "LAKEHOUSE_RETRY_REQUEST_TIMEOUT",
	} {
		t.Setenv(kv, "")
	}
	for _, names := range documentedEnv(t) {
		for _, n := range names {
			t.Setenv(n, "")
		}
	}
}

func TestSettingsEnvFallbacks(t *testing.T) {
	clearEnv(t)
	t.Setenv("LAKEHOUSE_S3_ENDPOINT", "127.0.0.1:9000")
	t.Setenv("AWS_ACCESS_KEY_ID", "from-aws-env")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("LAKEHOUSE_S3_REGION", "eu-central-1") // the provider's own variable wins
	t.Setenv("LAKEHOUSE_S3_USE_SSL", "false")
	t.Setenv("LAKEHOUSE_RETRY_MAX_ATTEMPTS", "7")
	t.Setenv("LAKEHOUSE_RETRY_MIN_BACKOFF", "250ms")
	d, err := provider.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if !d.S3.Configured || d.S3.Endpoint != "127.0.0.1:9000" || d.S3.AccessKey != "from-aws-env" ||
		d.S3.Region != "eu-central-1" || d.S3.UseSSL || d.S3.PathStyle {
		t.Errorf("s3 settings: %+v", d.S3)
	}
	if d.Retry.MaxAttempts != 7 || d.Retry.MinBackoff != 250*time.Millisecond || d.Retry.MaxBackoff != 30*time.Second {
		t.Errorf("retry settings: %+v", d.Retry)
	}
	if d.Dremio.Configured || d.Superset.Configured || d.Catalog.Configured {
		t.Error("backends without any setting must not count as configured")
	}
}

func TestSettingsDefaults(t *testing.T) {
	clearEnv(t)
	d, err := provider.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if d.S3.Configured || d.S3.Endpoint != "s3.amazonaws.com" || d.S3.Region != "us-east-1" || !d.S3.UseSSL {
		t.Errorf("s3 defaults: %+v", d.S3)
	}
	if d.Retry.MaxAttempts != 5 || d.Retry.RequestTimeout != time.Minute {
		t.Errorf("retry defaults: %+v", d.Retry)
	}
}

func TestSettingsBadEnv(t *testing.T) {
	for k, v := range map[string]string{
		"LAKEHOUSE_RETRY_MAX_BACKOFF":  "forever",
		"LAKEHOUSE_RETRY_MAX_ATTEMPTS": "0",
		"LAKEHOUSE_S3_USE_SSL":         "maybe",
		"LAKEHOUSE_S3_ENDPOINT":        "https://minio:9000",
	} {
		t.Run(k, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(k, v)
			if _, err := provider.Settings(); err == nil || !strings.Contains(err.Error(), v) {
				t.Fatalf("Settings() error = %v, want one quoting %q", err, v)
			}
		})
	}
}

// configure runs the provider's Configure on a configuration holding the
// given blocks (each a map of attribute values; the rest null).
func configure(t *testing.T, blocks map[string]map[string]tftypes.Value) (*providerdata.Data, diag.Diagnostics) {
	t.Helper()
	ctx := context.Background()
	p := provider.New("test")()
	var sresp fwprovider.SchemaResponse
	p.Schema(ctx, fwprovider.SchemaRequest{}, &sresp)
	typ, ok := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("provider schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		lt, ok := at.(tftypes.List)
		if !ok {
			vals[name] = tftypes.NewValue(at, nil)

			continue
		}
		attrs, present := blocks[name]
		if !present {
			vals[name] = tftypes.NewValue(lt, []tftypes.Value{})

			continue
		}
		ot, ok := lt.ElementType.(tftypes.Object)
		if !ok {
			t.Fatalf("block %s is not a list of objects", name)
		}
		obj := map[string]tftypes.Value{}
		for an, aty := range ot.AttributeTypes {
			obj[an] = tftypes.NewValue(aty, nil)
			if v, ok := attrs[an]; ok {
				obj[an] = v
			}
		}
		vals[name] = tftypes.NewValue(lt, []tftypes.Value{tftypes.NewValue(ot, obj)})
	}
	req := fwprovider.ConfigureRequest{Config: tfsdk.Config{Raw: tftypes.NewValue(typ, vals), Schema: sresp.Schema}}
	var resp fwprovider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	d, _ := resp.ResourceData.(*providerdata.Data)

	return d, resp.Diagnostics
}

// The provider never fails because of a backend nobody uses: with no block
// and no environment it configures cleanly, and each backend says it is
// not configured.
func TestConfigureWithoutAnyBackend(t *testing.T) {
	clearEnv(t)
	d, diags := configure(t, nil)
	if diags.HasError() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if d == nil || d.S3.Configured || d.Dremio.Configured || d.Catalog.Configured || d.LabelStudio.Configured {
		t.Fatalf("data: %+v", d)
	}
}

func TestConfigureBlockWinsOverEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("LAKEHOUSE_S3_ENDPOINT", "env:9000")
	t.Setenv("LAKEHOUSE_S3_ACCESS_KEY", "env-key")
	d, diags := configure(t, map[string]map[string]tftypes.Value{
		"s3": {"endpoint": tftypes.NewValue(tftypes.String, "block:9000"), "use_ssl": tftypes.NewValue(tftypes.Bool, false)},
	})
	if diags.HasError() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if d.S3.Endpoint != "block:9000" || d.S3.AccessKey != "env-key" || d.S3.UseSSL {
		t.Fatalf("s3: %+v", d.S3)
	}
}

// Bad retry durations, from the block or from the environment, are
// attribute errors at the block's path.
func TestConfigureBadRetryDurations(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	cases := []struct {
		name   string
		env    map[string]string
		block  map[string]tftypes.Value
		path   string
		detail string
	}{
		{"block min_backoff", nil, map[string]tftypes.Value{"min_backoff": str("soon")}, "retry[0].min_backoff", `"soon"`},
		{"env request_timeout", map[string]string{"LAKEHOUSE_RETRY_REQUEST_TIMEOUT": "-5s"}, nil, "retry[0].request_timeout", `"-5s"`},
		{"max below min", nil, map[string]tftypes.Value{"min_backoff": str("10s"), "max_backoff": str("1s")}, "retry[0].max_backoff", "shorter than min_backoff"},
		{"env max_attempts", map[string]string{"LAKEHOUSE_RETRY_MAX_ATTEMPTS": "many"}, nil, "retry[0].max_attempts", `"many"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			var blocks map[string]map[string]tftypes.Value
			if c.block != nil {
				blocks = map[string]map[string]tftypes.Value{"retry": c.block}
			}
			_, diags := configure(t, blocks)
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags.Errors()[0]
			wp, ok := d.(diag.DiagnosticWithPath)
			if !ok {
				t.Fatalf("error has no attribute path: %v", d)
			}
			if wp.Path().String() != c.path || !strings.Contains(d.Detail(), c.detail) {
				t.Fatalf("error at %s: %s; want %s mentioning %s", wp.Path(), d.Detail(), c.path, c.detail)
			}
		})
	}
}

// A resource whose backend is not configured fails the plan (not the
// apply) with exactly one diagnostic that names the block and its
// environment variables.
func TestUnconfiguredBackendDiagnostic(t *testing.T) {
	clearEnv(t)
	seen := false
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		ErrorCheck: func(err error) error {
			msg := err.Error()
			seen = true
			if n := strings.Count(msg, "Error: "); n != 1 {
				return errors.New("want exactly one error diagnostic, got: " + msg)
			}
			re := regexp.MustCompile(`(?s)Error planning lakehouse_bucket.*the s3 backend is not\s+configured:\s+set\s+LAKEHOUSE_S3_ENDPOINT,\s+AWS_ACCESS_KEY_ID.*s3\s+\{\s+\.\.\.\s+\}\s+block`)
			if !re.MatchString(msg) {
				return errors.New("diagnostic does not name the block and its variables: " + msg)
			}

			return nil
		},
		Steps: []resource.TestStep{
			{Config: `
provider "lakehouse" {}

resource "lakehouse_bucket" "test" {
  bucket = "tf-unconfigured"
}
`, PlanOnly: true},
		},
	})
	if !seen {
		t.Fatal("the plan succeeded without an s3 configuration")
	}
}
