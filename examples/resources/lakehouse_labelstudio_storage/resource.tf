# Tasks come from a lakehouse bucket on MinIO; annotations go back to another.
# Label Studio itself connects to the endpoint, so use a name it can resolve.
variable "labelstudio_s3_secret_key" {
  type      = string
  sensitive = true
}

resource "lakehouse_labelstudio_storage" "receipt_images" {
  project_id    = lakehouse_labelstudio_project.receipts.id
  direction     = "import"
  title         = "Receipt images"
  bucket        = "raw"
  prefix        = "receipts/2025"
  regex_filter  = ".*\\.(jpg|png)"
  use_blob_urls = true
  presign       = true
  presign_ttl   = 15
  s3_endpoint   = "http://minio:9000"
  region_name   = "us-east-1"

  # Write-only: never stored in state. Bump credentials_version after rotating.
  aws_access_key_id     = "labelstudio"
  aws_secret_access_key = var.labelstudio_s3_secret_key
  credentials_version   = 1

  # Change this (a date, a hash of the upload manifest) to scan for new tasks.
  sync_trigger = "2025-06-30"
}

resource "lakehouse_labelstudio_storage" "receipt_annotations" {
  project_id            = lakehouse_labelstudio_project.receipts.id
  direction             = "export"
  bucket                = "curated"
  prefix                = "annotations/receipts"
  s3_endpoint           = "http://minio:9000"
  aws_access_key_id     = "labelstudio"
  aws_secret_access_key = var.labelstudio_s3_secret_key
  credentials_version   = 1
}
