variable "prefix" {
  description = "Prefix of the platform's shared buckets. The catalog warehouse must live in `<prefix>-warehouse`."
  type        = string
  default     = "demo"
}

variable "institution" {
  description = "Code of the institution whose data the quickstart loads."
  type        = string
  default     = "demo-ou"
}

variable "enable_dremio" {
  description = "Also declare a Dremio source over the curated bucket and a space for analysts (needs the provider's dremio block)."
  type        = bool
  default     = false
}

variable "enable_superset" {
  description = "Also declare a Superset database over Dremio (needs the superset and dremio blocks)."
  type        = bool
  default     = false
}

variable "enable_labelstudio" {
  description = "Also declare a Label Studio project whose tasks come from the raw bucket (needs the labelstudio block)."
  type        = bool
  default     = false
}
