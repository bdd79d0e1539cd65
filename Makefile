# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint bench

$(BIN)/.installed: pyproject.toml requirements.lock build-constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check 'pip>=25.3'
	$(BIN)/pip install -q --disable-pip-version-check --build-constraint build-constraints.txt -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

install: $(BIN)/.installed

## Build the demo county on the embedded SQLite database and serve it at http://127.0.0.1:8000
demo: install
	$(BIN)/dangjian demo

## Lint, check, and run the whole suite on SQLite, PostgreSQL and in Chromium
test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

bench: install
	$(BIN)/dangjian benchmark
