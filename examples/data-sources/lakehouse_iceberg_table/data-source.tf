data "lakehouse_iceberg_table" "student_assessment" {
  namespace = ["oulad"]
  name      = "student_assessment"
}

# Field ids, e.g. to rename a column in a lakehouse_iceberg_table.
output "field_ids" {
  value = { for f in data.lakehouse_iceberg_table.student_assessment.schema : f.name => f.id }
}

output "current_snapshot" {
  value = data.lakehouse_iceberg_table.student_assessment.current_snapshot_id
}
