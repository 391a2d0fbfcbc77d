package accesspolicy_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/policydoc"
	rap "github.com/spanda-ai/terraform-provider-lakehouse/internal/resources/accesspolicy"
)

// world is the fixture of one test: buckets, users, a group, and a bucket
// policy statement that someone else manages.
type world struct {
	name, other                string // policy names
	data, gov                  string // buckets
	group                      string
	alice, bob, carol, mallory string
	secret                     string
}

const foreignSid = "ManagedElsewhere"

func newWorld() *world {
	n := acctest.RandomName()
	id := n[len(n)-6:]

	return &world{
		name: n, other: n + "-b", data: n + "-data", gov: n + "-gov", group: "researchers-" + id,
		alice: "alice-" + id, bob: "bob-" + id, carol: "carol-" + id, mallory: "mallory-" + id, secret: "secret-key-" + id,
	}
}

// setup creates what exists outside Terraform: buckets with objects,
// users, the researchers group (alice and bob), and a foreign statement in
// the data bucket's policy (C21).
func (w *world) setup(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	s3 := rootS3(t)
	for _, b := range []string{w.data, w.gov} {
		if err := s3.MakeBucket(ctx, b, minio.MakeBucketOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"oulad/a.csv", "oulad/raw/r.csv", "pii/ids.csv", "public/readme.txt", "scratch/s.txt"} {
		if err := canWrite(ctx, s3, w.data, k); err != nil {
			t.Fatal(err)
		}
	}
	foreign := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":%q,"Effect":"Allow","Principal":{"AWS":["*"]},`+
		`"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/public/*"]}]}`, foreignSid, w.data)
	if err := s3.SetBucketPolicy(ctx, w.data, foreign); err != nil {
		t.Fatal(err)
	}
	a := admin(t)
	for _, u := range []string{w.alice, w.bob, w.carol, w.mallory} {
		if err := a.AddUser(ctx, u, w.secret); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddGroupMembers(ctx, w.group, w.alice, w.bob); err != nil {
		t.Fatal(err)
	}
	// Attached outside Terraform; it must survive every apply and destroy.
	if err := a.Attach(ctx, "diagnostics", "user", w.mallory); err != nil {
		t.Fatal(err)
	}
}

func (w *world) config(withRawDeny bool) string {
	raw := ""
	if withRawDeny {
		raw = fmt.Sprintf(`{
      name       = "no-raw"
      effect     = "deny"
      actions    = ["read", "write", "list", "manage"]
      resources  = [{ bucket = %[1]q, prefix = "oulad/raw/" }]
      conditions = [{ attribute = "role", operator = "not_in", values = ["steward"] }]
    },`, w.data)
	}

	return fmt.Sprintf(`
resource "lakehouse_access_policy" "test" {
  name            = %[1]q
  description     = "OULAD data-use agreement"
  document_bucket = %[3]q

  principals = [
    {
      name         = %[4]q
      type         = "group"
      attributes   = { role = ["researcher"], institution = ["ou"], purpose = ["research"] }
      s3_principal = "arn:aws:iam::000000000000:group/researchers"
    },
    { name = %[5]q, type = "user", attributes = { consent = ["linkage"] } },
    { name = %[6]q, type = "user", attributes = { role = ["researcher"], institution = ["ou"], purpose = ["research"] } },
    { name = %[7]q, type = "user", attributes = { role = ["steward"] }, s3_principal = "arn:aws:iam::000000000000:user/carol" },
    { name = %[8]q, type = "user", attributes = { role = ["researcher"], institution = ["elsewhere"], purpose = ["research"] } },
  ]

  rules = [
    {
      name     = "researchers-read"
      subjects = { roles = ["researcher"], institutions = ["ou"], purposes = ["research"] }
      actions  = ["read", "list"]
      resources = [
        { bucket = %[2]q, prefix = "oulad/" },
        { bucket = %[2]q, prefix = "pii/", require_consent = ["linkage"] },
      ]
    },
    %[9]s
    {
      name             = "stewards-write"
      subjects         = { roles = ["steward"] }
      actions          = ["read", "write", "list"]
      resources        = [{ bucket = %[2]q }]
      source_ip_ranges = ["127.0.0.0/8"]
    },
    {
      name       = "expired"
      subjects   = { roles = ["researcher"] }
      actions    = ["write"]
      resources  = [{ bucket = %[2]q, prefix = "scratch/" }]
      not_before = "2020-01-01T00:00:00Z"
      not_after  = "2021-01-01T00:00:00Z"
    },
    {
      # A policy variable, which MinIO substitutes per request ($$ escapes
      # Terraform's own interpolation).
      name      = "own-home"
      subjects  = { roles = ["researcher"], institutions = ["ou"] }
      actions   = ["write"]
      resources = [{ bucket = %[2]q, prefix = "home/$${aws:username}/" }]
    },
    {
      name             = "vpn-only"
      subjects         = { institutions = ["elsewhere"] }
      actions          = ["read"]
      resources        = [{ bucket = %[2]q, prefix = "oulad/" }]
      source_ip_ranges = ["10.0.0.0/8"]
    },
  ]
}

# A second policy on the same bucket and the same user: neither may
# overwrite the other (C21).
resource "lakehouse_access_policy" "other" {
  name = %[10]q
  principals = [
    { name = %[7]q, type = "user", attributes = { role = ["auditor"] }, s3_principal = "arn:aws:iam::000000000000:user/carol" },
  ]
  rules = [{
    name      = "auditors-read-public"
    subjects  = { roles = ["auditor"] }
    actions   = ["read"]
    resources = [{ bucket = %[2]q, prefix = "public/" }]
  }]
}
`, w.name, w.data, w.gov, w.group, w.alice, w.bob, w.carol, w.mallory, raw, w.other)
}

// checkAccess makes real S3 calls with each user's credentials.
func (w *world) checkAccess(t *testing.T, rawDenied bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		alice, bob := s3As(t, w.alice, w.secret), s3As(t, w.bob, w.secret)
		carol, mallory := s3As(t, w.carol, w.secret), s3As(t, w.mallory, w.secret)
		checks := []struct {
			what    string
			err     error
			allowed bool
		}{
			{"alice reads oulad/ (group role)", canRead(ctx, alice, w.data, "oulad/a.csv"), true},
			{"alice lists oulad/", canList(ctx, alice, w.data, "oulad/"), true},
			{"alice reads pii/ (holds consent)", canRead(ctx, alice, w.data, "pii/ids.csv"), true},
			{"alice writes oulad/ (read-only rule)", canWrite(ctx, alice, w.data, "oulad/new.csv"), false},
			{"alice reads oulad/raw/ (deny overrides allow)", canRead(ctx, alice, w.data, "oulad/raw/r.csv"), !rawDenied},
			{"bob reads oulad/", canRead(ctx, bob, w.data, "oulad/a.csv"), true},
			{"bob reads pii/ (role allows, consent missing)", canRead(ctx, bob, w.data, "pii/ids.csv"), false},
			{"bob writes his own home/ (${aws:username})", canWrite(ctx, bob, w.data, "home/"+w.bob+"/b.txt"), true},
			{"bob writes alice's home/", canWrite(ctx, bob, w.data, "home/"+w.alice+"/b.txt"), false},
			{"alice writes her own home/ (through the group)", canWrite(ctx, alice, w.data, "home/"+w.alice+"/a.txt"), true},
			{"bob writes scratch/ (date window over)", canWrite(ctx, bob, w.data, "scratch/b.txt"), false},
			{"carol writes oulad/raw/ (steward from 127.0.0.0/8)", canWrite(ctx, carol, w.data, "oulad/raw/c.csv"), true},
			{"carol reads public/ (other policy)", canRead(ctx, carol, w.data, "public/readme.txt"), true},
			{"carol reads pii/ (no consent)", canRead(ctx, carol, w.data, "pii/ids.csv"), false},
			{"mallory reads oulad/ (other institution; vpn-only rule)", canRead(ctx, mallory, w.data, "oulad/a.csv"), false},
		}
		var errs []string
		for _, c := range checks {
			if err := expect(c.what, c.err, c.allowed); err != nil {
				errs = append(errs, err.Error())
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s", strings.Join(errs, "\n"))
		}

		return nil
	}
}

// checkBucketPolicy proves the read-modify-write: the foreign statement and
// both policies' statements are all in the bucket policy (C21).
func (w *world) checkBucketPolicy(t *testing.T, wantOurs bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := rootS3(t).GetBucketPolicy(context.Background(), w.data)
		if err != nil {
			return err
		}
		if !strings.Contains(got, foreignSid) {
			return fmt.Errorf("the foreign statement was removed: %s", got)
		}
		if strings.Contains(got, ap.SidPrefix(w.name)) != wantOurs {
			return fmt.Errorf("statements of %s present=%t, want %t: %s", w.name, !wantOurs, wantOurs, got)
		}
		if strings.Contains(got, ap.SidPrefix(w.other)) != wantOurs {
			return fmt.Errorf("statements of %s present=%t, want %t: %s", w.other, !wantOurs, wantOurs, got)
		}

		return nil
	}
}

