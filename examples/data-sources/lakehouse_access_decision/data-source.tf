# Test the policy the way it is enforced. A check block reports a warning
# when an assertion fails; a postcondition fails the run (use it in CI).
data "lakehouse_access_decision" "researcher_reads_raw" {
  policy_documents = [lakehouse_access_policy.oulad_dua.document]

  subject = {
    name       = "bob"
    attributes = { role = ["researcher"], institution = ["open-university"], purpose = ["research"] }
  }
  action   = "read"
  resource = { bucket = "uni-example-curated", key = "oulad/raw/studentInfo.csv" }

  lifecycle {
    postcondition {
      condition     = !self.allowed
      error_message = "Raw OULAD files must stay closed to researchers (${self.policy}/${self.rule}: ${self.reason})."
    }
  }
}

# Every policy stored in the governance bucket, as the runner sees them.
data "lakehouse_access_decision" "linked_without_consent" {
  document_bucket = "uni-example-governance"
  subject = {
    attributes = { role = ["researcher"], institution = ["open-university"], purpose = ["research"] }
  }
  action   = "read"
  resource = { bucket = "uni-example-curated", key = "linked/vle_students.parquet" }
}

check "consent_is_required" {
  assert {
    condition     = !data.lakehouse_access_decision.linked_without_consent.allowed
    error_message = "Linked records must need the record-linkage consent scope."
  }
}
