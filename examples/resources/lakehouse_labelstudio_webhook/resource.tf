variable "hook_token" {
  type      = string
  sensitive = true
}

# Notify the curation pipeline whenever an annotation is created or changed.
resource "lakehouse_labelstudio_webhook" "curation" {
  project_id = lakehouse_labelstudio_project.receipts.id
  url        = "https://pipeline.example.edu/hooks/label-studio"
  actions    = ["ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED"]
  headers = {
    Authorization = "Bearer ${var.hook_token}"
  }
}
