#!/usr/bin/env bash
# Creates .venv with the Python named in .python-version and installs the locked packages.
set -euo pipefail
want=$(cat .python-version)
short=${want%.*}
python=""
for candidate in "$(command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/$want/bin/python" \
                 "$HOME/.pyenv/versions/$want/bin/python" "$(command -v "python$short" || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$short'.split('.')))" 2>/dev/null; then
    python=$candidate; break
  fi
done
if [ -z "$python" ]; then
  echo "error: Python $short is needed (.python-version says $want): install it with pyenv (pyenv install $want)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$short'.split('.')))" 2>/dev/null; then
  rm -rf .venv
  "$python" -m venv .venv
fi
# chalice 1.34 needs pip < 26.3
.venv/bin/python -m pip install -q --disable-pip-version-check "pip<26.3"
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -r requirements-dev.txt
