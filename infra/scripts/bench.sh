#!/usr/bin/env bash
# Jarvis benchmarks (`npm run bench`): builds, then runs, one after another (each starts and stops what it needs;
# none fails on timing; everything is stopped by PID, the tmpfs unmounted):
#   1. tests/dist/bench/healing-bench.js: its own nats-server, a private dockerd and Jarvis; container crashes and
#      hangs, MTTD/MTTR against Docker's own restart policy, the crash path step by step, idle RSS;
#   2. tests/dist/bench/disk-bench.js: a tmpfs filled past 80% while Jarvis watches it, 20 times: threshold crossed
#      → space freed and verified, step by step;
#   3. tests/dist/bench/http-bench.js: 1,000 HTTP endpoints on loopback probed every 15 s: CPU, scheduling lag, RSS;
#   4. tests/dist/bench/startup-bench.js at 10k and 100k events, as a check (its section of the docs is written by
#      `--only startup`, which adds the 1M-event log and takes about 8 minutes on its own).
# Each writes its section of docs/benchmarks.md. Two run only on their own, as each takes 6 minutes or more:
#   - tests/dist/bench/scenario-bench.js (`--only scenario`, 6 to 8 minutes): the DNS failure scenario of issue 7 on
#     the edge lab (bind9, ddclient, pebble, Caddy on loopback) against all-in-one Jarvis, 10 times, beside its steps
#     done by hand;
#   - tests/dist/bench/audit-bench.js (`--only audit`).
#
#   npm run bench                       full run (about 11 minutes on 2 cores), writes docs/benchmarks.md
#   npm run bench -- --quick            smoke run of each (small samples), docs left alone
#   npm run bench -- --quick --write-docs
#   npm run bench -- --no-docs          full run, results on stdout only
#   npm run bench -- --only healing|disk|http|startup|audit|scenario [--quick] [--no-docs|--write-docs]
#   npm run bench -- --only audit [--events 200000]   (its section is written by `--only audit` alone)
#   npm run bench -- --only startup [--sizes 10000,100000]
set -euo pipefail

# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$JARVIS_ROOT"

# A private Docker engine needs root, as for the integration tests.
if [[ $EUID -ne 0 ]]; then
  die 'the bench starts a private dockerd, which needs root: run it as root (e.g. `sudo env "PATH=$PATH" npm run bench`)'
fi
for tool in nats-server dockerd busybox; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH (Debian packages: nats-server docker.io busybox-static; \`npm test\` installs them)"
done
[[ -d node_modules ]] || die 'node_modules is missing: run `npm ci` first'

info 'build: npx tsc -b'
npx --no-install tsc -b

only=all
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only)
      [[ $# -ge 2 && ( "$2" == startup || "$2" == healing || "$2" == disk || "$2" == http || "$2" == audit || "$2" == scenario ) ]] || die '--only takes "healing", "disk", "http", "startup", "audit" or "scenario"'
      only=$2
      shift 2
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done

# The scenario's edge lab runs Debian's bind9, ddclient, pebble and Caddy on loopback, as its e2e test does.
if [[ $only == scenario ]]; then
  for tool in named nsupdate dig tsig-keygen ddclient pebble caddy; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH (Debian packages: bind9 bind9-dnsutils ddclient pebble caddy; \`npm test\` installs them)"
  done
fi
if [[ $only != all ]]; then
  info "bench: node tests/dist/bench/$only-bench.js ${args[*]-}"
  exec node "tests/dist/bench/$only-bench.js" ${args[@]+"${args[@]}"}
fi
for bench in healing disk http; do
  info "bench: node tests/dist/bench/$bench-bench.js ${args[*]-}"
  node "tests/dist/bench/$bench-bench.js" ${args[@]+"${args[@]}"}
done
# The start-up bench takes only its own flags; with --sizes it leaves the docs alone (its section is `--only startup`'s).
info 'bench: node tests/dist/bench/startup-bench.js --sizes 10000,100000'
exec node tests/dist/bench/startup-bench.js --sizes 10000,100000
