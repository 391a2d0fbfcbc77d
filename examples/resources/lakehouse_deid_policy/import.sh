# A policy is imported by bucket/key.
terraform import lakehouse_deid_policy.patients governance/governance/deid-policies/patients-safe-harbor.json
