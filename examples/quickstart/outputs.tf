output "runner_schema_uri" {
  description = "Submission schema for `lakehouse-runner validate` and `submit`."
  value       = module.oulad_schema.schema_uri
}

output "runner_suite_uri" {
  description = "Expectation suite of studentInfo.csv."
  value       = module.institution.suite_uri
}

output "runner_deid_policy_uri" {
  description = "De-identification policy of studentInfo.csv."
  value       = module.institution.deid_policy_uri
}

output "runner_patients_policy_uri" {
  description = "Safe Harbor policy for patient extracts."
  value       = "s3://${lakehouse_deid_policy.patients.bucket}/${lakehouse_deid_policy.patients.key}"
}

output "runner_table" {
  description = "Iceberg table that receives de-identified student records."
  value       = module.institution.student_info_table
}

output "runner_files" {
  description = "Per file of the OULAD submission: its expectation suite (or null), de-identification policy and Iceberg table."
  value       = module.institution.submission_files
}

output "submit_command" {
  description = "The runner command that takes an OULAD submission through all four gates."
  value = join(" ", concat(
    ["lakehouse-runner submit", "--schema ${module.oulad_schema.schema_uri}"],
    [for f, v in module.institution.submission_files : "--suite ${f}=${v.suite}" if v.suite != null],
    [for f, v in module.institution.submission_files : "--policy ${f}=${v.policy}"],
    [for f, v in module.institution.submission_files : "--table ${f}=${v.table}"],
    ["<submission folder or s3:// prefix>"],
  ))
}
