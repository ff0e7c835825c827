# Everything a newcomer or CI needs: `make up` runs the system, `make test`
# prepares everything and runs every test. Each target installs what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
GEN := gen
GEN_STAMP := $(GEN)/.stamp
PROTOS := $(shell find protos -name '*.proto' | sort)
LAUNCHER_JAR := deploy/neo4j/target/neo4j-launcher-1.0.0.jar
LAUNCHER_SOURCES := deploy/neo4j/pom.xml $(shell find deploy/neo4j/src -name '*.java')
PYTEST_ARGS ?=
WEB := services/gateway/web
WEB_MODULES := $(WEB)/node_modules/.package-lock.json
WEB_BUILT := $(WEB)/dist/index.html
# The page's client is generated from the gateway's OpenAPI document, so the
# routes and schemas (Python) are sources of the build as much as the page's own.
WEB_SOURCES := $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/package.json \
	$(shell find $(WEB)/src -type f -not -name schema.d.ts 2>/dev/null) \
	$(shell find services/gateway -name '*.py' -not -path '*/node_modules/*')
CHROMIUM ?= /usr/bin/chromium

.PHONY: help setup venv gen neo4j-jars neo4j-start neo4j-stop up down test test-unit \
        test-integration test-e2e test-web web chromium lint typecheck bench bench-skills bench-matching \
        bench-training bench-load bench-scale bench-snapshot bench-search bench-learning clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

setup: venv gen neo4j-jars web ## Virtual env, generated gRPC code, Neo4j's jars and the web page

# The web page (services/gateway/web): npm ci when the lock file changes, a
# build (typed client from /openapi.json, type check, Vite) when a source does.
web: $(WEB_BUILT) ## Build the web page the gateway serves at /
$(WEB_MODULES): $(WEB)/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: the web page needs Node.js 20+ and npm (see README)"; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	touch $@
$(WEB_BUILT): $(WEB_MODULES) $(WEB_SOURCES) $(GEN_STAMP)
	$(BIN)/python -m services.gateway.entrypoints.http.openapi_document $(WEB)/openapi.json
	cd $(WEB) && npm run --silent build -- --logLevel warn
	touch $@

# The browser tests drive Debian's chromium through Playwright (never a downloaded browser).
chromium: ## Install Debian's chromium for the browser tests when missing (as root)
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "$(CHROMIUM) is missing: install Debian's chromium (apt-get install chromium) for the browser tests"; exit 1; fi

venv: $(VENV_STAMP)
$(VENV_STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@# Generated code lives outside the source tree; put it on the venv's path.
	echo "$(CURDIR)/$(GEN)" > "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/lps-generated.pth"
	touch $@

# Generated code is rebuilt whenever a proto changes, so it is never stale.
gen: $(GEN_STAMP)
$(GEN_STAMP): $(PROTOS) $(VENV_STAMP)
	rm -rf $(GEN) && mkdir -p $(GEN)
	$(BIN)/python -m grpc_tools.protoc -I protos --python_out=$(GEN) \
		--grpc_python_out=$(GEN) --pyi_out=$(GEN) $(PROTOS)
	find $(GEN)/lps -type d -exec touch {}/__init__.py \;
	touch $@

neo4j-jars: $(LAUNCHER_JAR) ## Fetch Neo4j Community from Maven Central and build the launcher
$(LAUNCHER_JAR): $(LAUNCHER_SOURCES)
	cd deploy/neo4j && mvn --batch-mode --quiet --no-transfer-progress package
	touch $@

neo4j-start: neo4j-jars ## Start the local Neo4j (bolt://127.0.0.1:$${NEO4J_BOLT_PORT:-7687}) and wait for Bolt
	$(PYTHON) deploy/local_neo4j.py start

neo4j-stop: ## Stop the local Neo4j cleanly
	$(PYTHON) deploy/local_neo4j.py stop

up: setup ## Run Neo4j, the three services and the gateway with demo data
	$(BIN)/python -m deploy.run_local up

down: ## Stop what `make up` started
	$(BIN)/python -m deploy.run_local down

lint: setup ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup ## mypy (strict)
	$(BIN)/mypy services deploy tests

test: setup chromium lint typecheck ## Prepare everything and run every test tier
	CI=$${CI:-} $(BIN)/pytest $(PYTEST_ARGS)

test-unit: setup ## Unit tests only
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

test-integration: setup ## Integration tests against a real Neo4j
	$(BIN)/pytest tests/integration $(PYTEST_ARGS)

test-e2e: setup chromium ## End-to-end tests through the gateway, the web page's in a real browser
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

test-web: setup chromium ## The web page's browser tests only
	$(BIN)/pytest tests/e2e/web $(PYTEST_ARGS)

bench: bench-skills bench-matching bench-training bench-scale bench-snapshot bench-load bench-search bench-learning ## All benchmarks; writes BENCHMARKS.md

bench-skills: setup
	$(BIN)/python -m tests.bench.skills_bench

bench-matching: setup
	$(BIN)/python -m tests.bench.matching_bench

bench-training: setup
	$(BIN)/python -m tests.bench.training_bench

bench-load: setup ## 50 clients closed loop, then 50 requests/s open loop; CPU per request
	$(BIN)/python -m tests.bench.load_bench

# SCALE_PEOPLE / SCALE_INDEX_PEOPLE shrink it for a smoke run (e.g. 5000 / 50000).
bench-scale: setup ## 100,000 people imported and served; the index alone at 1,000,000
	$(BIN)/python -m tests.bench.scale_bench

bench-snapshot: setup ## A skills restart from its index snapshot against a cold build, 100,000 and 1,000,000 people
	$(BIN)/python -m tests.bench.snapshot_bench

bench-search: setup ## Ranked skill search over 13,500 ESCO-like skills
	$(BIN)/python -m tests.bench.search_bench

bench-learning: setup ## The learning report over 2,000 closed outcomes; collaborations among 1,000 candidates
	$(BIN)/python -m tests.bench.learning_bench

clean: ## Remove generated code, the venv and build output
	rm -rf $(GEN) $(VENV) deploy/neo4j/target .mypy_cache .ruff_cache .pytest_cache \
		$(WEB)/node_modules $(WEB)/dist $(WEB)/openapi.json $(WEB)/src/api/schema.d.ts
