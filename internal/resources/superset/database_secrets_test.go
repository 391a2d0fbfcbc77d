package superset_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	supersetres "github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/superset"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// tunnelCfg is a database with an SSH tunnel; auth is the credential
// lines inside ssh_tunnel, extra any further top-level lines.
func tunnelCfg(fake *supersettest.Server, user string, port int, auth, version string, expose bool, extra ...string) string {
	return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "test" {
  database_name    = "tunnelled"
  sqlalchemy_uri   = "postgresql+psycopg2://report_ro@db.internal:5432/wh"
  expose_in_sqllab = %[5]t
  ssh_tunnel = {
    server_address = "bastion.internal"
    server_port    = %[2]d
    username       = %[1]q
    %[3]s
  }
  ssh_tunnel_secrets_version = %[4]q
  %[6]s
}
`, user, port, auth, version, expose, strings.Join(extra, "\n  "))
}

func tunnelFake(t *testing.T) *supersettest.Server {
	t.Helper()

	return supersettest.New(t, supersettest.Options{SSHTunneling: true})
}

// tunnelIs checks the tunnel the fake holds.
func tunnelIs(fake *supersettest.Server, id *int64, want supersettest.Tunnel) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := fake.StoredTunnel(*id)
		if got == nil {
			return fmt.Errorf("the server holds no tunnel, want %+v", want)
		}
		str := func(p *string) string {
			if p == nil {
				return "<nil>"
			}

			return *p
		}
		if got.ServerAddress != want.ServerAddress || got.ServerPort != want.ServerPort || got.Username != want.Username ||
			str(got.Password) != str(want.Password) || str(got.PrivateKey) != str(want.PrivateKey) ||
			str(got.PrivateKeyPassword) != str(want.PrivateKeyPassword) {
			return fmt.Errorf("server tunnel = {%s %d %s pw=%s key=%s pass=%s}, want {%s %d %s pw=%s key=%s pass=%s}",
				got.ServerAddress, got.ServerPort, got.Username, str(got.Password), str(got.PrivateKey), str(got.PrivateKeyPassword),
				want.ServerAddress, want.ServerPort, want.Username, str(want.Password), str(want.PrivateKey), str(want.PrivateKeyPassword))
		}

		return nil
	}
}

// lastPutTunnel is the ssh_tunnel object of the last PUT (nil when the
// PUT had none, or null), and whether the key was there.
func lastPutTunnel(t *testing.T, fake *supersettest.Server, id int64) (map[string]any, bool) {
	t.Helper()
	v, ok := lastPut(t, fake, itemPath("database", id))["ssh_tunnel"]
	m, _ := v.(map[string]any)

	return m, ok
}

// noMaskSent fails when any request to the database API carried the mask.
func noMaskSent(fake *supersettest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, r := range fake.Requests("", "/api/v1/database") {
			if strings.Contains(fmt.Sprint(r.Body), superset.PasswordMask) {
				return fmt.Errorf("%s %s sent the mask: %v", r.Method, r.Path, r.Body)
			}
		}

		return nil
	}
}

func s(v string) *string { return &v }

const (
	pwAuth  = `password = "tunnel-pw-1"`
	pwAuth2 = `password = "tunnel-pw-2"`
	keyAuth = `private_key = "-----BEGIN OPENSSH PRIVATE KEY-----tunnel-key-----END OPENSSH PRIVATE KEY-----"
    private_key_password = "key-pass-1"`
	tunnelKey = "-----BEGIN OPENSSH PRIVATE KEY-----tunnel-key-----END OPENSSH PRIVATE KEY-----"
)

// C16 for the SSH tunnel: its secrets are never in state and never sent
// back masked; an unrelated update carries none of them and the server
// keeps them; a changed user is sent without secrets; the version sends new
// ones; a move to another port re-sends them (Superset refuses to carry
// stored credentials to a new endpoint); removing the block removes the
// tunnel.
func TestAccSupersetDatabase_sshTunnelC16(t *testing.T) {
	t.Parallel()
	fake := tunnelFake(t)
	var id int64
	secretsAbsent := []statecheck.StateCheck{
		stateLacks{secret: "tunnel-pw-1"}, stateLacks{secret: "tunnel-pw-2"}, stateLacks{secret: "tunnel-key"},
		stateLacks{secret: "key-pass-1"}, stateLacks{secret: superset.PasswordMask},
	}
	update := func(extra ...plancheck.PlanCheck) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply:             append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate)}, extra...),
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tunnelCfg(fake, "tun", 22, pwAuth, "1", true),
				ConfigStateChecks: append([]statecheck.StateCheck{
					statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("ssh_tunnel"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"server_address": knownvalue.StringExact("bastion.internal"), "server_port": knownvalue.Int64Exact(22),
						"username": knownvalue.StringExact("tun"), "password": knownvalue.Null(),
						"private_key": knownvalue.Null(), "private_key_password": knownvalue.Null(),
					})),
				}, secretsAbsent...),
				Check: resource.ComposeTestCheckFunc(captureID(dbAddr, &id),
					func(*terraform.State) error {
						return tunnelIs(fake, &id, supersettest.Tunnel{ServerAddress: "bastion.internal", ServerPort: 22, Username: "tun", Password: s("tunnel-pw-1")})(nil)
					}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// An unrelated change sends that field alone.
				Config:            tunnelCfg(fake, "tun", 22, pwAuth, "1", false),
				ConfigPlanChecks:  update(),
				ConfigStateChecks: secretsAbsent,
				Check: resource.ComposeTestCheckFunc(func(*terraform.State) error {
					if keys := bodyKeys(lastPut(t, fake, itemPath("database", id))); !slices.Equal(keys, []string{"expose_in_sqllab"}) {
						return fmt.Errorf("update sent %v, want only expose_in_sqllab", keys)
					}

					return tunnelIs(fake, &id, supersettest.Tunnel{ServerAddress: "bastion.internal", ServerPort: 22, Username: "tun", Password: s("tunnel-pw-1")})(nil)
				}),
			},
			{
				// A new user, same version: the tunnel goes without secrets
				// and the server keeps its password.
				Config:            tunnelCfg(fake, "tun2", 22, pwAuth2, "1", false),
				ConfigPlanChecks:  update(),
				ConfigStateChecks: secretsAbsent,
				Check: func(*terraform.State) error {
					sent, _ := lastPutTunnel(t, fake, id)
					if keys := bodyKeys(sent); !slices.Equal(keys, []string{"server_address", "server_port", "username"}) {
						return fmt.Errorf("tunnel update sent %v, want no secrets", keys)
					}

					return tunnelIs(fake, &id, supersettest.Tunnel{ServerAddress: "bastion.internal", ServerPort: 22, Username: "tun2", Password: s("tunnel-pw-1")})(nil)
				},
			},
			{
				// The version sends the new password.
				Config:            tunnelCfg(fake, "tun2", 22, pwAuth2, "2", false),
				ConfigPlanChecks:  update(),
				ConfigStateChecks: secretsAbsent,
				Check:             tunnelIs(fake, &id, supersettest.Tunnel{ServerAddress: "bastion.internal", ServerPort: 22, Username: "tun2", Password: s("tunnel-pw-2")}),
			},
			{
				// Switching to a key (with a version bump) drops the password.
				Config:            tunnelCfg(fake, "tun2", 22, keyAuth, "3", false),
				ConfigPlanChecks:  update(),
				ConfigStateChecks: secretsAbsent,
				Check: tunnelIs(fake, &id, supersettest.Tunnel{ServerAddress: "bastion.internal", ServerPort: 22, Username: "tun2",
					PrivateKey: s(tunnelKey), PrivateKeyPassword: s("key-pass-1")}),
			},
			{
				// A move to another port re-sends the credentials without a
				// version bump; the fake refuses the move otherwise.
				Config: tunnelCfg(fake, "tun2", 2222, keyAuth, "3", false),
				ConfigPlanChecks: update(plancheck.ExpectKnownValue(dbAddr, tfjsonpath.New("ssh_tunnel").AtMapKey("server_port"),
					knownvalue.Int64Exact(2222))),
				ConfigStateChecks: secretsAbsent,
				Check: tunnelIs(fake, &id, supersettest.Tunnel{ServerAddress: "bastion.internal", ServerPort: 2222, Username: "tun2",
					PrivateKey: s(tunnelKey), PrivateKeyPassword: s("key-pass-1")}),
			},
			{
				// Removing the block removes the tunnel on the server.
				Config: providerConfig(fake) + `
resource "lakehouse_superset_database" "test" {
  database_name    = "tunnelled"
  sqlalchemy_uri   = "postgresql+psycopg2://report_ro@db.internal:5432/wh"
  expose_in_sqllab = false
}
`,
				ConfigPlanChecks:  update(plancheck.ExpectKnownValue(dbAddr, tfjsonpath.New("ssh_tunnel"), knownvalue.Null())),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("ssh_tunnel"), knownvalue.Null())},
				Check: resource.ComposeTestCheckFunc(noMaskSent(fake), func(*terraform.State) error {
					if sent, ok := lastPutTunnel(t, fake, id); !ok || sent != nil {
						return fmt.Errorf("removal sent ssh_tunnel %v (present %t), want null", sent, ok)
					}
					if got := fake.StoredTunnel(id); got != nil {
						return fmt.Errorf("the server still holds the tunnel %+v", got)
					}

					return nil
				}),
			},
		},
	})
}

// A tunnel moved, changed or removed out of band shows in the plan, and
// the apply puts it back with its credentials.
func TestAccSupersetDatabase_sshTunnelDrift(t *testing.T) {
	t.Parallel()
	fake := tunnelFake(t)
	var id int64
	cfg := tunnelCfg(fake, "tun", 22, pwAuth, "1", true)
	want := supersettest.Tunnel{ServerAddress: "bastion.internal", ServerPort: 22, Username: "tun", Password: s("tunnel-pw-1")}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID(dbAddr, &id)},
			{
				PreConfig: func() {
					fake.MutateTunnel(id, func(tu *supersettest.Tunnel) {
						tu.ServerAddress, tu.ServerPort, tu.Username, tu.Password = "evil.example", 2022, "someone", s("typed-in-ui")
					})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(dbAddr, tfjsonpath.New("ssh_tunnel").AtMapKey("server_address"), knownvalue.StringExact("bastion.internal")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: tunnelIs(fake, &id, want),
			},
			{
				PreConfig: func() { fake.MutateTunnel(id, nil) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: tunnelIs(fake, &id, want),
			},
		},
	})
}

// Import adopts the tunnel: its endpoint and user read back, the plan
// afterwards updates nothing and replaces nothing.
func TestAccSupersetDatabase_sshTunnelImport(t *testing.T) {
	t.Parallel()
	fake := tunnelFake(t)
	cfg := tunnelCfg(fake, "tun", 2200, keyAuth, "1", true)
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName: dbAddr, ImportState: true, ImportStateVerify: true,
				// Versions are triggers Superset cannot report.
				ImportStateVerifyIgnore: []string{"ssh_tunnel_secrets_version", "extra"},
			},
			{
				Config:          strings.Replace(cfg, `ssh_tunnel_secrets_version = "1"`, "", 1),
				ResourceName:    dbAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// With its version kept, the adopted tunnel gets its
				// credentials again in place: an update, never a replace.
				Config:             cfg,
				ResourceName:       dbAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

// Terraform shows a nested attribute's error at its resource, so the
// paths themselves are checked on the diagnostics.
func TestSupersetDatabase_secretValidationPaths(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := supersetres.NewDatabaseResource()
	var sr fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
	typ, _ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	nulls := func(o tftypes.Object) map[string]tftypes.Value {
		m := map[string]tftypes.Value{}
		for n, at := range o.AttributeTypes {
			m[n] = tftypes.NewValue(at, nil)
		}

		return m
	}
	tunnelType, _ := typ.AttributeTypes["ssh_tunnel"].(tftypes.Object)
	for name, c := range map[string]struct {
		creds map[string]string
		want  []string
	}{
		"both":               {map[string]string{"password": "p", "private_key": "k"}, []string{"ssh_tunnel.private_key"}},
		"neither":            {map[string]string{}, []string{"ssh_tunnel"}},
		"passphrase, no key": {map[string]string{"password": "p", "private_key_password": "x"}, []string{"ssh_tunnel.private_key_password"}},
		"mask":               {map[string]string{"private_key": superset.PasswordMask}, []string{"ssh_tunnel.private_key"}},
		"key and passphrase": {map[string]string{"private_key": "k", "private_key_password": "x"}, nil},
	} {
		tv := nulls(tunnelType)
		tv["server_address"], tv["username"] = tftypes.NewValue(tftypes.String, "b"), tftypes.NewValue(tftypes.String, "u")
		for k, v := range c.creds {
			tv[k] = tftypes.NewValue(tftypes.String, v)
		}
		vals := nulls(typ)
		vals["ssh_tunnel"] = tftypes.NewValue(tunnelType, tv)
		var resp fwresource.ValidateConfigResponse
		r.(fwresource.ResourceWithValidateConfig).ValidateConfig(ctx, fwresource.ValidateConfigRequest{
			Config: tfsdk.Config{Schema: sr.Schema, Raw: tftypes.NewValue(typ, vals)},
		}, &resp)
		var got []string
		for _, d := range resp.Diagnostics.Errors() {
			if dp, ok := d.(diag.DiagnosticWithPath); ok {
				got = append(got, dp.Path().String())
			}
		}
		if !slices.Equal(got, c.want) || len(got) != resp.Diagnostics.ErrorsCount() {
			t.Errorf("%s: error paths %v (%d errors), want %v", name, got, resp.Diagnostics.ErrorsCount(), c.want)
		}
	}
}

func TestAccSupersetDatabase_sshTunnelValidation(t *testing.T) {
	t.Parallel()
	fake := tunnelFake(t)
	bad := func(auth, want string, extra ...string) resource.TestStep {
		return resource.TestStep{Config: tunnelCfg(fake, "tun", 22, auth, "1", true, extra...), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			bad(pwAuth+"\n    private_key = \"k\"", `(?s)Conflicting SSH tunnel credentials.*ssh_tunnel\.private_key`),
			bad("", `(?s)Missing SSH tunnel credentials.*ssh_tunnel = \{`),
			bad(pwAuth+"\n    private_key_password = \"p\"", `(?s)SSH key passphrase without a key.*ssh_tunnel\.private_key_password`),
			bad(`password = "XXXXXXXXXX"`, `(?s)Superset's mask as an SSH tunnel secret.*ssh_tunnel\.password`),
			{
				Config:   strings.Replace(tunnelCfg(fake, "tun", 22, pwAuth, "1", true), "server_port    = 22", "server_port    = 70000", 1),
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)ssh_tunnel.server_port.*between 1 and 65535`),
			},
			{
				// The tunnel forwards to the database port, which the URI must name.
				Config:   strings.Replace(tunnelCfg(fake, "tun", 22, pwAuth, "1", true), "@db.internal:5432/wh", "@db.internal/wh", 1),
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Database port needed for the SSH tunnel.*sqlalchemy_uri\s+=`),
			},
		},
	})
}

