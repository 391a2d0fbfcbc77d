resource "lakehouse_superset_chart" "outcomes" {
  slice_name = "Final results by module"
  viz_type   = "echarts_timeseries_bar"
  dataset_id = lakehouse_superset_dataset.student_info.id

  # Key order and formatting never show as a diff.
  params = jsonencode({
    viz_type        = "echarts_timeseries_bar"
    x_axis          = "code_module"
    metrics         = ["students"]
    groupby         = ["final_result"]
    stack           = "Stack"
    row_limit       = 10000
    adhoc_filters   = []
    color_scheme    = "supersetColors"
    show_legend     = true
    x_axis_title    = "Module"
    y_axis_title    = "Students"
    y_axis_format   = "SMART_NUMBER"
    truncate_metric = true
  })
  description   = "Outcome distribution per OULAD module."
  cache_timeout = 3600
}

resource "lakehouse_superset_chart" "pass_rate" {
  slice_name = "Pass rate"
  viz_type   = "big_number_total"
  dataset_id = lakehouse_superset_dataset.student_info.id
  params     = jsonencode({ viz_type = "big_number_total", metric = "pass_rate", y_axis_format = ",.1%" })
}
