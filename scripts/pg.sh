#!/usr/bin/env bash
# The private PostgreSQL + PostGIS cluster under .data/pg (used when DATABASE_URL is not set).
#   scripts/pg.sh start | stop | status
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/env.sh
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PGDATA="$MUANG_DATA/pg"
LOG="$MUANG_DATA/log/postgresql.log"

# initdb refuses to run as root: when we are root the cluster belongs to the unprivileged `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
  RUN_AS=(runuser -u postgres --)
  OWNER=postgres
else
  RUN_AS=()
  OWNER=$(id -un)
fi
pg() { "${RUN_AS[@]}" "$@"; }

running() { [ -f "$PGDATA/postmaster.pid" ] && pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

case "${1:-start}" in
  start)
    mkdir -p "$MUANG_PG_SOCKET_DIR" "$MUANG_DATA/log"
    if [ "${#RUN_AS[@]}" -gt 0 ]; then
      # The cluster's owner must be able to pass through every directory above .data (a checkout in a
      # `mktemp -d` directory is 0700 root): give those directories "search" (x) to others, nothing more.
      dir=$(cd "$MUANG_DATA" && pwd)
      while [ "$dir" != "/" ]; do
        pg test -x "$dir" 2>/dev/null || { chmod o+x "$dir"; echo "==> $dir: allowed $OWNER to pass through (o+x)"; }
        dir=$(dirname "$dir")
      done
    fi
    touch "$LOG"
    chown "$OWNER" "$MUANG_PG_SOCKET_DIR" "$LOG"
    chmod 700 "$MUANG_PG_SOCKET_DIR"  # local connections are trusted: only the owner (and root) may reach them
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
      echo "==> creating the private PostgreSQL cluster in $PGDATA"
      mkdir -p "$PGDATA"; chown "$OWNER" "$PGDATA"; chmod 700 "$PGDATA"
      pg "$PGBIN/initdb" -D "$PGDATA" -U muang --auth-local=trust --auth-host=reject -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >> "$PGDATA/postgresql.conf" <<CONF
# Muang: a private cluster reachable only through its socket
listen_addresses = ''
port = $MUANG_PG_PORT
unix_socket_directories = '$MUANG_PG_SOCKET_DIR'
unix_socket_permissions = 0700
maintenance_work_mem = 256MB
max_connections = 200
fsync = ${MUANG_PG_FSYNC:-on}
synchronous_commit = ${MUANG_PG_SYNC_COMMIT:-on}
timezone = 'UTC'
include_if_exists = 'muang_memory.conf'
CONF
    fi
    # Memory for a small box (issue 11: the whole platform, PostgreSQL included, <= 1 GB PSS). Every backend
    # that reads a shared buffer maps its page, so shared_buffers counts almost whole in the platform's PSS
    # (512MB alone could take half of the 1 GB budget once the pages are touched); the OS page cache holds what
    # no longer fits. work_mem is per sort/hash node per backend: 16MB keeps a busy moment's sum bounded.
    # Rewritten at every start and included last, so a cluster created with the older settings gets these too
    # (from its next start: `scripts/pg.sh stop && scripts/pg.sh start`).
    cat > "$PGDATA/muang_memory.conf" <<CONF
# Written by scripts/pg.sh at every start: memory settings for a small box (see there).
shared_buffers = 128MB
work_mem = 16MB
CONF
    chown "$OWNER" "$PGDATA/muang_memory.conf"
    grep -q "^include_if_exists = 'muang_memory.conf'" "$PGDATA/postgresql.conf" \
      || echo "include_if_exists = 'muang_memory.conf'" >> "$PGDATA/postgresql.conf"
    if ! running; then
      pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOG" -w -t 60 start >/dev/null
    fi
    PSQL=("$PGBIN/psql" -h "$MUANG_PG_SOCKET_DIR" -p "$MUANG_PG_PORT" -U muang -v ON_ERROR_STOP=1 -qAt)
    if [ "$("${PSQL[@]}" -d postgres -c "select 1 from pg_database where datname='muang'")" != "1" ]; then
      "${PSQL[@]}" -d postgres -c "create database muang"
    fi
    "${PSQL[@]}" -d muang -c "set client_min_messages = warning; create extension if not exists postgis"
    ;;
  stop)
    if running; then pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; echo "PostgreSQL stopped"; fi
    ;;
  status)
    running && echo "PostgreSQL running ($PGDATA)" || echo "PostgreSQL not running"
    ;;
esac
