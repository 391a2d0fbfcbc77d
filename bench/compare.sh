#!/usr/bin/env bash
# Prints the table comparing lakehouse-runner check with DuckDB and pandas on
# the ten common checks over one generated Parquet file.
#   ROWS=1000000 bench/compare.sh            (default 1M rows)
#   SHUFFLE=1                                scrambled ids (no sorted-key shortcut)
#   PYTHON=/usr/bin/python3                  a Python with pandas (Debian: python3-pandas)
set -euo pipefail
cd "$(dirname "$0")"
ROWS="${ROWS:-1000000}"
PYTHON="${PYTHON:-/usr/bin/python3}"
work="$(mktemp -d -t lakehouse-compare-XXXXXX)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/benchgen" ./cmd/benchgen
go build -o "$work/benchcompare" ./cmd/benchcompare
(cd .. && go build -o "$work/lakehouse-runner" ./cmd/lakehouse-runner)
shuffle=()
[[ -n "${SHUFFLE:-}" ]] && shuffle=(-shuffle-ids)
"$work/benchgen" -rows "$ROWS" "${shuffle[@]}" -out "$work/data.parquet" >&2
pandas=()
# Debian ships no pyarrow, so pandas reads the same rows as CSV.
if ! "$PYTHON" -c 'import pyarrow' 2>/dev/null; then
  "$work/benchgen" -rows "$ROWS" "${shuffle[@]}" -out "$work/data.csv" >&2
  pandas=(-pandas-data "$work/data.csv")
fi
"$work/benchcompare" -data "$work/data.parquet" -runner "$work/lakehouse-runner" -rows "$ROWS" -python "$PYTHON" "${pandas[@]}"
