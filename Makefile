# VeritasAd: `make run` starts the product on its embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-sqlite test-postgres install system-deps lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "VeritasAd needs Python >= 3.11; run e.g. make PYTHON=python3.12 ..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

run: system-deps install
	$(BIN)/veritasad db upgrade
	$(BIN)/veritasad serve

test:
	bash scripts/system-deps.sh --test
	$(MAKE) install
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: install
	VERITASAD_TEST_DB=sqlite $(BIN)/pytest -q -p no:cacheprovider

test-postgres: install
	VERITASAD_TEST_DB=postgres PG_TEST_URL=$(PG_TEST_URL) REDIS_TEST_URL=$(REDIS_TEST_URL) \
		$(BIN)/pytest -q -p no:cacheprovider -m "not engine_only"

lint: install
	$(BIN)/ruff check veritasad tests bench

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache
