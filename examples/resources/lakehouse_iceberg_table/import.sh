# The import id is the namespace levels and the table name joined with dots;
# a dot inside a level is escaped with a backslash, or a JSON array is given.
terraform import lakehouse_iceberg_table.student_assessment oulad.student_assessment
terraform import lakehouse_iceberg_table.events '["lake","v1.2","events"]'
