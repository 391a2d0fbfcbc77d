# Reuse another team's suite, for example to pass its location to a runner job.
data "lakehouse_expectation_suite" "assessments" {
  bucket = "governance"
  key    = "governance/expectation-suites/oulad_assessments.json"
}

output "assessment_checks" {
  value = [for e in data.lakehouse_expectation_suite.assessments.expectations : e.type]
}
