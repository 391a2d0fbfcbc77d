# Read a bucket another configuration manages, e.g. to check it is versioned.
data "lakehouse_bucket" "raw" {
  bucket = "uni-example-raw"
}

output "raw_is_versioned" {
  value = data.lakehouse_bucket.raw.versioning == "Enabled"
}
