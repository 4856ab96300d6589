# The two commands: `make run` (the product on this machine) and `make test` (the whole suite).
# Both install what is missing first. Ports: CRM_APP_PORT, CRM_DDB_PORT, CRM_STRIPE_PORT.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
STAMP_SYS := .local/.system-installed

.PHONY: run test bench package lint setup lock clean

run: setup
	$(PY) infra/local/stack.py run

test: setup
	$(PY) infra/local/stack.py test -n 2 --dist loadfile $(PYTEST_ARGS)

bench: setup
	$(PY) infra/local/stack.py bench

package: setup
	bash infra/package.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

setup: $(STAMP_SYS) $(STAMP_PY) $(STAMP_NPM)

$(STAMP_SYS): infra/local/install-system.sh
	bash infra/local/install-system.sh
	@mkdir -p .local && touch $@

$(STAMP_PY): requirements.txt requirements-dev.txt constraints.txt .python-version infra/local/install-python.sh
	bash infra/local/install-python.sh
	@touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Re-lock after editing requirements*.txt: a fresh venv resolves them, the freeze becomes constraints.txt.
lock:
	rm -rf /tmp/crm-lock-venv && $$(cat .python-version | xargs -I{} sh -c 'ls -d $$HOME/.pyenv/versions/{}')/bin/python -m venv /tmp/crm-lock-venv
	/tmp/crm-lock-venv/bin/pip install -q "pip<26.3" && /tmp/crm-lock-venv/bin/pip install -q -r requirements-dev.txt
	(echo "# Full lock of every package in the dev venv (pip install -c constraints.txt)."; \
	 echo "# Regenerate with \`make lock\` after changing requirements*.txt."; \
	 /tmp/crm-lock-venv/bin/pip freeze | grep -viE '^(pip|setuptools|wheel)==') > constraints.txt

clean:
	rm -rf $(VENV) node_modules build vendor/templates .local/.system-installed
