resource "lakehouse_dremio_space" "research" {
  name = "research"
}

resource "lakehouse_dremio_folder" "oulad" {
  path = [lakehouse_dremio_space.research.name, "oulad"]
}

resource "lakehouse_dremio_folder" "oulad_curated" {
  path = concat(lakehouse_dremio_folder.oulad.path, ["curated"])
}
