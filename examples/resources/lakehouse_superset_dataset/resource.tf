resource "lakehouse_iceberg_table" "student_info" {
  namespace = ["oulad"]
  name      = "student_info"
  schema = [
    { name = "id_student", type = "long", required = true, doc = "Student" },
    { name = "code_module", type = "string", doc = "Module" },
    { name = "final_result", type = "string", doc = "Final result" },
    { name = "studied_credits", type = "int", doc = "Studied credits" },
    { name = "registered_at", type = "timestamp", doc = "Registration time" },
  ]
}

# A physical dataset whose column settings are derived from the Iceberg
# table's schema: doc strings become verbose names, timestamps temporal
# columns, and the student identifier is neither filterable nor groupable.
resource "lakehouse_superset_dataset" "student_info" {
  database_id = lakehouse_superset_database.dremio.id
  schema      = "lake.oulad"
  table_name  = lakehouse_iceberg_table.student_info.name
  description = "Open University Learning Analytics Dataset: one row per student and module presentation."

  columns = [for f in lakehouse_iceberg_table.student_info.schema : {
    column_name  = f.name
    verbose_name = f.doc
    is_dttm      = contains(["date", "timestamp", "timestamptz"], f.type)
    filterable   = f.name != "id_student"
    groupby      = f.name != "id_student"
  }]

  metrics = [
    { metric_name = "students", expression = "COUNT(DISTINCT id_student)", verbose_name = "Students" },
    {
      metric_name  = "pass_rate"
      expression   = "AVG(CASE WHEN final_result IN ('Pass', 'Distinction') THEN 1.0 ELSE 0 END)"
      verbose_name = "Pass rate"
      d3format     = ",.1%"
    },
  ]
}

# A virtual dataset with a calculated column.
resource "lakehouse_superset_dataset" "module_outcomes" {
  database_id = lakehouse_superset_database.dremio.id
  table_name  = "module_outcomes"
  sql         = "SELECT code_module, final_result, studied_credits FROM lake.oulad.student_info"

  columns = [
    { column_name = "heavy_load", expression = "CASE WHEN studied_credits > 120 THEN 'yes' ELSE 'no' END", verbose_name = "Over 120 credits" },
  ]
}
