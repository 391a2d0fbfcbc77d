# The dev environment: two participating institutions sharing one platform.
# Settings come from the environment (LAKEHOUSE_S3_*, LAKEHOUSE_CATALOG_*).

terraform {
  required_version = ">= 1.11"
  required_providers {
    lakehouse = {
      source = "spanda-ai/lakehouse"
    }
  }
}

provider "lakehouse" {}

locals {
  institutions = {
    "dev-uni-a" = { max_studied_credits = 480 }
    "dev-uni-b" = { max_studied_credits = 700 }
  }
}

resource "lakehouse_bucket" "governance" {
  bucket        = "dev-governance"
  versioning    = "Enabled"
  force_destroy = true
}

module "oulad_schema" {
  source = "../../modules/oulad-submission-schema"
  bucket = lakehouse_bucket.governance.bucket
}

module "institution" {
  source   = "../../modules/institution"
  for_each = local.institutions

  name                = each.key
  governance_bucket   = lakehouse_bucket.governance.bucket
  max_studied_credits = each.value.max_studied_credits
  force_destroy       = true
  tags                = { environment = "dev" }
}

output "submit_commands" {
  description = "One runner command per institution."
  value = {
    for name, m in module.institution : name => join(" ", [
      "lakehouse-runner submit --schema ${module.oulad_schema.schema_uri}",
      "--suite studentInfo.csv=${m.suite_uri}",
      "--policy studentInfo.csv=${m.deid_policy_uri}",
      "--table studentInfo.csv=${m.student_info_table}",
      "s3://${m.raw_bucket}/<submission>/",
    ])
  }
}
