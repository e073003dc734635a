#!/usr/bin/env bash
# Jarvis quickstart (`npm start`): installs what is missing, starts a local NATS server with JetStream (data in
# ./data/nats) unless one already listens on 127.0.0.1:4222, then runs every Jarvis service in one process in the
# foreground. Ctrl-C (or SIGTERM) stops Jarvis, then the NATS server this script started.
#
# Arguments go to `jarvis start`, e.g. `npm start -- --target monitor,policy`.
# Environment: JARVIS_CONFIG (default infra/config/jarvis.sample.yaml), JARVIS_HTTP_PORT (default 8080),
# DOCKER_HOST (default unix:///var/run/docker.sock), NATS_URL (when set, no local NATS server is started).
set -euo pipefail

# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JARVIS_ROOT"

DATA_DIR="$JARVIS_ROOT/data"
NATS_PIDFILE="$DATA_DIR/nats.pid"
NATS_LOG="$DATA_DIR/nats.log"
NATS_PID=""
JARVIS_PID=""

# --- what is missing ---------------------------------------------------------------------------------------------
if [[ -z ${NATS_URL:-} ]] && ! command -v nats-server >/dev/null 2>&1; then
  ensure_packages nats-server
fi
ensure_node_modules

if [[ -z ${DOCKER_HOST:-} && ! -S /var/run/docker.sock ]]; then
  warn 'no Docker engine found (/var/run/docker.sock is absent and DOCKER_HOST is unset): the monitor needs one to watch containers.'
  warn 'install one (e.g. apt-get install docker.io) or point DOCKER_HOST at an engine, e.g. DOCKER_HOST=unix:///path/to/docker.sock'
fi

# --- stopping what this script started ---------------------------------------------------------------------------
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n $JARVIS_PID ]] && pid_alive "$JARVIS_PID"; then
    kill -TERM "$JARVIS_PID" 2>/dev/null || true
    wait "$JARVIS_PID" 2>/dev/null || true
  fi
  if [[ -n $NATS_PID ]]; then
    info "stopping nats-server (pid $NATS_PID)"
    stop_pid "$NATS_PID" 15
    rm -f "$NATS_PIDFILE"
  fi
  exit "$status"
}

# Jarvis runs in its own session, so a Ctrl-C reaches it once, through this handler, and not a second time
# from the terminal. It gets SIGTERM (a background job may have inherited SIGINT as ignored) and stops cleanly;
# the wait loop below then returns and the EXIT trap stops NATS.
on_signal() {
  if [[ -n $JARVIS_PID ]] && pid_alive "$JARVIS_PID"; then
    kill -TERM "$JARVIS_PID" 2>/dev/null || true
  else
    exit $((128 + $(kill -l "$1")))
  fi
}

trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

# --- NATS --------------------------------------------------------------------------------------------------------
if [[ -n ${NATS_URL:-} ]]; then
  info "using NATS_URL=$NATS_URL (no local nats-server started)"
elif port_open 127.0.0.1 4222; then
  info 'something already listens on 127.0.0.1:4222: using it as the NATS server (it must have JetStream enabled)'
else
  mkdir -p "$DATA_DIR/nats"
  info "starting nats-server with JetStream (data in $DATA_DIR/nats, log in $NATS_LOG)"
  # Its own session (setsid, which execs without forking here, so $! is nats-server itself): a Ctrl-C in the
  # terminal does not stop NATS under Jarvis while Jarvis is still shutting down.
  JARVIS_NATS_STORE="$DATA_DIR/nats" setsid nats-server -c "$JARVIS_ROOT/infra/nats/nats-server.conf" >"$NATS_LOG" 2>&1 </dev/null &
  NATS_PID=$!
  echo "$NATS_PID" >"$NATS_PIDFILE"
  for ((i = 0; i < 100; i++)); do
    if ! pid_alive "$NATS_PID"; then
      tail -n 20 "$NATS_LOG" >&2 || true
      die "nats-server exited during startup (log: $NATS_LOG)"
    fi
    if port_open 127.0.0.1 4222 && grep -q 'Server is ready' "$NATS_LOG"; then break; fi
    sleep 0.1
  done
  if ! port_open 127.0.0.1 4222; then
    tail -n 20 "$NATS_LOG" >&2 || true
    die "nats-server did not become ready within 10 s (log: $NATS_LOG)"
  fi
  info "nats-server ready on 127.0.0.1:4222 (pid $NATS_PID)"
fi

# --- Jarvis ------------------------------------------------------------------------------------------------------
export JARVIS_CONFIG="${JARVIS_CONFIG:-$JARVIS_ROOT/infra/config/jarvis.sample.yaml}"
info "starting Jarvis (config $JARVIS_CONFIG, gateway port ${JARVIS_HTTP_PORT:-from the config})"
setsid node "$JARVIS_ROOT/apps/jarvis/bin/jarvis.js" start "$@" &
JARVIS_PID=$!

# `wait` returns early when a trapped signal arrives: keep waiting until Jarvis has really exited.
status=0
while pid_alive "$JARVIS_PID"; do
  wait "$JARVIS_PID" 2>/dev/null && status=0 || status=$?
done
wait "$JARVIS_PID" 2>/dev/null && status=0 || status=$?
JARVIS_PID=""
exit "$status"
