# A webhook is imported by its numeric id.
terraform import lakehouse_labelstudio_webhook.curation 5
