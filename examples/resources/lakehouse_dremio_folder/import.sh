# By id (a UUID) or by path: elements joined with dots, and an element that
# contains a dot or a double quote written in double quotes ("a.b").
terraform import lakehouse_dremio_folder.oulad_curated research.oulad.curated
