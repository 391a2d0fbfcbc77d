# A working education-research lakehouse on one machine: shared governance
# and warehouse buckets, the OULAD submission schema, one institution with
# its buckets, Iceberg tables, expectation suites and FERPA policies, and a
# Safe Harbor policy for patient extracts.

resource "lakehouse_bucket" "governance" {
  bucket        = "${var.prefix}-governance"
  versioning    = "Enabled"
  force_destroy = true
  tags          = { zone = "governance" }
}

# The Iceberg catalog's warehouse (LAKEHOUSE_CATALOG_WAREHOUSE points here).
resource "lakehouse_bucket" "warehouse" {
  bucket        = "${var.prefix}-warehouse"
  force_destroy = true
  tags          = { zone = "warehouse" }
}

module "oulad_schema" {
  source = "../modules/oulad-submission-schema"
  bucket = lakehouse_bucket.governance.bucket
}

module "institution" {
  source            = "../modules/institution"
  name              = var.institution
  governance_bucket = lakehouse_bucket.governance.bucket
  force_destroy     = true

  depends_on = [lakehouse_bucket.warehouse]
}

# HIPAA Safe Harbor for Synthea-style patient extracts: columns are
# classified by name onto the 18 identifiers; the rules below complete it.
resource "lakehouse_deid_policy" "patients" {
  bucket         = lakehouse_bucket.governance.bucket
  name           = "patients-safe-harbor"
  description    = "Patient extracts shared with the learning-analytics team"
  profile        = "safe-harbor"
  key_env        = "LAKEHOUSE_DEID_KEY"
  subject_column = "Id"

  columns = {
    "Id"        = { action = "pseudonymise", length = 32, prefix = "P-" }
    "GENDER"    = { action = "keep" }
    "RACE"      = { action = "keep" }
    "ETHNICITY" = { action = "keep" }
    "STATE"     = { action = "keep" }
    "MARITAL"   = { action = "keep" }
    # Name prefixes and suffixes (Mr., Jr.) are part of the name.
    "PREFIX"              = { action = "drop" }
    "SUFFIX"              = { action = "drop" }
    "HEALTHCARE_EXPENSES" = { action = "keep" }
    "HEALTHCARE_COVERAGE" = { action = "keep" }
  }
}
