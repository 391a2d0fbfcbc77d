# Every bucket of one institution.
data "lakehouse_buckets" "institution" {
  prefix = "uni-example-"
}

output "institution_buckets" {
  value = data.lakehouse_buckets.institution.names
}
