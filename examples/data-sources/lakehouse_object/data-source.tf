# Read a governance document written by another configuration.
data "lakehouse_object" "codebook" {
  bucket = "uni-example-governance"
  key    = "codebooks/oulad.json"
}

locals {
  codebook = jsondecode(data.lakehouse_object.codebook.content)
}
