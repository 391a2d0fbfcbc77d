package reliability_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/spanda-ai/terraform-provider-lakehouse/internal/acctest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/catalog/catalogtest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/datacite/datacitetest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/dremio/dremiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/labelstudio/labelstudiotest"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/provider"
	"github.com/spanda-ai/terraform-provider-lakehouse/internal/superset/supersettest"
)

// Every secret a configuration can hold, each with a distinctive value.
var secrets = map[string]string{
	"provider s3.secret_key":            "", // MinIO's own root secret, set below
	"provider dremio.token":             "SEKRET-dremio-pat-7f3a9c1e",
	"provider superset.password":        "SEKRET-superset-pw-2b8d4e6f",
	"provider labelstudio.api_key":      "SEKRET-ls-apikey-9e1c3a5b",
	"provider datacite.password":        "SEKRET-datacite-pw-4d6f8a0c",
	"provider catalog.credential":       "SEKRET-catalog-client-6b7c8d9e",
	"provider catalog.headers":          "SEKRET-catalog-header-0f1e2d3c",
	"catalog OAuth2 access token":       "SEKRET-catalog-issued-5a4b3c2d", // issued by the catalog, never configured
	"dremio_source s3.access_secret":    "SEKRET-dremio-s3-1a2b3c4d",
	"dremio_source secret_config":       "SEKRET-dremio-pg-5e6f7a8b",
	"superset_database password":        "SEKRET-superset-db-9c0d1e2f",
	"superset_database ssh private_key": "SEKRET-superset-sshkey-8a7b6c5d",
	"superset_database ssh passphrase":  "SEKRET-superset-sshpass-4e3f2a1b",
	"superset_database encrypted_extra": "SEKRET-superset-encextra-0d9c8b7a",
	"labelstudio_storage aws_secret":    "SEKRET-ls-s3-3a4b5c6d",
	"labelstudio_storage session_token": "SEKRET-ls-session-7e8f9a0b",
	"labelstudio_webhook headers":       "SEKRET-hook-bearer-1c2d3e4f",
}

// storedByDesign are secrets the provider keeps in the state on purpose
// (Sensitive, not write-only), so a changed value on the server shows as
// drift; Terraform's JSON output shows sensitive values in clear. They must
// still never reach a log.
var storedByDesign = map[string]bool{"labelstudio_webhook headers": true}

