# Notes Console: `make run` serves the app locally, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
STAGE ?= dev
PACKAGE_VENV ?= .venv-package
PACKAGE_STAMP := $(PACKAGE_VENV)/.installed
PACKAGE_ZIP ?= dist/notes-console-$(STAGE).zip
ZAPPA := VIRTUAL_ENV=$(CURDIR)/$(PACKAGE_VENV) PATH=$(CURDIR)/$(PACKAGE_VENV)/bin:$$PATH $(PACKAGE_VENV)/bin/zappa

.PHONY: run test check lint bench bench-quick browser axe create_table create_bucket wire-async clean package package-venv deploy update wire-stream alarms

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian's chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2; exit 1; fi; \
	fi

# axe-core (npm) for the browser tests' accessibility checks, into .local/axe (git-ignored); pinned.
AXE_VERSION ?= 4.14.1
AXE_JS := .local/axe/node_modules/axe-core/axe.min.js
$(AXE_JS):
	@command -v npm >/dev/null || { echo "The accessibility checks need npm (Node.js): sudo apt-get install -y npm" >&2; exit 1; }
	mkdir -p .local/axe
	npm install --prefix .local/axe --no-audit --no-fund --no-package-lock --no-save axe-core@$(AXE_VERSION)

axe: $(AXE_JS)

# The suite runs on TEST_WORKERS processes (pytest-xdist; a test file stays on one worker, so its module fixtures
# are made once). TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= 2
test: $(STAMP) browser axe
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# ruff (lint and format), the import-linter contracts in pyproject.toml (layers, no cycles), parliament on the
# IAM policies, the check that every path the docs name exists, and the house rules a source check can keep
# (one place answers a store failure, key prefixes spelled once, HtmxHttpRequest, test names, console/health's shape,
# console's root, no app module over 600 lines).
HOUSE_RULES := tests/unit/test_store_failure_answered_once.py tests/unit/test_table_keys.py \
	tests/unit/test_htmx_request_type.py tests/unit/test_suite_navigation.py tests/unit/test_health_shape.py \
	tests/unit/test_console_layout.py tests/unit/test_module_size.py
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m console.deploy.lint_policies
	$(PY) -m tools.check_docs
	$(PY) -m pytest -q -p no:cacheprovider $(HOUSE_RULES)

# The fast inner loop (well under a minute): lint, then the unit tests (fakes, no moto, no browser).
check: lint
	$(PY) -m pytest tests/unit -q -m "not slow and not browser"

bench: $(STAMP) $(PACKAGE_STAMP)
	$(PY) -m bench

# One short round of every benchmark (a few minutes): CI runs it, so a benchmark that breaks fails CI.
bench-quick: $(STAMP) $(PACKAGE_STAMP)
	$(PY) -m bench --quick

# --- Lambda ------------------------------------------------------------------------------
# The package is built from a venv holding requirements.txt only (no test or dev tools), with the Python
# that matches zappa_settings.json's runtime. Zappa's PyPI lookups are off (use_precompiled_packages, and
# --json skips its new-version check), so nothing waits on them.

$(PACKAGE_STAMP): requirements.txt
	rm -rf $(PACKAGE_VENV)
	$(PYTHON) -m venv $(PACKAGE_VENV)
	$(PACKAGE_VENV)/bin/python -m pip install --quiet -r requirements.txt
	touch $(PACKAGE_STAMP)

package-venv: $(PACKAGE_STAMP)

# `make package STAGE=dev`: the deployable zip, then its checks (size, contents, bytecode).
package: $(PACKAGE_STAMP)
	mkdir -p $(dir $(PACKAGE_ZIP))
	$(ZAPPA) package $(STAGE) -o $(PACKAGE_ZIP) --json
	$(PACKAGE_VENV)/bin/python bench/check_package.py $(PACKAGE_ZIP)

# These talk to your AWS account (README, Deploy), and wire-stream below; nothing else in this Makefile does.
deploy: $(PACKAGE_STAMP)
	$(ZAPPA) deploy $(STAGE)

update: $(PACKAGE_STAMP)
	$(ZAPPA) update $(STAGE)

# The version history's stream trigger (README, Deploy): route the table's stream in the stage's events,
# deploy that route, then create or update the trigger with the retry settings Zappa cannot set. Talks to AWS.
wire-stream: $(STAMP) $(PACKAGE_STAMP)
	USE_REAL_AWS=1 $(PY) manage.py wire_stream --stage $(STAGE) --route-only
	$(ZAPPA) update $(STAGE)
	USE_REAL_AWS=1 $(PY) manage.py wire_stream --stage $(STAGE)

# The function's recommended CloudWatch alarms, mailing EMAIL (console/health/alarms.py). Talks to AWS; run it
# again after changing a threshold: it updates only what differs.
alarms: $(STAMP)
	USE_REAL_AWS=1 $(PY) manage.py create_alarms --stage $(STAGE) --email $(EMAIL)

create_table: $(STAMP)
	$(PY) manage.py create_table

# The S3 trigger's asynchronous invocation config: retries, event age, on-failure SQS queue. Talks to AWS.
wire-async: $(STAMP)
	USE_REAL_AWS=1 $(PY) manage.py wire_async --stage $(STAGE)

# The attachments bucket (idempotent). On AWS: USE_REAL_AWS=1 and ORIGIN=https://<the site>.
create_bucket: $(STAMP)
	$(PY) manage.py create_bucket $(if $(ORIGIN),--origin $(ORIGIN),)

clean:
	rm -rf $(VENV) $(PACKAGE_VENV) dist .pytest_cache .ruff_cache staticfiles
