# Shared environment for the Muang scripts (sourced, not run). Sourced by hand (`source scripts/env.sh`), it
# finds the checkout from its own place, so manual commands reach this checkout's cluster, never another's.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export MUANG_DATA=${MUANG_DATA:-$ROOT/.data}
export MUANG_PG_PORT=${MUANG_PG_PORT:-54329}
export MUANG_PG_SOCKET_DIR=${MUANG_PG_SOCKET_DIR:-$MUANG_DATA/run}
export MUANG_HOST=${MUANG_HOST:-127.0.0.1}
export MUANG_PORT=${MUANG_PORT:-8000}
# The private Mosquitto broker (scripts/mqtt.sh): loopback TCP, so each checkout gets its own port by default.
export MUANG_MQTT_HOST=${MUANG_MQTT_HOST:-127.0.0.1}
export MUANG_MQTT_PORT=${MUANG_MQTT_PORT:-$((18830 + $(printf '%s' "${ROOT:-$(pwd)}" | cksum | cut -d' ' -f1) % 1000))}
