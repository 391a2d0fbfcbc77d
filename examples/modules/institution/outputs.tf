output "raw_bucket" {
  description = "Bucket where the institution uploads submissions."
  value       = lakehouse_bucket.raw.bucket
}

output "curated_bucket" {
  description = "Bucket for the institution's curated files."
  value       = lakehouse_bucket.curated.bucket
}

output "student_info_table" {
  description = "The student table, as namespace.table."
  value       = lakehouse_iceberg_table.student_info.id
}

output "suite_uri" {
  description = "Where the runner reads the studentInfo expectation suite."
  value       = "s3://${lakehouse_expectation_suite.student_info.bucket}/${lakehouse_expectation_suite.student_info.key}"
}

output "deid_policy_uri" {
  description = "Where the runner reads the students' de-identification policy."
  value       = "s3://${lakehouse_deid_policy.students.bucket}/${lakehouse_deid_policy.students.key}"
}

output "submission_files" {
  description = "Per file of an OULAD submission, the expectation suite it must meet (if any), its de-identification policy and its table: the `--suite`, `--policy` and `--table` arguments of `lakehouse-runner submit`."
  value = {
    "studentInfo.csv" = {
      suite  = "s3://${lakehouse_expectation_suite.student_info.bucket}/${lakehouse_expectation_suite.student_info.key}"
      policy = "s3://${lakehouse_deid_policy.students.bucket}/${lakehouse_deid_policy.students.key}"
      table  = lakehouse_iceberg_table.student_info.id
    }
    "studentAssessment.csv" = {
      suite  = "s3://${lakehouse_expectation_suite.student_assessment.bucket}/${lakehouse_expectation_suite.student_assessment.key}"
      policy = "s3://${lakehouse_deid_policy.assessment_results.bucket}/${lakehouse_deid_policy.assessment_results.key}"
      table  = lakehouse_iceberg_table.student_assessment.id
    }
    "studentRegistration.csv" = {
      suite  = null
      policy = "s3://${lakehouse_deid_policy.registrations.bucket}/${lakehouse_deid_policy.registrations.key}"
      table  = lakehouse_iceberg_table.student_registration.id
    }
    "courses.csv" = {
      suite  = null
      policy = "s3://${lakehouse_deid_policy.calendar.bucket}/${lakehouse_deid_policy.calendar.key}"
      table  = lakehouse_iceberg_table.courses.id
    }
    "assessments.csv" = {
      suite  = null
      policy = "s3://${lakehouse_deid_policy.calendar.bucket}/${lakehouse_deid_policy.calendar.key}"
      table  = lakehouse_iceberg_table.assessments.id
    }
    "vle.csv" = {
      suite  = null
      policy = "s3://${lakehouse_deid_policy.calendar.bucket}/${lakehouse_deid_policy.calendar.key}"
      table  = lakehouse_iceberg_table.vle.id
    }
  }
}
