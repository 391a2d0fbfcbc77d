# Namespaces directly below "research".
data "lakehouse_iceberg_namespaces" "research" {
  parent = ["research"]
}

output "research_namespaces" {
  value = data.lakehouse_iceberg_namespaces.research.ids
}
