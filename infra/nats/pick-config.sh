#!/usr/bin/env bash
# Prints the path of the NATS config the quickstart should run with the installed nats-server: the one that
# fsyncs every JetStream write on 2.10 or newer, the 2.9 one otherwise, with a warning on stderr about what 2.9
# can lose in a power loss. Usage: infra/nats/pick-config.sh [path-to-nats-server]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=${1:-nats-server}

version=$("$server" --version 2>/dev/null | sed -n 's/^nats-server: v\{0,1\}\([0-9][0-9]*\)\.\([0-9][0-9]*\)\..*/\1 \2/p' | head -n 1)
if [[ -z $version ]]; then
  echo "pick-config: cannot read the version of $server; using the 2.9 config" >&2
  echo "$here/nats-server.conf"
  exit 0
fi
read -r major minor <<<"$version"
if ((major > 2 || (major == 2 && minor >= 10))); then
  echo "$here/nats-server-local-2.10.conf"
else
  echo "pick-config: WARNING: nats-server $major.$minor cannot fsync every write (sync_interval needs 2.10 or newer):" \
    "a power loss can lose up to the last 2 minutes of acknowledged Jarvis events (a crash of the process loses none)." \
    "Install nats-server 2.10 or newer to close that window." >&2
  echo "$here/nats-server.conf"
fi
