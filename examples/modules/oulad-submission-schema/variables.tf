variable "bucket" {
  description = "Bucket that holds governance documents."
  type        = string
}

variable "key" {
  description = "Object key of the schema; null keeps the resource's default (governance/submission-schemas/oulad.json)."
  type        = string
  default     = null
}
