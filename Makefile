# Podlife — run `make help` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM ?= npm
NODE_STAMP := node_modules/.podlife-installed
PAGE := static/dist/.built
PAGE_SOURCES := $(wildcard static/src/*.js static/src/*.css) static/build.mjs

.PHONY: help install run test lint format golden bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The page's third-party code (Socket.IO client, CodeMirror) comes from npm, bundled into
# static/dist/ (git-ignored) by esbuild.
$(NODE_STAMP): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(PAGE): $(NODE_STAMP) $(PAGE_SOURCES)
	$(NPM) run --silent build -- --quiet
	touch $(PAGE)

install: $(STAMP) $(PAGE) ## Create .venv, install Podlife with its dev tools, build the page (idempotent; starts nothing)

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

golden: install ## Regenerate tests/golden/ (transcripts and stories) from scenarios/ (review the diff before committing)
	@for f in scenarios/*.yaml; do \
	  $(BIN)/podlife play $$f > tests/golden/$$(basename $$f .yaml).txt || exit 1; \
	  $(BIN)/podlife play --story $$f > tests/golden/stories/$$(basename $$f .yaml).txt || exit 1; \
	done
	@git status --short tests/golden

bench: install ## Benchmarks: the engine, the server under abuse, keeping sessions, the page's weight, interaction latency, room fan-out (one process, and four sharing rooms through Redis), a class (figures: docs/performance.md)
	$(BIN)/python -m engine.bench
	$(BIN)/python -m web.bench
	$(BIN)/python -m web.keepbench
	$(BIN)/python -m web.pageweight
	$(BIN)/python -m web.latencybench
	$(BIN)/python -m web.roombench
	$(BIN)/python -m web.roombench --processes 4 --followers 2000
	$(BIN)/python -m web.classbench --idle 300
	$(BIN)/python -m web.classbench --processes 2 --idle 0  # the class on a 2-core laptop: a process a core

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
