# A project is imported by its numeric id (the number in its Label Studio URL).
terraform import lakehouse_labelstudio_project.receipts 42
