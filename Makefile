# Haven's developer entry points. Every target bootstraps .venv first, so a fresh clone needs only
# Python 3.11+ and make: `make demo` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install demo test test-sqlite test-postgres lint format messages bench lock clean

install: $(STAMP)

$(STAMP): requirements/dev.txt requirements/base.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: install
	$(BIN)/haven demo

test: lint test-sqlite test-postgres

test-sqlite: install
	@echo "== tests on SQLite"
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== tests on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -n auto $(PYTEST_ARGS); \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI must test on it." >&2; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(PG_URL): skipping the PostgreSQL run (CI never skips it)"; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=haven.config.settings.test $(BIN)/python -m django makemigrations --check --dry-run >/dev/null

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Catalogues carry no source locations, so two branches that add strings merge without conflicts
# over line numbers; the compiled .mo files are committed.
messages: install
	cd src/haven && ../../$(BIN)/haven manage makemessages -l es -l fr -l ar --ignore "static/*" --no-location
	for po in src/haven/locale/*/LC_MESSAGES/django.po; do msgattrib --no-obsolete --output-file="$$po" "$$po"; done
	cd src/haven && ../../$(BIN)/haven manage compilemessages

bench: install
	$(BIN)/python -m pip install --quiet --require-hashes --only-binary :all: -r requirements/bench.txt
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lock:
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes --quiet base.in -o base.txt
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes --quiet base.in dev.in -o dev.txt
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes --quiet bench.in -o bench.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
