# Tables Dremio discovered in a source, for views over them.
data "lakehouse_dremio_catalog_item" "oulad" {
  path = ["lake", "oulad"]
}

output "oulad_tables" {
  value = [for c in data.lakehouse_dremio_catalog_item.oulad.children : join(".", c.path) if c.type == "DATASET"]
}
