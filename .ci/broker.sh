#!/usr/bin/env bash
# Makes sure a RabbitMQ broker answers on 127.0.0.1:5672 before the broker tests run.
#   1. already answering: done;
#   2. rabbitmq-server installed: start it detached and wait until it answers;
#   3. otherwise install Debian's rabbitmq-server (apt-get), then start it;
#   4. fail with a clear message if none of that works.
# A broker elsewhere: set REEF_TEST_AMQP_URI=amqp://user:pass@host:5672/%2F and this script
# only reports it (the tests use that URI).
set -euo pipefail

HOST=127.0.0.1
PORT=5672
WAIT_SECONDS=${REEF_BROKER_WAIT_SECONDS:-60}

log() { echo "[broker] $*" >&2; }

answers() {
  # bash's /dev/tcp: no netcat needed.
  (exec 3<>"/dev/tcp/${HOST}/${PORT}") 2>/dev/null
}

wait_until_up() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    if answers; then
      # The port opens a moment before the broker accepts AMQP; let it finish booting.
      if command -v rabbitmqctl >/dev/null 2>&1; then
        rabbitmqctl -q await_startup --timeout "$((deadline - SECONDS > 0 ? deadline - SECONDS : 1))" \
          >/dev/null 2>&1 || true
      fi
      return 0
    fi
    sleep 1
  done
  return 1
}

if [[ -n "${REEF_TEST_AMQP_URI:-}" ]]; then
  log "using REEF_TEST_AMQP_URI (a broker provided by the environment)"
  exit 0
fi

if answers; then
  log "RabbitMQ answers on ${HOST}:${PORT}"
  exit 0
fi

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else "$@"; fi
}

if ! command -v rabbitmq-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    log "rabbitmq-server is not installed: installing Debian's package"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      || { log "apt-get update failed"; exit 1; }
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null \
      || { log "apt-get install rabbitmq-server failed"; exit 1; }
  else
    log "FAILED: nothing answers on ${HOST}:${PORT}, rabbitmq-server is not installed and there is" \
      "no apt-get to install it. Start a broker, or set REEF_TEST_AMQP_URI."
    exit 1
  fi
fi

log "starting rabbitmq-server (detached)"
as_root rabbitmq-server -detached >/dev/null 2>&1 || log "rabbitmq-server -detached returned non-zero; waiting anyway"
if wait_until_up; then
  log "RabbitMQ answers on ${HOST}:${PORT}"
  exit 0
fi
log "FAILED: RabbitMQ did not answer on ${HOST}:${PORT} within ${WAIT_SECONDS}s." \
  "See /var/log/rabbitmq/ for its log, or set REEF_TEST_AMQP_URI to a reachable broker."
exit 1
