# SafeHarbor: `make run` starts the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/safeharbor/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
# The task worker of `make run`: --flush-locks clears Huey locks a killed worker left behind (the deadline
# sweep itself runs under a lease that expires, docs/operations.md). deadlines/tests/test_crash.py starts
# the worker with these same flags.
WORKER_FLAGS := --workers 1 --flush-locks

.PHONY: install run test test-fast e2e lint format demo clean

install: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.installed: node_modules/.installed
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/uswds $(VENDOR)/htmx $(VENDOR)/axe
	cp -r node_modules/@uswds/uswds/dist/{css,js,img,fonts} $(VENDOR)/uswds/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe/
	touch $@

run: install
	SAFEHARBOR_ENV=development DEBUG=1 $(BIN)/safeharbor migrate --no-input
	SAFEHARBOR_ENV=development DEBUG=1 $(BIN)/safeharbor demo
	SAFEHARBOR_ENV=development DEBUG=1 $(BIN)/safeharbor run_huey $(WORKER_FLAGS) & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	SAFEHARBOR_ENV=development DEBUG=1 $(BIN)/safeharbor runserver $(HOST):$(PORT)

# The whole suite: on SQLite, or on DATABASE_URL when it is set. Browser journeys included.
test: install
	SAFEHARBOR_ENV=test $(BIN)/pytest -n auto

test-fast: install
	SAFEHARBOR_ENV=test $(BIN)/pytest -m "not e2e"

e2e: install
	SAFEHARBOR_ENV=test $(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint --lint src/safeharbor

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var

# Issue 21: remove each permission boundary condition in a copy of src/ and run the boundary tests and
# the matrix (scripts/mutation_check.py; the working tree is never touched). Every mutant must be caught.
.PHONY: mutation
mutation: install
	$(BIN)/python scripts/mutation_check.py
