# Openly licensed learning-analytics datasets by one creator.
data "lakehouse_datasets" "learning_analytics" {
  bucket  = "uni-example-governance"
  keyword = "learning analytics"
  creator = "0000-0002-1825-0097"
  license = "CC-BY-4.0"
}

output "dataset_dois" {
  value = [for d in data.lakehouse_datasets.learning_analytics.datasets : d.doi if d.doi != ""]
}
