# Veldwijzer: `make run` serves the app with demo data; `make test` runs the whole suite.
# Everything the project needs is installed by these targets (a venv, npm packages, Debian packages).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := webapp:create_app
# Chromium for the browser tests, PostgreSQL for the database tests, Graphviz for `flask flows graph`
# and its test (Debian packages).
SYSTEM_PACKAGES := chromium postgresql graphviz

.PHONY: run test install assets system-deps security-scan migrate demo bench bench-lighthouse bench-lighthouse-install clean

run: install assets
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data
	$(BIN)/flask run --host "$(HOST)" --port "$(PORT)"

test: install assets system-deps security-scan
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# bandit: the code, failing on high severity. pip-audit: the installed dependencies, failing on any
# known vulnerability. pip-audit looks each release up on PyPI; a package it cannot look up is
# listed as skipped and does not fail the run, unless PIP_AUDIT_FLAGS=--strict (see README, Security).
PIP_AUDIT_FLAGS ?=
security-scan: install
	$(BIN)/bandit -c pyproject.toml -r webapp sync --severity-level high --quiet
	@out=$$($(BIN)/pip-audit --progress-spinner off --skip-editable $(PIP_AUDIT_FLAGS) 2>&1); status=$$?; \
	echo "$$out"; \
	unchecked=$$(echo "$$out" | grep -c "could not be audited"); \
	if [ "$$unchecked" -gt 0 ]; then \
	  echo "pip-audit: $$unchecked installed packages could NOT be looked up from here and were not checked (README, Security)"; \
	fi; \
	exit $$status

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Third-party front-end files come from the npm registry and are copied, not committed.
# Our scripts are minified into webapp/static/min/ (the page-weight budget); each copy records the
# hash of its source, and webapp/assets.py serves it only while that still matches, so an edited
# script is served as it is until the next `make assets`.
assets: node_modules/.installed
	mkdir -p webapp/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js webapp/static/vendor/htmx.min.js
	rm -rf webapp/static/min && mkdir -p webapp/static/min/js
	for src in webapp/static/js/*.js; do \
	  name=$$(basename $$src); [ $$name = sw.js ] && continue; \
	  node_modules/.bin/terser $$src --compress --mangle --comments false --output webapp/static/min/js/$$name || exit 1; \
	  sha256sum $$src | cut -c1-16 > webapp/static/min/js/$$name.source; \
	done

system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The benchmarks (not part of `make test`): each prints ratios measured in one run; see README.
bench: install assets system-deps bench-lighthouse-install
	$(BIN)/python bench/page_weight.py
	$(BIN)/python bench/contacts_search.py
	$(BIN)/python bench/sync_push.py
	$(BIN)/python bench/sync_pull.py
	$(BIN)/python bench/sync_pull.py --postgres
	$(BIN)/python bench/load.py
	$(BIN)/python bench/dial_ready.py
	$(BIN)/python bench/lighthouse.py

bench-lighthouse: install assets system-deps bench-lighthouse-install
	$(BIN)/python bench/lighthouse.py

# Lighthouse (185 MB of npm packages) is for the benchmark only: make run and make test skip it.
bench-lighthouse-install: bench/lighthouse/node_modules/.installed

bench/lighthouse/node_modules/.installed: bench/lighthouse/package.json bench/lighthouse/package-lock.json
	npm ci --prefix bench/lighthouse --no-audit --no-fund
	touch $@

migrate: install
	$(BIN)/flask db upgrade

clean:
	rm -rf $(VENV) node_modules bench/lighthouse/node_modules webapp/static/vendor .pytest_cache
