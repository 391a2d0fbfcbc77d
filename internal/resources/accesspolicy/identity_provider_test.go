package accesspolicy_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	ap "github.com/spanda-ai/terraform-provider-lakehouse/internal/accesspolicy"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
)

// ssoUser is the claims an identity provider puts in one person's token.
// institution and purpose are custom claims MinIO cannot evaluate.
type ssoUser struct {
	sub, username, email string
	groups               []string // nil: no groups claim at all
	institution, purpose string
	consent              string // a consent scope sent as a custom claim, not as a group
	role                 bool   // signs in through the role client: no policy claim
}

func (u ssoUser) claims(policy string) map[string]any {
	c := map[string]any{"sub": u.sub, "preferred_username": u.username, "email": u.email, oidcPolicyClaim: policy}
	if u.role {
		c["aud"] = oidcRoleClientID
		delete(c, oidcPolicyClaim)
	}
	if u.groups != nil {
		c["groups"] = u.groups
	}
	for k, v := range map[string]string{"institution": u.institution, "purpose": u.purpose, "consent": u.consent} {
		if v != "" {
			c[k] = v
		}
	}

	return c
}

// attributes are the same person's attributes as lakehouse_access_decision
// takes them: every claim, and the consent scopes the groups carry.
func (u ssoUser) attributes() map[string][]string {
	a := map[string][]string{"preferred_username": {u.username}, "email": {u.email}}
	if len(u.groups) > 0 {
		a[ap.AttrGroups] = u.groups
	}
	for _, g := range u.groups {
		if scope, ok := strings.CutPrefix(g, "consent:"); ok {
			a[ap.AttrConsent] = append(a[ap.AttrConsent], scope)
		}
	}
	if u.institution != "" {
		a[ap.AttrInstitution] = []string{u.institution}
	}
	if u.purpose != "" {
		a[ap.AttrPurpose] = []string{u.purpose}
	}
	if u.consent != "" {
		a[ap.AttrConsent] = append(a[ap.AttrConsent], u.consent)
	}

	return a
}

// ssoCase is one request by one person, the answer MinIO must give, and
// whether the evaluator agrees. failClosed marks a rule the token cannot
// carry to MinIO: MinIO denies what the evaluator allows, never the other
// way round.
type ssoCase struct {
	user       string
	action     ap.Action
	key        string
	allowed    bool
	failClosed bool
}

var ssoUsers = map[string]ssoUser{
	// Consented researcher on the agreement's list.
	"alice": {sub: "u-alice", username: "alice", email: "alice@ou.example", institution: "ou", purpose: "research",
		groups: []string{"ou-researchers", "consent:linkage", "consent:survey"}},
	// Researcher without consent.
	"bob": {sub: "u-bob", username: "bob", email: "bob@ou.example", groups: []string{"ou-researchers"}},
	// Consented researcher whose e-mail is not on the agreement's list.
	"pat": {sub: "u-pat", username: "pat", email: "pat@elsewhere.example", groups: []string{"ou-researchers", "consent:linkage"}},
	// Curator on the list, and one who is not.
	"cora": {sub: "u-cora", username: "cora", email: "cora@ou.example", groups: []string{"ou-curators"}},
	"eve":  {sub: "u-eve", username: "eve", email: "eve@elsewhere.example", groups: []string{"ou-curators"}},
	// Researcher in the suspended group.
	"sam": {sub: "u-sam", username: "sam", email: "sam@ou.example", groups: []string{"ou-researchers", "suspended", "consent:linkage"}},
	// No groups claim; only the custom institution claim would select him.
	"dan": {sub: "u-dan", username: "dan", email: "dan@ou.example", institution: "ou"},
	// Listed researcher whose consent comes as a custom claim.
	"carl": {sub: "u-carl", username: "carl", email: "carl@ou.example", groups: []string{"ou-researchers"}, consent: "linkage"},
	// Researcher signed in through the role client.
	"rita": {sub: "u-rita", username: "rita", email: "rita@ou.example", groups: []string{"ou-researchers", "consent:linkage"}, role: true},
}

