# Podlife — run `make help` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install run test lint format golden bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Podlife with its dev tools (idempotent; starts nothing)

run: install ## Start the web server on http://127.0.0.1:5000
	$(BIN)/python app.py

test: install ## Run the whole test suite
	$(BIN)/pytest

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install ## Reformat the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

golden: install ## Regenerate tests/golden/ from scenarios/ (review the diff before committing)
	@for f in scenarios/*.yaml; do \
	  $(BIN)/podlife play $$f > tests/golden/$$(basename $$f .yaml).txt || exit 1; \
	done
	@git status --short tests/golden

bench: install ## Engine benchmarks (figures go in the issue notes)
	$(BIN)/python -m engine.bench

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
