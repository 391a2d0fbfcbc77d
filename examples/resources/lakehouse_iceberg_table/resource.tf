resource "lakehouse_iceberg_namespace" "oulad" {
  name = ["oulad"]
}

# The OULAD student assessment results, partitioned by assessment and sorted
# by student for fast per-student reads.
resource "lakehouse_iceberg_table" "student_assessment" {
  namespace = lakehouse_iceberg_namespace.oulad.name
  name      = "student_assessment"

  schema = [
    { name = "id_assessment", type = "int", required = true, doc = "assessment id" },
    { name = "id_student", type = "string", required = true, doc = "keyed pseudonym of the student id (lakehouse-runner deid writes text)" },
    { name = "date_submitted", type = "int", doc = "days since the module started" },
    { name = "is_banked", type = "boolean" },
    { name = "score", type = "decimal(5,2)" },
    { name = "loaded_at", type = "timestamptz" },
    { name = "flags", type = "list", element_type = "string" },
    {
      name = "source", type = "struct", fields = [
        { name = "file", type = "string" },
        { name = "row", type = "long" },
      ]
    },
  ]

  identifier_fields = ["id_assessment", "id_student"]

  partition_spec = [
    { source = "id_assessment", transform = "bucket[16]" },
    { source = "loaded_at", transform = "month" },
  ]

  sort_order = [
    { source = "id_student" },
  ]

  properties = {
    "write.format.default"            = "parquet"
    "write.parquet.compression-codec" = "zstd"
  }
}

# Renaming a column keeps its data: set id to the column's field id.
#   { name = "submitted_day", id = 3, type = "int" }
# Widening is in place: int -> long, float -> double, decimal(5,2) -> decimal(7,2).
