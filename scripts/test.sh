#!/usr/bin/env bash
# Run the whole suite: lint, migrations in sync, then pytest against the real PostGIS database.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/env.sh
export DJANGO_SETTINGS_MODULE=muang.settings PYTHONPATH="$ROOT/src" MUANG_TESTING=1
echo "==> ruff"
LINT=(src); [ -d bench ] && LINT+=(bench)
.venv/bin/ruff check "${LINT[@]}"
.venv/bin/ruff format --check "${LINT[@]}" >/dev/null || { .venv/bin/ruff format --diff "${LINT[@]}" | head -50; exit 1; }
echo "==> makemigrations --check"
.venv/bin/python -m django makemigrations --check --dry-run -v 1
echo "==> pytest"
# pytest caches its assertion-rewritten test modules as bytecode (gitignored __pycache__): each worker's
# collection of a later run is ~20 CPU-s quicker, so an environment's PYTHONDONTWRITEBYTECODE is not followed.
unset PYTHONDONTWRITEBYTECODE
# --create-db: CI starts from a clean clone; a stale test database must never hide a migration problem.
# -n: one worker process per core (pytest-xdist; each with its own test database, see docs/testing.md).
# MUANG_TEST_WORKERS=0 runs in this process (pdb, a single test file).
exec .venv/bin/python -m pytest --create-db -n "${MUANG_TEST_WORKERS:-auto}" "$@"
