# A bounding-box project for scanned receipts. Reformatting the XML never
# plans a change; removing a label that annotations still use fails at apply
# and leaves the project as it was.
resource "lakehouse_labelstudio_project" "receipts" {
  title       = "Receipts"
  description = "Household survey receipts, wave 2025"

  label_config = <<-XML
    <View>
      <Image name="img" value="$image"/>
      <RectangleLabels name="box" toName="img">
        <Label value="Total"/>
        <Label value="Tax"/>
        <Label value="Tip"/>
      </RectangleLabels>
    </View>
  XML

  expert_instruction  = "<p>Draw one box around each amount.</p>"
  show_instruction    = true
  maximum_annotations = 2
  sampling            = "Uniform sampling"
}
