# injury-portal: `make run` serves the portal with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test setup install translations compile-translations db demo system-deps screenshots bench clean

run: setup instance/secret_key
	@./scripts/system-deps.sh run
	@PORTAL_SECRET_KEY="$$(cat instance/secret_key)" $(BIN)/flask db upgrade
	@PORTAL_SECRET_KEY="$$(cat instance/secret_key)" $(BIN)/flask courses sync
	@PORTAL_SECRET_KEY="$$(cat instance/secret_key)" $(BIN)/flask notices sync
	@PORTAL_SECRET_KEY="$$(cat instance/secret_key)" $(BIN)/flask demo load
	@PORTAL_SECRET_KEY="$$(cat instance/secret_key)" $(BIN)/flask risks scan
	@echo "Serving the portal on http://$(HOST):$(PORT) with a job worker beside it (Ctrl+C stops both)"
	@export PORTAL_SECRET_KEY="$$(cat instance/secret_key)"; \
		$(BIN)/flask jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile - wsgi:app

# Two test processes (each starts its own throwaway PostgreSQL, Redis and browser): the suite takes
# about half the time on a 2-core machine. `make test TEST_PROCESSES=0` runs it in one process.
TEST_PROCESSES ?= 2
test: setup system-deps
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

setup: install compile-translations

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

instance/secret_key:
	@mkdir -p instance
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $@

# Extract every UI string, merge into the catalogs, compile. Translate the new msgids in
# translations/zh_CN/LC_MESSAGES/messages.po before committing (a test checks completeness).
translations: install
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l --no-location --sort-output \
		--project injury-portal -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(MAKE) compile-translations

compile-translations: install
	@$(BIN)/pybabel compile -d translations --statistics 2>&1 | grep -v '^$$' || true

# Chromium and CJK fonts for the browser tests, PostgreSQL and Redis server binaries for the
# throwaway servers of the suite (`make run` checks only the fonts and libraries of PDF reports).
system-deps:
	@./scripts/system-deps.sh

screenshots: setup system-deps
	PORTAL_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/e2e -q

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
