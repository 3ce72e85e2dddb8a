# One chore, one command. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CODEGEN := .venv-codegen
CODEGEN_STAMP := $(CODEGEN)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
# ReDoc's standalone bundle, served by /api/redoc/: fetched from the npm registry at a pinned
# version and checked against its hash, never committed.
REDOC_VERSION := 2.5.4
REDOC_SHA256 := dcaf76612bc4a3fbcc923a8966dee2f6146a5f32e5ce1b6f02dd60cbbf89500b
STATIC := src/gridbase/docs/static
REDOC := $(STATIC)/redoc.standalone.js
# The web page: built from web/ with npm into the package, rebuilt when its sources change.
WEB_DIST := src/gridbase/web_dist
WEB_STAMP := $(WEB_DIST)/.built
WEB_MODULES := web/node_modules/.installed
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/package.json \
	web/tsconfig.json web/vite.config.ts

.PHONY: run test test-sqlite test-postgres lint format bench clean codegen web

$(REDOC):
	tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent redoc@$(REDOC_VERSION) >/dev/null \
		&& tar xzf redoc-$(REDOC_VERSION).tgz) \
		&& echo "$(REDOC_SHA256)  $$tmp/package/bundles/redoc.standalone.js" | sha256sum -c --quiet - \
		&& cp $$tmp/package/bundles/redoc.standalone.js.LICENSE.txt $(STATIC)/ \
		&& cp $$tmp/package/LICENSE $(STATIC)/redoc.LICENSE \
		&& cp $$tmp/package/bundles/redoc.standalone.js $(REDOC) && rm -rf $$tmp

$(WEB_MODULES): web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_MODULES)

$(WEB_STAMP): $(WEB_MODULES) $(WEB_SOURCES)
	cd web && npm run build
	touch $(WEB_STAMP)

web: $(WEB_STAMP)

$(STAMP): pyproject.toml $(REDOC)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The client generator of tests/docs, in its own venv (its pins clash with gridbase's).
$(CODEGEN_STAMP): tests/docs/codegen-requirements.txt
	test -d $(CODEGEN) || $(PYTHON) -m venv $(CODEGEN)
	$(CODEGEN)/bin/pip install --quiet -r tests/docs/codegen-requirements.txt
	touch $(CODEGEN_STAMP)

codegen: $(CODEGEN_STAMP)

run: $(STAMP) $(WEB_STAMP)
	$(BIN)/gridbase serve

test: $(STAMP) test-sqlite test-postgres

test-sqlite: $(STAMP) $(CODEGEN_STAMP) $(WEB_STAMP)
	GRIDBASE_TEST_DATABASE=sqlite $(BIN)/pytest -q -p no:cacheprovider

test-postgres: $(STAMP) $(CODEGEN_STAMP) $(WEB_STAMP)
	GRIDBASE_TEST_DATABASE=postgresql GRIDBASE_TEST_POSTGRES_URL=$(PG_URL) \
		$(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP) $(WEB_MODULES)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	cd web && npm run --silent typecheck

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) $(CODEGEN) $(WEB_DIST) web/node_modules data .pytest_cache .mypy_cache .ruff_cache

# The timed scenarios are driven by wrk, from Debian's package when it is missing.
bench: $(STAMP)
	if [ ! -x /usr/bin/wrk ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends wrk; \
	fi
	$(BIN)/python -m bench.run $(BENCH_ARGS)
