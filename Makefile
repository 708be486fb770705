# SOC Hub: `make run` sets everything up and serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export SOCHUB_DEBUG ?= 1
PORT ?= $(or $(SOCHUB_PORT),8000)

.PHONY: setup run test lint typecheck importlint pytest e2e clean chromium

setup: $(VENV)/.installed node_modules/.installed chromium var/.migrated

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "Could not install chromium: the browser tests will be skipped."; }

var/.migrated: $(VENV)/.installed $(wildcard src/sochub/*/migrations/*.py)
	@mkdir -p var
	$(BIN)/sochub migrate
	@touch $@

run: setup
	$(BIN)/sochub demo --if-empty
	@$(BIN)/sochub worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  echo ""; echo "SOC Hub is running at http://127.0.0.1:$(PORT)/  (press Ctrl+C to stop)"; \
	  cat var/demo-sign-in.txt 2>/dev/null; echo ""; \
	  SOCHUB_POSTCODE_DISTRICTS=$${SOCHUB_POSTCODE_DISTRICTS:-$(CURDIR)/var/demo-files/postcode-districts.csv} \
	  $(BIN)/sochub serve --port $(PORT)

lint:
	$(BIN)/ruff check src tests $(wildcard benchmarks)

typecheck:
	$(BIN)/mypy src

importlint:
	$(BIN)/lint-imports

pytest:
	SOCHUB_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

test: setup lint typecheck importlint pytest

clean:
	rm -rf var/test-sochub.sqlite3* .pytest_cache .mypy_cache .ruff_cache
