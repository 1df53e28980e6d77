#!/usr/bin/env bash
# Start the Muang web server and background worker (after scripts/setup.sh --demo), print where to go.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/env.sh
export DJANGO_SETTINGS_MODULE=muang.settings PYTHONPATH="$ROOT/src"
# No SMS gateway configured: taxpayers' sign-in codes are written to the web log (never in production).
export MUANG_SMS_CONSOLE=${MUANG_SMS_CONSOLE:-1}
RUN="$MUANG_DATA/run"; LOG="$MUANG_DATA/log"
mkdir -p "$RUN" "$LOG"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if alive "$RUN/web.pid"; then
  # The app is preloaded in the master (scripts/gunicorn.conf.py): new code needs a new master, not a HUP.
  pid=$(cat "$RUN/web.pid"); kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
fi
# Workers, threads, preloading and recycling for a small box: scripts/gunicorn.conf.py.
.venv/bin/gunicorn muang.wsgi:application -c scripts/gunicorn.conf.py --bind "$MUANG_HOST:$MUANG_PORT" \
  --pid "$RUN/web.pid" --daemon --capture-output \
  --access-logfile "$LOG/web-access.log" --error-logfile "$LOG/web.log"
scripts/mqtt.sh start
if ! alive "$RUN/ingest.pid"; then
  # MQTT telemetry into PostgreSQL: one consumer a core on the shared subscription (MUANG_IOT_INGEST_PROCESSES).
  nohup .venv/bin/python -m django iot_ingest >>"$LOG/ingest.log" 2>&1 &
  echo $! > "$RUN/ingest.pid"
fi
if ! alive "$RUN/simulate.pid" && [ -f "$MUANG_DATA/iot-demo.json" ]; then
  # The IoT demo's devices (loaded by setup.sh --demo): telemetry every few seconds over MQTT and LoRaWAN webhooks.
  nohup .venv/bin/python -m django iot_simulate --interval "${MUANG_SIMULATE_INTERVAL:-5}" >>"$LOG/simulate.log" 2>&1 &
  echo $! > "$RUN/simulate.pid"
fi
if ! alive "$RUN/worker.pid"; then
  nohup .venv/bin/python -m django muang_worker >>"$LOG/worker.log" 2>&1 &
  echo $! > "$RUN/worker.pid"
fi

url="http://$MUANG_HOST:$MUANG_PORT/"
for _ in $(seq 1 50); do
  curl -fsS "${url}healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "${url}healthz" >/dev/null || { echo "the web server did not start; see $LOG/web.log"; exit 1; }
if ! alive "$RUN/ems-simulate.pid"; then
  # The demo's wristbands and ambulances report over Traccar's OsmAnd protocol to the web server just started
  # (positions, and now and then an SOS or a fall for the care centre's board); nothing when no band is registered.
  nohup .venv/bin/python -m django ems_simulate --url "${url%/}" --interval "${MUANG_EMS_SIMULATE_INTERVAL:-30}" \
    >>"$LOG/ems-simulate.log" 2>&1 &
  echo $! > "$RUN/ems-simulate.pid"
fi
.venv/bin/python -m django demo_logins --url "$url"
