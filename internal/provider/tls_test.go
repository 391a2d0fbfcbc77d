package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/tlstest"
)

// ca_certificate and ca_file of one block add up; each backend gets its
// own block's certificates.
func TestConfigureCACertificates(t *testing.T) {
	clearEnv(t)
	inline, fromFile, fromEnv := tlstest.New(t), tlstest.New(t), tlstest.New(t)
	t.Setenv("LAKEHOUSE_LABELSTUDIO_CA_FILE", fromEnv.WritePEM(t))
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	d, diags := configure(t, map[string]map[string]tftypes.Value{
		"dremio":      {"endpoint": str("https://dremio.example.edu"), "ca_certificate": str(inline.PEM()), "ca_file": str(fromFile.WritePEM(t))},
		"labelstudio": {"endpoint": str("https://label.example.edu")},
	})
	if diags.HasError() {
		t.Fatalf("diagnostics: %v", diags)
	}
	if !strings.Contains(d.Dremio.CAPEM, inline.PEM()) || !strings.Contains(d.Dremio.CAPEM, fromFile.PEM()) {
		t.Errorf("dremio CA: %q", d.Dremio.CAPEM)
	}
	if d.LabelStudio.CAPEM != fromEnv.PEM() {
		t.Errorf("labelstudio CA from LAKEHOUSE_LABELSTUDIO_CA_FILE: %q", d.LabelStudio.CAPEM)
	}
	if d.Superset.CAPEM != "" || d.S3.CAPEM != "" || d.Catalog.CAPEM != "" || d.DataCite.CAPEM != "" {
		t.Error("a block without CA settings got certificates")
	}
}

// A bad certificate, from the block or the environment, is an error at the
// attribute's path when the provider is configured (so at plan time), and
// never quotes the text, which may be a key pasted by mistake.
func TestConfigureBadCACertificate(t *testing.T) {
	ca := tlstest.New(t)
	_, keyPEM := ca.ServerCert(t)
	keyLine := strings.Split(string(keyPEM), "\n")[1]
	keyFile := filepath.Join(t.TempDir(), "server.key")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	cases := []struct {
		name   string
		env    map[string]string
		blocks map[string]map[string]tftypes.Value
		path   string
		detail string
	}{
		{"inline text", nil, map[string]map[string]tftypes.Value{"dremio": {"ca_certificate": str("internal-ca")}},
			"dremio[0].ca_certificate", "no PEM certificate"},
		{"inline key", nil, map[string]map[string]tftypes.Value{"superset": {"ca_certificate": str(string(keyPEM))}},
			"superset[0].ca_certificate", `"PRIVATE KEY" block`},
		{"missing file", nil, map[string]map[string]tftypes.Value{"s3": {"ca_file": str("/nonexistent/ca.pem")}},
			"s3[0].ca_file", `"/nonexistent/ca.pem"`},
		{"key file from env", map[string]string{"LAKEHOUSE_CATALOG_CA_FILE": keyFile}, nil,
			"catalog[0].ca_file", "LAKEHOUSE_CATALOG_CA_FILE"},
		{"text from env", map[string]string{"LAKEHOUSE_DATACITE_CA_CERTIFICATE": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"}, nil,
			"datacite[0].ca_certificate", "LAKEHOUSE_DATACITE_CA_CERTIFICATE"},
		{"AWS bundle", map[string]string{"AWS_CA_BUNDLE": keyFile}, nil, "s3[0].ca_file", "AWS_CA_BUNDLE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, diags := configure(t, c.blocks)
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
			if strings.Contains(d.Detail(), keyLine) || strings.Contains(d.Summary(), keyLine) {
				t.Fatal("the diagnostic quotes the key")
			}
		})
	}
}

// The runner reads the same variables through Settings, and a bad one
// stops it with an error naming the variable.
func TestSettingsCAFromEnv(t *testing.T) {
	clearEnv(t)
	ca := tlstest.New(t)
	t.Setenv("LAKEHOUSE_S3_CA_FILE", ca.WritePEM(t))
	t.Setenv("LAKEHOUSE_DREMIO_CA_CERTIFICATE", ca.PEM())
	d, err := provider.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if d.S3.CAPEM != ca.PEM() || d.Dremio.CAPEM != ca.PEM() {
		t.Fatalf("s3 %q, dremio %q", d.S3.CAPEM, d.Dremio.CAPEM)
	}
	t.Setenv("LAKEHOUSE_DREMIO_CA_CERTIFICATE", "not a certificate")
	if _, err := provider.Settings(); err == nil || !strings.Contains(err.Error(), "LAKEHOUSE_DREMIO_CA_CERTIFICATE") {
		t.Fatalf("error = %v", err)
	}
}
