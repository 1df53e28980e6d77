#!/usr/bin/env bash
# Muang setup: everything `make run` and `make test` need, idempotent and quick when nothing changed.
#   scripts/setup.sh            OS packages, virtualenv, front-end packages, database, migrations, translations
#   scripts/setup.sh --demo     ... and the Thai administrative areas and the demo data (once)
#   scripts/setup.sh --test     ... everything the test suite needs (no demo; pytest makes its own database)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=${1:-}
# shellcheck source=scripts/env.sh
source scripts/env.sh

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# --- 1. OS packages, only those missing -------------------------------------------------------------------
APT_PACKAGES=(
  postgresql-15 postgresql-15-postgis-3 postgresql-contrib   # the only database
  postgresql-15-pgrouting                                    # road-network routing (ems: nearest unit by travel time)
  gdal-bin libgdal32 libgeos-c1v5 libproj25                  # GeoDjango's C libraries
  gettext                                                    # compilemessages (Thai / English)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-noto-core fonts-thai-tlwg  # WeasyPrint + Thai font
  poppler-utils zbar-tools                                   # tests read back PDFs (pdftotext) and QR codes (zbarimg)
  mosquitto                                                  # MQTT broker (IoT ingest)
  nodejs npm                                                 # front-end packages (htmx, Leaflet)
  python3-venv python3-dev build-essential
)
if [ "$MODE" = "--test" ] || [ "${MUANG_BROWSER_TESTS:-1}" = "1" ]; then
  APT_PACKAGES+=(chromium)                                   # real headless browser for end-to-end tests
fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # A tool that is already on PATH from elsewhere (e.g. python3 from pyenv, node from nodesource) is enough.
    case "$p" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      python3-venv|python3-dev) python3 -c 'import venv, sysconfig; import os; assert os.path.exists(sysconfig.get_paths()["include"] + "/Python.h")' 2>/dev/null && continue ;;
      build-essential) command -v cc >/dev/null && continue ;;
    esac
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing OS packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. Python virtualenv with pinned versions ------------------------------------------------------------
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }
PY_STAMP=$(stamp_of pyproject.toml requirements.lock)
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv
fi
if [ "$(cat .venv/.muang-stamp 2>/dev/null)" != "$PY_STAMP" ]; then
  say "installing Python packages (pinned in requirements.lock)"
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  # (grep drops the harmless "Location … is ignored" notes that some pip configurations print)
  .venv/bin/pip install -q -r requirements.lock 2>&1 | { grep -v "^WARNING: Location" || true; }
  .venv/bin/pip install -q --no-deps -e . 2>&1 | { grep -v "^WARNING: Location" || true; }
  echo "$PY_STAMP" > .venv/.muang-stamp
fi

# --- 3. Front-end packages (npm registry), served from node_modules by Django staticfiles ------------------
JS_STAMP=$(stamp_of package.json package-lock.json)
if [ "$(cat node_modules/.muang-stamp 2>/dev/null)" != "$JS_STAMP" ]; then
  say "installing front-end packages (htmx, Leaflet, uPlot)"
  npm ci --no-audit --no-fund --silent
  echo "$JS_STAMP" > node_modules/.muang-stamp
fi

# --- 4. Private PostgreSQL + PostGIS cluster under .data/ (unless DATABASE_URL is set) ----------------------
mkdir -p "$MUANG_DATA" "$MUANG_DATA/log" "$MUANG_DATA/media"
chmod 755 "$MUANG_DATA"
if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh start
fi

# --- 5. Secret key for this installation (production deployments set MUANG_SECRET_KEY) --------------------
if [ -z "${MUANG_SECRET_KEY:-}" ] && [ ! -s "$MUANG_DATA/secret_key" ]; then
  .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$MUANG_DATA/secret_key"
  chmod 600 "$MUANG_DATA/secret_key"
fi

# --- 6. Translations, migrations, static files ---------------------------------------------------------------
MANAGE=(.venv/bin/python -m django)
export DJANGO_SETTINGS_MODULE=muang.settings PYTHONPATH="$ROOT/src"
PO_STAMP=$(find src -name '*.po' -print0 | sort -z | xargs -0 -r cat | sha256sum | cut -c1-16)
if [ -n "$(find src -name '*.po' -print -quit)" ] && [ "$(cat "$MUANG_DATA/.po-stamp" 2>/dev/null)" != "$PO_STAMP" ]; then
  say "compiling translations"
  "${MANAGE[@]}" compilemessages -v 0 --ignore '.venv/*' --ignore 'node_modules/*'
  echo "$PO_STAMP" > "$MUANG_DATA/.po-stamp"
fi
# collectstatic compresses every file (whitenoise): only when a static source or a package changed.
STATIC_STAMP=$( (find src -path '*/static/*' -type f -printf '%p %s %T@\n' | sort; cat node_modules/.muang-stamp requirements.lock) | sha256sum | cut -c1-16)
STATIC_ARGS=()
[ "$(cat "$MUANG_DATA/.static-stamp" 2>/dev/null)" = "$STATIC_STAMP" ] && STATIC_ARGS=(--no-static)
if [ "$MODE" = "--demo" ]; then
  "${MANAGE[@]}" muang_setup --demo "${STATIC_ARGS[@]}"
elif [ "$MODE" != "--test" ]; then
  "${MANAGE[@]}" muang_setup "${STATIC_ARGS[@]}"
fi
if [ "$MODE" != "--test" ]; then echo "$STATIC_STAMP" > "$MUANG_DATA/.static-stamp"; fi
