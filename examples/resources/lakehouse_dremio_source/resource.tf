# MinIO bucket as a Dremio source. Endpoint and keys come from the
# provider's s3 block; `endpoint` is set because Dremio, in its container,
# reaches MinIO under another name than Terraform does.
resource "lakehouse_bucket" "curated" {
  bucket = "uni-example-curated"
}

resource "lakehouse_dremio_source" "lake" {
  name = "lake"

  s3 {
    buckets   = [lakehouse_bucket.curated.bucket]
    endpoint  = "http://minio:9000"
    root_path = "/"
  }

  metadata_policy {
    names_refresh         = "15m"
    dataset_refresh_after = "1h"
  }
}

# Iceberg tables through a Nessie catalog, data in the same MinIO.
resource "lakehouse_dremio_source" "nessie" {
  name = "nessie"

  nessie {
    endpoint              = "http://nessie:19120/api/v2"
    root_path             = "${lakehouse_bucket.curated.bucket}/warehouse"
    storage_endpoint      = "http://minio:9000"
    access_key            = "dremio-reader"
    access_secret         = var.dremio_reader_secret # write-only, never in state
    access_secret_version = 1                        # bump to send a rotated secret
  }
}

# An Iceberg REST catalog.
resource "lakehouse_dremio_source" "iceberg" {
  name = "iceberg"

  iceberg_rest {
    endpoint           = "http://catalog:8181"
    allowed_namespaces = ["oulad", "synthea"]
    properties = {
      warehouse                  = "s3://uni-example-curated/warehouse"
      "fs.s3a.endpoint"          = "minio:9000"
      "fs.s3a.path.style.access" = "true"
      "fs.s3a.access.key"        = "dremio-reader"
    }
    secret_properties = {
      "fs.s3a.secret.key" = var.dremio_reader_secret
    }
    secret_properties_version = 1
  }
}

# Any other source type: its config as JSON, secrets apart.
resource "lakehouse_dremio_source" "warehouse" {
  name = "warehouse"
  type = "POSTGRES"
  config = jsonencode({
    hostname           = "db.internal"
    port               = "5432"
    databaseName       = "wh"
    username           = "report_ro"
    authenticationType = "MASTER"
  })
  secret_config         = jsonencode({ password = var.warehouse_password })
  secret_config_version = 1
}

variable "dremio_reader_secret" {
  type      = string
  sensitive = true
}

variable "warehouse_password" {
  type      = string
  sensitive = true
}
