# By id (a UUID) or by name. Write-only secrets and their _version
# triggers cannot be imported: set them in the configuration.
terraform import lakehouse_dremio_source.lake 5c1a5a2e-6c8c-4c3e-9d0c-0b8f0c8f4a11
terraform import lakehouse_dremio_source.lake lake
