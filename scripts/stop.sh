#!/usr/bin/env bash
# Stop what `make run` started: simulators, web server, worker, ingest, broker, and the private PostgreSQL cluster.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/env.sh
for name in ems-simulate simulate web worker ingest; do
  pidfile="$MUANG_DATA/run/$name.pid"
  pid=$(cat "$pidfile" 2>/dev/null || true)  # gunicorn removes its own pid file as it exits
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    echo "$name stopped"
  fi
  rm -f "$pidfile"
done
scripts/mqtt.sh stop
[ -z "${DATABASE_URL:-}" ] && scripts/pg.sh stop
exit 0
