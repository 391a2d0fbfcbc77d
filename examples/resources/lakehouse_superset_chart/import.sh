# The import id is Superset's numeric chart id (the slice_id in explore URLs).
terraform import lakehouse_superset_chart.outcomes 42
