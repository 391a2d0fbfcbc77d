resource "lakehouse_bucket" "public" {
  bucket = "uni-example-open-data"
}

# Anyone may read the published open-data files. The order of actions and
# the form of the principal do not matter: equivalent policies never diff.
resource "lakehouse_bucket_policy" "public_read" {
  bucket = lakehouse_bucket.public.bucket
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = { AWS = ["*"] }
      Action    = ["s3:GetObject"]
      Resource  = ["arn:aws:s3:::${lakehouse_bucket.public.bucket}/published/*"]
    }]
  })
}
