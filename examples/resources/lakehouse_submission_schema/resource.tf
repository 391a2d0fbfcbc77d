# A partner-institution submission: a roster and enrolment files named
# inst-<label>_term-<label>_enrolment.csv, each student in the roster.
# Check a submission with:
#   lakehouse-runner validate --schema s3://uni-example-governance/governance/submission-schemas/enrolment.json s3://uni-example-landing/2024-fall/
resource "lakehouse_submission_schema" "enrolment" {
  bucket         = "uni-example-governance"
  name           = "enrolment"
  schema_version = "1.0.0"
  description    = "Enrolment submissions from partner institutions"

  # The submission's FAIR record. ORCID iDs are always checked (check digit
  # included); here every creator must have one.
  dataset_description = {
    required_fields = ["title", "creators", "license", "data_use", "doi"]
    licenses        = ["CC-BY-4.0", "CC0-1.0"]
    require_orcid   = true
  }

  # inst-<label>_term-<label>_<suffix>.csv, in this order.
  entities = [
    { name = "inst", description = "institution code" },
    { name = "term", description = "academic term, e.g. 2024fall" },
  ]

  missing_values = ["", "n/a"]
  ignore         = ["docs/*"]

  tables = {
    roster = {
      suffix            = "roster"
      required_entities = ["inst"]
      required          = true
      primary_key       = ["student_key"]
      columns = [
        {
          name        = "student_key"
          type        = "string"
          description = "pseudonymous student key"
          required    = true
          nullable    = false
          pattern     = "S[0-9]{6}"
        },
        { name = "grade_level", type = "integer", allowed_values = ["9", "10", "11", "12"] },
        { name = "age", type = "integer", minimum = 10, maximum = 25, unit = "years" },
      ]
    }
    enrolment = {
      suffix            = "enrolment"
      required_entities = ["inst", "term"]
      extensions        = [".csv", ".tsv"]
      # Each file's sidecars (enrolment.json here or in a parent folder)
      # must say when the data was collected.
      sidecar_required_fields = ["collection_period"]
      columns = [
        { name = "student_key", type = "string", required = true, nullable = false },
        { name = "course_code", type = "string", required = true },
        { name = "credits", type = "number", minimum = 0, maximum = 60, unit = "ECTS" },
        { name = "enrolled_on", type = "date" },
      ]
    }
  }

  foreign_keys = [{
    name               = "enrolled_student"
    table              = "enrolment"
    columns            = ["student_key"]
    references_table   = "roster"
    references_columns = ["student_key"]
  }]
}
