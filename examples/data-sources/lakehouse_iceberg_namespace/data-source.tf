data "lakehouse_iceberg_namespace" "oulad" {
  name = ["research", "oulad"]
}

output "oulad_owner" {
  value = data.lakehouse_iceberg_namespace.oulad.properties["owner"]
}
