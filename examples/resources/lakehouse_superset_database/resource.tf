variable "warehouse_password" {
  type      = string
  sensitive = true
}

# A PostgreSQL reporting replica. The password is write-only: it never
# reaches the state, and Superset's masked copy (XXXXXXXXXX) is never read
# back. Bump password_version to send a rotated password.
resource "lakehouse_superset_database" "warehouse" {
  database_name = "Research warehouse"
  uri_parts = {
    driver   = "postgresql+psycopg2"
    host     = "db.internal.example.edu"
    port     = 5432
    username = "report_ro"
    database = "warehouse"
    query    = { sslmode = "require" }
  }
  password         = var.warehouse_password
  password_version = "2025-09"

  expose_in_sqllab = true
  allow_dml        = false
  extra = jsonencode({
    metadata_params = {}
    engine_params   = { connect_args = { application_name = "superset" } }
  })
}

# The lakehouse's Dremio, reached over Arrow Flight with the credentials of
# the provider's dremio block (Superset needs the sqlalchemy-dremio package).
resource "lakehouse_superset_database" "dremio" {
  database_name = "Lakehouse (Dremio)"
  dremio = {
    port           = 32010
    use_encryption = false
  }
}

# Or give the URI whole, without its password.
resource "lakehouse_superset_database" "trino" {
  database_name  = "Trino"
  sqlalchemy_uri = "trino://superset@trino.internal.example.edu:8080/iceberg"
}

variable "bastion_private_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

# A student-information database reachable only through a bastion host
# (Superset's SSH_TUNNELING feature flag must be on, and the URI must name
# the database port). The key is write-only like the password: bump
# ssh_tunnel_secrets_version to send a rotated key. Removing ssh_tunnel
# removes the tunnel in Superset.
resource "lakehouse_superset_database" "registrar" {
  database_name  = "Registrar (via bastion)"
  sqlalchemy_uri = "postgresql+psycopg2://report_ro@sis-db.internal.example.edu:5432/sis"
  password       = var.warehouse_password
  ssh_tunnel = {
    server_address = "bastion.example.edu"
    server_port    = 22
    username       = "superset"
    private_key    = var.bastion_private_key
  }
  ssh_tunnel_secrets_version = "2025-09"
}

variable "bigquery_service_account_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

# BigQuery with its service account in encrypted_extra ("Secure Extra"):
# Superset shows the key only masked, so it is write-only too, sent again
# when encrypted_extra_version changes.
resource "lakehouse_superset_database" "bigquery" {
  database_name  = "Open data (BigQuery)"
  sqlalchemy_uri = "bigquery://edu-open-data"
  encrypted_extra = jsonencode({
    credentials_info = {
      type         = "service_account"
      project_id   = "edu-open-data"
      client_email = "superset@edu-open-data.iam.gserviceaccount.com"
      private_key  = var.bigquery_service_account_key
    }
  })
  encrypted_extra_version = "1"
}
