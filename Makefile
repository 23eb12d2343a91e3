# Casework: two commands for a newcomer, `make run` and `make test`.
#
#   make install        virtualenv in .venv with the pinned requirements
#   make run            migrate, seed the demo, serve http://127.0.0.1:8000 with the scheduler
#                       (PORT=8080 for another port)
#   make test           ruff (format and lint), then the whole suite on SQLite
#   make lint           ruff only
#   make format         rewrite files with ruff format and ruff check --fix
#   make services-test  the suite on PostgreSQL, Redis and a real Celery worker (.ci/run services)
#   make ci             both lanes, as CI runs them (.ci/run)
#   make compose-config validate docker-compose.yml with .env.example as its .env (no engine needed)

SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Python 3.11 is the floor; fall back to python3 when python3.11 is not on PATH.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements.txt requirements-test.txt
# The port `make run` serves (make run PORT=8080).
PORT ?= 8000

.PHONY: install run test lint format services-test ci compose-config clean

install: $(STAMP)

# Re-install only when a requirements file is newer than the stamp.
$(STAMP): $(REQUIREMENTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $(STAMP)

# Ctrl-C (or the server stopping for any reason) stops the scheduler too.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Casework: http://127.0.0.1:$(PORT)  (Ctrl-C stops the server and the scheduler)"
	@$(PY) manage.py scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest

services-test: install
	.ci/run services

ci: install
	.ci/run

# docker-compose.yml reads .env, which is not committed: validate a copy of the
# file in a scratch folder with .env.example standing in for .env.
compose-config:
	@if docker compose version >/dev/null 2>&1; then compose="docker compose"; \
	elif command -v docker-compose >/dev/null; then compose=docker-compose; \
	else echo "neither 'docker compose' nor docker-compose is installed" >&2; exit 1; fi; \
	dir=$$(mktemp -d); cp docker-compose.yml "$$dir"/; cp .env.example "$$dir"/.env; \
	(cd "$$dir" && $$compose -f docker-compose.yml config --quiet); status=$$?; \
	rm -rf "$$dir"; \
	if [ $$status -eq 0 ]; then echo "docker-compose.yml: valid ($$compose config)"; fi; \
	exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
