# One participating institution: its raw and curated buckets, its Iceberg
# namespace and the tables of an OULAD submission (student_info here, the
# others in activity.tf), the expectation suites its submissions must meet,
# and the FERPA de-identification policies applied before loading.

locals {
  namespace = coalesce(var.namespace, replace(var.name, "-", "_"))
  tags      = merge(var.tags, { institution = var.name })
}

resource "lakehouse_bucket" "raw" {
  bucket        = "${var.name}-raw"
  versioning    = "Enabled"
  force_destroy = var.force_destroy
  tags          = merge(local.tags, { zone = "raw" })

  lifecycle_rules = [
    {
      id                                 = "old-versions"
      noncurrent_version_expiration_days = 90
    },
  ]
}

resource "lakehouse_bucket" "curated" {
  bucket        = "${var.name}-curated"
  versioning    = "Enabled"
  force_destroy = var.force_destroy
  tags          = merge(local.tags, { zone = "curated" })
}

resource "lakehouse_iceberg_namespace" "this" {
  name = [local.namespace]
  properties = {
    owner       = var.name
    description = "De-identified learning-analytics records of ${var.name}"
  }
}

# OULAD studentInfo after de-identification: the student id is a keyed
# pseudonym and the deprivation band is dropped.
resource "lakehouse_iceberg_table" "student_info" {
  namespace = lakehouse_iceberg_namespace.this.name
  name      = "student_info"

  schema = [
    { name = "code_module", type = "string", required = true, doc = "module code, AAA to GGG" },
    { name = "code_presentation", type = "string", required = true, doc = "year and start month, B = February, J = October" },
    { name = "id_student", type = "string", required = true, doc = "keyed pseudonym of the student id" },
    { name = "gender", type = "string" },
    { name = "region", type = "string" },
    { name = "highest_education", type = "string" },
    { name = "age_band", type = "string" },
    { name = "num_of_prev_attempts", type = "int" },
    { name = "studied_credits", type = "int" },
    { name = "disability", type = "string" },
    { name = "final_result", type = "string" },
  ]

  partition_spec = [
    { source = "code_presentation", transform = "identity" },
  ]

  properties = {
    "write.format.default" = "parquet"
  }
}

resource "lakehouse_expectation_suite" "student_info" {
  bucket = var.governance_bucket
  name   = "${var.name}-student-info"
  table  = lakehouse_iceberg_table.student_info.id
  notes  = "Every studentInfo.csv of ${var.name} must meet these before it is de-identified and loaded."

  expectations = [
    {
      type   = "expect_column_values_to_not_be_null"
      kwargs = jsonencode({ column = "id_student" })
    },
    {
      type   = "expect_column_values_to_be_in_set"
      kwargs = jsonencode({ column = "final_result", value_set = ["Pass", "Fail", "Withdrawn", "Distinction"] })
    },
    {
      type   = "expect_column_values_to_be_between"
      kwargs = jsonencode({ column = "studied_credits", min_value = 0, max_value = var.max_studied_credits })
    },
    {
      type   = "expect_compound_columns_to_be_unique"
      kwargs = jsonencode({ column_list = ["code_module", "code_presentation", "id_student"] })
    },
    {
      type   = "expect_table_row_count_to_be_between"
      kwargs = jsonencode({ min_value = 1 })
    },
  ]
}

# FERPA: a linkable pseudonymous student id; every column not named here is
# dropped, so a new column in a submission never reaches the lakehouse by
# accident.
resource "lakehouse_deid_policy" "students" {
  bucket         = var.governance_bucket
  name           = "${var.name}-students"
  description    = "FERPA de-identification of ${var.name} student records"
  default_action = "drop"
  key_env        = var.deid_key_env

  columns = {
    "id_student"           = { action = "pseudonymise", length = 24 }
    "code_module"          = { action = "keep" }
    "code_presentation"    = { action = "keep" }
    "gender"               = { action = "keep" }
    "region"               = { action = "keep" }
    "highest_education"    = { action = "keep" }
    "age_band"             = { action = "keep" }
    "num_of_prev_attempts" = { action = "keep" }
    "studied_credits"      = { action = "keep" }
    "disability"           = { action = "keep" }
    "final_result"         = { action = "keep" }
  }
}
