# A source created in the Dremio console.
data "lakehouse_dremio_source" "lake" {
  name = "lake"
}

output "lake_status" {
  value = data.lakehouse_dremio_source.lake.status
}
