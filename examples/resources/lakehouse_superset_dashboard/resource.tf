# Layout generated from the chart list, three charts to a row.
resource "lakehouse_superset_dashboard" "outcomes" {
  dashboard_title = "Student outcomes"
  slug            = "student-outcomes"
  charts          = [lakehouse_superset_chart.pass_rate.id, lakehouse_superset_chart.outcomes.id]
  published       = true
  owners          = [1]
}

# A hand-made layout. Keys Superset adds (parents, chart uuids) and
# json_metadata keys it fills in never show as a diff, and changing only the
# title never touches the layout.
resource "lakehouse_superset_dashboard" "modules" {
  dashboard_title = "Modules — overview"
  slug            = "modules-overview"
  position_json = jsonencode({
    DASHBOARD_VERSION_KEY = "v2"
    ROOT_ID               = { id = "ROOT_ID", type = "ROOT", children = ["GRID_ID"] }
    GRID_ID               = { id = "GRID_ID", type = "GRID", children = ["ROW-top"] }
    "ROW-top" = {
      id       = "ROW-top"
      type     = "ROW"
      children = ["CHART-pass", "CHART-outcomes"]
      meta     = { background = "BACKGROUND_TRANSPARENT" }
    }
    "CHART-pass" = {
      id       = "CHART-pass"
      type     = "CHART"
      children = []
      meta     = { chartId = lakehouse_superset_chart.pass_rate.id, width = 3, height = 50 }
    }
    "CHART-outcomes" = {
      id       = "CHART-outcomes"
      type     = "CHART"
      children = []
      meta     = { chartId = lakehouse_superset_chart.outcomes.id, width = 9, height = 50 }
    }
  })
  json_metadata = jsonencode({
    color_scheme      = "supersetColors"
    refresh_frequency = 0
  })
}