// With Superset's SSH_TUNNELING flag off (its default) the apply fails
// with what to do, and nothing is created.
func TestAccSupersetDatabase_sshTunnelFeatureOff(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      tunnelCfg(fake, "tun", 22, pwAuth, "1", true),
			ExpectError: regexp.MustCompile(`(?s)Error creating lakehouse_superset_database \(tunnelled\).*SSH_TUNNELING feature\s+flag`),
		}},
	})
}

// extraCfg is a BigQuery database whose service-account key is in
// encrypted_extra.
func extraCfg(fake *supersettest.Server, key, version string, expose bool) string {
	extra := ""
	if key != "" {
		extra = fmt.Sprintf(`encrypted_extra = jsonencode({
    credentials_info = { type = "service_account", project_id = "edu-lake", private_key = %q }
  })
  encrypted_extra_version = %q`, key, version)
	}

	return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "test" {
  database_name    = "bigquery"
  sqlalchemy_uri   = "bigquery://edu-lake"
  expose_in_sqllab = %t
  %s
}
`, expose, extra)
}

// C16 for encrypted_extra: Superset masks the key inside it; the provider
// never reads it back, never stores it, sends it only on create and when
// its version changes, and an unrelated update leaves the server's value.
func TestAccSupersetDatabase_encryptedExtraC16(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	var id int64
	holds := func(key string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := fake.StoredEncryptedExtra(id); !strings.Contains(got, key) || !strings.Contains(got, "edu-lake") {
				return fmt.Errorf("server encrypted_extra = %q, want the key %q", got, key)
			}

			return nil
		}
	}
	absent := []statecheck.StateCheck{
		stateLacks{secret: "bq-key-one"}, stateLacks{secret: "bq-key-two"}, stateLacks{secret: superset.PasswordMask},
		statecheck.ExpectKnownValue(dbAddr, tfjsonpath.New("encrypted_extra"), knownvalue.Null()),
	}
	update := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(dbAddr, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            extraCfg(fake, "bq-key-one", "1", true),
				ConfigStateChecks: absent,
				Check:             resource.ComposeTestCheckFunc(captureID(dbAddr, &id), holds("bq-key-one")),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:            extraCfg(fake, "bq-key-one", "1", false),
				ConfigPlanChecks:  update,
				ConfigStateChecks: absent,
				Check: resource.ComposeTestCheckFunc(holds("bq-key-one"), func(*terraform.State) error {
					if keys := bodyKeys(lastPut(t, fake, itemPath("database", id))); !slices.Equal(keys, []string{"expose_in_sqllab"}) {
						return fmt.Errorf("update sent %v, want only expose_in_sqllab", keys)
					}

					return nil
				}),
			},
			{
				// A new key without a version bump is not sent (Terraform
				// cannot see a write-only change) ...
				Config:             extraCfg(fake, "bq-key-two", "1", false),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				// ... the version sends it.
				Config:            extraCfg(fake, "bq-key-two", "2", false),
				ConfigPlanChecks:  update,
				ConfigStateChecks: absent,
				Check:             resource.ComposeTestCheckFunc(holds("bq-key-two"), noMaskSent(fake)),
			},
			{
				ResourceName: dbAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"encrypted_extra_version", "extra"},
			},
			{
				// Removing it with its version clears it on the server.
				Config:           extraCfg(fake, "", "", false),
				ConfigPlanChecks: update,
				Check: func(*terraform.State) error {
					if v, ok := lastPut(t, fake, itemPath("database", id))["masked_encrypted_extra"]; !ok || v != nil {
						return fmt.Errorf("removal sent masked_encrypted_extra %v (present %t), want null", v, ok)
					}
					if got := fake.StoredEncryptedExtra(id); got != "" {
						return fmt.Errorf("server encrypted_extra after removal = %q", got)
					}

					return nil
				},
			},
		},
	})
}

func TestAccSupersetDatabase_encryptedExtraValidation(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	cfg := func(extra string) string {
		return providerConfig(fake) + fmt.Sprintf(`
resource "lakehouse_superset_database" "test" {
  database_name   = "bigquery"
  sqlalchemy_uri  = "bigquery://edu-lake"
  encrypted_extra = %s
}
`, extra)
	}
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`"[1,2]"`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid JSON object.*encrypted_extra = "\[1,2\]"`)},
			{
				Config:   cfg(`jsonencode({ credentials_info = { private_key = "XXXXXXXXXX" } })`),
				PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Superset's mask in encrypted_extra.*encrypted_extra = jsonencode`),
			},
		},
	})
}

// Superset refuses to point a connection at another place while it would
// reuse the stored encrypted_extra: the apply says what to do, and a new
// key with a new version moves it.
func TestAccSupersetDatabase_encryptedExtraMove(t *testing.T) {
	t.Parallel()
	fake := supersettest.New(t, supersettest.Options{})
	moved := func(key, version string) string {
		return strings.Replace(extraCfg(fake, key, version, true), "bigquery://edu-lake", "bigquery://edu-lake-2", 1)
	}
	var id int64
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   writeOnlyVersions,
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{Config: extraCfg(fake, "bq-key-one", "1", true), Check: captureID(dbAddr, &id)},
			{
				Config:      moved("bq-key-one", "1"),
				ExpectError: regexp.MustCompile(`(?s)Error updating lakehouse_superset_database.*new\s+encrypted_extra_version`),
			},
			{
				Config: moved("bq-key-two", "2"),
				Check: func(*terraform.State) error {
					if got := fake.StoredEncryptedExtra(id); !strings.Contains(got, "bq-key-two") {
						return fmt.Errorf("server encrypted_extra = %q", got)
					}

					return nil
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
