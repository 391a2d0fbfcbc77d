# A FAIR record for the curated OULAD tables: rich metadata, a licence and
# terms of use, links to the tables and raw files, and a DataCite DOI that is
# published once the landing page is live.
resource "lakehouse_dataset" "oulad" {
  bucket     = "uni-example-governance"
  dataset_id = "oulad-2025"

  title       = "Open University Learning Analytics Dataset (OULAD), curated"
  description = "Demographics, assessment results and virtual learning environment interactions of 32,593 students on seven modules, 2013-2014, de-identified."
  version     = "1.0"

  creators = [
    {
      name         = "Carberry, Josiah"
      given_name   = "Josiah"
      family_name  = "Carberry"
      orcid        = "0000-0002-1825-0097"
      affiliations = [{ name = "Brown University", ror_id = "05gq02987" }]
    },
    { name = "Learning Analytics Lab", name_type = "Organizational" },
  ]
  publisher        = "Example University Research Data Service"
  publication_year = 2025

  subjects = [{
    subject    = "Educational sciences"
    scheme     = "Fields of Science and Technology (FOS)"
    scheme_uri = "http://www.oecd.org/science/inno/38235147.pdf"
  }]
  keywords = ["learning analytics", "MOOC", "student success"]

  license            = "CC-BY-4.0"
  access_level       = "restricted"
  data_use_agreement = "https://research.example.edu/dua/oulad"
  consent_references = ["IRB-2024-117"]

  related_tables   = ["curated.student_info", "curated.student_assessment"]
  related_prefixes = ["s3://uni-example-raw/oulad/"]

  landing_url = "https://data.example.edu/datasets/oulad-2025"

  # Created as a draft; change to "findable" to publish. A registered or
  # findable DOI can never be deleted: destroy hides it instead.
  doi = {
    state = "draft"
  }
}

output "oulad_doi" {
  value = lakehouse_dataset.oulad.doi.url
}
