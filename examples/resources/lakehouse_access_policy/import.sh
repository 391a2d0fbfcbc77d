# The import id is "<document_bucket>/<policy name>": the rules are read
# back from the stored policy document (access-policies/<name>.json).
terraform import lakehouse_access_policy.oulad_dua uni-example-governance/oulad-dua