// Applying every resource type of the provider (each resource that takes a
// secret with one), with the provider-level secrets of every backend set
// (the Iceberg catalog is a REST catalog with OAuth2 client credentials and
// a secret header), writes none of them to the state file, the JSON of the
// saved plan or the TF_LOG=trace log of terraform and the provider (which
// runs as its own process, so its logs are all there).
func TestReliability_secretsNeverLeak(t *testing.T) {
	requireAcc(t)
	secrets["provider s3.secret_key"] = minioServer.SecretKey
	prefix := acctest.RandomName()

	dremio := dremiotest.New()
	t.Cleanup(dremio.Close)
	dremio.AddPAT(secrets["provider dremio.token"])
	superset := supersettest.New(t, supersettest.Options{Password: secrets["provider superset.password"], SSHTunneling: true})
	ls := labelstudiotest.New()
	t.Cleanup(ls.Close)
	ls.APIKey = secrets["provider labelstudio.api_key"]
	ls.CheckBucket = func(labelstudiotest.BucketConnection) error { return nil }
	dc := datacitetest.New("DEMO.UNI", secrets["provider datacite.password"], "10.5072")
	t.Cleanup(dc.Close)
	superset.AddTable("oulad", "student_info",
		supersettest.Column{Name: "id_student", Type: "BIGINT"}, supersettest.Column{Name: "final_result", Type: "VARCHAR"})
	catDir := t.TempDir()
	cat, err := catalogtest.Start(catDir, "file://"+catDir+"/warehouse", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cat.Close)
	cat.ClientID, cat.ClientSecret = "lakehouse", secrets["provider catalog.credential"]
	cat.Token = secrets["catalog OAuth2 access token"]
	cat.Headers = map[string]string{"X-Tenant": secrets["provider catalog.headers"]}

	// Secrets come in as ephemeral variables (Terraform 1.10+), as a careful
	// user passes them: Terraform then stores them nowhere itself, so any
	// copy found is the provider's. The webhook headers are not write-only,
	// so their variable is only sensitive.
	vars := map[string]string{
		"s3_secret_key": "provider s3.secret_key", "dremio_token": "provider dremio.token",
		"superset_password": "provider superset.password", "ls_api_key": "provider labelstudio.api_key",
		"datacite_password": "provider datacite.password", "dremio_s3_secret": "dremio_source s3.access_secret",
		"dremio_pg_password": "dremio_source secret_config", "superset_db_password": "superset_database password",
		"superset_ssh_key": "superset_database ssh private_key", "superset_ssh_pass": "superset_database ssh passphrase",
		"ls_s3_secret": "labelstudio_storage aws_secret", "ls_session_token": "labelstudio_storage session_token",
		"hook_token": "labelstudio_webhook headers", "catalog_client_secret": "provider catalog.credential",
		"catalog_header": "provider catalog.headers", "superset_extra": "superset_database encrypted_extra",
	}
	var decl strings.Builder
	env := []string{"TF_LOG=trace"}
	for v, name := range vars {
		kind := "ephemeral = true"
		if storedByDesign[name] {
			kind = "sensitive = true"
		}
		fmt.Fprintf(&decl, "variable %q {\n  type = string\n  %s\n}\n", v, kind)
		env = append(env, "TF_VAR_"+v+"="+secrets[name])
	}
	cfg := decl.String() + fmt.Sprintf(`
provider "lakehouse" {
  s3 {
    endpoint   = %[1]q
    access_key = %[2]q
    secret_key = var.s3_secret_key
    use_ssl    = false
    path_style = true
  }
  dremio {
    endpoint = %[3]q
    token    = var.dremio_token
  }
  superset {
    endpoint = %[4]q
    username = "admin"
    password = var.superset_password
  }
  labelstudio {
    endpoint = %[5]q
    api_key  = var.ls_api_key
  }
  datacite {
    endpoint      = %[6]q
    repository_id = "DEMO.UNI"
    password      = var.datacite_password
    prefix        = "10.5072"
  }
  catalog {
    type       = "rest"
    uri        = %[9]q
    credential = "lakehouse:${var.catalog_client_secret}"
    headers    = { X-Tenant = var.catalog_header }
  }
}

resource "lakehouse_bucket" "raw" {
  bucket        = "%[7]s-raw"
  force_destroy = true
}

resource "lakehouse_object" "doc" {
  bucket  = lakehouse_bucket.raw.bucket
  key     = "readme.txt"
  content = "hello"
}

resource "lakehouse_dremio_source" "lake" {
  name = "lake"
  s3 {
    buckets               = [lakehouse_bucket.raw.bucket]
    access_key            = "dremio-reader"
    access_secret         = var.dremio_s3_secret
    access_secret_version = 1
  }
}

resource "lakehouse_dremio_source" "pg" {
  name = "warehouse"
  type = "POSTGRES"
  config = jsonencode({
    hostname     = "db.internal"
    port         = "5432"
    databaseName = "wh"
    username     = "dremio"
    authenticationType = "MASTER"
  })
  secret_config         = jsonencode({ password = var.dremio_pg_password })
  secret_config_version = 1
}

resource "lakehouse_superset_database" "db" {
  database_name    = "warehouse"
  sqlalchemy_uri   = "postgresql+psycopg2://report_ro@db.internal:5432/wh"
  password         = var.superset_db_password
  password_version = "1"
  ssh_tunnel = {
    server_address       = "bastion.internal"
    username             = "tunnel"
    private_key          = var.superset_ssh_key
    private_key_password = var.superset_ssh_pass
  }
  encrypted_extra = jsonencode({ token = var.superset_extra })
}

resource "lakehouse_labelstudio_project" "p" {
  title        = "secrets"
  label_config = %[8]q
}

resource "lakehouse_labelstudio_storage" "st" {
  project_id            = lakehouse_labelstudio_project.p.id
  direction             = "import"
  bucket                = lakehouse_bucket.raw.bucket
  s3_endpoint           = "http://minio.internal:9000"
  aws_access_key_id     = "labelstudio"
  aws_secret_access_key = var.ls_s3_secret
  aws_session_token     = var.ls_session_token
  credentials_version   = 1
}

resource "lakehouse_labelstudio_webhook" "w" {
  project_id = lakehouse_labelstudio_project.p.id
  url        = "https://pipeline.example.edu/hooks/secrets"
  headers    = { Authorization = "Bearer ${var.hook_token}" }
}

# The resource types that take no secret of their own still run with every
# provider secret in play.
resource "lakehouse_bucket_policy" "raw" {
  bucket = lakehouse_bucket.raw.bucket
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::${lakehouse_bucket.raw.bucket}/public/*" }]
  })
}

resource "lakehouse_iceberg_namespace" "ns" {
  name = ["secrets"]
}

resource "lakehouse_iceberg_table" "t" {
  namespace = lakehouse_iceberg_namespace.ns.name
  name      = "students"
  schema = [
    { name = "id_student", type = "long", required = true },
    { name = "final_result", type = "string" },
  ]
}

resource "lakehouse_submission_schema" "s" {
  bucket = lakehouse_bucket.raw.bucket
  name   = "roster"
  tables = { roster = { file_name = "roster.csv", columns = [{ name = "id_student", type = "integer" }] } }
}

resource "lakehouse_deid_policy" "d" {
  bucket  = lakehouse_bucket.raw.bucket
  name    = "students"
  key_env = "LAKEHOUSE_DEID_KEY"
  columns = { id_student = { action = "pseudonymise" } }
}

resource "lakehouse_expectation_suite" "e" {
  bucket = lakehouse_bucket.raw.bucket
  name   = "students"
  expectations = [{
    type   = "expect_column_values_to_not_be_null"
    kwargs = jsonencode({ column = "id_student" })
  }]
}

resource "lakehouse_dremio_space" "sp" {
  name = "secrets"
}

resource "lakehouse_dremio_folder" "f" {
  path = [lakehouse_dremio_space.sp.name, "curated"]
}

resource "lakehouse_dremio_view" "v" {
  path = [lakehouse_dremio_space.sp.name, "one"]
  sql  = "select 1 as one"
}

resource "lakehouse_access_policy" "ap" {
  name              = "%[7]s-ap"
  identity_provider = {}
  rules = [{
    name      = "researchers-read"
    subjects  = { roles = ["researcher"] }
    actions   = ["read"]
    resources = [{ bucket = lakehouse_bucket.raw.bucket, prefix = "curated/" }]
  }]
}

resource "lakehouse_superset_dataset" "ds" {
  database_id = lakehouse_superset_database.db.id
  schema      = "oulad"
  table_name  = "student_info"
}

resource "lakehouse_superset_chart" "c" {
  slice_name = "Outcomes"
  viz_type   = "table"
  dataset_id = lakehouse_superset_dataset.ds.id
  params     = jsonencode({ viz_type = "table", metrics = ["count"], groupby = ["final_result"] })
}

resource "lakehouse_superset_dashboard" "dash" {
  dashboard_title = "Secrets"
  slug            = "secrets"
  charts          = [lakehouse_superset_chart.c.id]
}

resource "lakehouse_dataset" "rec" {
  bucket           = lakehouse_bucket.raw.bucket
  dataset_id       = "secrets-2026"
  title            = "Secret hygiene"
  description      = "A record whose draft DOI is minted with the DataCite password."
  creators         = [{ name = "Carberry, Josiah" }]
  publisher        = "Example University"
  publication_year = 2026
  license          = "CC0-1.0"
  landing_url      = "https://data.example.edu/datasets/secrets-2026"
  doi              = { state = "draft" }
}
`, minioServer.Endpoint, minioServer.AccessKey, dremio.URL, superset.URL, ls.URL, dc.URL, prefix, labelConfig, cat.URL)
	w := newWorkspace(t, cfg)
	logPath := filepath.Join(t.TempDir(), "trace.log")
	trace := append(env, "TF_LOG_PATH="+logPath)

	run := func(args ...string) string {
		t.Helper()
		out, errb, err := w.tf(3*time.Minute, trace, args...)
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s\n%s", strings.Join(args, " "), err, tail(out, 3000), tail(errb, 3000))
		}

		return out + errb
	}
	run("plan", "-no-color", "-out=tfplan")
	planJSON := run("show", "-json", "tfplan")
	output := run("apply", "-no-color", "tfplan")
	// A refresh and a second plan exercise Read with every secret in play.
	output += run("plan", "-no-color", "-out=tfplan2")
	plan2JSON := run("show", "-json", "tfplan2")
	stateJSON := run("show", "-json")
	stateFile, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	logText, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(logText) < 100_000 || !strings.Contains(string(logText), "lakehouse") {
		t.Fatalf("the trace log (%d bytes) does not look like a full trace", len(logText))
	}
	// Every resource type of the provider is in the state.
	st := w.state()
	for _, typ := range resourceTypes(t) {
		found := false
		for addr := range st {
			found = found || strings.HasPrefix(addr, typ+".")
		}
		if !found {
			t.Errorf("%s is not applied by this test; add it", typ)
		}
	}
	// The secrets really were used: each backend got its own.
	id := func(addr string) int64 {
		n, err := strconv.ParseInt(fmt.Sprint(st[addr]["id"]), 10, 64)
		if err != nil {
			t.Fatalf("%s id: %v", addr, err)
		}

		return n
	}
	if got := ls.StorageCredentials("import", id("lakehouse_labelstudio_storage.st")); got.SecretAccessKey != secrets["labelstudio_storage aws_secret"] ||
		got.SessionToken != secrets["labelstudio_storage session_token"] {
		t.Errorf("Label Studio storage got %+v", got)
	}
	if got := superset.StoredPassword(id("lakehouse_superset_database.db")); got != secrets["superset_database password"] {
		t.Errorf("Superset stored password %q", got)
	}
	if tun := superset.StoredTunnel(id("lakehouse_superset_database.db")); tun == nil || tun.PrivateKey == nil || tun.PrivateKeyPassword == nil ||
		*tun.PrivateKey != secrets["superset_database ssh private_key"] || *tun.PrivateKeyPassword != secrets["superset_database ssh passphrase"] {
		t.Errorf("Superset stored tunnel %+v", tun)
	}
	if got := superset.StoredEncryptedExtra(id("lakehouse_superset_database.db")); !strings.Contains(got, secrets["superset_database encrypted_extra"]) {
		t.Errorf("Superset stored encrypted_extra %q", got)
	}
	if e := dremio.Entity("lake"); e == nil || !strings.Contains(fmt.Sprint(e), secrets["dremio_source s3.access_secret"]) {
		t.Errorf("Dremio source lake lacks its secret: %v", e)
	}
	if e := dremio.Entity("warehouse"); e == nil || !strings.Contains(fmt.Sprint(e), secrets["dremio_source secret_config"]) {
		t.Errorf("Dremio source warehouse lacks its secret: %v", e)
	}
	if cat.Tokens.Load() == 0 {
		t.Error("the REST catalog issued no OAuth2 token: the client credentials were never used")
	}
	if doi, _ := st["lakehouse_dataset.rec"]["doi"].(map[string]any); doi == nil || dc.State(fmt.Sprint(doi["id"])) != "draft" {
		t.Errorf("DataCite holds no draft DOI for the record: %v", st["lakehouse_dataset.rec"]["doi"])
	}

	places := map[string]string{
		"state file": string(stateFile), "terraform show -json (state)": stateJSON,
		"plan JSON": planJSON, "second plan JSON": plan2JSON,
		"terraform output": output, "TF_LOG=trace log": string(logText),
	}
	for name, secret := range secrets {
		for where, text := range places {
			if !strings.Contains(text, secret) {
				continue
			}
			if storedByDesign[name] && where != "TF_LOG=trace log" && where != "terraform output" {
				t.Logf("known: %s is in the %s (stored on purpose, Sensitive)", name, where)

				continue
			}
			i := strings.Index(text, secret)
			t.Errorf("%s leaked into the %s: ...%s...", name, where, text[max(0, i-300):min(len(text), i+len(secret)+80)])
		}
	}
	t.Logf("checked %d secrets in %d places; trace log %d bytes", len(secrets), len(places), len(logText))
}

// resourceTypes lists every resource type the provider serves.
func resourceTypes(t *testing.T) []string {
	t.Helper()
	ctx := context.Background()
	var types []string
	for _, newResource := range provider.New("test")().Resources(ctx) {
		var resp fwresource.MetadataResponse
		newResource().Metadata(ctx, fwresource.MetadataRequest{ProviderTypeName: "lakehouse"}, &resp)
		types = append(types, resp.TypeName)
	}
	if len(types) < 20 {
		t.Fatalf("only %d resource types: %v", len(types), types)
	}

	return types
}
