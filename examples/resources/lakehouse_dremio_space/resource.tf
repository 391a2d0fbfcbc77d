resource "lakehouse_dremio_space" "research" {
  name = "research"
}
