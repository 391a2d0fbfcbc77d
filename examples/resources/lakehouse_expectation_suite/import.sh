# An existing suite document (GX 1.x or 0.18 JSON) is imported by bucket/key.
terraform import lakehouse_expectation_suite.student_info governance/governance/expectation-suites/oulad_student_info.json
