#!/usr/bin/env bash
# Jarvis healing benchmark (`npm run bench`): builds, then runs tests/dist/bench/healing-bench.js, which starts its own
# nats-server, a private dockerd and Jarvis, injects container crashes and hangs, measures MTTD/MTTR against Docker's
# own restart policy and idle RSS, prints the results and writes them to docs/benchmarks.md. A benchmark, not a
# test: it never fails on timing. Everything it starts is stopped by PID when it ends.
#
#   npm run bench                       full run (about 6 minutes on 2 cores), writes docs/benchmarks.md
#   npm run bench -- --quick            smoke run (10 crashes, 5 hangs, 2x3 Docker crashes), docs left alone
#   npm run bench -- --quick --write-docs
#   npm run bench -- --no-docs          full run, results on stdout only
#
# Start-up benchmark (tests/dist/bench/startup-bench.js): start-up time and RSS of all-in-one Jarvis with 10k, 100k
# and 1M events in the log, before snapshots (full replay) and after; it runs after the healing benchmark, or alone:
#   npm run bench -- --only startup [--sizes 10000,100000] [--no-docs|--write-docs]
#   npm run bench -- --only healing [--quick] ...
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
      [[ $# -ge 2 && ( "$2" == startup || "$2" == healing ) ]] || die '--only takes "startup" or "healing"'
      only=$2
      shift 2
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done

if [[ $only == healing ]]; then
  info "bench: node tests/dist/bench/healing-bench.js ${args[*]-}"
  exec node tests/dist/bench/healing-bench.js ${args[@]+"${args[@]}"}
fi
if [[ $only == startup ]]; then
  info "bench: node tests/dist/bench/startup-bench.js ${args[*]-}"
  exec node tests/dist/bench/startup-bench.js ${args[@]+"${args[@]}"}
fi
info "bench: node tests/dist/bench/healing-bench.js ${args[*]-}"
node tests/dist/bench/healing-bench.js ${args[@]+"${args[@]}"}
# The start-up bench takes only its own flags: a combined run passes it whether the docs are written.
startup_args=()
for arg in ${args[@]+"${args[@]}"}; do
  case "$arg" in
    --no-docs | --write-docs) startup_args+=("$arg") ;;
    --quick) startup_args+=(--sizes 10000,100000 --no-docs) ;;
  esac
done
info "bench: node tests/dist/bench/startup-bench.js ${startup_args[*]-}"
exec node tests/dist/bench/startup-bench.js ${startup_args[@]+"${startup_args[@]}"}
