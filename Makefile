# Liaison: `make run` for a local site with demo data, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
DEV_ENV := LIAISON_ENV=development

.PHONY: run serve test test-sqlite test-postgres bench lint translations screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	@if [ -d translations ]; then $(BIN)/pybabel -q compile -d translations; fi

run: $(VENV)/.installed translations
	$(DEV_ENV) $(FLASK) db upgrade
	$(DEV_ENV) $(FLASK) seed-demo --if-empty
	scripts/run-dev

serve: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py "app:create_app()"

# The whole suite twice: on SQLite, then on a PostgreSQL server started for the run (each pass
# between "== test suite on ... ==" banners); both passes always run, and either failing (or
# collecting no tests) fails the target. On 2 cores or more each pass runs its tests that are
# neither `browser` nor `slow` on 2 pytest-xdist workers, then those serially (scripts/test-suite;
# PYTEST_WORKERS=N changes the count, 0 runs everything serially). Measured on 2 cores with
# other work running: the SQLite pass took 493 s on 2 workers + 607 s serial, against 2,616 s
# all serial under the same load; PostgreSQL builds its schema once per run and empties tables
# between tests (tests/conftest.py).
test: $(VENV)/.installed-dev translations
	scripts/install-system-deps
	@sqlite=0; postgres=0; \
	scripts/test-suite || sqlite=$$?; \
	scripts/with-postgres scripts/test-suite || postgres=$$?; \
	echo "== make test: SQLite pass exit $$sqlite, PostgreSQL pass exit $$postgres =="; \
	[ $$sqlite -eq 0 ] && [ $$postgres -eq 0 ]

test-sqlite: $(VENV)/.installed-dev translations
	scripts/test-suite

test-postgres: $(VENV)/.installed-dev translations
	scripts/with-postgres scripts/test-suite

bench: $(VENV)/.installed-dev translations
	scripts/install-system-deps
	$(BIN)/python -m bench

# docs/SCREENSHOTS.md and docs/screenshots/after/*.png from the demo, in Chromium.
screenshots: $(VENV)/.installed-dev translations
	scripts/screenshots

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance/*.sqlite* .pytest_cache
