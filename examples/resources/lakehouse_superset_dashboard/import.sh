# The import id is Superset's numeric dashboard id (not the slug).
terraform import lakehouse_superset_dashboard.outcomes 7
