#!/usr/bin/env bash
# Runs every fuzz target for FUZZTIME (default 10s) one after another.
# A crash is saved by `go test` under the package's testdata/fuzz/FuzzXxx/
# and makes this script fail; commit that file as a regression test.
#   FUZZTIME=30s scripts/fuzz.sh            # all targets
#   scripts/fuzz.sh FuzzScrub               # targets whose name matches
#   FUZZ_KEEP_CORPUS=1 scripts/fuzz.sh      # grow go's cached corpus across runs
#
# By default each run starts from the committed seed corpus only, in a
# fresh cache directory: go's cached corpus grows with every run, and once
# replaying it takes longer than FUZZTIME, `go test -fuzz` fails with
# "context deadline exceeded" although nothing was found.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-10s}"
FILTER="${1:-}"
cache_args=()
if [[ -z "${FUZZ_KEEP_CORPUS:-}" ]]; then
  cache="$(mktemp -d -t lakehouse-fuzz-XXXXXX)"
  trap 'rm -rf "$cache"' EXIT
fi

targets=(
  "./internal/tabular FuzzCSVReader"
  "./internal/tabular FuzzParquetStream"
  "./internal/expectations FuzzParseSuite"
  "./internal/expectations FuzzMatcher"
  "./internal/expectations FuzzParameterExpr"
  "./internal/deid FuzzParsePolicy"
  "./internal/deid FuzzScrub"
  "./internal/submission FuzzParseSchema"
  "./internal/policydoc FuzzCanonical"
  "./internal/accesspolicy FuzzParseDocument"
)

failed=0
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  [[ -n "$FILTER" && "$name" != *"$FILTER"* ]] && continue
  echo "== $name ($pkg, $FUZZTIME)"
  # A flag after -args comes after go's own -test.fuzzcachedir, so it wins.
  [[ -n "${cache:-}" ]] && cache_args=(-args "-test.fuzzcachedir=$cache/$name")
  # -parallel 2 keeps the machine usable for others; -run '^$' skips unit tests.
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -parallel 2 "$pkg" "${cache_args[@]}"; then
    echo "!! $name found a failure (see $pkg/testdata/fuzz/$name/)"
    failed=1
  fi
done
exit "$failed"
