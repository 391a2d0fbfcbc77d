variable "name" {
  description = "Institution code, lower case: it prefixes the institution's buckets (for example `uni-a`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$", var.name))
    error_message = "Use 3 to 42 lower-case letters, digits and hyphens, starting and ending with a letter or digit."
  }
}

variable "namespace" {
  description = "Iceberg namespace of the institution's tables. Defaults to the name with hyphens as underscores."
  type        = string
  default     = null
}

variable "governance_bucket" {
  description = "Bucket that holds the platform's governance documents (suites, policies, schemas)."
  type        = string
}

variable "deid_key_env" {
  description = "Environment variable from which the runner reads the pseudonymisation key. The key itself is never in Terraform."
  type        = string
  default     = "LAKEHOUSE_DEID_KEY"
}

variable "max_studied_credits" {
  description = "Upper bound the expectation suite allows for `studied_credits`."
  type        = number
  default     = 700
}

variable "force_destroy" {
  description = "Let `terraform destroy` empty the institution's buckets. Only for test environments."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the institution's buckets."
  type        = map(string)
  default     = {}
}
