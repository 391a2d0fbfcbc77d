# The import id is bucket/key of the schema document; the key may contain
# slashes. The typed attributes are read back from the document.
terraform import lakehouse_submission_schema.enrolment uni-example-governance/governance/submission-schemas/enrolment.json
