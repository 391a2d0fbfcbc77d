# One data-use agreement, enforced in MinIO, in the bucket policy and in
# Dremio. Review `minio_policies`, `s3_statements` and `dremio_grants` in the
# plan: they show every grant this change adds or removes.
resource "lakehouse_access_policy" "oulad_dua" {
  name            = "oulad-dua"
  description     = "OULAD data-use agreement 2026-04: retention research"
  document_bucket = "uni-example-governance"

  # Who exists, and the attributes each carries (for example from the
  # data-use agreement register). Users and groups must exist in MinIO.
  principals = [
    {
      name        = "ou-researchers"
      type        = "group"
      attributes  = { role = ["researcher"], institution = ["open-university"], purpose = ["research"] }
      dremio_role = "ou_researchers"
    },
    { name = "alice", type = "user", attributes = { consent = ["record-linkage"] } },
    { name = "data-steward", type = "user", attributes = { role = ["steward"] }, dremio_user = "steward" },
  ]

  rules = [
    {
      name     = "researchers-read-curated"
      subjects = { roles = ["researcher"], institutions = ["open-university"], purposes = ["research"] }
      actions  = ["read", "list"]
      resources = [
        { bucket = "uni-example-curated", prefix = "oulad/" },
        # Linked records only for people who consented to record linkage,
        # whatever else allows them.
        { bucket = "uni-example-curated", prefix = "linked/", require_consent = ["record-linkage"] },
        { table = "oulad" },
      ]
    },
    {
      name       = "raw-stays-closed"
      effect     = "deny"
      actions    = ["read", "write", "list", "manage"]
      resources  = [{ bucket = "uni-example-curated", prefix = "oulad/raw/" }]
      conditions = [{ attribute = "role", operator = "not_in", values = ["steward"] }]
    },
    {
      name             = "stewards-load"
      subjects         = { roles = ["steward"] }
      actions          = ["read", "write", "list"]
      resources        = [{ bucket = "uni-example-curated" }]
      source_ip_ranges = ["10.20.0.0/16"]
      not_after        = "2027-04-01T00:00:00Z"
    },
  ]

  # Also grant in Dremio; `table` resources map to <iceberg_source>.<namespace>.
  dremio = { iceberg_source = "lake" }
}
