# Raw submissions of one institution: versioned, tagged, with scratch files
# expiring after a week and old versions after 90 days.
resource "lakehouse_bucket" "raw" {
  bucket     = "uni-example-raw"
  versioning = "Enabled"

  tags = {
    institution = "uni-example"
    zone        = "raw"
  }

  lifecycle_rules = [
    {
      id              = "expire-scratch"
      filter          = { prefix = "scratch/" }
      expiration_days = 7
    },
    {
      id                                 = "old-versions"
      noncurrent_version_expiration_days = 90
      noncurrent_versions_retained       = 3
    },
  ]
}

# Curated, write-once data: Object Lock can only be turned on at creation on
# MinIO. force_destroy lets `terraform destroy` empty a test bucket first.
resource "lakehouse_bucket" "curated" {
  bucket              = "uni-example-curated"
  versioning          = "Enabled"
  object_lock_enabled = true

  # Every new version is kept for a year; users with the bypass permission
  # may still remove it (GOVERNANCE), nobody can with COMPLIANCE.
  default_retention = {
    mode  = "GOVERNANCE"
    years = 1
  }
}

resource "lakehouse_bucket" "scratch" {
  bucket        = "uni-example-scratch"
  force_destroy = true
}
