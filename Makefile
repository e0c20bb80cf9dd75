# `make` builds every brief into out/; `make test` runs the whole suite. Both create or update .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: all build test test-corpus test-fast test-floors lint format pictures bench bench-engines clean

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

# The page-layout checker over 200 generated briefs an engine (benchmarks/varied.py), in every engine: the
# `corpus` mark, which `make test` deselects (it runs 30 an engine).
test-corpus: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -n 2 -m corpus

# The edit loop: everything but the LaTeX engine's tests and the slow ones, on two processes.
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -q -n 2 -m "not latex and not slow and not corpus"

# The dependency floors: the lowest version of each direct dependency pyproject.toml allows (uv's lowest-direct
# resolution, uv itself from PyPI), in a venv of their own with the serve extra, then the fast tests of what the
# dependencies do (the brief, languages, themes, engines, inspect, the CLI, watch, reproducible bytes, mail over
# SMTP and TLS, Word documents read by LibreOffice, the preview in chromium, the published site and its
# thumbnails). Left out: the published site in a browser (Playwright 1.40 reports the browser's own favicon
# request as a console error) and the test that the shipped theme JSON Schema is the one the newest pydantic writes.
FLOORS := .venv-floors
FLOOR_TESTS := tests/brief tests/language tests/themes tests/backends tests/distribution/test_inspect.py \
	tests/test_settings.py tests/test_watch.py tests/e2e/test_standards.py tests/e2e/test_verbosity.py \
	tests/distribution/test_mail.py tests/word tests/e2e/test_serve.py tests/distribution/test_publish.py
FLOOR_SKIPS := --deselect tests/themes/test_layers.py::test_the_shipped_json_schema_of_themes_is_current \
	--deselect tests/distribution/test_publish.py::test_the_index_and_every_page_in_a_browser
$(FLOORS)/bin/uv:
	$(PYTHON) -m venv $(FLOORS)
	$(FLOORS)/bin/python -m pip install --quiet uv

test-floors: pyproject.toml | $(FLOORS)/bin/uv
	$(FLOORS)/bin/uv pip install --quiet --python $(FLOORS)/bin/python --resolution lowest-direct -e '.[test,serve]'
	$(FLOORS)/bin/python -m pytest -q -n 2 -p no:cacheprovider -m "not latex and not slow and not corpus" $(FLOOR_SKIPS) $(FLOOR_TESTS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests

format: $(TEST_STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

# Playwright (a test extra) drives chromium for the pictures of the published site.
pictures: $(TEST_STAMP)
	$(BIN)/python scripts/pictures.py

# Whole processes as a user runs them, against the engines alone, each row with its goal (benchmarks/run.py;
# BENCH="--runs 3 --rows typst,help" picks; BENCH=--quick is a smoke run).
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

# In one process: each stage and engine; what each PDF standard costs; WeasyPrint's first build where only pip
# ran (no libharfbuzz-subset) against a full install.
bench-engines: $(TEST_STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench.py --standards
	$(BIN)/python -m tests.e2e.test_first_run

clean:
	rm -rf out/*.pdf out/*.html out/*.typ out/*.tex out/manifest.json out/bundles .pytest_cache
