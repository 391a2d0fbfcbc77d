terraform {
  required_version = ">= 1.11"
  required_providers {
    lakehouse = {
      source = "spanda-ai/lakehouse"
    }
  }
}

# Settings come from the environment (LAKEHOUSE_S3_*, LAKEHOUSE_CATALOG_*), as
# `make demo` sets them for a local MinIO and an embedded SQLite catalog. The
# same settings can be written here instead, for example:
#
#   provider "lakehouse" {
#     s3 {
#       endpoint   = "minio.internal:9000"
#       path_style = true
#     }
#     catalog {
#       type      = "sql"
#       uri       = "file:lakehouse-catalog.db"
#       warehouse = "s3://demo-warehouse/warehouse"
#     }
#   }
provider "lakehouse" {}
