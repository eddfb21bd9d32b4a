# chuyende — two commands for a new user: `make run` and `make test`.
# The first Python 3.11+ that actually runs (pyenv shims may exist for versions not installed).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test test-fast bench faults fuzz lint messages demo clean smoke docs

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required: install it and retry."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/chuyende migrate --noinput -v0
	$(BIN)/chuyende demo
	@echo "==> http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/chuyende run $(PORT)

test: $(STAMP)
	$(BIN)/chuyende makemigrations --check --dry-run -v0 --settings=chuyende.settings_test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(if $(BENCH),--only $(BENCH)) --scale $(or $(SCALE),province)

# Faults with real processes (faults/, not part of `make test`): PostgreSQL stopped under load,
# the task worker killed mid-import, a full disk on upload. Root for the tmpfs of the last one.
faults: $(STAMP)
	$(BIN)/python -m pytest faults -x -v -rs $(PYTEST_ARGS)

# Production smoke test (deploy/smoke/run.sh): a fresh clone installed into a new virtualenv,
# production settings, PostgreSQL and Redis, gunicorn + two task workers behind nginx over TLS.
smoke:
	PYTHON=$(PYTHON) bash deploy/smoke/run.sh

# Coverage-guided fuzzing of the importers and parsers (fuzz/): FUZZ_SECONDS per target (60),
# FUZZ_TARGET=read_table for one. A crash keeps its input under fuzz/crashes/ and fails.
fuzz: $(STAMP)
	@$(BIN)/python -c 'import atheris' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[fuzz]'
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) $(BIN)/python -m fuzz $(if $(FUZZ_TARGET),--only $(FUZZ_TARGET))

# The documentation site (mkdocs.yml, docs/) into var/site/: the guides' screenshots retaken by a
# browser test on the demo (Debian's Chromium), the configuration reference regenerated, then a
# strict build. Offline once the docs extra is installed.
docs: $(STAMP)
	@$(BIN)/python -c 'import mkdocs, material' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[docs]'
	rm -rf docs/img/screens
	DOCS_SCREENSHOTS_DIR=docs/img/screens REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/browser/test_docs_screenshots.py -q
	$(BIN)/python docs/gen/config_reference.py docs/admin/configuration.md
	$(BIN)/python docs/gen/config_reference.py --lang en docs/en/admin/configuration.md
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir var/site
	@echo "==> Documentation site in var/site/ (open var/site/index.html, or for search:"
	@echo "    $(BIN)/python -m http.server -d var/site 8001  then http://127.0.0.1:8001/)"

lint: $(STAMP)
	$(BIN)/ruff check chuyende benchmarks tests fuzz
	$(BIN)/ruff format --check chuyende benchmarks tests fuzz

messages: $(STAMP)
	cd chuyende && ../$(BIN)/chuyende makemessages -l vi --no-obsolete --no-location --settings=chuyende.settings_test
	cd chuyende && ../$(BIN)/chuyende compilemessages -l vi --settings=chuyende.settings_test

clean:
	rm -rf $(VENV) var