// checkRemoved: the user's canned policy of this policy is gone from MinIO
// and from the user's attachments.
func (w *world) checkRemoved(t *testing.T, user string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		name := ap.MinIOPolicyName(w.name, "user", user)
		if _, err := admin(t).GetPolicy(ctx, name); err == nil {
			return fmt.Errorf("the canned policy %s still exists", name)
		}
		att, err := admin(t).Attached(ctx, "user", user)
		if err != nil {
			return err
		}
		if slices.Contains(att, name) {
			return fmt.Errorf("%s is still attached to %s: %v", name, user, att)
		}

		return nil
	}
}

// checkDestroyed: no canned policy, no statement and no document is left,
// and what others manage is still there.
func (w *world) checkDestroyed(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ctx := context.Background()
		for _, u := range []string{w.bob, w.carol} {
			att, err := admin(t).Attached(ctx, "user", u)
			if err != nil {
				return err
			}
			if len(att) > 0 {
				return fmt.Errorf("user %s still has policies %v", u, att)
			}
		}
		att, err := admin(t).Attached(ctx, "user", w.mallory)
		if err != nil {
			return fmt.Errorf("mallory's policies: %w", err)
		}
		if len(att) != 1 || att[0] != "diagnostics" {
			return fmt.Errorf("mallory's policy attached outside Terraform: %v", att)
		}
		if _, err := admin(t).GetPolicy(ctx, ap.MinIOPolicyName(w.name, "group", w.group)); err == nil {
			return fmt.Errorf("the group's canned policy still exists")
		}
		if _, err := rootS3(t).StatObject(ctx, w.gov, rap.DocumentKey(w.name), minio.StatObjectOptions{}); err == nil {
			return fmt.Errorf("the policy document still exists")
		}

		return w.checkBucketPolicy(t, false)(s)
	}
}

