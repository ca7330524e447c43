# jichitai: the two commands a newcomer needs are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PGURL ?= postgres://jichitai@127.0.0.1:5432/jichitai
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system-deps pdf-deps db demo serve test lint unit lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

install: $(VENV)/.installed

system-deps:            ## Debian packages the tests and PDFs need (fonts, chromium, Java, systemd-analyze); idempotent
	bash scripts/install-system-deps.sh all

pdf-deps:               ## only what the PDFs need (the Japanese fonts Typst uses): the demo's part of system-deps
	bash scripts/install-system-deps.sh pdf

db:                     ## the PostgreSQL role and database the tests use
	bash scripts/setup-postgres.sh

demo: install pdf-deps  ## the platform on its embedded default (SQLite, local lake) with a synthetic city
	bash scripts/demo.sh

serve: install          ## the production server on this machine: gunicorn (+ whitenoise) and the hub worker, on the demo's data unless configured
	bash scripts/serve.sh

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy src

unit: install
	$(BIN)/pytest -q -m "not e2e and not spark and not slow" -p no:cacheprovider

test: install system-deps db lint  ## the whole suite on PostgreSQL at 127.0.0.1:5432 (+ SQLite where the test is about it)
	DATABASE_URL=$(PGURL) JICHITAI_MODE=test JICHITAI_VAR=$(CURDIR)/var/test $(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lock:                   ## re-pin every dependency (dev and spark extras included) into requirements.lock
	$(BIN)/pip-compile -q --strip-extras --extra dev --extra spark -o requirements.lock pyproject.toml

clean:
	rm -rf var $(VENV)
