# The two commands a newcomer needs: `make run` (the agent, offline) and `make test` (the suite, real services).
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo .venv-bootstrap/bin/uv)
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test install services-up services-down lint bench eval-security

$(UV):
	python3 -m venv .venv-bootstrap && .venv-bootstrap/bin/pip install -q uv

install: $(UV)
	$(UV) sync --frozen

run: install
	.venv/bin/warden dev

test: install
	.venv/bin/warden services up
	.venv/bin/lint-imports
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -q $(PYTEST_ARGS)

services-up: install
	.venv/bin/warden services up

services-down:
	.venv/bin/warden services down

bench: install
	.venv/bin/warden services up --no-model
	.venv/bin/python -m bench

eval-security: install
	.venv/bin/python -m evals.guard_eval
	.venv/bin/python -m evals.security_eval
