# A Safe Harbor policy for Synthea-style patient extracts. Columns without a
# rule are classified by name (names dropped, ZIP to ZIP3, dates to year, ...);
# the rules below override or complete that classification.
resource "lakehouse_deid_policy" "patients" {
  bucket      = "governance"
  name        = "patients-safe-harbor"
  description = "Patient extracts shared with the learning-analytics team (HIPAA Safe Harbor)"
  profile     = "safe-harbor"

  # The runner reads the secret key from this variable; the key itself is
  # never in the policy, the state or a log.
  key_env        = "LAKEHOUSE_DEID_KEY"
  subject_column = "Id"
  reference_date = "2026-01-01"

  columns = {
    "Id"        = { action = "pseudonymise", length = 32, prefix = "P-" }
    "BIRTHDATE" = { action = "date_year", birth_date = true }
    "ENCOUNTER" = { action = "date_shift", max_shift_days = 180 }
    "ZIP"       = { action = "zip3" }
    "Clinician notes" = {
      action = "scrub"
      scrub  = { keep_year = true }
    }
    "GENDER"    = { action = "keep" }
    "RACE"      = { action = "keep" }
    "ETHNICITY" = { action = "keep" }
    "STATE"     = { action = "keep" }
  }
}

# FERPA: student records keep a linkable pseudonymous id; everything the
# policy does not name is dropped.
resource "lakehouse_deid_policy" "students" {
  bucket         = "governance"
  name           = "oulad-students"
  default_action = "drop"
  key_file       = "/run/secrets/deid.key"

  columns = {
    "id_student"        = { action = "pseudonymise", length = 24 }
    "age_band"          = { action = "age" }
    "final_result"      = { action = "keep" }
    "highest_education" = { action = "keep" }
  }
}
