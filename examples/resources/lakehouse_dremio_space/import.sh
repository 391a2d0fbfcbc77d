# By id (a UUID) or by name.
terraform import lakehouse_dremio_space.research 0b3f8a52-1f4e-4d7e-8a8e-5f2b1c9d7e10
terraform import lakehouse_dremio_space.research research
