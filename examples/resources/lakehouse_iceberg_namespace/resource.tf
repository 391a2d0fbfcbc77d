# A two-level namespace for the OULAD learning-analytics data.
resource "lakehouse_iceberg_namespace" "research" {
  name = ["research"]
  properties = {
    owner = "research-data-office"
  }
}

resource "lakehouse_iceberg_namespace" "oulad" {
  # Referring to the parent makes Terraform drop the child first on destroy.
  name = [lakehouse_iceberg_namespace.research.name[0], "oulad"]
  properties = {
    owner   = "learning-analytics"
    licence = "CC-BY-4.0"
  }
}
