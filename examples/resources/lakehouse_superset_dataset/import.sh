# The import id is Superset's numeric dataset id. The first apply after an
# import adopts the columns and metrics the configuration lists.
terraform import lakehouse_superset_dataset.student_info 12
