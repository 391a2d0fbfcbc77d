resource "lakehouse_dremio_space" "research" {
  name = "research"
}

# Write the query as you like: Dremio's reformatting of it never shows as a
# change, a change of what it means always does.
resource "lakehouse_dremio_view" "pass_rates" {
  path        = [lakehouse_dremio_space.research.name, "pass_rates"]
  sql_context = ["lake", "oulad"]
  sql         = <<-SQL
    select code_module,
           code_presentation,
           avg(case when final_result in ('Pass', 'Distinction') then 1.0 else 0.0 end) as pass_rate
      from studentInfo
     group by code_module, code_presentation
  SQL
}
