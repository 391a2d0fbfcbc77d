# By id (a UUID) or by path (research.pass_rates). If the configured query
# differs from Dremio's stored text only in formatting, the first plan after
# the import shows one harmless in-place update of sql.
terraform import lakehouse_dremio_view.pass_rates research.pass_rates