var ssoCases = []ssoCase{
	{user: "alice", action: ap.Read, key: "oulad/a.csv", allowed: true},
	{user: "alice", action: ap.List, key: "oulad/", allowed: true},
	{user: "alice", action: ap.Write, key: "oulad/new.csv"},
	{user: "alice", action: ap.Read, key: "pii/ids.csv", allowed: true},
	{user: "alice", action: ap.Read, key: "linked/l.csv", allowed: true},
	{user: "alice", action: ap.Write, key: "scratch/alice/new.txt", allowed: true},
	{user: "alice", action: ap.Write, key: "scratch/bob/new.txt"},
	{user: "alice", action: ap.List, key: "scratch/alice/", allowed: true},
	{user: "alice", action: ap.List, key: "scratch/bob/"},
	{user: "bob", action: ap.Read, key: "oulad/a.csv", allowed: true},
	{user: "bob", action: ap.Read, key: "pii/ids.csv"},  // consent missing
	{user: "bob", action: ap.Read, key: "linked/l.csv"}, // consent in the selector missing
	{user: "bob", action: ap.Write, key: "scratch/bob/new.txt", allowed: true},
	{user: "pat", action: ap.Read, key: "oulad/a.csv", allowed: true},
	{user: "pat", action: ap.Read, key: "pii/ids.csv"}, // denied on the email claim
	{user: "cora", action: ap.Write, key: "oulad/cora.csv", allowed: true},
	{user: "eve", action: ap.Write, key: "oulad/eve.csv"},
	{user: "sam", action: ap.Read, key: "oulad/a.csv"}, // denied on the group
	{user: "sam", action: ap.List, key: "oulad/"},
	{user: "dan", action: ap.Read, key: "oulad/a.csv"},
	// An allow on institution is left out of the token policy.
	{user: "dan", action: ap.Read, key: "shared/s.csv", failClosed: true},
	// A deny on purpose binds every token on its resource.
	{user: "alice", action: ap.Read, key: "survey/q.csv", failClosed: true},
	// Consent counts only as a group.
	{user: "carl", action: ap.Read, key: "oulad/a.csv", allowed: true},
	{user: "carl", action: ap.Read, key: "pii/ids.csv", failClosed: true},
	{user: "rita", action: ap.Read, key: "oulad/a.csv", allowed: true},
	{user: "rita", action: ap.Write, key: "scratch/rita/new.txt", allowed: true},
	{user: "rita", action: ap.Write, key: "oulad/rita.csv"},
	{user: "rita", action: ap.Read, key: "pii/ids.csv"}, // not on the list
}

// After the deny on the suspended group is removed, the same person's
// next requests are allowed: MinIO reads the canned policy per request.
var ssoCasesUnsuspended = []ssoCase{
	{user: "sam", action: ap.Read, key: "oulad/a.csv", allowed: true},
	{user: "sam", action: ap.List, key: "oulad/", allowed: true},
	{user: "sam", action: ap.Read, key: "pii/ids.csv", allowed: true},
	{user: "bob", action: ap.Read, key: "pii/ids.csv"},
}

func ssoConfig(name, bucket string, suspended bool, cases []ssoCase) string {
	deny := ""
	if suspended {
		deny = fmt.Sprintf(`{
      name      = "suspended"
      effect    = "deny"
      subjects  = { groups = ["suspended"] }
      actions   = ["read", "write", "list", "manage"]
      resources = [{ bucket = %q }]
    },`, bucket)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `
resource "lakehouse_access_policy" "test" {
  name              = %[1]q
  identity_provider = {}
  rules = [
    {
      name      = "researchers-read"
      subjects  = { groups = ["ou-researchers"] }
      actions   = ["read", "list"]
      resources = [{ bucket = %[2]q, prefix = "oulad/" }, { bucket = %[2]q, prefix = "pii/", require_consent = ["linkage"] }, { bucket = %[2]q, prefix = "survey/" }]
    },
    {
      name       = "pii-listed-only"
      effect     = "deny"
      actions    = ["read", "list"]
      resources  = [{ bucket = %[2]q, prefix = "pii/" }]
      conditions = [{ attribute = "email", operator = "not_in", values = ["alice@ou.example", "bob@ou.example", "sam@ou.example", "carl@ou.example"] }]
    },
    {
      name      = "linked-read"
      subjects  = { groups = ["ou-researchers"], consent_scopes = ["survey"] }
      actions   = ["read"]
      resources = [{ bucket = %[2]q, prefix = "linked/" }]
    },
    {
      name      = "own-scratch"
      subjects  = { groups = ["ou-researchers"] }
      actions   = ["read", "write", "list"]
      resources = [{ bucket = %[2]q, prefix = "scratch/$${jwt:preferred_username}/" }]
    },
    {
      name       = "curators-write"
      subjects   = { groups = ["ou-curators"] }
      conditions = [{ attribute = "email", operator = "in", values = ["cora@ou.example"] }]
      actions    = ["write"]
      resources  = [{ bucket = %[2]q, prefix = "oulad/" }]
    },
    %[3]s
    {
      name      = "by-institution"
      subjects  = { institutions = ["ou"] }
      actions   = ["read"]
      resources = [{ bucket = %[2]q, prefix = "shared/" }]
    },
    {
      name      = "no-marketing"
      effect    = "deny"
      subjects  = { purposes = ["marketing"] }
      actions   = ["read"]
      resources = [{ bucket = %[2]q, prefix = "survey/" }]
    },
  ]
}
`, name, bucket, deny)
	for i, c := range cases {
		fmt.Fprintf(&b, `
data "lakehouse_access_decision" "c%d" {
  policy_documents = [lakehouse_access_policy.test.document]
  subject          = { attributes = %s }
  action           = %q
  resource         = { bucket = %q, key = %q }
}
`, i, hclAttributes(ssoUsers[c.user].attributes()), c.action, bucket, c.key)
	}

	return b.String()
}

