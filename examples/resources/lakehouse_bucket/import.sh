# The import id is the bucket name. Existing buckets with legacy names
# (upper case, underscores) can be imported too.
terraform import lakehouse_bucket.raw uni-example-raw
