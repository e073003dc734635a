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

info "bench: node tests/dist/bench/healing-bench.js $*"
exec node tests/dist/bench/healing-bench.js "$@"
