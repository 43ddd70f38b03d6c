# Sinergi. A fresh machine needs only Python 3.11+:
#   make demo   run the product (embedded PostgreSQL unless DATABASE_URL is set); writes
#               .env so that manage.py commands typed later use the demo's settings
#   make test   run the test suite against real PostgreSQL
#   make stop   stop what `make demo` started, the embedded database included
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test stop install lint bench clean-db

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m saas_platform.devstack demo

test: $(STAMP)
	@$(PY) -m saas_platform.browser
	ENV_FILE= DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

stop:
	@if [ -x $(PY) ]; then $(PY) -m saas_platform.devstack stop; fi

lint: $(STAMP)
	$(PY) -m ruff check .

bench: $(STAMP)
	DEBUG=1 $(PY) bench/provisioning.py
	DEBUG=1 $(PY) bench/launch.py
	DEBUG=1 $(PY) bench/import_people.py
	DEBUG=1 $(PY) bench/org_edit.py
	DEBUG=1 $(PY) bench/import_hostile.py
	DEBUG=1 $(PY) bench/performance.py
	DEBUG=1 $(PY) bench/activity.py

clean-db: stop
	rm -rf .pgdata
