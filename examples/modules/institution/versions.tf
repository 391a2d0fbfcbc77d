terraform {
  required_version = ">= 1.11"
  required_providers {
    lakehouse = {
      source = "spanda-ai/lakehouse"
    }
  }
}
