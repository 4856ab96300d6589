#!/usr/bin/env bash
# Builds the AWS deployment offline (no AWS credentials): regenerates infra/resources.json,
# puts templates/ into the Lambda zip, runs `chalice package --merge-template`, lints the result.
#
#   bash infra/package.sh [OUTPUT_DIR]      # default build/package
#
# Writes OUTPUT_DIR/deployment.zip and OUTPUT_DIR/sam.json. Environment: AWS_DEFAULT_REGION
# (default eu-central-1), CRM_PACKAGE_STAGE (the .chalice/config.json stage, default prod),
# VENV (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-build/package}"
stage="${CRM_PACKAGE_STAGE:-prod}"
bin="${VENV:-.venv}/bin"

# One build at a time (parallel test workers share vendor/ and Chalice's wheel cache).
mkdir -p build
exec 9>build/.package.lock
flock 9

"$bin/python" infra/build_template.py

# Chalice zips app.py, chalicelib/ and the contents of vendor/ at the zip root:
# vendor/templates/ becomes templates/ beside chalicelib/, where chalicelib/web/render.py looks.
rm -rf vendor/templates
mkdir -p vendor
cp -R templates vendor/templates
find vendor/templates -name '__pycache__' -prune -exec rm -rf {} +

rm -rf "$out"
AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-central-1}" \
    "$bin/chalice" package --stage "$stage" --merge-template infra/resources.json "$out"

"$bin/cfn-lint" "$out/sam.json"

zip_bytes=$(stat -c %s "$out/deployment.zip")
unzipped_bytes=$(unzip -l "$out/deployment.zip" | tail -n 1 | awk '{print $1}')
echo "packaged stage $stage: $out/deployment.zip ($((zip_bytes / 1048576)) MiB, $((unzipped_bytes / 1048576)) MiB unzipped)" \
     "and $out/sam.json (cfn-lint: no findings)"
