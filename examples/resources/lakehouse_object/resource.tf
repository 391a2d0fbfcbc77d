resource "lakehouse_bucket" "governance" {
  bucket     = "uni-example-governance"
  versioning = "Enabled"
}

# A governance document written from the configuration.
resource "lakehouse_object" "codebook" {
  bucket       = lakehouse_bucket.governance.bucket
  key          = "codebooks/oulad.json"
  content_type = "application/json"
  content = jsonencode({
    dataset = "OULAD"
    columns = ["id_student", "code_module", "final_result"]
  })
  tags = {
    classification = "internal"
  }
}

# A seed file uploaded from disk; editing the file plans an update.
resource "lakehouse_object" "seed" {
  bucket       = lakehouse_bucket.governance.bucket
  key          = "seeds/courses.csv"
  source       = "${path.module}/courses.csv"
  content_type = "text/csv"
}
