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
