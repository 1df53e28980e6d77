#!/usr/bin/env bash
# The private Mosquitto broker under .data/mqtt (loopback only, no anonymous clients, an ACL line per device).
#   scripts/mqtt.sh start | stop | status | reload      (reload: rewrite passwords and ACL from the devices)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/env.sh
export DJANGO_SETTINGS_MODULE=muang.settings PYTHONPATH="$ROOT/src"
DIR="$MUANG_DATA/mqtt"
PID="$DIR/data/mosquitto.pid"
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)

running() { [ -f "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null; }
write_config() { .venv/bin/python -m django iot_broker_config --dir "$DIR" "$@" >/dev/null; }

case "${1:-start}" in
  start)
    write_config
    if ! running; then
      "$MOSQUITTO" -c "$DIR/mosquitto.conf" -d 2>>"$MUANG_DATA/log/mosquitto.log"
      for _ in $(seq 1 50); do
        (echo >"/dev/tcp/$MUANG_MQTT_HOST/$MUANG_MQTT_PORT") 2>/dev/null && break
        sleep 0.1
      done
      (echo >"/dev/tcp/$MUANG_MQTT_HOST/$MUANG_MQTT_PORT") 2>/dev/null \
        || { echo "the MQTT broker did not start; see $MUANG_DATA/log/mosquitto.log"; exit 1; }
    fi
    echo "MQTT broker on $MUANG_MQTT_HOST:$MUANG_MQTT_PORT"
    ;;
  reload)
    write_config --reload
    ;;
  stop)
    if running; then
      pid=$(cat "$PID"); kill -TERM "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "MQTT broker stopped"
    fi
    ;;
  status)
    running && echo "MQTT broker running on $MUANG_MQTT_HOST:$MUANG_MQTT_PORT" || echo "MQTT broker not running"
    ;;
esac
