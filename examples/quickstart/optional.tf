# Services that cannot run on every machine, switched on by variables. The
# docker-compose file beside this one brings them up for users with Docker.

resource "lakehouse_dremio_source" "curated" {
  count = var.enable_dremio ? 1 : 0
  name  = "curated"

  s3 {
    buckets   = [module.institution.curated_bucket]
    root_path = "/"
  }
}

resource "lakehouse_dremio_space" "analysts" {
  count = var.enable_dremio ? 1 : 0
  name  = "analysts"
}

resource "lakehouse_superset_database" "dremio" {
  count            = var.enable_superset ? 1 : 0
  database_name    = "Lakehouse (Dremio)"
  dremio           = { port = 32010, use_encryption = false }
  expose_in_sqllab = true
}

resource "lakehouse_labelstudio_project" "notes" {
  count        = var.enable_labelstudio ? 1 : 0
  title        = "Free-text notes: identifier review"
  description  = "Reviewers confirm what the de-identification scrubber replaced."
  label_config = <<-XML
    <View>
      <Labels name="label" toName="text">
        <Label value="NAME"/>
        <Label value="DATE"/>
        <Label value="MISSED_IDENTIFIER"/>
      </Labels>
      <Text name="text" value="$text"/>
    </View>
  XML
}
