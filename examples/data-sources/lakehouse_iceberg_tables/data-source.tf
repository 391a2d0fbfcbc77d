data "lakehouse_iceberg_tables" "oulad" {
  namespace = ["oulad"]
}

output "oulad_tables" {
  value = data.lakehouse_iceberg_tables.oulad.names
}