func TestAccAccessPolicy_basic(t *testing.T) {
	needMinIO(t)
	w := newWorld()
	addr := "lakehouse_access_policy.test"
	groupPolicy := ap.MinIOPolicyName(w.name, "group", w.group)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             w.checkDestroyed(t),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { w.setup(t) },
				Config:    w.config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					// The compiled targets are known at plan time, for review.
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("minio_policies").AtMapKey(groupPolicy).AtMapKey("principal"), knownvalue.StringExact(w.group)),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("s3_statements").AtMapKey(w.data), knownvalue.NotNull()),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("document_key"), knownvalue.StringExact(rap.DocumentKey(w.name))),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(w.name)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("minio_policies").AtMapKey(groupPolicy).AtMapKey("attached"), knownvalue.Bool(true)),
					// One per principal: even alice, who matches no allow herself,
					// gets the deny on oulad/raw/ that applies to everyone but stewards.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("minio_policies"), knownvalue.MapSizeExact(5)),
				},
				Check: resource.ComposeTestCheckFunc(w.checkAccess(t, true), w.checkBucketPolicy(t, true)),
			},
			{
				// Dropping the deny rule is an in-place update that shows
				// exactly which statements go away.
				Config: w.config(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						// The deny's bucket statements and its MinIO statement
						// for the group are in the prior value and gone from
						// the planned one; the grants that stay are in both.
						grantsRemoved{addr: addr, attr: "s3_statements", key: w.data,
							gone: ap.SidPrefix(w.name) + "no-raw:", kept: ap.SidPrefix(w.name) + "researchers-read:"},
						grantsRemoved{addr: addr, attr: "minio_policies", key: groupPolicy, field: "policy",
							gone: w.data + "/oulad/raw/", kept: w.data + "/oulad/*"},
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				// Alice had only the deny: her canned policy is detached and
				// deleted, and the four others stay.
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("minio_policies"), knownvalue.MapSizeExact(4)),
				},
				Check: resource.ComposeTestCheckFunc(w.checkAccess(t, false), w.checkBucketPolicy(t, true), w.checkRemoved(t, w.alice)),
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     w.gov + "/" + w.name,
				ImportStateVerify: true,
			},
			{
				ResourceName:    addr,
				Config:          w.config(false),
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   w.gov + "/" + w.name,
			},
		},
	})
}