func hclAttributes(a map[string][]string) string {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		vals := make([]string, len(a[k]))
		for j, v := range a[k] {
			vals[j] = fmt.Sprintf("%q", v)
		}
		parts[i] = fmt.Sprintf("%q = [%s]", k, strings.Join(vals, ", "))
	}

	return "{ " + strings.Join(parts, ", ") + " }"
}

// The identity-provider policy, enforced by a real MinIO on real tokens:
// an in-process OpenID issuer signs each person's ID token, MinIO's STS
// exchanges it (AssumeRoleWithWebIdentity) for temporary credentials, and
// S3 calls with those credentials get exactly what
// lakehouse_access_decision says for the same attributes, except where a
// rule selects on a claim MinIO cannot read, where MinIO denies.
func TestAccAccessPolicy_identityProviderTokens(t *testing.T) {
	needMinIO(t)
	// The role client's policy is named in MinIO's configuration.
	name := ssoRolePolicy
	bucket := acctest.RandomName() + "-sso"
	policy := ap.IdPPolicyName(name)
	sessions := map[string]*minio.Client{}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := admin(t).GetPolicy(context.Background(), policy); err == nil {
				return fmt.Errorf("%s still exists", policy)
			}

			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() { ssoSetup(t, bucket) },
				Config:    ssoConfig(name, bucket, true, ssoCases),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error { return checkSSO(s, sessions, policy, bucket, ssoCases) },
					func(*terraform.State) error { return checkRefusedTokens(policy) },
				),
			},
			{
				// The sessions of step 1 are reused: an update reaches
				// people who are already signed in.
				Config: ssoConfig(name, bucket, false, ssoCasesUnsuspended),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("lakehouse_access_policy.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(s *terraform.State) error { return checkSSO(s, sessions, policy, bucket, ssoCasesUnsuspended) },
			},
		},
	})
}

func ssoSetup(t *testing.T, bucket string) {
	t.Helper()
	ctx := context.Background()
	s3 := rootS3(t)
	if err := s3.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"oulad/a.csv", "pii/ids.csv", "linked/l.csv", "shared/s.csv", "survey/q.csv"} {
		if err := canWrite(ctx, s3, bucket, k); err != nil {
			t.Fatal(err)
		}
	}
}

// checkSSO makes each request as its person, signing in once per person
// (sessions keeps the clients), and compares MinIO's answer and the
// decision data source's with the case.
func checkSSO(s *terraform.State, sessions map[string]*minio.Client, policy, bucket string, cases []ssoCase) error {
	ctx := context.Background()
	var errs []string
	for i, c := range cases {
		decision := s.RootModule().Resources[fmt.Sprintf("data.lakehouse_access_decision.c%d", i)]
		if decision == nil {
			return fmt.Errorf("case %d: no decision in state", i)
		}
		what := fmt.Sprintf("%s %s %s", c.user, c.action, c.key)
		if got, want := decision.Primary.Attributes["allowed"], fmt.Sprint(c.allowed != c.failClosed); got != want {
			errs = append(errs, fmt.Sprintf("%s: lakehouse_access_decision allowed=%s, want %s (%s)", what, got, want, decision.Primary.Attributes["reason"]))
		}
		cl, ok := sessions[c.user]
		if !ok {
			var err error
			if cl, err = ssoClient(ssoUsers[c.user].claims(policy), ssoUsers[c.user].role); err != nil {
				return fmt.Errorf("%s: %w", c.user, err)
			}
			sessions[c.user] = cl
		}
		var err error
		switch c.action {
		case ap.Read:
			err = canRead(ctx, cl, bucket, c.key)
		case ap.Write:
			err = canWrite(ctx, cl, bucket, c.key)
		case ap.List:
			err = canList(ctx, cl, bucket, c.key)
		}
		if err := expect("MinIO: "+what, err, c.allowed); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d requests wrong:\n%s", len(errs), len(cases), strings.Join(errs, "\n"))
	}

	return nil
}

