# Two commands on a fresh machine (Python 3.11+ present):
#   make run    set up, then open the app on a SQLite demo database (filled on first start)
#   make test   set up, then run every check and test, starting PostgreSQL itself
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench dist clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py --demo

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench --offenders 20000 --out bench/results-20000.json

# The installable application, one folder: dist/rso-manager/ (cached by a hash of its inputs in
# ~/.cache/rso-manager-dist/). The same command on Windows (Git Bash with make), where the
# script sets up .venv\Scripts itself.
dist: $(if $(filter Windows_NT,$(OS)),,$(STAMP))
	bash scripts/build_dist.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
