# The two commands: `make run` (set up and start everything on embedded defaults) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Recordings and webhooks are addressed here: the port the product runs on (every process of `make run`).
PUBLIC_BASE_URL ?= http://localhost:$(PORT)

.PHONY: run test lint format bench-quick clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 STATIC_HASHED=1 $(BIN)/python manage.py collectstatic --noinput -v 0
	@echo ""
	@echo "  Admin:    http://localhost:$(PORT)/admin/"
	@echo "  API docs: http://localhost:$(PORT)/api/docs/"
	@echo "  Health:   http://localhost:$(PORT)/healthz, http://localhost:$(PORT)/readyz, http://localhost:$(PORT)/readyz/workers"
	@echo ""
	DEBUG=1 STATIC_HASHED=1 PORT=$(PORT) PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile

test: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

SKIP_BENCHES ?=
QUICK_BENCHES = $(sort $(filter-out bench/_% $(SKIP_BENCHES),$(wildcard bench/*.py)))

bench-quick: $(VENV)/.dev
	@for script in $(QUICK_BENCHES); do start=$$(date +%s); echo "== $$script"; $(BIN)/python $$script --quick || exit 1; \
		echo "== $$script: $$(( $$(date +%s) - start )) s"; done

clean:
	rm -rf $(VENV) var staticfiles
