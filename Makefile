# QT Lab: the two commands a new user needs are `make reports` and `make test`.
# Both create .venv with pip when it is missing and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest workers for `make test` (one per core; each test file stays on one worker, so its notebook runs once)
TEST_WORKERS ?= auto
# Offline machines: point QTLAB_MIRROR at a directory laid out like ../shared/data.
export QTLAB_MIRROR ?= $(if $(wildcard ../shared/data/fred),$(abspath ../shared/data),)

.PHONY: help reports test lint typecheck lab fetch bench clean site

help:  ## list targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

reports: $(STAMP)  ## fetch or refresh data, run every notebook, render reports/
	$(BIN)/qtlab fetch --refresh
	$(BIN)/qtlab run
	$(BIN)/python -m helpers.report.readme

test: $(STAMP)  ## unit tests, mocked fetchers, real-data tests on the mirror, notebooks through papermill
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(STAMP)  ## ruff on the package, tests and notebooks
	$(BIN)/ruff check src tests notebooks

typecheck: $(STAMP)  ## mypy on src/helpers
	$(BIN)/mypy

lab: $(STAMP)  ## JupyterLab at the project root with the README open (the site: reports/index.html), qtlab kernel
	$(BIN)/qtlab kernel
	$(BIN)/jupyter lab --notebook-dir=. README.md

fetch: $(STAMP)  ## fetch every catalog series into data/raw/
	$(BIN)/qtlab fetch

site: $(STAMP)  ## rebuild only the reader site in reports/ from the executed notebooks in reports/.executed
	$(BIN)/python -c "from pathlib import Path; from helpers.report.site import build_site; build_site(Path('reports/.executed'), Path('reports'))"

bench: $(STAMP)  ## benchmarks in a temporary copy (goals live here, not in tests); writes reports/benchmarks.json
	$(BIN)/python benchmarks/run.py

clean:  ## remove the environment and the data cache
	rm -rf $(VENV) data/raw