// An out-of-band change to a compiled MinIO policy or a detachment shows a
// diff, and apply repairs it.
func TestAccAccessPolicy_drift(t *testing.T) {
	needMinIO(t)
	w := newWorld()
	addr := "lakehouse_access_policy.test"
	groupPolicy := ap.MinIOPolicyName(w.name, "group", w.group)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: func() { w.setup(t) }, Config: w.config(true)},
			{
				PreConfig: func() {
					ctx := context.Background()
					wide := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]}]}`
					if err := admin(t).PutPolicy(ctx, groupPolicy, wide); err != nil {
						t.Fatal(err)
					}
					if err := admin(t).Detach(ctx, ap.MinIOPolicyName(w.name, "user", w.bob), "user", w.bob); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: w.config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: w.checkAccess(t, true),
			},
			{
				// C01: the same policy in another shape (reordered, scalars)
				// written by hand plans nothing.
				PreConfig: func() {
					ctx := context.Background()
					cur, err := admin(t).GetPolicy(ctx, groupPolicy)
					if err != nil {
						t.Fatal(err)
					}
					canon, err := policydoc.Canonical(cur)
					if err != nil {
						t.Fatal(err)
					}
					if err := admin(t).PutPolicy(ctx, groupPolicy, canon); err != nil {
						t.Fatal(err)
					}
				},
				Config:             w.config(true),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				// Our statements removed from the bucket policy by hand: the
				// plan puts them back, and the foreign statement stays.
				PreConfig: func() {
					merged, err := ap.MergeBucketPolicy(mustPolicy(t, w.data), w.name, "")
					if err != nil {
						t.Fatal(err)
					}
					if err := rootS3(t).SetBucketPolicy(context.Background(), w.data, merged); err != nil {
						t.Fatal(err)
					}
				},
				Config: w.config(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(w.checkBucketPolicy(t, true), w.checkAccess(t, true)),
			},
		},
	})
}

// Everything the policy compiled to deleted out of band: the next plan
// creates it again.
func TestAccAccessPolicy_disappears(t *testing.T) {
	needMinIO(t)
	w := newWorld()
	addr := "lakehouse_access_policy.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { w.setup(t) },
				Config:    w.config(true),
				Check: func(s *terraform.State) error {
					ctx := context.Background()
					rs := s.RootModule().Resources[addr]
					for k, v := range rs.Primary.Attributes {
						if name, ok := strings.CutSuffix(strings.TrimPrefix(k, "minio_policies."), ".principal"); ok && strings.HasPrefix(k, "minio_policies.") {
							typ := rs.Primary.Attributes["minio_policies."+name+".principal_type"]
							_ = admin(t).Detach(ctx, name, typ, v)
							if err := admin(t).DeletePolicy(ctx, name); err != nil {
								return err
							}
						}
					}
					merged, err := ap.MergeBucketPolicy(mustPolicy(t, w.data), w.name, "")
					if err != nil {
						return err
					}
					if err := rootS3(t).SetBucketPolicy(ctx, w.data, merged); err != nil {
						return err
					}

					return rootS3(t).RemoveObject(ctx, w.gov, rap.DocumentKey(w.name), minio.RemoveObjectOptions{})
				},
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

func mustPolicy(t *testing.T, bucket string) string {
	t.Helper()
	p, err := rootS3(t).GetBucketPolicy(context.Background(), bucket)
	if err != nil {
		t.Fatal(err)
	}

	return p
}

// Plan-time validation points at the attribute and needs no server.
func TestAccAccessPolicy_validation(t *testing.T) {
	// The faulty rule is the second, so the path must name it.
	base := `
