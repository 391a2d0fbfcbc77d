output "schema_uri" {
  description = "Where the runner reads the schema: lakehouse-runner validate --schema <schema_uri> <dataset>."
  value       = "s3://${lakehouse_submission_schema.oulad.bucket}/${lakehouse_submission_schema.oulad.key}"
}

output "id" {
  description = "bucket/key of the schema document."
  value       = lakehouse_submission_schema.oulad.id
}
