# The rest of an OULAD submission: the module calendar (courses,
# assessments, vle), which holds no personal data, and the per-student
# registrations and assessment results, whose student id becomes the same
# keyed pseudonym as in student_info so the tables still join.

resource "lakehouse_iceberg_table" "courses" {
  namespace = lakehouse_iceberg_namespace.this.name
  name      = "courses"

  schema = [
    { name = "code_module", type = "string", required = true },
    { name = "code_presentation", type = "string", required = true },
    { name = "module_presentation_length", type = "int", doc = "days" },
  ]
}

resource "lakehouse_iceberg_table" "assessments" {
  namespace = lakehouse_iceberg_namespace.this.name
  name      = "assessments"

  schema = [
    { name = "code_module", type = "string", required = true },
    { name = "code_presentation", type = "string", required = true },
    { name = "id_assessment", type = "int", required = true },
    { name = "assessment_type", type = "string", doc = "TMA, CMA or Exam" },
    { name = "date", type = "int", doc = "due day, counted from the module start" },
    { name = "weight", type = "double", doc = "percent of the module mark" },
  ]
}

resource "lakehouse_iceberg_table" "vle" {
  namespace = lakehouse_iceberg_namespace.this.name
  name      = "vle"

  schema = [
    { name = "id_site", type = "int", required = true },
    { name = "code_module", type = "string", required = true },
    { name = "code_presentation", type = "string", required = true },
    { name = "activity_type", type = "string" },
    { name = "week_from", type = "int" },
    { name = "week_to", type = "int" },
  ]
}

resource "lakehouse_iceberg_table" "student_registration" {
  namespace = lakehouse_iceberg_namespace.this.name
  name      = "student_registration"

  schema = [
    { name = "code_module", type = "string", required = true },
    { name = "code_presentation", type = "string", required = true },
    { name = "id_student", type = "string", required = true, doc = "keyed pseudonym of the student id" },
    { name = "date_registration", type = "int", doc = "day relative to the module start" },
    { name = "date_unregistration", type = "int", doc = "day relative to the module start; empty when the student stayed" },
  ]
}

resource "lakehouse_iceberg_table" "student_assessment" {
  namespace = lakehouse_iceberg_namespace.this.name
  name      = "student_assessment"

  schema = [
    { name = "id_assessment", type = "int", required = true },
    { name = "id_student", type = "string", required = true, doc = "keyed pseudonym of the student id" },
    { name = "date_submitted", type = "int", doc = "day relative to the module start" },
    { name = "is_banked", type = "boolean", doc = "result carried over from an earlier presentation" },
    { name = "score", type = "int", doc = "0 to 100; empty when not marked" },
  ]
}

resource "lakehouse_expectation_suite" "student_assessment" {
  bucket = var.governance_bucket
  name   = "${var.name}-student-assessment"
  table  = lakehouse_iceberg_table.student_assessment.id
  notes  = "Every studentAssessment.csv of ${var.name} must meet these before it is de-identified and loaded."

  expectations = [
    {
      type   = "expect_column_values_to_not_be_null"
      kwargs = jsonencode({ column = "id_student" })
    },
    {
      type   = "expect_column_values_to_be_between"
      kwargs = jsonencode({ column = "score", min_value = 0, max_value = 100 })
    },
    {
      type   = "expect_compound_columns_to_be_unique"
      kwargs = jsonencode({ column_list = ["id_assessment", "id_student"] })
    },
  ]
}

# Registrations and results: the student id as the same pseudonym as in
# student_info (same key, same length); every other column is named, and a
# column nobody named is dropped.
resource "lakehouse_deid_policy" "registrations" {
  bucket         = var.governance_bucket
  name           = "${var.name}-registrations"
  description    = "FERPA de-identification of ${var.name} registrations"
  default_action = "drop"
  key_env        = var.deid_key_env

  columns = {
    "id_student"          = { action = "pseudonymise", length = 24 }
    "code_module"         = { action = "keep" }
    "code_presentation"   = { action = "keep" }
    "date_registration"   = { action = "keep" }
    "date_unregistration" = { action = "keep" }
  }
}

resource "lakehouse_deid_policy" "assessment_results" {
  bucket         = var.governance_bucket
  name           = "${var.name}-assessment-results"
  description    = "FERPA de-identification of ${var.name} assessment results"
  default_action = "drop"
  key_env        = var.deid_key_env

  columns = {
    "id_student"     = { action = "pseudonymise", length = 24 }
    "id_assessment"  = { action = "keep" }
    "date_submitted" = { action = "keep" }
    "is_banked"      = { action = "keep" }
    "score"          = { action = "keep" }
  }
}

# The module calendar names no person: the explicit way to load a file
# without identifiers is a policy that keeps every column. The rules name
# the two columns every calendar file has.
resource "lakehouse_deid_policy" "calendar" {
  bucket         = var.governance_bucket
  name           = "${var.name}-calendar"
  description    = "Module calendar of ${var.name}: no personal data, loaded as submitted"
  default_action = "keep"

  columns = {
    "code_module"       = { action = "keep" }
    "code_presentation" = { action = "keep" }
  }
}