resource "lakehouse_access_policy" "test" {
  name  = "v"
  rules = [
    { name = "ok", actions = ["read"], resources = [{ bucket = "b" }] },
    { name = "r", actions = ["read"], resources = [{ bucket = "ok" }, %s] %s },
  ]
}`
	cases := []struct{ res, extra, want string }{
		{`{ bucket = "b", table = "t" }`, "", `rules[1].resources[1]: set exactly one of bucket, table or dremio_dataset`},
		{`{ bucket = "b", prefix = "a/*" }`, "", `rules[1].resources[1].prefix: prefix "a/*" must be a literal key prefix`},
		{`{ bucket = "b" }`, `, source_ip_ranges = ["10.0.0.1"]`, `rules[1].source_ip_ranges: "10.0.0.1" is not a CIDR range`},
		{`{ bucket = "b" }`, `, not_before = "2026-01-01"`, `rules[1].not_before: "2026-01-01" is not an RFC 3339`},
		{`{ bucket = "b" }`, `, effect = "permit"`, `value must be one of`},
		{`{ bucket = "b" }`, `, conditions = [{ attribute = "role", operator = "equals", values = ["a", "b"] }]`, `rules[1].conditions[0].values: operator "equals" takes exactly one value`},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(base, c.res, c.extra), PlanOnly: true,
					// Terraform wraps long details at spaces.
					ExpectError: regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(c.want), " ", `\s+`)),
				}},
			})
		})
	}
}

// The identity-provider policy is accepted by a real MinIO (which refuses
// unknown condition keys), is attached to nobody, and plans nothing after
// apply. TestAccAccessPolicy_identityProviderTokens enforces it on tokens.
func TestAccAccessPolicy_identityProvider(t *testing.T) {
	needMinIO(t)
	name := acctest.RandomName()
	addr := "lakehouse_access_policy.test"
	idp := ap.IdPPolicyName(name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := admin(t).GetPolicy(context.Background(), idp); err == nil {
				return fmt.Errorf("%s still exists", idp)
			}

			return nil
		},
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "lakehouse_access_policy" "test" {
  name              = %[1]q
  identity_provider = {}
  rules = [
    {
      name      = "sso-researchers"
      subjects  = { groups = ["ou-researchers"], consent_scopes = ["survey"], claims = { email = ["a@ou.example"] } }
      actions   = ["read", "list"]
      resources = [{ bucket = "curated", prefix = "oulad/" }, { bucket = "curated", prefix = "pii/", require_consent = ["linkage"] }]
      conditions = [{ attribute = "aud", operator = "in", values = ["lakehouse"] }]
    },
    {
      name      = "by-role"
      subjects  = { roles = ["steward"] }
      actions   = ["write"]
      resources = [{ bucket = "curated" }]
    },
  ]
}
`, name),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("minio_policies").AtMapKey(idp).AtMapKey("principal_type"), knownvalue.StringExact("openid")),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				got, err := admin(t).GetPolicy(context.Background(), idp)
				if err != nil {
					return err
				}
				for _, want := range []string{"jwt:groups", "consent:survey", "consent:linkage", "jwt:email", "jwt:aud"} {
					if !strings.Contains(got, want) {
						return fmt.Errorf("stored policy lacks %s: %s", want, got)
					}
				}

				return nil
			},
		}},
	})
}

// C21 under parallel apply: eight policies on one bucket and one user,
// applied at once by Terraform, each keep their statements and their
// attachment.
func TestAccAccessPolicy_sharedBucket(t *testing.T) {
	needMinIO(t)
	w := newWorld()
	const n = 8
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { w.setup(t) },
			Config: fmt.Sprintf(`
resource "lakehouse_access_policy" "p" {
  count = %[3]d
  name  = "%[1]s-${count.index}"
  principals = [{ name = %[4]q, type = "user", s3_principal = "arn:aws:iam::000000000000:user/u${count.index}" }]
  rules = [{ name = "r", actions = ["read"], resources = [{ bucket = %[2]q, prefix = "p${count.index}/" }] }]
}
`, w.name, w.data, n, w.bob),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				got := mustPolicy(t, w.data)
				for i := range n {
					if !strings.Contains(got, ap.SidPrefix(fmt.Sprintf("%s-%d", w.name, i))) {
						return fmt.Errorf("policy %d lost its statements: %s", i, got)
					}
				}
				if !strings.Contains(got, foreignSid) {
					return fmt.Errorf("the foreign statement was lost: %s", got)
				}
				att, err := admin(t).Attached(context.Background(), "user", w.bob)
				if err != nil {
					return fmt.Errorf("bob's policies: %w", err)
				}
				if len(att) != n {
					return fmt.Errorf("bob has policies %v, want %d", att, n)
				}

				return nil
			},
		}},
	})
}

// grantsRemoved checks that a planned change shows a grant going away: the
// compiled document at attr[key] (or its field) holds gone before and not
// after, and holds kept on both sides.
type grantsRemoved struct {
	addr, attr, key, field string
	gone, kept             string
}

func (c grantsRemoved) doc(v any) string {
	m, _ := v.(map[string]any)
	byKey, _ := m[c.attr].(map[string]any)
	if c.field == "" {
		s, _ := byKey[c.key].(string)

		return s
	}
	obj, _ := byKey[c.key].(map[string]any)
	s, _ := obj[c.field].(string)

	return s
}

func (c grantsRemoved) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		before, after := c.doc(rc.Change.Before), c.doc(rc.Change.After)
		switch {
		case !strings.Contains(before, c.gone):
			resp.Error = fmt.Errorf("%s[%s] before the change lacks %q: %s", c.attr, c.key, c.gone, before)
		case strings.Contains(after, c.gone):
			resp.Error = fmt.Errorf("%s[%s] still plans %q: %s", c.attr, c.key, c.gone, after)
		case !strings.Contains(before, c.kept) || !strings.Contains(after, c.kept):
			resp.Error = fmt.Errorf("%s[%s] must keep %q on both sides:\nbefore %s\nafter  %s", c.attr, c.key, c.kept, before, after)
		}

		return
	}
	resp.Error = fmt.Errorf("no change planned for %s", c.addr)
}
