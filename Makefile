# Notes Console: `make run` serves the app locally, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000
STAGE ?= dev

.PHONY: run test lint bench browser create_table clean

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

test: $(STAMP) browser
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) -m bench

create_table: $(STAMP)
	$(PY) manage.py create_table

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
