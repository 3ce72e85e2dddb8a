# One chore, one command. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-sqlite test-postgres lint format bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gridbase serve

test: $(STAMP) test-sqlite test-postgres

test-sqlite: $(STAMP)
	GRIDBASE_TEST_DATABASE=sqlite $(BIN)/pytest -q -p no:cacheprovider

test-postgres: $(STAMP)
	GRIDBASE_TEST_DATABASE=postgresql GRIDBASE_TEST_POSTGRES_URL=$(PG_URL) \
		$(BIN)/pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
