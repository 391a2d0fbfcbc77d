# A storage is imported as <direction>/<id>: import/<id> for a source storage,
# export/<id> for a target storage. Credentials are never returned; set them
# with credentials_version afterwards.
terraform import lakehouse_labelstudio_storage.receipt_images import/12
terraform import lakehouse_labelstudio_storage.receipt_annotations export/7
