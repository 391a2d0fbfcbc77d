# The import id is <bucket>/<key_prefix><dataset_id>, the folder of the
# record's two documents. The DOI named in the record is read from DataCite,
# the table and bucket links from the catalog and the bucket tags.
terraform import lakehouse_dataset.oulad uni-example-governance/datasets/oulad-2025
