# The data-use agreement for the OULAD data, as attribute rules. Principals
# (MinIO users and groups with their attributes) are added per environment;
# without them the policy is still stored in the governance bucket, where the
# decision checks below and the runner read it.
resource "lakehouse_access_policy" "oulad" {
  name            = "oulad-dua"
  description     = "OULAD data-use agreement: learning-analytics research on de-identified records"
  document_bucket = lakehouse_bucket.governance.bucket

  rules = [
    {
      name      = "researchers-read-curated"
      subjects  = { roles = ["researcher"], purposes = ["research"] }
      actions   = ["read", "list"]
      resources = [{ table = module.institution.student_info_table }, { bucket = module.institution.curated_bucket }]
    },
    {
      # Linked records only for people who consented to record linkage,
      # whatever else allows them.
      name      = "linked-needs-consent"
      subjects  = { roles = ["researcher"] }
      actions   = ["read"]
      resources = [{ bucket = module.institution.curated_bucket, prefix = "linked/", require_consent = ["record-linkage"] }]
    },
    {
      name       = "raw-stays-closed"
      effect     = "deny"
      actions    = ["read", "write", "list", "manage"]
      resources  = [{ bucket = module.institution.raw_bucket }]
      conditions = [{ attribute = "role", operator = "not_in", values = ["steward"] }]
    },
  ]
}

# Policies are tested like code: these decisions must hold, or the plan fails.
data "lakehouse_access_decision" "researcher_reads_raw" {
  policy_documents = [lakehouse_access_policy.oulad.document]
  subject          = { attributes = { role = ["researcher"], purpose = ["research"] } }
  action           = "read"
  resource         = { bucket = module.institution.raw_bucket, key = "2026-fall/studentInfo.csv" }

  lifecycle {
    postcondition {
      condition     = !self.allowed
      error_message = "Raw submissions must stay closed to researchers (${self.rule}: ${self.reason})."
    }
  }
}

data "lakehouse_access_decision" "linked_without_consent" {
  policy_documents = [lakehouse_access_policy.oulad.document]
  subject          = { attributes = { role = ["researcher"], purpose = ["research"] } }
  action           = "read"
  resource         = { bucket = module.institution.curated_bucket, key = "linked/vle.parquet" }

  lifecycle {
    postcondition {
      condition     = !self.allowed
      error_message = "Linked records must need the record-linkage consent scope (${self.rule}: ${self.reason})."
    }
  }
}
