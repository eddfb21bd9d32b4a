# chuyende — two commands for a new user: `make run` and `make test`.
# The first Python 3.11+ that actually runs (pyenv shims may exist for versions not installed).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test test-fast bench lint messages demo clean

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

lint: $(STAMP)
	$(BIN)/ruff check chuyende benchmarks tests
	$(BIN)/ruff format --check chuyende benchmarks tests

messages: $(STAMP)
	cd chuyende && ../$(BIN)/chuyende makemessages -l vi --no-obsolete --no-location --settings=chuyende.settings_test
	cd chuyende && ../$(BIN)/chuyende compilemessages -l vi --settings=chuyende.settings_test

clean:
	rm -rf $(VENV) var
