# Muang: two commands. `make run` sets everything up and serves the platform; `make test` runs every test.
.PHONY: run stop test bench lint format openapi setup messages
SHELL := /bin/bash

run:
	@scripts/setup.sh --demo
	@scripts/run.sh

stop:
	@scripts/stop.sh

test:
	@scripts/setup.sh --test
	@scripts/test.sh $(ARGS)

bench:
	@scripts/setup.sh
	@for b in bench/bench_*.py; do echo "== $$b"; PYTHONPATH=src:bench .venv/bin/python $$b || exit 1; done

lint:
	@.venv/bin/ruff check src bench && .venv/bin/ruff format --check src bench

format:
	@.venv/bin/ruff format src bench && .venv/bin/ruff check --fix src bench

# Re-export the committed OpenAPI schema after a deliberate API change.
openapi:
	@PYTHONPATH=src .venv/bin/python -m django export_openapi --settings=muang.settings > docs/openapi.json

# Refresh the .po catalogues after adding translatable strings.
messages:
	@cd src/muang && PYTHONPATH=.. ../../.venv/bin/python -m django makemessages -l en -l th --no-obsolete --settings=muang.settings
