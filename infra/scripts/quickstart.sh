#!/usr/bin/env bash
# Jarvis quickstart (`npm start`): installs what is missing, starts a local NATS server with JetStream (data in
# ./data/nats) unless one already listens on 127.0.0.1:4222, then runs every Jarvis service in one process in the
# foreground. Ctrl-C (or SIGTERM) stops Jarvis, then the NATS server this script started; so does the end of the
# `npm` process that ran this script (npm does not pass its SIGTERM on: a supervisor or `kill %1` signals npm only).
#
# Arguments go to `jarvis start`, e.g. `npm start -- --target monitor,policy`.
# Environment: JARVIS_CONFIG (default infra/config/jarvis.sample.yaml), JARVIS_HTTP_PORT (default 8080),
# DOCKER_HOST (default unix:///var/run/docker.sock), NATS_URL (when set, no local NATS server is started),
# JARVIS_NATS_PORT and JARVIS_NATS_MONITOR_PORT (the local NATS server's client and HTTP ports, default 4222 and
# 8222), JARVIS_DATA_DIR (its data and log, default ./data).
set -euo pipefail

# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JARVIS_ROOT"

DATA_DIR="${JARVIS_DATA_DIR:-$JARVIS_ROOT/data}"
NATS_PORT="${JARVIS_NATS_PORT:-4222}"
NATS_MONITOR_PORT="${JARVIS_NATS_MONITOR_PORT:-8222}"
NATS_PIDFILE="$DATA_DIR/nats.pid"
NATS_LOG="$DATA_DIR/nats.log"
NATS_PID=""
JARVIS_PID=""
WATCHER_PID=""

# --- stopping what this script started ---------------------------------------------------------------------------
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # Not waited for: it may be gone already, and bash can block in `wait` for a child reaped during a trap.
  if [[ -n $WATCHER_PID ]]; then kill -TERM "$WATCHER_PID" 2>/dev/null || true; fi
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

# --- stopping when npm stops -------------------------------------------------------------------------------------
# The npm process that runs this script: the nearest ancestor that is not a shell (npm runs scripts through sh).
npm_ancestor() {
  local pid=$PPID comm
  while [[ $pid -gt 1 ]]; do
    comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
    case "$comm" in
      sh | dash | bash) pid="$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null)" || return 1 ;;
      *) echo "$pid" && return 0 ;;
    esac
  done
  return 1
}

# SIGTERM to npm ends npm and leaves this script running: a watcher sends this script SIGTERM when npm is gone,
# and the usual handler stops Jarvis, then NATS. Only under npm (npm_lifecycle_event is set): run by hand, the
# script stays as independent of its parent shell as any foreground program (nohup works).
if [[ -n ${npm_lifecycle_event:-} ]] && NPM_PID="$(npm_ancestor)"; then
  (
    trap - EXIT INT TERM
    while pid_alive "$NPM_PID"; do sleep 0.5; done
    info "npm (pid $NPM_PID) is gone: stopping"
    kill -TERM "$$" 2>/dev/null || true
  ) &
  WATCHER_PID=$!
fi

# --- what is missing ---------------------------------------------------------------------------------------------
if [[ -z ${NATS_URL:-} ]] && ! command -v nats-server >/dev/null 2>&1; then
  ensure_packages nats-server
fi
ensure_node_modules

if [[ -z ${DOCKER_HOST:-} && ! -S /var/run/docker.sock ]]; then
  warn 'no Docker engine found (/var/run/docker.sock is absent and DOCKER_HOST is unset): the monitor needs one to watch containers.'
  warn 'install one (e.g. apt-get install docker.io) or point DOCKER_HOST at an engine, e.g. DOCKER_HOST=unix:///path/to/docker.sock'
fi

# --- NATS --------------------------------------------------------------------------------------------------------
if [[ -n ${NATS_URL:-} ]]; then
  info "using NATS_URL=$NATS_URL (no local nats-server started)"
elif port_open 127.0.0.1 "$NATS_PORT"; then
  info "something already listens on 127.0.0.1:$NATS_PORT: using it as the NATS server (it must have JetStream enabled)"
  export NATS_URL="nats://127.0.0.1:$NATS_PORT"
else
  mkdir -p "$DATA_DIR/nats"
  info "starting nats-server with JetStream (data in $DATA_DIR/nats, log in $NATS_LOG)"
  # 2.10+ gets the config that fsyncs every write; 2.9 (Debian bookworm) the one without, and pick-config.sh warns.
  NATS_CONF="$("$JARVIS_ROOT/infra/nats/pick-config.sh")"
  # Its own session (setsid, which execs without forking here, so $! is nats-server itself): a Ctrl-C in the
  # terminal does not stop NATS under Jarvis while Jarvis is still shutting down.
  JARVIS_NATS_STORE="$DATA_DIR/nats" setsid nats-server -c "$NATS_CONF" -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT" \
    >"$NATS_LOG" 2>&1 </dev/null &
  NATS_PID=$!
  echo "$NATS_PID" >"$NATS_PIDFILE"
  for ((i = 0; i < 100; i++)); do
    if ! pid_alive "$NATS_PID"; then
      tail -n 20 "$NATS_LOG" >&2 || true
      die "nats-server exited during startup (log: $NATS_LOG)"
    fi
    if port_open 127.0.0.1 "$NATS_PORT" && grep -q 'Server is ready' "$NATS_LOG"; then break; fi
    sleep 0.1
  done
  if ! port_open 127.0.0.1 "$NATS_PORT"; then
    tail -n 20 "$NATS_LOG" >&2 || true
    die "nats-server did not become ready within 10 s (log: $NATS_LOG)"
  fi
  info "nats-server ready on 127.0.0.1:$NATS_PORT (pid $NATS_PID)"
  export NATS_URL="nats://127.0.0.1:$NATS_PORT"
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
