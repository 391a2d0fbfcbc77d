terraform {
  required_providers {
    lakehouse = {
      source = "spanda-ai/lakehouse"
    }
  }
}
