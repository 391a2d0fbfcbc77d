# The import id is the namespace levels joined with dots; a dot inside a
# level is escaped with a backslash, or the levels are given as a JSON array.
terraform import lakehouse_iceberg_namespace.oulad research.oulad
terraform import lakehouse_iceberg_namespace.release 'lake.v1\.2'
terraform import lakehouse_iceberg_namespace.release '["lake","v1.2"]'
