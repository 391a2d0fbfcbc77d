# A Great Expectations 1.x suite for OULAD student records, bound to its
# Iceberg table so the plan fails when an expectation names a missing column.
resource "lakehouse_expectation_suite" "student_info" {
  bucket = "governance"
  name   = "oulad_student_info"
  table  = "oulad.student_info"
  notes  = "Run on every OULAD submission before loading."
  meta   = jsonencode({ owner = "research-data-stewards" })

  expectations = [
    {
      type   = "expect_column_values_to_not_be_null"
      kwargs = jsonencode({ column = "id_student" })
    },
    {
      type   = "expect_column_values_to_be_in_set"
      kwargs = jsonencode({ column = "final_result", value_set = ["Pass", "Fail", "Withdrawn", "Distinction"] })
    },
    {
      type   = "expect_column_values_to_be_between"
      kwargs = jsonencode({ column = "studied_credits", min_value = 0, max_value = 700, mostly = 0.99 })
      notes  = "A handful of students carry more than a full load."
    },
    {
      type   = "expect_compound_columns_to_be_unique"
      kwargs = jsonencode({ column_list = ["code_module", "code_presentation", "id_student"] })
    },
  ]
}

# The runner checks data against the same document:
#   lakehouse-runner check --suite s3://governance/governance/expectation-suites/oulad_student_info.json studentInfo.csv
