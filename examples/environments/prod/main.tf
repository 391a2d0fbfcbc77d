# The prod environment: the same modules as dev, with explicit connection
# settings, retry policy and no force_destroy. Secrets come from variables
# (for example TF_VAR_s3_secret_key from a secret store), never from files.

terraform {
  required_version = ">= 1.11"
  required_providers {
    lakehouse = {
      source = "spanda-ai/lakehouse"
    }
  }
}

variable "s3_access_key" {
  type = string
}

variable "s3_secret_key" {
  type      = string
  sensitive = true
}

variable "catalog_dsn" {
  description = "PostgreSQL DSN of the Iceberg SQL catalog."
  type        = string
  sensitive   = true
}

variable "institutions" {
  description = "Participating institutions and their limits."
  type        = map(object({ max_studied_credits = number }))
  default = {
    "uni-a" = { max_studied_credits = 480 }
    "uni-b" = { max_studied_credits = 700 }
  }
}

provider "lakehouse" {
  s3 {
    endpoint   = "minio.lakehouse.internal:9000"
    access_key = var.s3_access_key
    secret_key = var.s3_secret_key
    use_ssl    = true
    path_style = true
  }
  catalog {
    type      = "sql"
    uri       = var.catalog_dsn
    warehouse = "s3://prod-warehouse/warehouse"
  }
  retry {
    max_attempts    = 8
    max_backoff     = "60s"
    request_timeout = "2m"
  }
}

resource "lakehouse_bucket" "governance" {
  bucket     = "prod-governance"
  versioning = "Enabled"
}

module "oulad_schema" {
  source = "../../modules/oulad-submission-schema"
  bucket = lakehouse_bucket.governance.bucket
}

module "institution" {
  source   = "../../modules/institution"
  for_each = var.institutions

  name                = each.key
  governance_bucket   = lakehouse_bucket.governance.bucket
  max_studied_credits = each.value.max_studied_credits
  tags                = { environment = "prod" }
}
