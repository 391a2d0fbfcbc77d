# The import id is the bucket name.
terraform import lakehouse_bucket_policy.public_read uni-example-open-data