// checkRefusedTokens: MinIO takes only tokens issued to its client ID
// (aud) and naming their subject, so the identity provider's client that
// signs people in must be the one MinIO is set up with.
func checkRefusedTokens(policy string) error {
	for what, change := range map[string]func(map[string]any){
		"for another client": func(c map[string]any) { c["aud"] = "another-client" },
		"without sub":        func(c map[string]any) { delete(c, "sub") },
	} {
		claims := ssoUsers["alice"].claims(policy)
		change(claims)
		if _, err := ssoClient(claims, false); err == nil {
			return fmt.Errorf("a token %s: want refused, got credentials", what)
		}
	}

	return nil
}

// ssoClient signs in as a person: it mints the ID token, exchanges it at
// MinIO's STS (asking for the role client's role when role is set) and
// returns an S3 client with the temporary credentials.
func ssoClient(claims map[string]any, role bool) (*minio.Client, error) {
	token, err := issuer.Token(claims)
	if err != nil {
		return nil, err
	}
	creds, err := credentials.NewSTSWebIdentity("http://"+server.Endpoint, func() (*credentials.WebIdentityToken, error) {
		return &credentials.WebIdentityToken{Token: token}, nil
	}, func(s *credentials.STSWebIdentity) {
		if role {
			s.RoleARN = oidcRoleARN()
		}
	})
	if err != nil {
		return nil, err
	}
	// Exchange now, so a refused token fails here with MinIO's reason.
	if _, err := creds.GetWithContext(&credentials.CredContext{Client: http.DefaultClient, Context: context.Background()}); err != nil {
		return nil, fmt.Errorf("AssumeRoleWithWebIdentity: %w", err)
	}

	return minio.New(server.Endpoint, &minio.Options{Creds: creds, Region: "us-east-1"})
}

// The claims the compiler tests are exactly those the pinned MinIO takes
// as condition keys: it stores a policy on each, and refuses one on a
// custom claim, which is why rules on custom claims fail closed.
func TestAccAccessPolicy_identityProviderClaimKeys(t *testing.T) {
	needMinIO(t)
	ctx := context.Background()
	a := admin(t)
	name := acctest.RandomName()
	doc := func(claim string) string {
		return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],`+
			`"Resource":["arn:aws:s3:::%s/*"],"Condition":{"ForAnyValue:StringEquals":{"jwt:%s":["x"]}}}]}`, name, claim)
	}
	t.Cleanup(func() { _ = a.DeletePolicy(ctx, name) })
	for _, claim := range ap.TokenClaims() {
		if err := a.PutPolicy(ctx, name, doc(claim)); err != nil {
			t.Errorf("jwt:%s: MinIO refuses it: %v", claim, err)
		}
	}
	for _, claim := range []string{ap.AttrInstitution, ap.AttrPurpose, ap.AttrConsent} {
		if err := a.PutPolicy(ctx, name, doc(claim)); err == nil {
			t.Errorf("jwt:%s: MinIO takes it, so the compiler could enforce it instead of failing closed", claim)
		}
	}
}

// The documentation lists exactly the claims the compiler can test.
func TestAccessPolicyDoc_tokenClaims(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "templates", "resources", "access_policy.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "standard claims MinIO knows:")
	list, _, ok2 := strings.Cut(rest, ". A prefix")
	if !ok || !ok2 {
		t.Fatal("the template has no list of standard claims")
	}
	var got []string
	for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(list, -1) {
		got = append(got, m[1])
	}
	if want := ap.TokenClaims(); !slices.Equal(got, want) {
		t.Errorf("documented claims %v, want %v", got, want)
	}
}
