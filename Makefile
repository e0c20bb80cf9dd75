# `make` builds every brief into out/; `make test` runs the whole suite. Both create or update .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: all build test test-fast lint format pictures bench clean

all: build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serve]'
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,serve]'
	touch $(STAMP) $@

build: $(STAMP)
	$(BIN)/briefgen build briefs

# The whole suite on two processes (the machines have two cores): about 8 minutes, the validators' matrix included.
test: $(TEST_STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

# The edit loop: everything but the LaTeX engine's tests and the slow ones, on two processes.
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -n 2 -m "not latex and not slow"

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests

format: $(TEST_STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

# Playwright (a test extra) drives chromium for the pictures of the published site.
pictures: $(TEST_STAMP)
	$(BIN)/python scripts/pictures.py

# Each stage and engine; what each PDF standard costs; WeasyPrint's first build where only pip ran (no
# libharfbuzz-subset) against a full install.
bench: $(TEST_STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench.py --standards
	$(BIN)/python -m tests.e2e.test_first_run

clean:
	rm -rf out/*.pdf out/*.html out/*.typ out/*.tex out/manifest.json out/bundles .pytest_cache
