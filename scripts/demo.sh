#!/usr/bin/env bash
# The main job, end to end on this machine: start a local MinIO, apply
# examples/quickstart on the embedded SQLite catalog, run lakehouse-runner over
# the OULAD and Synthea files shipped in examples/quickstart/data, print a
# summary and the HTML report path, then show that `terraform plan` is empty.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.bin"
out="$root/demo-output"
work="$out/examples/quickstart"
data="$root/examples/quickstart/data"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

rm -rf "$out"
mkdir -p "$out/minio" "$out/reports"

step "Starting MinIO (test and demo service)"
port=$(free_port)
console=$(free_port)
export MINIO_ROOT_USER=lakehouse-demo MINIO_ROOT_PASSWORD=lakehouse-demo-secret MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CI_CD=1
"$bin/minio" server --quiet --address "127.0.0.1:$port" --console-address "127.0.0.1:$console" "$out/minio" \
	>"$out/minio.log" 2>&1 &
minio_pid=$!
trap 'kill $minio_pid 2>/dev/null || true; wait $minio_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
	curl -fsS "http://127.0.0.1:$port/minio/health/ready" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/minio/health/ready" >/dev/null || { cat "$out/minio.log"; exit 1; }
echo "MinIO on 127.0.0.1:$port"

# The provider and the runner read the same environment.
export LAKEHOUSE_S3_ENDPOINT="127.0.0.1:$port"
export LAKEHOUSE_S3_ACCESS_KEY=$MINIO_ROOT_USER LAKEHOUSE_S3_SECRET_KEY=$MINIO_ROOT_PASSWORD
export LAKEHOUSE_S3_USE_SSL=false LAKEHOUSE_S3_PATH_STYLE=true LAKEHOUSE_S3_REGION=us-east-1
export LAKEHOUSE_CATALOG_TYPE=sql LAKEHOUSE_CATALOG_URI="file:$out/catalog.db"
export LAKEHOUSE_CATALOG_WAREHOUSE=s3://demo-warehouse/warehouse
export LAKEHOUSE_DEID_KEY=demo-only-pseudonymisation-key-change-me

# Use the freshly built provider without a registry.
cat >"$out/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/spanda-ai/lakehouse" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$out/terraformrc" TF_IN_AUTOMATION=1
# The quickstart uses modules by relative path: copy the examples tree.
mkdir -p "$out/examples"
cp -r "$root/examples/quickstart" "$root/examples/modules" "$out/examples/"
rm -rf "$work/data"
terraform -chdir="$work" get -no-color >"$out/init.log" 2>&1 || { cat "$out/init.log"; exit 1; }

step "terraform apply examples/quickstart"
terraform -chdir="$work" apply -auto-approve -input=false -no-color >"$out/apply.log" 2>&1 || { cat "$out/apply.log"; exit 1; }
grep -E '^Apply complete' "$out/apply.log"

runner="$bin/lakehouse-runner"
out_of() { terraform -chdir="$work" output -raw "$1"; }
schema=$(out_of runner_schema_uri)
patients_policy=$(out_of runner_patients_policy_uri)
# One --suite, --policy and --table per file, as Terraform declared them.
mapfile -t file_args < <(terraform -chdir="$work" output -json runner_files | python3 -c '
import json, sys
for f, v in sorted(json.load(sys.stdin).items()):
    if v["suite"]:
        print("--suite"); print(f + "=" + v["suite"])
    print("--policy"); print(f + "=" + v["policy"])
    print("--table"); print(f + "=" + v["table"])
')

step "lakehouse-runner submit: validate -> check -> de-identify -> load (OULAD, six files)"
set +e
"$runner" submit --schema "$schema" "${file_args[@]}" --out "$out/deidentified" \
	--report "$out/reports/submission.html" --result "$out/reports/submission.json" "$data/oulad"
submit_rc=$?
set -e

step "lakehouse-runner deid (Synthea patients, Safe Harbor)"
"$runner" deid --policy "$patients_policy" --audit "$out/reports/patients-audit.json" \
	"$data/synthea/patients.csv" --out "$out/deidentified/patients.csv"

step "terraform plan after apply (must be empty)"
set +e
terraform -chdir="$work" plan -detailed-exitcode -input=false -no-color >"$out/plan.log" 2>&1
plan_rc=$?
set -e
tail -n 3 "$out/plan.log"

step "Summary"
echo "submission exit code: $submit_rc (0 = passed, 1 = data did not pass)"
echo "HTML report:          $out/reports/submission.html"
echo "de-identified output: $out/deidentified/"
if [ "$plan_rc" -ne 0 ]; then
	echo "terraform plan is NOT empty (exit $plan_rc); see $out/plan.log"
	exit 1
fi
echo "terraform plan:       no changes"
[ "$submit_rc" -le 1 ] || exit "$submit_rc"
