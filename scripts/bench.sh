#!/usr/bin/env bash
# Prints ONE markdown table of the project's headline figures:
#   provider: API calls per resource per refresh, terraform plan wall time at
#   scale, start-up to GetProviderSchema (a TF_ACC test in
#   internal/reliability, which starts its own MinIO);
#   runner: rows/s and peak RSS of check, deid and load at each size in ROWS.
#   scripts/bench.sh                       (ROWS="1000000 10000000" by default; the 10M pass takes ~10x the 1M one)
#   ROWS=1000000 scripts/bench.sh          one size only
#   SKIP_PROVIDER=1 / SKIP_RUNNER=1        to run one half
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${ROWS:-1000000 10000000}"
work="$(mktemp -d -t lakehouse-bench-XXXXXX)"
trap 'rm -rf "$work"' EXIT
rows_file="$work/rows.md"
: >"$rows_file"

if [[ -z "${SKIP_PROVIDER:-}" ]]; then
  command -v terraform >/dev/null || { echo "terraform CLI not found on PATH" >&2; exit 1; }
  echo "measuring the provider (builds, starts MinIO, applies a few hundred resources)..." >&2
  TF_ACC=1 LAKEHOUSE_BENCH=1 LAKEHOUSE_BENCH_OUT="$rows_file" \
    go test -count=1 -timeout 30m -run '^TestBenchProviderFigures$' ./internal/reliability/ >"$work/provider.log" 2>&1 \
    || { cat "$work/provider.log" >&2; exit 1; }
fi

# measure NAME ROWS -- command...: appends a row with rows/s and peak RSS.
measure() {
  local name="$1" rows="$2"
  shift 3
  local start end status=0
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || status=$?
  end=$(date +%s.%N)
  # check exits 1 when an expectation fails; anything else is a crash.
  if (( status > 1 )); then
    echo "$name failed ($status):" >&2; cat "$work/err.txt" "$work/out.txt" >&2; exit 1
  fi
  local rss secs
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$work/time.txt")
  secs=$(echo "$end - $start" | bc -l)
  printf '| runner %s, %s rows | %s rows/s, %.1f s | peak RSS %d MiB |\n' "$name" "$rows" \
    "$(printf '%.0f' "$(echo "$rows / $secs" | bc -l)")" "$secs" "$((rss / 1024))" >>"$rows_file"
}

if [[ -z "${SKIP_RUNNER:-}" ]]; then
  go build -o "$work/lakehouse-runner" ./cmd/lakehouse-runner
  export LAKEHOUSE_CATALOG_TYPE=sql LAKEHOUSE_CATALOG_URI="$work/catalog.db" LAKEHOUSE_CATALOG_WAREHOUSE="file://$work/warehouse"
  export LAKEHOUSE_DEID_KEY="bench-key-0123456789abcdef0123456789"
  ns=bench
  for rows in $ROWS; do
    echo "measuring the runner at $rows rows..." >&2
    d="$work/data-$rows"
    go run ./scripts/benchdata -rows "$rows" -dir "$d" ${ns:+-namespace "$ns"}
    ns="" # created once
    measure check "$rows" -- "$work/lakehouse-runner" check --suite "$d/suite.json" "$d/data.csv"
    measure "check --html" "$rows" -- "$work/lakehouse-runner" check --suite "$d/suite.json" --html "$work/report.html" "$d/data.csv"
    measure deid "$rows" -- "$work/lakehouse-runner" deid --policy "$d/policy.json" "$d/data.csv" --out "$work/deid.csv"
    measure load "$rows" -- "$work/lakehouse-runner" load "$d/data.csv" --table "bench.students_$rows" --create
    rm -rf "$d" "$work/deid.csv"
  done
fi

echo "| Measure | Value | Notes |"
echo "| --- | --- | --- |"
cat "$rows_file"
