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
