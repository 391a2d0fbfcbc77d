# Every backend block is optional. Configure only the backends you use; a
# resource whose backend is missing fails with a message naming the block
# and its environment variables.
provider "lakehouse" {
  # Object storage: MinIO or any S3. The same settings can come from
  # LAKEHOUSE_S3_ENDPOINT, LAKEHOUSE_S3_ACCESS_KEY, LAKEHOUSE_S3_SECRET_KEY,
  # LAKEHOUSE_S3_USE_SSL and LAKEHOUSE_S3_PATH_STYLE (or the AWS_* variables).
  s3 {
    endpoint   = "localhost:9000"
    region     = "us-east-1"
    access_key = var.s3_access_key
    secret_key = var.s3_secret_key
    use_ssl    = false
    path_style = true
  }

  # One retry policy for every backend: 429 (honouring Retry-After), 5xx and
  # connection errors are retried with jittered exponential backoff.
  retry {
    max_attempts    = 5
    min_backoff     = "500ms"
    max_backoff     = "30s"
    request_timeout = "60s"
  }
}

variable "s3_access_key" {
  type = string
}

variable "s3_secret_key" {
  type      = string
  sensitive = true
}
