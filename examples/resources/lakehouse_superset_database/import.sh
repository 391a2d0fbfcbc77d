# The import id is Superset's numeric database id. The password cannot be
# read back: set password and bump password_version after importing if
# Terraform should own it.
terraform import lakehouse_superset_database.warehouse 3
