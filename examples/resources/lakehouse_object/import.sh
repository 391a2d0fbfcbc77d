# The import id is <bucket>/<key>; the key may contain further slashes.
terraform import lakehouse_object.codebook uni-example-governance/codebooks/oulad.json
