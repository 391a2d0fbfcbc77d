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

output "submit_command" {
  description = "The runner command that takes an OULAD submission through all four gates."
  value = join(" ", [
    "lakehouse-runner submit",
    "--schema ${module.oulad_schema.schema_uri}",
    "--suite studentInfo.csv=${module.institution.suite_uri}",
    "--policy studentInfo.csv=${module.institution.deid_policy_uri}",
    "--table studentInfo.csv=${module.institution.student_info_table}",
    "<submission folder or s3:// prefix>",
  ])
}
